"""API shapes of applications (报名). Field errors read by candidates are in Chinese."""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
    ValidationError,
    ValidationInfo,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticCustomError

from registration.applications.rules import (
    CERTIFICATE_NUMBER_RE,
    EMAIL_RE,
    LANDLINE_RE,
    MAX_WORK_PERIODS,
    MOBILE_RE,
    OCCUPATION_CODE_RE,
    POSTAL_CODE_RE,
    STATUS_LABELS,
    ApplicationStatus,
    IdType,
    Period,
    id_number_problem,
    normalise_id_number,
    overlapping,
    period_problems,
    steps_done,
    total_work_months,
)
from registration.documents.rules import DocumentStatus
from registration.forms.rules import (
    ASSESSMENT_CATEGORIES,
    CANDIDATE_SOURCES,
    DEFAULT_ASSESSMENT_CATEGORY,
    EDUCATION_LEVELS,
    ENTERPRISE_TYPES,
    ETHNIC_GROUPS,
    POLITICAL_STATUSES,
    not_an_option,
)
from registration.plans.rules import aware, mail_in_deadline, required_materials
from skillcert import divisions
from skillcert.clock import china_today
from skillcert.divisions import label
from skillcert.pii import mask_id_number, mask_phone

if TYPE_CHECKING:
    from registration.applications.models import Application
    from registration.applications.service import ApplicationView
    from registration.plans.models import ExamPlan

Text50 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Text30 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
_MONTH_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(-\d{2})?$")


def _blank_to_none(value: Any) -> Any:
    """Empty form fields arrive as "": they mean "not given"."""
    return None if isinstance(value, str) and not value.strip() else value


def _parse_month(value: Any) -> Any:
    if isinstance(value, str):
        match = _MONTH_RE.match(value.strip())
        if match is None:
            raise PydanticCustomError("month_format", "年月格式不正确（应为 YYYY-MM）")
        return date(int(match.group(1)), int(match.group(2)), 1)
    return value


#: A calendar month: "2019-07" in and out, the first of the month inside.
Month = Annotated[
    date,
    BeforeValidator(_parse_month),
    PlainSerializer(lambda d: f"{d:%Y-%m}", return_type=str, when_used="json"),
    WithJsonSchema(
        {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "examples": ["2019-07"]}
    ),
]
OptionalText200 = Annotated[Text200 | None, BeforeValidator(_blank_to_none)]


class CreateApplicationIn(BaseModel):
    plan_id: UUID


