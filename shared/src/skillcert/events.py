"""Versioned event contracts: `<service>.<entity>.<verb>.v1`, past tense, one class per event.

Every event carries the envelope fields (event id, occurred_at, correlation id); the rest is the
business payload. `parse_event` is the one place bodies are turned back into typed events.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal, TypeAlias
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from skillcert.clock import utcnow


class Event(BaseModel):
    """Envelope fields shared by every event."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: str
    event_id: UUID = Field(default_factory=uuid4)
    occurred_at: datetime = Field(default_factory=utcnow)
    correlation_id: str | None = None


# --- identity (gateway) --------------------------------------------------------------------


class SmsCodeIssued(Event):
    """An SMS verification code (短信验证码) to deliver; the notification service sends it."""

    type: Literal["identity.sms_code.issued.v1"] = "identity.sms_code.issued.v1"
    phone: str
    code: str
    purpose: Literal["register", "login", "reset_password"]
    expires_at: datetime


class AccountRegistered(Event):
    type: Literal["identity.account.registered.v1"] = "identity.account.registered.v1"
    account_id: UUID
    phone: str | None
    name: str
    role: str
    org_id: str | None = None


class AccountCredentialsIssued(Event):
    """An account made for someone (an institution head at sign-up): its login name and first
    password travel to their phone by SMS, in this event only, as an SMS code does."""

    type: Literal["identity.account.credentials_issued.v1"] = (
        "identity.account.credentials_issued.v1"
    )
    account_id: UUID
    phone: str
    username: str
    password: str
    name: str
    #: a staff member's e-mail where the account has one: the notice also goes there (SMTP)
    email: str | None = None


# --- exam (exam-scheduling) ----------------------------------------------------------------


class PlanSubject(BaseModel):
    """A subject (科目) of a plan: 机考 (computer-based) or 实操 (practical)."""

    code: str
    name: str
    method: Literal["computer", "practical", "written"]
    full_score: Decimal = Decimal("100")
    pass_score: Decimal = Decimal("60")
    #: the groups (参考对象) the subject is for, a candidate sitting it naming one; empty (and
    #: absent in a publication older than the field) for all candidates (所有考生)
    audience: list[str] = Field(default_factory=list)


class SubjectWeight(BaseModel):
    """A subject's share (权重, percent) of the weighted total (综合成绩)."""

    subject_code: str
    weight: Decimal


class ResultRule(BaseModel):
    """How a plan decides the certificate result (考证结果判定规则, seed 003 §2.2.11):
    `each_subject` every subject at or above its own pass score (合格分数); `weighted_total`
    the weighted total (综合成绩, each subject's score as a share of its full score, weighted,
    out of 100) at or above `pass_score`; `both` both at once. The default is the rule every
    plan had before plans carried one."""

    kind: Literal["each_subject", "weighted_total", "both"] = "each_subject"
    weights: list[SubjectWeight] = Field(default_factory=list)
    # Pass mark of the weighted total, out of 100; only for the weighted kinds.
    pass_score: Decimal | None = None


#: The material codes (申报材料) a condition may require and registration accepts as uploads.
MATERIAL_KINDS: dict[str, str] = {
    "photo": "白底证件照（JPG，40–80KB）",
    "id_front": "身份证人像面",
    "id_back": "身份证国徽面",
    "application_form": "签字的申报表",
    "prior_certificate": "原职业技能等级证书",
    "work_pledge": "工作年限承诺书",
    "diploma": "学历证书",
    "education_pledge": "学历承诺书",
}


class PlanCondition(BaseModel):
    """One eligibility condition (申报条件) of a plan and the materials it requires, named
    with the codes of `MATERIAL_KINDS`."""

    code: str
    title: str
    prior_level: int | None = None
    min_years_after_prior: int | None = None
    related_occupations: list[str] = Field(default_factory=list)
    required_materials: list[str] = Field(default_factory=list)


