"""API shapes of applications (报名). Field errors read by candidates are in Chinese."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from registration.applications.rules import EMAIL_RE, MOBILE_RE, POSTAL_CODE_RE, IdType

Text50 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)]
Text30 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
Text200 = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


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

    @field_validator("birth_date")
    @classmethod
    def _birth_date_in_past(cls, value: date) -> date:
        if value >= date.today() or value.year < 1900:
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


class RegistrationInfoIn(BaseModel):
    """Step 3 报名信息."""

    id_type: IdType
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=30)]
    work_unit: Text200 | None = None
    years_worked: Annotated[int | None, Field(ge=0, le=60)] = None


class ConditionIn(BaseModel):
    """Step 4 申报条件: one of the plan's conditions."""

    condition_code: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=50)
    ]


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


class RegistrationInfoOut(BaseModel):
    id_type: str
    id_number: str
    work_unit: str | None
    years_worked: int | None


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


class ApplicationOut(BaseModel):
    """An application as its owner sees it: everything, ID number in full."""

    id: UUID
    plan_id: UUID
    plan_title: str
    org_id: str
    status: str
    status_label: str
    revision: int
    edited_since_submit: bool
    basic_info: BasicInfoOut | None
    identity: str | None
    registration_info: RegistrationInfoOut | None
    condition_code: str | None
    required_materials: list[str]
    steps: StepsOut
    documents: list[DocumentOut]
    rejection_reasons: list[ReasonOut]
    status_history: list[StatusChangeOut]
    ticket_number: str | None
    certificate_number: str | None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None


class ApplicationSummary(BaseModel):
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