class BasicInfoIn(BaseModel):
    """Step 1 基础信息."""

    name: Text50
    gender: Literal["male", "female"]
    birth_date: date
    ethnic_group: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=20)
    ]
    education: Text30
    mobile: str
    email: str | None = None
    postal_code: str | None = None
    #: 党派 / 政治面貌 (GB/T 4762), optional in the seed's form
    political_status: Annotated[str | None, BeforeValidator(_blank_to_none)] = None
    #: 联系电话 besides the mobile: a fixed line, optional
    landline: Annotated[str | None, BeforeValidator(_blank_to_none)] = None
    #: 鉴定分类, preselected 考核鉴定 as in the seed
    assessment_category: str = DEFAULT_ASSESSMENT_CATEGORY
    #: 考生来源 (社会人员 for social candidates)
    candidate_source: Annotated[str | None, BeforeValidator(_blank_to_none)] = None

    @field_validator("ethnic_group")
    @classmethod
    def _ethnic_group(cls, value: str) -> str:
        return _option(ETHNIC_GROUPS, value, "民族")

    @field_validator("education")
    @classmethod
    def _education(cls, value: str) -> str:
        return _option(EDUCATION_LEVELS, value, "文化程度")

    @field_validator("political_status")
    @classmethod
    def _political_status(cls, value: str | None) -> str | None:
        return None if value is None else _option(POLITICAL_STATUSES, value.strip(), "政治面貌")

    @field_validator("assessment_category")
    @classmethod
    def _assessment_category(cls, value: str) -> str:
        return _option(ASSESSMENT_CATEGORIES, value.strip(), "鉴定分类")

    @field_validator("candidate_source")
    @classmethod
    def _candidate_source(cls, value: str | None) -> str | None:
        return None if value is None else _option(CANDIDATE_SOURCES, value.strip(), "考生来源")

    @field_validator("landline")
    @classmethod
    def _landline(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().replace(" ", "")
        if not LANDLINE_RE.match(value):
            raise ValueError("联系电话格式不正确，应为区号加号码，如 010-12345678")
        return value

    @field_validator("birth_date")
    @classmethod
    def _birth_date_in_past(cls, value: date) -> date:
        if value >= china_today() or value.year < 1900:
            raise ValueError("出生日期不正确")
        return value

    @field_validator("mobile")
    @classmethod
    def _mobile(cls, value: str) -> str:
        value = value.strip()
        if not MOBILE_RE.match(value):
            raise ValueError("手机号码格式不正确，应为11位大陆手机号")
        return value

    @field_validator("email")
    @classmethod
    def _email(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None and (len(value) > 100 or not EMAIL_RE.match(value)):
            raise ValueError("电子邮箱格式不正确")
        return value

    @field_validator("postal_code")
    @classmethod
    def _postal_code(cls, value: str | None) -> str | None:
        value = (value or "").strip() or None
        if value is not None and not POSTAL_CODE_RE.match(value):
            raise ValueError("邮政编码应为6位数字")
        return value


class IdentityIn(BaseModel):
    """Step 2 身份选择: social candidates choose employee (职工身份)."""

    identity: Literal["teacher", "student", "employee"]


def _option(values: tuple[str, ...], value: str, what: str) -> str:
    if (problem := not_an_option(values, value, what)) is not None:
        raise ValueError(problem)
    return value


def _division(value: str | None, level: int) -> str | None:
    if value is None:
        return None
    value = value.strip()
    if (problem := divisions.unknown_code(value, level)) is not None:
        raise ValueError(problem)
    return value


class DivisionIn(BaseModel):
    """Province → city → county codes (GB/T 2260). Each must lie in the one before, and a
    division with divisions below must be narrowed down to them."""

    province: str
    # Validated even when missing: "missing" is a problem once the province has cities.
    city: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        default=None, validate_default=True
    )
    county: Annotated[str | None, BeforeValidator(_blank_to_none)] = Field(
        default=None, validate_default=True
    )

    @field_validator("province")
    @classmethod
    def _province(cls, value: str) -> str:
        result = _division(value, 1)
        assert result is not None
        return result

    @field_validator("city")
    @classmethod
    def _city(cls, value: str | None, info: ValidationInfo) -> str | None:
        return cls._below(info.data.get("province"), value, 2, "请选择城市")

    @field_validator("county")
    @classmethod
    def _county(cls, value: str | None, info: ValidationInfo) -> str | None:
        return cls._below(info.data.get("city"), value, 3, "请选择区县")

    @staticmethod
    def _below(parent: str | None, value: str | None, level: int, missing: str) -> str | None:
        # Without a valid parent there is nothing to check against; its own error says why.
        if value is None:
            if parent is not None and divisions.needs_child(parent):
                raise PydanticCustomError("required", missing)
            return None
        value = _division(value, level)
        problem = divisions.chain_problem(parent, value, level) if parent and value else None
        if problem is not None:
            raise PydanticCustomError("division_chain", problem)
        return value


class AddressIn(DivisionIn):
    address: OptionalText200 = None


class WorkPeriodIn(BaseModel):
    """One work period (工作经历) of the application form, in months."""

    from_month: Month
    to_month: Annotated[Month | None, BeforeValidator(_blank_to_none)] = None
    unit: Text200
    post: Text50
    referee: Annotated[Text50 | None, BeforeValidator(_blank_to_none)] = None
    referee_phone: Annotated[str | None, BeforeValidator(_blank_to_none)] = None

    @field_validator("from_month")
    @classmethod
    def _from_month(cls, value: date) -> date:
        if (
            problem := period_problems(Period(value, None), china_today()).get("from_month")
        ) is not None:
            raise PydanticCustomError("future", problem)
        return value

    @field_validator("to_month")
    @classmethod
    def _to_month(cls, value: date | None, info: ValidationInfo) -> date | None:
        if value is None:
            return None
        start = info.data.get("from_month", value)
        if (
            problem := period_problems(Period(start, value), china_today()).get("to_month")
        ) is not None:
            raise PydanticCustomError("month_order", problem)
        return value

    @field_validator("referee_phone")
    @classmethod
    def _referee_phone(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip().replace(" ", "")
        if not (MOBILE_RE.match(value) or LANDLINE_RE.match(value)):
            raise ValueError("证明人联系电话格式不正确")
        return value

    def period(self) -> Period:
        return Period(self.from_month, self.to_month)


def _merged(title: str, raised: ValidationError | None, extra: list[InitErrorDetails]) -> None:
    """Raise pydantic's own errors and `extra` together, so one answer lists every field."""
    if not extra:
        if raised is not None:
            raise raised
        return
    details: list[InitErrorDetails] = []
    for err in raised.errors() if raised is not None else []:
        error = (err.get("ctx") or {}).get("error")
        message = str(error) if error else err["msg"]
        details.append(
            InitErrorDetails(
                type=PydanticCustomError(err["type"], "{error}", {"error": message}),
                loc=err["loc"],
                input=err["input"],
            )
        )
    raise ValidationError.from_exception_data(title, [*details, *extra])


class RegistrationInfoIn(BaseModel):
    """Step 3 报名信息. Only ID type and number are required by the API; the seed's other
    starred fields are demanded when `require_seed_fields` is on (see the settings)."""

    id_type: IdType
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
    #: 报名单位: the unit that registers the candidate
    registering_unit: OptionalText200 = None
    #: 所在单位 (current employer)
    work_unit: OptionalText200 = None
    years_worked: Annotated[int | None, Field(ge=0, le=60)] = None
    enterprise_type: Annotated[str | None, BeforeValidator(_blank_to_none)] = None
    #: 户口所在省/市/区县
    hukou: DivisionIn | None = None
    #: 现居地所在省/市/区县 + 地址
    residence: AddressIn | None = None
    #: 工作单位所在省/市/区县 + 详细地址
    work_unit_address: AddressIn | None = None
    work_history: Annotated[list[WorkPeriodIn], Field(max_length=MAX_WORK_PERIODS)] = []

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str, info: ValidationInfo) -> str:
        id_type = info.data.get("id_type")
        if id_type is None:
            return value
        number = normalise_id_number(id_type, value)
        if (problem := id_number_problem(id_type, number)) is not None:
            raise PydanticCustomError("id_number", problem)
        return number

    @field_validator("enterprise_type")
    @classmethod
    def _enterprise_type(cls, value: str | None) -> str | None:
        return None if value is None else _option(ENTERPRISE_TYPES, value.strip(), "企业类型")

    @model_validator(mode="wrap")
    @classmethod
    def _no_overlaps(cls, data: Any, handler: Any) -> RegistrationInfoIn:
        # Overlaps are between entries, so they are judged here, on every entry that is valid
        # by itself, and reported together with whatever else is wrong in the step.
        raised: ValidationError | None = None
        model: RegistrationInfoIn | None = None
        try:
            model = handler(data)
        except ValidationError as exc:
            raised = exc
        entries = _valid_entries(model.work_history if model else data)
        overlaps = overlapping([p for _, p, _ in entries], china_today())
        extra = [
            InitErrorDetails(
                type=PydanticCustomError(
                    "overlap",
                    "与第{n}段工作经历（{unit}）时间重叠",
                    {"n": entries[i][0] + 1, "unit": entries[i][2]},
                ),
                loc=("work_history", entries[j][0], "from_month"),
                input=entries[j][1].from_month.isoformat(),
            )
            for i, j in overlaps
        ]
        _merged(cls.__name__, raised, extra)
        assert model is not None
        return model


def _valid_entries(raw: Any) -> list[tuple[int, Period, str]]:
    """(position, period, unit) of each work-history entry that parses on its own."""
    items = raw.get("work_history") if isinstance(raw, dict) else raw
    if not isinstance(items, list):
        return []
    valid: list[tuple[int, Period, str]] = []
    for position, item in enumerate(items):
        try:
            entry = item if isinstance(item, WorkPeriodIn) else WorkPeriodIn.model_validate(item)
        except ValidationError:
            continue
        valid.append((position, entry.period(), entry.unit))
    return valid


class PriorCertificateIn(BaseModel):
    """原职业技能等级证书: required when the chosen condition builds on a lower level."""

    #: a code of the catalogue (the plan's occupation or a related one, or any other)
    occupation_code: str
    occupation_name: Annotated[Text50 | None, BeforeValidator(_blank_to_none)] = None
    level: Annotated[int, Field(ge=1, le=5)]
    certificate_number: str
    issued_on: date

    @field_validator("occupation_code")
    @classmethod
    def _occupation_code(cls, value: str) -> str:
        value = value.strip()
        if not OCCUPATION_CODE_RE.match(value):
            raise ValueError("职业编码格式不正确（如 4-01-02-02）")
        return value

    @field_validator("certificate_number")
    @classmethod
    def _certificate_number(cls, value: str) -> str:
        value = value.strip().upper()
        if not CERTIFICATE_NUMBER_RE.match(value):
            raise ValueError("证书编号应为4至40位字母、数字或连字符")
        return value

    @field_validator("issued_on")
    @classmethod
    def _issued_on(cls, value: date) -> date:
        if value > china_today():
            raise PydanticCustomError("future", "发证日期不能晚于今天")
        if value.year < 1950:
            raise ValueError("发证日期不正确")
        return value


class ConditionIn(BaseModel):
    """Step 4 申报条件: one of the plan's conditions, with the prior certificate it builds on."""

    condition_code: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)
    ]
    prior_certificate: PriorCertificateIn | None = None