class ExamPlanPublished(Event):
    """An exam plan (考试计划) opened for registration."""

    type: Literal["exam.plan.published.v1"] = "exam.plan.published.v1"
    plan_id: UUID
    org_id: str
    org_name: str
    title: str
    occupation_code: str
    occupation_name: str
    level: int = Field(ge=1, le=5)
    level_name: str
    registration_opens_at: datetime
    registration_closes_at: datetime
    exam_starts_at: datetime
    exam_ends_at: datetime
    fee_fen: int = Field(ge=0)
    requires_mail_in: bool = False
    subjects: list[PlanSubject]
    conditions: list[PlanCondition] = Field(default_factory=list)
    # Until when a paid candidate may withdraw (退考) and get the fee back; absent in a
    # publication older than the field, which meant the registration deadline.
    withdrawal_closes_at: datetime | None = None
    # The plan's number (计划编号, K…) and its other windows (seed 003 §2.2.3): 排考 (seats
    # allocated), 登记 (scores registered) and 公示 (results shown); absent in a publication
    # older than the fields, so consumers that do not know them keep working.
    plan_number: str | None = None
    scheduling_opens_at: datetime | None = None
    scheduling_closes_at: datetime | None = None
    scores_open_at: datetime | None = None
    scores_close_at: datetime | None = None
    publicity_opens_at: datetime | None = None
    publicity_closes_at: datetime | None = None
    # Absent in a publication older than the field: every subject at or above its pass score.
    result_rule: ResultRule = Field(default_factory=ResultRule)

    @property
    def withdrawal_deadline(self) -> datetime:
        return self.withdrawal_closes_at or self.registration_closes_at


class ExamPlanWindowsChanged(Event):
    """A published plan's windows (报考, 排考, 考试, 登记, 公示) and withdrawal deadline were
    changed; every window as it now is. Consumers keeping a plan copy update it from this when
    it is newer (`occurred_at`) than what they hold."""

    type: Literal["exam.plan.windows_changed.v1"] = "exam.plan.windows_changed.v1"
    plan_id: UUID
    org_id: str
    registration_opens_at: datetime
    registration_closes_at: datetime
    scheduling_opens_at: datetime
    scheduling_closes_at: datetime
    exam_starts_at: datetime
    exam_ends_at: datetime
    scores_open_at: datetime
    scores_close_at: datetime
    publicity_opens_at: datetime
    publicity_closes_at: datetime
    withdrawal_closes_at: datetime


class ExamPlanCancelled(Event):
    """An exam plan was cancelled: its registrations end and paid fees are refunded."""

    type: Literal["exam.plan.cancelled.v1"] = "exam.plan.cancelled.v1"
    plan_id: UUID
    org_id: str
    reason: str


class CandidateScheduled(Event):
    """A paid candidate got a room, seat and admission ticket (准考证) number."""

    type: Literal["exam.candidate.scheduled.v1"] = "exam.candidate.scheduled.v1"
    application_id: UUID
    candidate_id: UUID
    plan_id: UUID
    candidate_name: str
    id_number: str
    ticket_number: str
    institution_id: str
    institution_name: str
    site_name: str
    room_name: str
    seat_number: int
    exam_starts_at: datetime


class SessionAbsentee(BaseModel):
    """A scheduled candidate of the room who was not checked in (缺考)."""

    application_id: UUID
    candidate_id: UUID
    ticket_number: str


class SessionAbsenteesRecorded(Event):
    """The absentees (缺考) of one room in one exam session, once the session is closed."""

    type: Literal["exam.session.absentees_recorded.v1"] = "exam.session.absentees_recorded.v1"
    plan_id: UUID
    subject_code: str
    session_id: UUID
    room_id: UUID
    closed_at: datetime
    absentees: list[SessionAbsentee]


# --- registration ---------------------------------------------------------------------------


class SubmittedDocument(BaseModel):
    kind: str
    object_key: str
    content_type: str
    size: int


class PriorCertificate(BaseModel):
    """The candidate's previous skill certificate (原职业技能等级证书) the condition builds on."""

    occupation_code: str
    occupation_name: str | None = None
    level: int = Field(ge=1, le=5)
    certificate_number: str | None = None
    issued_on: date | None = None


