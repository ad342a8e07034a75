"""Scoring operations: subject score import (成绩登记), publicity (成绩公示), corrections
(成绩更正) with audit, the permanent lock (永久锁定) and certificate results (考证结果)."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from scoring.plans.models import PlanSubjectRule, ScoringPlan
from scoring.plans.repository import PlanRepository
from scoring.roster.models import RosterEntry
from scoring.roster.repository import RosterRepository
from scoring.scores.models import (
    CertificateResult,
    Score,
    ScoreChange,
    ScoreObjection,
    ScoreSheet,
)
from scoring.scores.repository import ScoreRepository
from scoring.scores.rules import (
    ATTACHMENT_TYPES,
    MAX_ATTACHMENT_BYTES,
    STATES,
    ImportRow,
    ObjectionStatus,
    ResultKind,
    SheetAction,
    SheetStatus,
    determine,
    following_windows,
    publicity_over,
    registration_refusal,
    score_problem,
    window_text,
)
from scoring.scores.schemas import (
    CandidateScoresOut,
    CorrectionIn,
    ImportSummaryOut,
    InstitutionPlanScoresOut,
    LockSummaryOut,
    MyResultOut,
    MySubjectScoreOut,
    ObjectionAnswerIn,
    ScoreSheetOut,
    StudentScoresOut,
    SubjectOut,
)
from scoring.scores.xlsx import parse_score_workbook
from skillcert.audit import audit
from skillcert.auth import Principal
from skillcert.clock import format_china, utcnow
from skillcert.errors import Conflict, FieldError, InvalidInput, NotFound, RuleViolation
from skillcert.events import ResultDetermined, ResultRule, SessionAbsenteesRecorded
from skillcert.outbox import record
from skillcert.paging import Slice
from skillcert.pii import mask_id_number
from skillcert.storage import ObjectStore

log = logging.getLogger("scoring")

SUBJECT_PATH_FIELD = "path.subject_code"


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str
    data: bytes


def attachment_problem(attachment: Attachment) -> str | None:
    if attachment.content_type not in ATTACHMENT_TYPES:
        return "附件须为 PDF、JPG 或 PNG 文件"
    if len(attachment.data) > MAX_ATTACHMENT_BYTES:
        return f"附件不能超过 {MAX_ATTACHMENT_BYTES // (1024 * 1024)} MB"
    if not attachment.data:
        return "附件是空文件"
    return None


def subject_scores_out(
    subjects: list[PlanSubjectRule], scores: dict[str, Decimal]
) -> list[MySubjectScoreOut]:
    out: list[MySubjectScoreOut] = []
    for subject in subjects:
        score = scores.get(subject.code)
        out.append(
            MySubjectScoreOut(
                subject_code=subject.code,
                subject_name=subject.name,
                score=float(score) if score is not None else None,
                pass_score=float(subject.pass_score),
                passed=score >= subject.pass_score if score is not None else None,
            )
        )
    return out


def follow_windows(plan: ScoringPlan, sheet: ScoreSheet, at: datetime) -> None:
    """Bring the stored sheet to the plan's 公示 window: publicity opens by itself, and its end
    follows the plan's (moved by exam.plan.windows_changed)."""
    if plan.publicity_opens_at is None:
        return
    status = following_windows(SheetStatus(sheet.status), plan.publicity_opens_at, at)
    if status is SheetStatus.PUBLICITY:
        sheet.status = status
        sheet.publicity_starts_at = sheet.publicity_starts_at or plan.publicity_opens_at
        sheet.publicity_ends_at = plan.publicity_closes_at


def result_kind(result: CertificateResult | None) -> ResultKind | None:
    if result is None:
        return None
    return "pass" if result.result == "pass" else "fail"