class MailInIn(BaseModel):
    """Staff log the paper forms (纸质材料) received by post."""

    received_on: date
    #: 快递单号; blank means none given. The pattern belongs to the string inside the optional:
    #: put on the optional itself it was applied to None and raised a TypeError (a 500).
    tracking_number: Annotated[
        Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[A-Za-z0-9]{6,40}$")]
        | None,
        BeforeValidator(_blank_to_none),
    ] = None

    @field_validator("received_on")
    @classmethod
    def _not_future(cls, value: date) -> date:
        if value > china_today():
            raise PydanticCustomError("future", "收件日期不能晚于今天")
        return value


class WithdrawIn(BaseModel):
    reason: Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=500)] = None


class BasicInfoOut(BaseModel):
    name: str
    gender: str
    birth_date: date
    ethnic_group: str
    education: str
    mobile: str
    email: str | None
    postal_code: str | None
    political_status: str | None = None
    landline: str | None = None
    assessment_category: str | None = None
    candidate_source: str | None = None


class DivisionOut(BaseModel):
    province: str
    city: str | None
    county: str | None
    address: str | None = None
    #: the names, e.g. "山东省 潍坊市 潍城区"
    label: str


class WorkPeriodOut(BaseModel):
    from_month: Month
    to_month: Month | None
    unit: str
    post: str
    referee: str | None
    referee_phone: str | None