class WorkPeriod(BaseModel):
    """One entry of the work history (工作经历): from–to month, unit, post, referee."""

    from_month: date
    to_month: date | None = None  # None: still there
    unit: str
    post: str
    referee: str | None = None
    referee_phone: str | None = None


class _ApplicationFiled(Event):
    application_id: UUID
    candidate_id: UUID
    plan_id: UUID
    org_id: str
    revision: int
    candidate_name: str
    id_type: str
    id_number: str
    phone: str | None
    birth_date: date | None = None
    condition_code: str | None
    years_worked: int | None = None
    documents: list[SubmittedDocument]
    submitted_at: datetime
    prior_certificate: PriorCertificate | None = None
    work_history: list[WorkPeriod] = Field(default_factory=list)
    #: months of work counted from the history (overlaps counted once)
    total_work_months: int | None = None
    #: the institution (试点院校) whose student roster (考生管理) holds this candidate, if any:
    #: its payment requests (缴费申请单) may cover this application, no one else's
    institution_id: str | None = None


class ApplicationSubmitted(_ApplicationFiled):
    """An application (报名) submitted for review for the first time."""

    type: Literal["registration.application.submitted.v1"] = "registration.application.submitted.v1"


class ApplicationResubmitted(_ApplicationFiled):
    """An application edited after submission or after rejection: review starts again."""

    type: Literal["registration.application.resubmitted.v1"] = (
        "registration.application.resubmitted.v1"
    )


class ApplicationForfeited(Event):
    """Approved but the paper material did not arrive by the deadline (视为自动放弃)."""

    type: Literal["registration.application.forfeited.v1"] = "registration.application.forfeited.v1"
    application_id: UUID
    candidate_id: UUID
    plan_id: UUID
    reason: str


class ApplicationWithdrawn(Event):
    type: Literal["registration.application.withdrawn.v1"] = "registration.application.withdrawn.v1"
    application_id: UUID
    candidate_id: UUID
    plan_id: UUID
    reason: str | None = None
    # The candidate had paid (paid or scheduled) when withdrawing, before the plan's
    # withdrawal deadline: the fee goes back and the seat, if any, is released.
    paid: bool = False


class EntryRegistered(Event):
    """An institution registered a roster student for an exam plan (报考, 为学生报考): no
    eligibility review, the institution's quota (指标) admits it. Payment keeps it payable by
    the institution's payment requests (缴费申请单) and exam-scheduling seats it once paid, as
    they do an approved application; `entry_id` stands where an application id would."""

    type: Literal["registration.entry.registered.v1"] = "registration.entry.registered.v1"
    entry_id: UUID
    plan_id: UUID
    institution_id: str
    #: the roster student (考生管理): not an account, so no one is notified
    student_id: UUID
    student_name: str
    #: payment requests match students by it; the admission ticket prints it
    id_number: str
    subject_codes: list[str]
    registered_at: datetime
    #: the 参考对象 the student sits as, when a subject of theirs names groups
    audience: str | None = None
    #: the roster's checked photo (printed on the admission ticket), if the student has one
    photo_key: str | None = None
    photo_content_type: str | None = None


class EntryDeleted(Event):
    """An institution deleted a registration (删除报考) inside the plan's registration window:
    its place goes back to the quota; payment takes no more money for it and refunds what was
    paid, exam-scheduling frees the seat."""

    type: Literal["registration.entry.deleted.v1"] = "registration.entry.deleted.v1"
    entry_id: UUID
    plan_id: UUID
    institution_id: str
    student_id: UUID
    reason: str


# --- review ---------------------------------------------------------------------------------


class RejectionReason(BaseModel):
    code: str
    text: str


class ApplicationApproved(Event):
    """Eligibility review passed (审核通过): the candidate may pay."""

    type: Literal["review.application.approved.v1"] = "review.application.approved.v1"
    application_id: UUID
    candidate_id: UUID
    plan_id: UUID
    revision: int
    candidate_name: str
    id_number: str
    decided_at: datetime
    #: carried from the submission: the institution whose roster holds the candidate
    institution_id: str | None = None


