"""Pilot plans and applications (证书试点申报). Flushes only; the caller owns the transaction.

Who sees what: a province admin (`PROV-<letters>`) its province's plans and submitted
applications; a city reviewer (`CITY-<city code>`) its city's submitted applications; the
institution's head and admins (org_id = 学校标识码) their province's plans and their own
applications. Anything else is "not found", so nobody learns of another's applications."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from sqlalchemy.ext.asyncio import AsyncSession

from institution.directory.models import DirectoryEntry
from institution.directory.repository import DirectoryRepository
from institution.directory.rules import province_of_org
from institution.pilot.models import (
    PilotApplication,
    PilotAttachment,
    PilotBatch,
    PilotDecision,
    PilotPlan,
)
from institution.pilot.repository import PilotRepository
from institution.pilot.rules import (
    ATTACHMENT_MAX_BYTES,
    ATTACHMENTS_MAX,
    TRANSITIONS,
    AttachmentStatus,
    DecisionLevel,
    Outcome,
    PilotAction,
    PilotStatus,
    attachment_problem,
    batch_is_open,
    batch_problems,
    city_of_org,
    content_problems,
    decision_action,
    declared_attachment_problems,
    safe_file_name,
    sanitise,
    sniff_document,
    submission_problems,
    submit_action,
)
from institution.pilot.schemas import (
    NewPilotApplicationIn,
    PilotApplicationIn,
    PilotApplicationOut,
    PilotAttachmentOut,
    PilotBatchIn,
    PilotCertificateOut,
    PilotDecisionIn,
    PilotDecisionOut,
    PilotPlanIn,
    PilotPlanOut,
    PilotStatusOut,
    PilotSubmitIn,
    PilotYearOut,
    attachment_out,
    certificate_out,
    major_out,
    status_label,
)
from institution.profile.repository import ProfileRepository
from institution.signup.models import InstitutionHead
from skillcert import outbox
from skillcert.audit import audit
from skillcert.auth import Principal, Role
from skillcert.db import advisory_lock
from skillcert.errors import Conflict, FieldError, Forbidden, InvalidInput, NotFound, RuleViolation
from skillcert.events import PilotApproved, PilotDecided
from skillcert.paging import Slice
from skillcert.storage import ObjectStore, PresignedUpload

log = logging.getLogger("institution.pilot")

NOT_FOUND = "申报不存在"
INSTITUTION_ROLES = (Role.INSTITUTION_HEAD, Role.INSTITUTION_ADMIN)


def province_of(principal: Principal) -> str:
    province = province_of_org(principal.org_id)
    if province is None:
        raise Forbidden("账号未关联省级教育行政部门")
    return province


def city_of(principal: Principal) -> str:
    city = city_of_org(principal.org_id)
    if city is None:
        raise Forbidden("账号未关联地市级教育行政部门")
    return city


def _invalid(message: str, problems: list[FieldError]) -> InvalidInput:
    return InvalidInput(problems[0].message if len(problems) == 1 else message, errors=problems)


class PilotService:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.repo = PilotRepository(session)
        self.directory = DirectoryRepository(session)

    # --- plans ---------------------------------------------------------------------------

    async def create_plan(
        self, principal: Principal, body: PilotPlanIn, now: datetime
    ) -> PilotPlanOut:
        """发布申报计划: one plan per province and year, with its first batches."""
        province = province_of(principal)
        problems = [
            FieldError(field=f"batches[{i}].{p.field}", message=p.message)
            for i, batch in enumerate(body.batches)
            for p in self._batch_problems(batch, body.year)
        ]
        names = [b.name for b in body.batches]
        if len(set(names)) != len(names):
            problems.append(FieldError(field="batches", message="申报批次名称重复"))
        if problems:
            raise _invalid("申报计划有误", problems)
        await advisory_lock(self.session, f"pilot-plan:{province}:{body.year}")
        if await self.repo.plan_of_year(province, body.year) is not None:
            raise Conflict(f"{body.year}年的申报计划已发布，请在该计划中增加批次")
        plan = PilotPlan(
            id=uuid4(),
            province=province,
            year=body.year,
            title=body.title,
            created_by=principal.account_id,
            created_at=now,
        )
        self.repo.add(plan)
        await self.session.flush()
        batches = [self._new_batch(plan, b, now) for b in body.batches]
        self.repo.add(*batches)
        await self.session.flush()
        return PilotPlanOut.of(plan, sorted(batches, key=lambda b: (b.opens_at, b.name)), now)

    async def add_batch(
        self, principal: Principal, plan_id: UUID, body: PilotBatchIn, now: datetime
    ) -> PilotPlanOut:
        """增加批次 (e.g. a second batch for certificates added late, 补报)."""
        plan = await self._own_plan(principal, plan_id)
        if problems := self._batch_problems(body, plan.year):
            raise _invalid("申报批次有误", problems)
        batches = await self.repo.batches([plan.id])
        if body.name in {b.name for b in batches}:
            raise Conflict("该计划已有同名的申报批次")
        batch = self._new_batch(plan, body, now)
        self.repo.add(batch)
        await self.session.flush()
        return PilotPlanOut.of(plan, await self.repo.batches([plan.id]), now)

    async def plans(
        self, principal: Principal, year: int | None, now: datetime
    ) -> list[PilotPlanOut]:
        """The province's plans: its admin's own, or the institution's province's."""
        if principal.role is Role.PROVINCE_ADMIN:
            province = province_of(principal)
        else:
            province = (await self._own_institution(principal)).province
        plans = await self.repo.plans(province, year)
        batches = await self.repo.batches(p.id for p in plans)
        return [PilotPlanOut.of(p, [b for b in batches if b.plan_id == p.id], now) for p in plans]

    async def _own_plan(self, principal: Principal, plan_id: UUID) -> PilotPlan:
        province = province_of(principal)
        plan = await self.repo.plan(plan_id)
        if plan is None or plan.province != province:
            raise NotFound("申报计划不存在")
        return plan

    @staticmethod
    def _batch_problems(body: PilotBatchIn, year: int) -> list[FieldError]:
        return batch_problems(body.opens_at, body.closes_at, year, body.certificate_codes)

    @staticmethod
    def _new_batch(plan: PilotPlan, body: PilotBatchIn, now: datetime) -> PilotBatch:
        return PilotBatch(
            id=uuid4(),
            plan_id=plan.id,
            name=body.name,
            opens_at=body.opens_at,
            closes_at=body.closes_at,
            certificate_codes=list(body.certificate_codes),
            majors_required=body.majors_required,
            city_review_first=body.city_review_first,
            created_at=now,
        )

    # --- applications: the institution's side -------------------------------------------

    async def _own_institution(self, principal: Principal) -> DirectoryEntry:
        entry = await self.directory.get(principal.org_id) if principal.org_id else None
        if entry is None:
            raise NotFound("账号所属院校不在院校名单中")
        return entry

    async def create(
        self, principal: Principal, body: NewPilotApplicationIn, now: datetime
    ) -> PilotApplicationOut:
        """申报新的证书试点, saved as a draft (保存，暂不提交审核)."""
        entry = await self._own_institution(principal)
        if await ProfileRepository(self.session).get(entry.code) is None:
            raise RuleViolation("请先完善院校基础信息，再申报证书试点")
        batch = await self.repo.batch(body.batch_id)
        plan = await self.repo.plan(batch.plan_id) if batch is not None else None
        if batch is None or plan is None or plan.province != entry.province:
            raise NotFound("申报批次不存在")
        self._require_open(batch, now)
        self._check_content(batch, body)
        await advisory_lock(self.session, f"pilot-application:{entry.code}")
        if await self.repo.existing(plan.id, entry.code, body.certificate_code) is not None:
            raise Conflict(f"{plan.year}年已申报该证书，请在申报列表中修改")
        application = PilotApplication(
            id=uuid4(),
            plan_id=plan.id,
            batch_id=batch.id,
            institution_code=entry.code,
            province=entry.province,
            city=entry.city,
            status=PilotStatus.DRAFT,
            created_by=principal.account_id,
            created_at=now,
            **self._content(body, now),
        )
        self.repo.add(application)
        await self.session.flush()
        return await self._out(application, detail=True, now=now)

    async def update(
        self, principal: Principal, application_id: UUID, body: PilotApplicationIn, now: datetime
    ) -> PilotApplicationOut:
        """Edit a draft, or a rejected application before submitting it again."""
        application = await self._own_application(principal, application_id, lock=True)
        TRANSITIONS.transition(PilotStatus(application.status), PilotAction.EDIT)
        batch = await self._open_batch_for(application, body.certificate_code, now)
        self._check_content(batch, body)
        if body.certificate_code != application.certificate_code:
            other = await self.repo.existing(
                application.plan_id, application.institution_code, body.certificate_code
            )
            if other is not None:
                raise Conflict("本年度已申报该证书，请在申报列表中修改")
        application.batch_id = batch.id
        for key, value in self._content(body, now).items():
            setattr(application, key, value)
        await self.session.flush()
        return await self._out(application, detail=True, now=now)

    async def delete(self, principal: Principal, application_id: UUID) -> None:
        application = await self._own_application(principal, application_id, lock=True)
        TRANSITIONS.transition(PilotStatus(application.status), PilotAction.DELETE)
        await self.repo.delete_application(application)

    async def submit(
        self, principal: Principal, application_id: UUID, body: PilotSubmitIn, now: datetime
    ) -> PilotApplicationOut:
        """提交审核: locked until a decision; to the city first where the batch says so."""
        if not body.confirmed:
            raise InvalidInput(
                "提交后不能再修改，请确认后提交",
                errors=[FieldError(field="confirmed", message="请确认提交，提交后不能再修改")],
            )
        application = await self._own_application(principal, application_id, lock=True)
        TRANSITIONS.transition(PilotStatus(application.status), PilotAction.EDIT)
        batch = await self._open_batch_for(application, application.certificate_code, now)
        problems = content_problems(
            batch.majors_required,
            application.certificate_code,
            batch.certificate_codes,
            application.majors,
        ) + submission_problems(application.teachers, application.venue)
        if problems:
            raise _invalid("申报信息不完整", problems)
        pending = [
            a
            for a in await self.repo.attachments(application.id)
            if a.status == AttachmentStatus.PENDING
        ]
        if pending:
            raise RuleViolation("有尚未确认的佐证材料，请等待上传完成或删除后再提交")
        application.status = TRANSITIONS.transition(
            PilotStatus(application.status), submit_action(batch.city_review_first)
        )
        application.batch_id = batch.id
        application.submitted_by = principal.account_id
        application.submitted_at = now
        application.updated_at = now
        application.rejection_reason = None
        application.approved_headcount = None
        await self.session.flush()
        return await self._out(application, detail=True, now=now)

    async def _own_application(
        self, principal: Principal, application_id: UUID, *, lock: bool = False
    ) -> PilotApplication:
        application = await self.repo.application(application_id, lock=lock)
        if application is None or application.institution_code != principal.org_id:
            raise NotFound(NOT_FOUND)
        return application

    async def _open_batch_for(
        self, application: PilotApplication, certificate_code: str, now: datetime
    ) -> PilotBatch:
        """The batch an edit or (re)submission happens in: the application's own while it is
        open, else another open batch of the same plan offering the certificate (a rejected
        application is submitted again in the next batch, 补报). None open: refused."""
        own = await self.repo.batch(application.batch_id)
        if own is not None and batch_is_open(own.opens_at, own.closes_at, now):
            return own
        for batch in await self.repo.batches([application.plan_id]):
            if batch_is_open(batch.opens_at, batch.closes_at, now) and (
                certificate_code in batch.certificate_codes
            ):
                return batch
        raise RuleViolation("不在申报时间内，请在省级教育行政部门规定的申报时间内操作")

    @staticmethod
    def _require_open(batch: PilotBatch, now: datetime) -> None:
        if not batch_is_open(batch.opens_at, batch.closes_at, now):
            raise RuleViolation("不在申报时间内，请在省级教育行政部门规定的申报时间内操作")

    @staticmethod
    def _check_content(batch: PilotBatch, body: PilotApplicationIn) -> None:
        problems = content_problems(
            batch.majors_required, body.certificate_code, batch.certificate_codes, body.majors
        )
        if problems:
            raise _invalid("申报信息有误", problems)

    @staticmethod
    def _content(body: PilotApplicationIn, now: datetime) -> dict[str, object]:
        return {
            "certificate_code": body.certificate_code,
            "majors": list(body.majors),
            "planned_headcount": body.planned_headcount,
            "teachers": sanitise(body.teachers),
            "venue": sanitise(body.venue),
            "updated_at": now,
        }

    # --- reading -------------------------------------------------------------------------

    async def _visible(
        self, principal: Principal, application_id: UUID, *, lock: bool = False
    ) -> PilotApplication:
        """The application if the caller may see it: the institution its own; the province
        and city their own submitted ones (a draft is the institution's alone)."""
        if principal.role in INSTITUTION_ROLES:
            return await self._own_application(principal, application_id, lock=lock)
        if principal.role is Role.PROVINCE_ADMIN:
            region, field = province_of(principal), "province"
        elif principal.role is Role.CITY_REVIEWER:
            region, field = city_of(principal), "city"
        else:
            raise Forbidden("无权查看证书试点申报")
        application = await self.repo.application(application_id, lock=lock)
        if (
            application is None
            or getattr(application, field) != region
            or application.status == PilotStatus.DRAFT
        ):
            raise NotFound(NOT_FOUND)
        return application

    async def get(
        self, principal: Principal, application_id: UUID, now: datetime
    ) -> PilotApplicationOut:
        application = await self._visible(principal, application_id)
        return await self._out(application, detail=True, now=now)

    async def listing(
        self,
        principal: Principal,
        status: PilotStatus | None,
        plan_id: UUID | None,
        cursor: str | None,
        limit: int,
        now: datetime,
    ) -> tuple[list[PilotApplicationOut], str | None]:
        """The institution's own applications; a reviewer's queue (submitted ones only)."""
        if principal.role in INSTITUTION_ROLES:
            entry = await self._own_institution(principal)
            rows = await self.repo.listing(
                institution_code=entry.code,
                status=status,
                plan_id=plan_id,
                cursor=cursor,
                limit=limit,
            )
        elif principal.role is Role.PROVINCE_ADMIN:
            rows = await self.repo.listing(
                province=province_of(principal),
                status=status,
                plan_id=plan_id,
                exclude_drafts=True,
                cursor=cursor,
                limit=limit,
            )
        else:
            rows = await self.repo.listing(
                city=city_of(principal),
                status=status,
                plan_id=plan_id,
                exclude_drafts=True,
                cursor=cursor,
                limit=limit,
            )
        return await self._outs(rows, now), rows.next_cursor

    async def _outs(
        self, rows: Slice[PilotApplication], now: datetime
    ) -> list[PilotApplicationOut]:
        batches = await self.repo.batches_by_id(a.batch_id for a in rows.items)
        plans = await self.repo.plans_by_id(a.plan_id for a in rows.items)
        names = await self.repo.institution_names(a.institution_code for a in rows.items)
        return [
            self._shape(a, batches[a.batch_id], plans[a.plan_id], names.get(a.institution_code, ""))
            for a in rows.items
        ]

    async def _out(
        self, application: PilotApplication, *, detail: bool, now: datetime
    ) -> PilotApplicationOut:
        batch = await self.repo.batch(application.batch_id)
        plan = await self.repo.plan(application.plan_id)
        assert batch is not None and plan is not None
        names = await self.repo.institution_names([application.institution_code])
        out = self._shape(application, batch, plan, names.get(application.institution_code, ""))
        if detail:
            out.attachments = [
                attachment_out(a) for a in await self.repo.attachments(application.id)
            ]
            out.decisions = [
                PilotDecisionOut.of(d) for d in await self.repo.decisions(application.id)
            ]
        return out

    @staticmethod
    def _shape(
        application: PilotApplication, batch: PilotBatch, plan: PilotPlan, institution_name: str
    ) -> PilotApplicationOut:
        status = PilotStatus(application.status)
        return PilotApplicationOut(
            id=application.id,
            plan_id=application.plan_id,
            batch_id=application.batch_id,
            batch_name=batch.name,
            year=plan.year,
            institution_code=application.institution_code,
            institution_name=institution_name,
            province=application.province,
            city=application.city,
            certificate=certificate_out(application.certificate_code),
            majors=[major_out(m) for m in application.majors],
            planned_headcount=application.planned_headcount,
            approved_headcount=application.approved_headcount,
            teachers=application.teachers,
            venue=application.venue,
            status=status,
            status_label=status_label(status),
            rejection_reason=application.rejection_reason,
            editable=TRANSITIONS.allows(status, PilotAction.EDIT),
            created_at=application.created_at,
            updated_at=application.updated_at,
            submitted_at=application.submitted_at,
            decided_at=application.decided_at,
        )

    # --- review --------------------------------------------------------------------------

    async def decide(
        self, principal: Principal, application_id: UUID, body: PilotDecisionIn, now: datetime
    ) -> PilotApplicationOut:
        """审核: the city passes an application on or rejects it; the province approves it
        with the headcount it grants or rejects it. Recorded in the audit trail; the
        applicant is told (PilotDecided); a province approval grants the year's quota
        (PilotApproved)."""
        if principal.role is Role.PROVINCE_ADMIN:
            level = DecisionLevel.PROVINCE
        elif principal.role is Role.CITY_REVIEWER:
            level = DecisionLevel.CITY
        else:
            raise Forbidden("无权审核证书试点申报")
        problems: list[FieldError] = []
        if body.outcome is Outcome.REJECTED and not (body.reason or "").strip():
            problems.append(FieldError(field="reason", message="请填写审核不通过的原因"))
        if (
            level is DecisionLevel.PROVINCE
            and body.outcome is Outcome.APPROVED
            and body.approved_headcount is None
        ):
            problems.append(FieldError(field="approved_headcount", message="请填写批准培训人数"))
        if level is DecisionLevel.CITY and body.approved_headcount is not None:
            problems.append(
                FieldError(field="approved_headcount", message="批准培训人数由省级教育行政部门审定")
            )
        if problems:
            raise _invalid("审核意见不完整", problems)
        application = await self._visible(principal, application_id, lock=True)
        status = PilotStatus(application.status)
        application.status = TRANSITIONS.transition(status, decision_action(level, body.outcome))
        approved = level is DecisionLevel.PROVINCE and body.outcome is Outcome.APPROVED
        reason = body.reason if body.outcome is Outcome.REJECTED else None
        decision = PilotDecision(
            id=uuid4(),
            application_id=application.id,
            level=level,
            outcome=body.outcome,
            approved_headcount=body.approved_headcount if approved else None,
            reason=reason or (body.reason or None),
            decided_by=principal.account_id,
            decider_name=principal.name,
            decider_org=principal.org_id or "",
            decided_at=now,
        )
        self.repo.add(decision)
        application.updated_at = now
        if level is DecisionLevel.PROVINCE or body.outcome is Outcome.REJECTED:
            application.decided_at = now
            application.approved_headcount = decision.approved_headcount
            application.rejection_reason = reason
        await self.session.flush()
        if level is DecisionLevel.PROVINCE or body.outcome is Outcome.REJECTED:
            await self._record_decision(application, decision)
        await audit(
            self.session,
            principal,
            kind="decision",
            action=f"institution.pilot.{level.value}_{body.outcome.value}",
            subject_type="pilot_application",
            subject_id=application.id,
            reason=decision.reason
            or (f"批准培训人数 {decision.approved_headcount}" if approved else "审核通过"),
        )
        return await self._out(application, detail=True, now=now)

    async def _record_decision(
        self, application: PilotApplication, decision: PilotDecision
    ) -> None:
        plan = await self.repo.plan(application.plan_id)
        assert plan is not None
        names = await self.repo.institution_names([application.institution_code])
        name = names.get(application.institution_code, application.institution_code)
        certificate = certificate_out(application.certificate_code)
        if decision.outcome == Outcome.APPROVED:
            assert decision.approved_headcount is not None
            await outbox.record(
                self.session,
                PilotApproved(
                    decision_id=decision.id,
                    application_id=application.id,
                    institution_code=application.institution_code,
                    institution_name=name,
                    province=application.province,
                    certificate_code=certificate.code,
                    certificate_name=certificate.name,
                    year=plan.year,
                    approved_headcount=decision.approved_headcount,
                    decided_at=decision.decided_at,
                ),
            )
        head = await self.session.get(InstitutionHead, application.institution_code)
        recipient = application.submitted_by or application.created_by
        await outbox.record(
            self.session,
            PilotDecided(
                decision_id=decision.id,
                application_id=application.id,
                institution_code=application.institution_code,
                institution_name=name,
                certificate_code=certificate.code,
                certificate_name=certificate.name,
                year=plan.year,
                level=DecisionLevel(decision.level).value,
                outcome=Outcome(decision.outcome).value,
                approved_headcount=decision.approved_headcount,
                reason=decision.reason,
                recipient_id=recipient,
                phone=head.phone if head is not None else None,
                decided_at=decision.decided_at,
            ),
        )

    # --- pilot status --------------------------------------------------------------------

    async def pilot_status(self, principal: Principal, now: datetime) -> PilotStatusOut:
        """试点院校: a year's batch has closed and at least one application of it is approved."""
        entry = await self._own_institution(principal)
        years: dict[int, PilotYearOut] = {}
        for application, batch, plan in await self.repo.approved_of(entry.code):
            year = years.setdefault(
                plan.year,
                PilotYearOut(year=plan.year, pilot=False, certificates=[], pending_certificates=[]),
            )
            certificate: PilotCertificateOut = certificate_out(application.certificate_code)
            if batch.closes_at <= now:
                year.pilot = True
                year.certificates.append(certificate)
            else:
                year.pending_certificates.append(certificate)
        return PilotStatusOut(institution_code=entry.code, years=list(years.values()))


class AttachmentService:
    """其他佐证材料 (PDF or Word): presigned uploads straight to object storage, as
    registration's documents, then a check of what arrived, by its bytes, before it counts."""

    def __init__(self, session: AsyncSession, storage: ObjectStore) -> None:
        self.session = session
        self.storage = storage
        self.pilot = PilotService(session)
        self.repo = self.pilot.repo

    async def _editable(
        self, principal: Principal, application_id: UUID, now: datetime
    ) -> PilotApplication:
        application = await self.pilot._own_application(principal, application_id, lock=True)
        TRANSITIONS.transition(PilotStatus(application.status), PilotAction.EDIT)
        await self.pilot._open_batch_for(application, application.certificate_code, now)
        return application

    async def request_upload(
        self,
        principal: Principal,
        application_id: UUID,
        file_name: str,
        content_type: str,
        size: int,
        expires: timedelta,
        now: datetime,
    ) -> tuple[PilotAttachment, PresignedUpload]:
        application = await self._editable(principal, application_id, now)
        if problems := declared_attachment_problems(content_type, size):
            raise _invalid("佐证材料不符合要求", problems)
        if await self.repo.attachment_count(application.id) >= ATTACHMENTS_MAX * 3:
            raise RuleViolation("上传次数过多，请删除不需要的材料后再试")
        accepted = [
            a
            for a in await self.repo.attachments(application.id)
            if a.status == AttachmentStatus.ACCEPTED
        ]
        if len(accepted) >= ATTACHMENTS_MAX:
            raise RuleViolation(f"佐证材料最多{ATTACHMENTS_MAX}个")
        attachment_id = uuid4()
        attachment = PilotAttachment(
            id=attachment_id,
            application_id=application.id,
            file_name=safe_file_name(file_name),
            status=AttachmentStatus.PENDING,
            object_key=f"institution/pilot/{application.id}/{attachment_id}",
            declared_content_type=content_type,
            declared_size=size,
            created_at=now,
        )
        self.repo.add(attachment)
        await self.session.flush()
        upload = await self.storage.presign_upload(
            attachment.object_key, content_type, expires, max_bytes=ATTACHMENT_MAX_BYTES
        )
        return attachment, upload

    async def confirm(
        self, principal: Principal, application_id: UUID, attachment_id: UUID, now: datetime
    ) -> PilotAttachmentOut:
        """Check the bytes that arrived: a PDF, or a Word document (.doc, or .docx opened)."""
        application = await self._editable(principal, application_id, now)
        attachment = await self.repo.attachment(application.id, attachment_id)
        if attachment is None or attachment.status == AttachmentStatus.REJECTED:
            raise NotFound("佐证材料不存在")
        if attachment.status == AttachmentStatus.ACCEPTED:
            return attachment_out(attachment)  # confirming twice changes nothing
        info = await self.storage.stat(attachment.object_key)
        if info is None:
            raise RuleViolation("尚未收到上传的文件，请先上传再确认")
        problem = "文件不能超过10MB" if info.size > ATTACHMENT_MAX_BYTES else None
        data = b""
        if problem is None:
            data = await self.storage.get(attachment.object_key, max_bytes=ATTACHMENT_MAX_BYTES)
            problem = attachment_problem(data)
        if problem is not None:
            raise AttachmentRejected(attachment.id, problem)
        attachment.status = AttachmentStatus.ACCEPTED
        attachment.content_type = sniff_document(data)
        attachment.size = len(data)
        attachment.confirmed_at = now
        application.updated_at = now
        await self.session.flush()
        return attachment_out(attachment)

    async def mark_rejected(self, attachment_id: UUID, reason: str, now: datetime) -> None:
        """Kept as rejected, so the form shows why and offers another upload."""
        attachment = await self.session.get(PilotAttachment, attachment_id)
        if attachment is None or attachment.status != AttachmentStatus.PENDING:
            return
        attachment.status = AttachmentStatus.REJECTED
        attachment.rejection_reason = reason
        attachment.confirmed_at = now
        await self.session.flush()
        log.info("pilot attachment %s rejected: %s", attachment.id, reason)

    async def delete(
        self, principal: Principal, application_id: UUID, attachment_id: UUID, now: datetime
    ) -> None:
        application = await self._editable(principal, application_id, now)
        attachment = await self.repo.attachment(application.id, attachment_id)
        if attachment is None or attachment.status == AttachmentStatus.REJECTED:
            raise NotFound("佐证材料不存在")
        attachment.status = AttachmentStatus.REJECTED
        attachment.rejection_reason = "已删除"
        application.updated_at = now
        await self.session.flush()

    async def download(
        self, principal: Principal, application_id: UUID, attachment_id: UUID
    ) -> tuple[str, str]:
        application = await self.pilot._visible(principal, application_id)
        attachment = await self.repo.attachment(application.id, attachment_id)
        if attachment is None or attachment.status != AttachmentStatus.ACCEPTED:
            raise NotFound("佐证材料不存在")
        return await self.storage.presign_download(attachment.object_key), attachment.file_name


class AttachmentRejected(InvalidInput):
    """What arrived is not a PDF or Word document. The route commits the rejection first,
    because the request's transaction is rolled back with the 422."""

    def __init__(self, attachment_id: UUID, reason: str) -> None:
        super().__init__(reason, errors=[FieldError(field="file", message=reason, code="content")])
        self.attachment_id = attachment_id
        self.reason = reason