class RegistrationInfoOut(BaseModel):
    id_type: str
    id_number: str
    work_unit: str | None
    years_worked: int | None
    registering_unit: str | None = None
    enterprise_type: str | None = None
    hukou: DivisionOut | None = None
    residence: DivisionOut | None = None
    work_unit_address: DivisionOut | None = None
    work_history: list[WorkPeriodOut] = []
    #: months of work in the history, a shared month counted once (合计)
    total_work_months: int = 0


class PriorCertificateOut(BaseModel):
    occupation_code: str
    occupation_name: str | None
    level: int
    certificate_number: str | None
    issued_on: date | None


class MailInOut(BaseModel):
    """邮寄材料: required by the plan, the deadline, and whether staff logged its arrival."""

    required: bool
    deadline: datetime
    received_on: date | None
    tracking_number: str | None


class ReasonOut(BaseModel):
    code: str
    text: str


class StatusChangeOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    from_status: str | None
    to_status: str
    revision: int
    note: str | None
    reasons: list[ReasonOut]
    at: datetime


class DocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: UUID
    kind: str
    status: str
    content_type: str | None
    size: int | None
    rejection_reason: str | None
    created_at: datetime
    confirmed_at: datetime | None


class StepsOut(BaseModel):
    """Which steps are complete; submit needs all of them."""

    basic_info: bool
    identity: bool
    registration_info: bool
    condition: bool
    materials: bool