class ApplicationRejected(Event):
    """Eligibility review failed (审核不通过) with reasons; the candidate may edit and resubmit."""

    type: Literal["review.application.rejected.v1"] = "review.application.rejected.v1"
    application_id: UUID
    candidate_id: UUID
    plan_id: UUID
    revision: int
    reasons: list[RejectionReason]
    decided_at: datetime


# --- payment --------------------------------------------------------------------------------


class OrderPaid(Event):
    type: Literal["payment.order.paid.v1"] = "payment.order.paid.v1"
    order_id: UUID
    application_id: UUID
    candidate_id: UUID
    plan_id: UUID
    amount_fen: int
    provider_transaction_id: str
    paid_at: datetime


class OrderRefunded(Event):
    type: Literal["payment.order.refunded.v1"] = "payment.order.refunded.v1"
    order_id: UUID
    application_id: UUID
    candidate_id: UUID
    plan_id: UUID
    amount_fen: int
    refunded_at: datetime


# --- scoring --------------------------------------------------------------------------------


class SubjectScore(BaseModel):
    subject_code: str
    score: Decimal
    passed: bool


class ResultDetermined(Event):
    """The certificate result (证书结果) of a candidate for a plan, after the scores are locked."""

    type: Literal["scoring.result.determined.v1"] = "scoring.result.determined.v1"
    application_id: UUID
    candidate_id: UUID
    plan_id: UUID
    ticket_number: str
    candidate_name: str
    id_number: str
    institution_id: str
    institution_name: str
    result: Literal["pass", "fail"]
    subject_scores: list[SubjectScore]
    determined_at: datetime


# --- certificate ----------------------------------------------------------------------------


class CertificateIssued(Event):
    type: Literal["certificate.issued.v1"] = "certificate.issued.v1"
    certificate_id: UUID
    certificate_number: str
    application_id: UUID
    candidate_id: UUID
    plan_id: UUID
    issued_at: datetime


class CertificateRevoked(Event):
    type: Literal["certificate.revoked.v1"] = "certificate.revoked.v1"
    certificate_id: UUID
    certificate_number: str
    candidate_id: UUID
    reason: str
    revoked_at: datetime


# --- institution ----------------------------------------------------------------------------


class InstitutionRegistered(Event):
    """An institution of the official list signed up (seed 003 §1.1.2): its one head account,
    whose id the institution service chose, is to be made by the gateway for `head_phone`."""

    type: Literal["institution.registered.v1"] = "institution.registered.v1"
    institution_code: str
    institution_name: str
    province: str
    city: str
    head_account_id: UUID
    head_username: str
    head_phone: str
    registered_at: datetime


class InstitutionHeadReplaced(Event):
    """The province replaced an institution's head (更换考核站点负责人, issue 11): the head slot
    moved from `old_head_account_id` to `new_head_account_id`. The gateway retires the old
    account (no login, sessions revoked, login name freed) and makes the new one under
    `new_head_username`, whose first password goes to `new_head_phone` by SMS."""

    type: Literal["institution.head.replaced.v1"] = "institution.head.replaced.v1"
    institution_code: str
    institution_name: str
    old_head_account_id: UUID
    new_head_account_id: UUID
    new_head_name: str
    new_head_username: str
    new_head_phone: str
    replaced_at: datetime


class PilotApproved(Event):
    """A province approved an institution's pilot application (证书试点申报审批通过, seed 003
    §1.1.4): the yearly quota (指标) of `approved_headcount` students the institution may register
    for exams of the certificate in `year` (China time; void after 31 December). A later decision
    for the same institution, certificate and year replaces it: `decided_at` orders them, and
    only the province decides."""

    type: Literal["institution.pilot.approved.v1"] = "institution.pilot.approved.v1"
    decision_id: UUID
    application_id: UUID
    institution_code: str
    institution_name: str
    province: str
    #: the certificate's code: the occupation code exam plans are opened for
    certificate_code: str
    certificate_name: str
    year: int
    approved_headcount: int = Field(ge=0)
    decided_at: datetime