class ScoringService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.plans = PlanRepository(session)
        self.roster = RosterRepository(session)
        self.repo = ScoreRepository(session)

    # --- guards ---------------------------------------------------------------------------

    async def _plan_of(self, principal: Principal, plan_id: UUID) -> ScoringPlan:
        """The plan, if the caller is staff of its organisation; otherwise it does not exist
        for them (no hint that another organisation's plan is there)."""
        plan = await self.plans.get(plan_id)
        if plan is None or not principal.is_staff_of(plan.org_id):
            raise NotFound("考试计划不存在")
        return plan

    async def _sheet_for(self, plan: ScoringPlan, action: SheetAction, at: datetime) -> ScoreSheet:
        sheet = await self.repo.sheet_for_update(plan.plan_id, at)
        follow_windows(plan, sheet, at)
        STATES.transition(SheetStatus(sheet.status), action)
        return sheet

    @staticmethod
    def _subject(
        subjects: list[PlanSubjectRule], code: str, field: str
    ) -> tuple[PlanSubjectRule | None, FieldError | None]:
        for subject in subjects:
            if subject.code == code:
                return subject, None
        return None, FieldError(field=field, message="该考试计划没有此科目", code="unknown_subject")

    # --- import ---------------------------------------------------------------------------

    async def import_scores(
        self, principal: Principal, plan_id: UUID, subject_code: str, rows: list[ImportRow]
    ) -> ImportSummaryOut:
        """All or nothing: one bad row and no score of the batch is written. Only inside the
        plan's 登记 window (成绩登记时间)."""
        plan = await self._plan_of(principal, plan_id)
        at = utcnow()
        sheet = await self._sheet_for(plan, SheetAction.IMPORT, at)
        if refusal := registration_refusal(plan.scores_open_at, plan.scores_close_at, at):
            raise RuleViolation(refusal)
        subject, subject_error = self._subject(
            await self.plans.subjects(plan_id), subject_code, SUBJECT_PATH_FIELD
        )
        if subject is None:
            assert subject_error is not None
            raise InvalidInput("该考试计划没有此科目，未导入任何成绩", errors=[subject_error])
        roster = await self.roster.by_tickets(plan_id, (r.ticket_number for r in rows))
        absent = await self.repo.absent(plan_id, subject.code)
        errors: list[FieldError] = []
        first_seen: dict[str, str] = {}
        for row in rows:
            field = f"{row.locator}.ticket_number"
            if row.ticket_number in first_seen:
                errors.append(
                    FieldError(
                        field=field,
                        message=f"准考证号重复（与 {first_seen[row.ticket_number]} 相同）",
                        code="duplicate",
                    )
                )
            elif row.ticket_number not in roster:
                errors.append(
                    FieldError(
                        field=field,
                        message="准考证号不在本考试计划的考生名单中",
                        code="unknown_ticket",
                    )
                )
            elif roster[row.ticket_number].application_id in absent:
                errors.append(
                    FieldError(
                        field=f"{row.locator}.score",
                        message="该考生本科目缺考，不能登记成绩",
                        code="absent",
                    )
                )
            first_seen.setdefault(row.ticket_number, row.locator)
            if problem := score_problem(row.score, subject.full_score):
                errors.append(FieldError(field=f"{row.locator}.score", message=problem))
        if errors:
            raise InvalidInput(f"共 {len(errors)} 处错误，未导入任何成绩", errors=errors)

        existing = await self.repo.scores_of_subject(
            plan_id, subject.code, (e.application_id for e in roster.values())
        )
        imported = updated = unchanged = 0
        for row in rows:
            entry = roster[row.ticket_number]
            current = existing.get(entry.application_id)
            if current is None:
                self.repo.add(
                    Score(
                        plan_id=plan_id,
                        application_id=entry.application_id,
                        subject_code=subject.code,
                        score=row.score,
                        recorded_by=principal.account_id,
                        recorded_at=at,
                    )
                )
                imported += 1
            elif current.score == row.score:
                unchanged += 1
            else:
                self._change(principal, entry, current, row.score, "import", None, at)
                updated += 1
        sheet.updated_at = at
        await self.session.flush()
        return ImportSummaryOut(imported=imported, updated=updated, unchanged=unchanged)

    async def import_workbook(
        self, principal: Principal, plan_id: UUID, subject_code: str, data: bytes
    ) -> ImportSummaryOut:
        await self._plan_of(principal, plan_id)
        # openpyxl is synchronous and a full sheet takes a moment: keep the event loop free.
        rows = await asyncio.to_thread(parse_score_workbook, data)
        return await self.import_scores(principal, plan_id, subject_code, rows)

    def _change(
        self,
        principal: Principal,
        entry: RosterEntry,
        current: Score,
        new_score: Decimal,
        source: str,
        reason: str | None,
        at: datetime,
    ) -> ScoreChange:
        change = ScoreChange(
            plan_id=entry.plan_id,
            application_id=entry.application_id,
            ticket_number=entry.ticket_number,
            subject_code=current.subject_code,
            old_score=current.score,
            new_score=new_score,
            source=source,
            reason=reason,
            changed_by=principal.account_id,
            changed_by_name=principal.name,
            changed_at=at,
        )
        self.repo.add(change)
        current.score = new_score
        current.recorded_by = principal.account_id
        current.recorded_at = at
        return change

    # --- publicity and corrections --------------------------------------------------------

    async def start_publicity(
        self, principal: Principal, plan_id: UUID, ends_at: datetime
    ) -> ScoreSheetOut:
        plan = await self._plan_of(principal, plan_id)
        if plan.publicity_opens_at is not None and plan.publicity_closes_at is not None:
            window = window_text(plan.publicity_opens_at, plan.publicity_closes_at)
            raise RuleViolation(f"成绩公示期由考试计划设定（{window}），到时自动开始")
        at = utcnow()
        sheet = await self._sheet_for(plan, SheetAction.START_PUBLICITY, at)
        if ends_at.tzinfo is None:
            message = "时间应包含时区，例如 2026-03-01T18:00:00+08:00"
            raise InvalidInput(message, errors=[FieldError(field="ends_at", message=message)])
        if ends_at <= at:
            message = "公示结束时间应晚于当前时间"
            raise InvalidInput(message, errors=[FieldError(field="ends_at", message=message)])
        sheet.status = SheetStatus.PUBLICITY
        sheet.publicity_starts_at = at
        sheet.publicity_ends_at = ends_at
        sheet.publicity_started_by = principal.account_id
        sheet.updated_at = at
        await self.session.flush()
        return await self._sheet_out(plan, sheet)

    async def correct(self, principal: Principal, plan_id: UUID, body: CorrectionIn) -> ScoreChange:
        """A correction (成绩更正), allowed until the lock; old, new, who, when and why are kept."""
        plan = await self._plan_of(principal, plan_id)
        at = utcnow()
        sheet = await self._sheet_for(plan, SheetAction.CORRECT, at)
        subject, subject_error = self._subject(
            await self.plans.subjects(plan_id), body.subject_code, "subject_code"
        )
        entry = await self.roster.by_ticket(plan_id, body.ticket_number)
        errors = [subject_error] if subject_error else []
        if entry is None:
            errors.append(
                FieldError(
                    field="ticket_number",
                    message="准考证号不在本考试计划的考生名单中",
                    code="unknown_ticket",
                )
            )
        if subject is not None and (problem := score_problem(body.score, subject.full_score)):
            errors.append(FieldError(field="score", message=problem))
        elif (
            subject is not None
            and entry is not None
            and entry.application_id in await self.repo.absent(plan_id, subject.code)
        ):
            errors.append(FieldError(field="score", message="该考生本科目缺考，不能登记成绩"))
        if errors:
            raise InvalidInput("成绩更正有误，未作修改", errors=errors)
        assert entry is not None and subject is not None
        change = await self._record_correction(
            principal, entry, subject.code, body.score, body.reason, at
        )
        sheet.updated_at = at
        await self.session.flush()
        return change

    async def _record_correction(
        self,
        principal: Principal,
        entry: RosterEntry,
        subject_code: str,
        score: Decimal,
        reason: str,
        at: datetime,
    ) -> ScoreChange:
        plan_id = entry.plan_id
        current = await self.repo.score(plan_id, entry.application_id, subject_code)
        if current is not None and current.score == score:
            message = "新成绩与原成绩相同"
            raise InvalidInput(message, errors=[FieldError(field="score", message=message)])
        if current is None:
            # A correction may also record a score that was never imported (e.g. a lost sheet).
            current = Score(
                plan_id=plan_id,
                application_id=entry.application_id,
                subject_code=subject_code,
                score=score,
                recorded_by=principal.account_id,
                recorded_at=at,
            )
            change = ScoreChange(
                plan_id=plan_id,
                application_id=entry.application_id,
                ticket_number=entry.ticket_number,
                subject_code=subject_code,
                old_score=None,
                new_score=score,
                source="correction",
                reason=reason,
                changed_by=principal.account_id,
                changed_by_name=principal.name,
                changed_at=at,
            )
            self.repo.add(current, change)
        else:
            change = self._change(principal, entry, current, score, "correction", reason, at)
        await audit(
            self.session,
            principal,
            kind="decision",
            action="scoring.score.corrected",
            subject_type="score",
            subject_id=f"{entry.ticket_number}/{subject_code}",
            person_id=entry.candidate_id,
            reason=f"{subject_code} 成绩更正为 {score}：{reason}",
        )
        return change

    async def changes(self, principal: Principal, plan_id: UUID) -> list[ScoreChange]:
        await self._plan_of(principal, plan_id)
        return await self.repo.changes(plan_id)

    # --- objections (成绩异议) --------------------------------------------------------------

    async def raise_objection(
        self,
        principal: Principal,
        plan_id: UUID,
        subject_code: str,
        reason: str,
        attachment: Attachment | None,
        storage: ObjectStore | None,
    ) -> ScoreObjection:
        """A candidate objects to one of their subject scores, only during publicity (公示期)."""
        entry = next(
            (
                e
                for e in await self.roster.of_candidate(principal.account_id)
                if e.plan_id == plan_id
            ),
            None,
        )
        plan = await self.plans.get(plan_id)
        if entry is None or plan is None:
            raise NotFound("考试计划不存在")
        at = utcnow()
        # The sheet's row lock: an objection and the lock of the same plan cannot interleave.
        sheet = await self.repo.sheet_for_update(plan_id, at)
        follow_windows(plan, sheet, at)
        if sheet.status != SheetStatus.PUBLICITY or publicity_over(sheet.publicity_ends_at, at):
            when = (
                f"（公示期 {window_text(sheet.publicity_starts_at, sheet.publicity_ends_at)}）"
                if sheet.publicity_starts_at and sheet.publicity_ends_at
                else ""
            )
            raise RuleViolation(f"只能在成绩公示期内提出异议{when}")
        errors: list[FieldError] = []
        _, subject_error = self._subject(
            await self.plans.subjects(plan_id), subject_code, "subject_code"
        )
        if subject_error:
            errors.append(subject_error)
        reason = reason.strip()
        if not 2 <= len(reason) <= 500:
            errors.append(FieldError(field="reason", message="请填写异议理由（2 至 500 字）"))
        if attachment is not None and (problem := attachment_problem(attachment)):
            errors.append(FieldError(field="attachment", message=problem))
        if errors:
            raise InvalidInput("异议内容有误，未提交", errors=errors)
        if await self.repo.open_objection(entry.application_id, subject_code):
            raise Conflict("该科目已有待答复的异议，请等待培训评价组织答复")
        objection = ScoreObjection(
            id=uuid4(),
            plan_id=plan_id,
            application_id=entry.application_id,
            candidate_id=entry.candidate_id,
            ticket_number=entry.ticket_number,
            candidate_name=entry.candidate_name,
            subject_code=subject_code,
            reason=reason,
            status=ObjectionStatus.OPEN,
            raised_at=at,
        )
        if attachment is not None:
            if storage is None:
                raise RuleViolation("暂不能上传附件，请稍后再试")
            key = f"scoring/objections/{objection.id}{ATTACHMENT_TYPES[attachment.content_type]}"
            await storage.put(key, attachment.data, attachment.content_type)
            objection.attachment_key = key
            objection.attachment_name = attachment.filename[:200]
            objection.attachment_type = attachment.content_type
        self.repo.add(objection)
        await self.session.flush()
        return objection

    async def my_objections(self, principal: Principal) -> list[ScoreObjection]:
        return await self.repo.objections_of_candidate(principal.account_id)

    async def objections(self, principal: Principal, plan_id: UUID) -> list[ScoreObjection]:
        await self._plan_of(principal, plan_id)
        return await self.repo.objections(plan_id)

    async def objection_attachment(
        self, principal: Principal, plan_id: UUID, objection_id: UUID, storage: ObjectStore | None
    ) -> tuple[ScoreObjection, bytes]:
        await self._plan_of(principal, plan_id)
        objection = await self.repo.objection(plan_id, objection_id)
        if objection is None or objection.attachment_key is None or storage is None:
            raise NotFound("附件不存在")
        return objection, await storage.get(objection.attachment_key)

    async def answer_objection(
        self, principal: Principal, plan_id: UUID, objection_id: UUID, body: ObjectionAnswerIn
    ) -> ScoreObjection:
        """The organisation answers an objection: corrects the score (an audited change whose
        reason is the answer) or explains. Answered after the lock, the candidate's held result
        is determined then."""
        plan = await self._plan_of(principal, plan_id)
        at = utcnow()
        sheet = await self.repo.sheet_for_update(plan_id, at)
        follow_windows(plan, sheet, at)
        objection = await self.repo.objection(plan_id, objection_id)
        if objection is None:
            raise NotFound("异议不存在")
        if objection.status != ObjectionStatus.OPEN:
            raise Conflict("该异议已答复")
        entry = await self.roster.by_ticket(plan_id, objection.ticket_number)
        assert entry is not None
        if body.outcome == ObjectionStatus.CORRECTED:
            subjects = await self.plans.subjects(plan_id)
            subject = next(s for s in subjects if s.code == objection.subject_code)
            problem = (
                "更正成绩时请填写新成绩"
                if body.score is None
                else score_problem(body.score, subject.full_score)
            )
            if problem:
                raise InvalidInput(problem, errors=[FieldError(field="score", message=problem)])
            assert body.score is not None
            change = await self._record_correction(
                principal, entry, subject.code, body.score, f"异议答复：{body.answer}", at
            )
            await self.session.flush()  # the change's id
            objection.change_id = change.id
        objection.status = body.outcome
        objection.answer = body.answer
        objection.answered_by = principal.account_id
        objection.answered_by_name = principal.name
        objection.answered_at = at
        sheet.updated_at = at
        await self.session.flush()
        if (
            sheet.status == SheetStatus.LOCKED
            and not await self.repo.open_objection(entry.application_id)
            and not await self.repo.results(plan_id, [entry.application_id])
        ):
            scores = await self._countable(
                plan_id, await self.repo.scores_by_application(plan_id, [entry.application_id])
            )
            await self._determine(
                entry,
                await self.plans.subjects(plan_id),
                scores.get(entry.application_id, {}),
                ResultRule.model_validate(plan.result_rule),
                at,
            )
            await self.session.flush()
        return objection

    # --- lock and results -----------------------------------------------------------------

    async def lock(self, principal: Principal, plan_id: UUID) -> LockSummaryOut:
        """Permanent lock (永久锁定) by the organisation, once publicity is over; a plan with a
        公示 window locks by itself when it ends (scores.jobs), this only comes first."""
        plan = await self._plan_of(principal, plan_id)
        at = utcnow()
        sheet = await self._sheet_for(plan, SheetAction.LOCK, at)
        if sheet.status == SheetStatus.OPEN and plan.publicity_opens_at is not None:
            assert plan.publicity_closes_at is not None
            window = window_text(plan.publicity_opens_at, plan.publicity_closes_at)
            raise RuleViolation(f"成绩须先公示，公示期为 {window}")
        if sheet.status == SheetStatus.PUBLICITY and not publicity_over(
            sheet.publicity_ends_at, at
        ):
            assert sheet.publicity_ends_at is not None
            until = format_china(sheet.publicity_ends_at)
            raise RuleViolation(f"成绩公示期至 {until}，公示期结束后才能锁定")
        return await self._lock(plan, sheet, at, principal.account_id)

    async def lock_when_due(self, plan_id: UUID, at: datetime) -> LockSummaryOut | None:
        """The automatic lock (公示期满自动锁定): the plan's 公示 window has ended and its sheet
        is not locked yet. Checked again under the sheet's row lock, so two passes (or
        replicas) never lock a plan twice; None when there was nothing to do."""
        plan = await self.plans.get(plan_id)
        if plan is None or plan.publicity_closes_at is None or at < plan.publicity_closes_at:
            return None
        sheet = await self.repo.sheet_for_update(plan_id, at)
        follow_windows(plan, sheet, at)
        if sheet.status == SheetStatus.LOCKED:
            return None
        return await self._lock(plan, sheet, at, None)

    async def _lock(
        self, plan: ScoringPlan, sheet: ScoreSheet, at: datetime, by: UUID | None
    ) -> LockSummaryOut:
        """Locks the sheet and determines and announces each rostered candidate's result."""
        plan_id = plan.plan_id
        rule = ResultRule.model_validate(plan.result_rule)
        subjects = await self.plans.subjects(plan_id)
        entries = await self.roster.of_plan(plan_id)
        scores = await self._countable(plan_id, await self.repo.scores_by_application(plan_id))
        # An open objection holds only its candidate: their result follows the answer.
        held = await self.repo.held(plan_id)
        passed = failed = 0
        for entry in entries:
            if entry.application_id in held:
                continue
            result = await self._determine(
                entry, subjects, scores.get(entry.application_id, {}), rule, at
            )
            if result == "pass":
                passed += 1
            else:
                failed += 1
        sheet.status = SheetStatus.LOCKED
        sheet.locked_at = at
        sheet.locked_by = by
        sheet.updated_at = at
        await self.session.flush()
        log.info("plan %s scores locked: %d passed, %d failed", plan_id, passed, failed)
        return LockSummaryOut(
            plan_id=plan_id, status=SheetStatus.LOCKED, locked_at=at, passed=passed, failed=failed
        )

    async def _countable(
        self, plan_id: UUID, scores: dict[UUID, dict[str, Decimal]]
    ) -> dict[UUID, dict[str, Decimal]]:
        """缺考 is not sat: a subject the candidate was absent from has no score to count
        (none can be given; this holds even for one entered before the absence was heard)."""
        for application_id, codes in (await self.repo.absent(plan_id)).items():
            for code in codes:
                scores.get(application_id, {}).pop(code, None)
        return scores

    async def record_absentees(self, event: SessionAbsenteesRecorded) -> None:
        """A room's session closed at exam-scheduling: its absentees are absent (缺考) from
        the subject. Idempotent: each absence is stored once."""
        for a in event.absentees:
            await self.repo.record_absence(
                {
                    "plan_id": event.plan_id,
                    "application_id": a.application_id,
                    "subject_code": event.subject_code,
                    "candidate_id": a.candidate_id,
                    "ticket_number": a.ticket_number,
                    "session_id": event.session_id,
                    "room_id": event.room_id,
                    "recorded_at": event.closed_at,
                }
            )
        log.info(
            "plan %s subject %s room %s: %d absent",
            event.plan_id,
            event.subject_code,
            event.room_id,
            len(event.absentees),
        )

    async def _determine(
        self,
        entry: RosterEntry,
        subjects: list[PlanSubjectRule],
        scores: dict[str, Decimal],
        rule: ResultRule,
        at: datetime,
    ) -> ResultKind:
        """The candidate's result, stored and announced (scoring.result.determined.v1) once."""
        result, subject_scores = determine(subjects, scores, rule)
        self.repo.add(
            CertificateResult(
                plan_id=entry.plan_id,
                application_id=entry.application_id,
                candidate_id=entry.candidate_id,
                ticket_number=entry.ticket_number,
                result=result,
                subject_scores=[s.model_dump(mode="json") for s in subject_scores],
                determined_at=at,
            )
        )
        await record(
            self.session,
            ResultDetermined(
                application_id=entry.application_id,
                candidate_id=entry.candidate_id,
                plan_id=entry.plan_id,
                ticket_number=entry.ticket_number,
                candidate_name=entry.candidate_name,
                id_number=entry.id_number,
                institution_id=entry.institution_id,
                institution_name=entry.institution_name,
                result=result,
                subject_scores=subject_scores,
                determined_at=at,
            ),
        )
        return result

    # --- reads ----------------------------------------------------------------------------

    async def sheet(self, principal: Principal, plan_id: UUID) -> ScoreSheetOut:
        plan = await self._plan_of(principal, plan_id)
        return await self._sheet_out(plan, await self.repo.sheet(plan_id))

    async def _sheet_out(self, plan: ScoringPlan, sheet: ScoreSheet | None) -> ScoreSheetOut:
        subjects = await self.plans.subjects(plan.plan_id)
        stored = SheetStatus(sheet.status) if sheet else SheetStatus.OPEN
        windowed = plan.publicity_opens_at is not None
        return ScoreSheetOut(
            plan_id=plan.plan_id,
            title=plan.title,
            status=following_windows(stored, plan.publicity_opens_at, utcnow()),
            scores_open_at=plan.scores_open_at,
            scores_close_at=plan.scores_close_at,
            publicity_starts_at=plan.publicity_opens_at
            if windowed
            else (sheet.publicity_starts_at if sheet else None),
            publicity_ends_at=plan.publicity_closes_at
            if windowed
            else (sheet.publicity_ends_at if sheet else None),
            locked_at=sheet.locked_at if sheet else None,
            result_rule=ResultRule.model_validate(plan.result_rule),
            subjects=[
                SubjectOut(
                    code=s.code,
                    name=s.name,
                    method=s.method,
                    full_score=float(s.full_score),
                    pass_score=float(s.pass_score),
                )
                for s in subjects
            ],
            rostered=await self.roster.count(plan.plan_id),
        )

    async def list_scores(
        self, principal: Principal, plan_id: UUID, cursor: str | None, limit: int
    ) -> Slice[CandidateScoresOut]:
        """The organisation's list: one row per rostered candidate, ID numbers masked."""
        await self._plan_of(principal, plan_id)
        entries = await self.roster.page(plan_id, cursor, limit)
        ids = [e.application_id for e in entries.items]
        scores = await self.repo.scores_by_application(plan_id, ids)
        results = await self.repo.results(plan_id, ids)
        absent = await self.repo.absent(plan_id)
        return entries.map(
            lambda e: CandidateScoresOut(
                application_id=e.application_id,
                ticket_number=e.ticket_number,
                candidate_name=e.candidate_name,
                id_number=mask_id_number(e.id_number) or "",
                institution_id=e.institution_id,
                institution_name=e.institution_name,
                scores={k: float(v) for k, v in scores.get(e.application_id, {}).items()},
                absent_subjects=sorted(absent.get(e.application_id, set())),
                result=result_kind(results.get(e.application_id)),
            )
        )

    async def institution_scores(
        self, principal: Principal, plan_id: UUID, cursor: str | None, limit: int
    ) -> InstitutionPlanScoresOut:
        """An institution's own students on a plan: scores and results once publicity opens
        (公示期开始后), nothing before; another institution's students are never listed."""
        plan = await self.plans.get(plan_id)
        institution_id = principal.org_id or ""
        if plan is None or not institution_id:
            raise NotFound("考试计划不存在")
        sheet = await self.repo.sheet(plan_id)
        status = following_windows(
            SheetStatus(sheet.status) if sheet else SheetStatus.OPEN,
            plan.publicity_opens_at,
            utcnow(),
        )
        if status is SheetStatus.OPEN:
            return InstitutionPlanScoresOut(
                plan_id=plan_id, plan_title=plan.title, status=status, items=[], next_cursor=None
            )
        entries = await self.roster.page_of_institution(plan_id, institution_id, cursor, limit)
        ids = [e.application_id for e in entries.items]
        scores = await self.repo.scores_by_application(plan_id, ids)
        results = await self.repo.results(plan_id, ids)
        subjects = await self.plans.subjects(plan_id)
        page = entries.page()
        return InstitutionPlanScoresOut(
            plan_id=plan_id,
            plan_title=plan.title,
            status=status,
            items=[
                StudentScoresOut(
                    application_id=e.application_id,
                    ticket_number=e.ticket_number,
                    candidate_name=e.candidate_name,
                    id_number=mask_id_number(e.id_number) or "",
                    scores=subject_scores_out(subjects, scores.get(e.application_id, {})),
                    result=result_kind(results.get(e.application_id)),
                )
                for e in entries.items
            ],
            next_cursor=page.next_cursor,
        )

    async def my_results(self, principal: Principal) -> list[MyResultOut]:
        """A candidate's own plans: scores once publicity starts (公示期开始后可查看), the
        result once locked."""
        entries = await self.roster.of_candidate(principal.account_id)
        plan_ids = {e.plan_id for e in entries}
        plans = await self.plans.many(plan_ids)
        subjects = await self.plans.subjects_of(plan_ids)
        sheets = await self.repo.sheets(plan_ids)
        results = await self.repo.results_of_candidate(principal.account_id)
        out: list[MyResultOut] = []
        now = utcnow()
        for entry in entries:
            sheet = sheets.get(entry.plan_id)
            plan = plans.get(entry.plan_id)
            status = following_windows(
                SheetStatus(sheet.status) if sheet else SheetStatus.OPEN,
                plan.publicity_opens_at if plan else None,
                now,
            )
            visible: list[MySubjectScoreOut] = []
            if status is not SheetStatus.OPEN:
                mine = (
                    await self.repo.scores_by_application(entry.plan_id, [entry.application_id])
                ).get(entry.application_id, {})
                for subject in subjects.get(entry.plan_id, []):
                    score = mine.get(subject.code)
                    visible.append(
                        MySubjectScoreOut(
                            subject_code=subject.code,
                            subject_name=subject.name,
                            score=float(score) if score is not None else None,
                            pass_score=float(subject.pass_score),
                            passed=score >= subject.pass_score if score is not None else None,
                        )
                    )
            result = results.get(entry.application_id)
            out.append(
                MyResultOut(
                    plan_id=entry.plan_id,
                    plan_title=plan.title if plan else "考试计划",
                    ticket_number=entry.ticket_number,
                    status=status,
                    scores=visible,
                    result=result_kind(result),
                    determined_at=result.determined_at if result else None,
                )
            )
        return out