class RefundOut(BaseModel):
    """退费: the exam fee that went back to the payer."""

    amount_fen: int
    refunded_at: datetime


class CertificateRevocationOut(BaseModel):
    """证书撤销: the certificate of this application was revoked."""

    revoked_at: datetime
    reason: str | None


class PlanCancellationOut(BaseModel):
    """考试计划已取消: the organisation cancelled the plan."""

    cancelled_at: datetime
    reason: str | None


class ApplicationOut(BaseModel):
    """An application as its owner sees it: everything, ID number in full."""

    id: UUID
    plan_id: UUID
    plan_title: str
    # 退考截止时间: until then the candidate may withdraw after paying, with a refund.
    withdrawal_closes_at: datetime
    org_id: str
    status: str
    status_label: str
    revision: int
    edited_since_submit: bool
    basic_info: BasicInfoOut | None
    identity: str | None
    registration_info: RegistrationInfoOut | None
    condition_code: str | None
    prior_certificate: PriorCertificateOut | None = None
    required_materials: list[str]
    mail_in: MailInOut | None = None
    steps: StepsOut
    documents: list[DocumentOut]
    rejection_reasons: list[ReasonOut]
    status_history: list[StatusChangeOut]
    ticket_number: str | None
    certificate_number: str | None
    certificate_revocation: CertificateRevocationOut | None = None
    refund: RefundOut | None = None
    plan_cancellation: PlanCancellationOut | None = None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class SubmissionReceiptOut(BaseModel):
    """The answer to a submission (提交回执): it is under review now. The whole application is
    one GET away; the submit call is the peak-season hot path and answers without re-reading
    the documents and the history."""

    id: UUID
    plan_id: UUID
    status: str
    status_label: str
    revision: int
    submitted_at: datetime


class ApplicationSummaryOut(BaseModel):
    """An application in a list: ID number and phone masked."""

    id: UUID
    plan_id: UUID
    plan_title: str
    status: str
    status_label: str
    revision: int
    name: str | None
    id_number: str | None
    mobile: str | None
    created_at: datetime
    submitted_at: datetime | None


class StaffApplicationSummaryOut(ApplicationSummaryOut):
    """An application of the organisation's plans, for its staff: PII masked."""

    candidate_id: UUID
    condition_code: str | None
    total_work_months: int | None
    mail_in_required: bool
    mail_in_received_on: date | None


# --- from the stored rows to the answers ----------------------------------------------------