class PilotDecided(Event):
    """A decision on an institution's pilot application (证书试点申报审核结果, seed 003 §1.1.4)
    the applicant is told of by SMS and in-app: the province's approval or rejection, or the
    city's rejection (a city approval only passes it on to the province). `recipient_id` is
    the account that submitted it; `phone` the head's registered phone (注册人手机), if known."""

    type: Literal["institution.pilot.decided.v1"] = "institution.pilot.decided.v1"
    decision_id: UUID
    application_id: UUID
    institution_code: str
    institution_name: str
    certificate_code: str
    certificate_name: str
    year: int
    level: Literal["city", "province"]
    outcome: Literal["approved", "rejected"]
    approved_headcount: int | None = None
    reason: str | None = None
    recipient_id: UUID
    phone: str | None = None
    decided_at: datetime


# --- audit --------------------------------------------------------------------------------


class AuditRecorded(Event):
    """One entry of the audit trail (审计记录): a staff member looked at a person's documents
    or personal details (`view`), decided something (`decision`) or changed the platform's
    configuration (`configuration`). It names people by their ids only, never by ID number
    or phone; `reason` says why the view or change was made."""

    type: Literal["audit.recorded.v1"] = "audit.recorded.v1"
    service: str
    kind: Literal["view", "decision", "configuration"]
    #: what was done, `<service>.<thing>.<verb>`, e.g. review.case.viewed
    action: str
    actor_id: UUID
    actor_role: str
    actor_org: str | None = None
    subject_type: str
    subject_id: str
    #: the person whose data was seen or decided on, when there is one
    person_id: UUID | None = None
    reason: str
    at: datetime


AnyEvent: TypeAlias = Annotated[
    SmsCodeIssued
    | AccountRegistered
    | ExamPlanPublished
    | ExamPlanCancelled
    | ExamPlanWindowsChanged
    | CandidateScheduled
    | SessionAbsenteesRecorded
    | ApplicationSubmitted
    | ApplicationResubmitted
    | ApplicationWithdrawn
    | ApplicationForfeited
    | EntryRegistered
    | EntryDeleted
    | ApplicationApproved
    | ApplicationRejected
    | OrderPaid
    | OrderRefunded
    | ResultDetermined
    | CertificateIssued
    | CertificateRevoked
    | AccountCredentialsIssued
    | InstitutionRegistered
    | InstitutionHeadReplaced
    | PilotApproved
    | PilotDecided
    | AuditRecorded,
    Field(discriminator="type"),
]

_adapter: TypeAdapter[AnyEvent] = TypeAdapter(AnyEvent)


def parse_event(body: bytes | str) -> Event:
    """Turn a message body back into its typed event; raises pydantic.ValidationError."""
    return _adapter.validate_json(body)


def event_type_of(cls: type[Event]) -> str:
    """The routing key of an event class (its `type` literal)."""
    default = cls.model_fields["type"].default
    assert isinstance(default, str)
    return default


ALL_EVENT_TYPES: tuple[str, ...] = tuple(
    event_type_of(cls)
    for cls in (
        SmsCodeIssued,
        AccountRegistered,
        ExamPlanPublished,
        ExamPlanCancelled,
        ExamPlanWindowsChanged,
        CandidateScheduled,
        SessionAbsenteesRecorded,
        ApplicationSubmitted,
        ApplicationResubmitted,
        ApplicationWithdrawn,
        ApplicationForfeited,
        EntryRegistered,
        EntryDeleted,
        ApplicationApproved,
        ApplicationRejected,
        OrderPaid,
        OrderRefunded,
        ResultDetermined,
        CertificateIssued,
        CertificateRevoked,
        AccountCredentialsIssued,
        InstitutionRegistered,
        InstitutionHeadReplaced,
        PilotApproved,
        PilotDecided,
        AuditRecorded,
    )
)