def application_out(view: ApplicationView) -> ApplicationOut:
    a, plan = view.application, view.plan
    accepted = {d.kind for d in view.documents if d.status == DocumentStatus.ACCEPTED}
    materials = required_materials(plan.conditions, a.condition_code)
    basic = None
    if a.name is not None:
        assert a.gender and a.birth_date and a.ethnic_group and a.education and a.mobile
        basic = BasicInfoOut(
            name=a.name,
            gender=a.gender,
            birth_date=a.birth_date,
            ethnic_group=a.ethnic_group,
            education=a.education,
            mobile=a.mobile,
            email=a.email,
            postal_code=a.postal_code,
            political_status=a.political_status,
            landline=a.landline,
            assessment_category=a.assessment_category,
            candidate_source=a.candidate_source,
        )
    registration = None
    if a.id_number is not None and a.id_type is not None:
        registration = RegistrationInfoOut(
            id_type=a.id_type,
            id_number=a.id_number,
            work_unit=a.work_unit,
            years_worked=a.years_worked,
            registering_unit=a.registering_unit,
            enterprise_type=a.enterprise_type,
            hukou=_division_out(a.hukou_province, a.hukou_city, a.hukou_county),
            residence=_division_out(
                a.residence_province, a.residence_city, a.residence_county, a.residence_address
            ),
            work_unit_address=_division_out(
                a.work_unit_province, a.work_unit_city, a.work_unit_county, a.work_unit_address
            ),
            work_history=[WorkPeriodOut.model_validate(w) for w in a.work_history],
            total_work_months=total_work_months(a) or 0,
        )
    return ApplicationOut(
        id=a.id,
        plan_id=a.plan_id,
        plan_title=plan.title,
        withdrawal_closes_at=aware(plan.withdrawal_closes_at),
        org_id=a.org_id,
        status=a.status,
        status_label=STATUS_LABELS[ApplicationStatus(a.status)],
        revision=a.revision,
        edited_since_submit=a.edited_since_submit,
        basic_info=basic,
        identity=a.identity,
        registration_info=registration,
        condition_code=a.condition_code,
        prior_certificate=(
            PriorCertificateOut.model_validate(a.prior_certificate) if a.prior_certificate else None
        ),
        required_materials=materials,
        mail_in=(
            MailInOut(
                required=True,
                deadline=mail_in_deadline(plan.registration_closes_at),
                received_on=a.mail_in_received_on,
                tracking_number=a.mail_in_tracking_number,
            )
            if plan.requires_mail_in
            else None
        ),
        steps=StepsOut(
            **steps_done(a, plan), materials=all(kind in accepted for kind in materials)
        ),
        documents=[DocumentOut.model_validate(d) for d in view.documents],
        rejection_reasons=[ReasonOut.model_validate(r) for r in a.rejection_reasons],
        status_history=[StatusChangeOut.model_validate(h) for h in view.history],
        ticket_number=a.ticket_number,
        certificate_number=a.certificate_number,
        certificate_revocation=(
            CertificateRevocationOut(
                revoked_at=a.certificate_revoked_at, reason=a.certificate_revocation_reason
            )
            if a.certificate_revoked_at is not None
            else None
        ),
        refund=(
            RefundOut(amount_fen=a.refunded_fen, refunded_at=a.refunded_at)
            if a.refunded_at is not None and a.refunded_fen is not None
            else None
        ),
        plan_cancellation=(
            PlanCancellationOut(cancelled_at=plan.cancelled_at, reason=plan.cancel_reason)
            if plan.cancelled_at is not None
            else None
        ),
        created_at=a.created_at,
        updated_at=a.updated_at,
        submitted_at=a.submitted_at,
    )


def _division_out(
    province: str | None, city: str | None, county: str | None, address: str | None = None
) -> DivisionOut | None:
    if province is None:
        return None
    return DivisionOut(
        province=province,
        city=city,
        county=county,
        address=address,
        label=label(province, city, county),
    )


def staff_summary(a: Application, plan: ExamPlan | None) -> StaffApplicationSummaryOut:
    return StaffApplicationSummaryOut(
        **application_summary(a, plan).model_dump(),
        candidate_id=a.candidate_id,
        condition_code=a.condition_code,
        total_work_months=total_work_months(a),
        mail_in_required=plan.requires_mail_in if plan is not None else False,
        mail_in_received_on=a.mail_in_received_on,
    )


def application_summary(a: Application, plan: ExamPlan | None) -> ApplicationSummaryOut:
    return ApplicationSummaryOut(
        id=a.id,
        plan_id=a.plan_id,
        plan_title=plan.title if plan is not None else "",
        status=a.status,
        status_label=STATUS_LABELS[ApplicationStatus(a.status)],
        revision=a.revision,
        name=a.name,
        id_number=mask_id_number(a.id_number),
        mobile=mask_phone(a.mobile),
        created_at=a.created_at,
        submitted_at=a.submitted_at,
    )
