"""API shapes of the student roster (考生管理). Messages are in Chinese: teachers read them.

`RosterStudentIn` checks one student, whether it comes as JSON (单个新增) or as a line of the
import template: blank cells mean "not given", options may be given by their Chinese label.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Any, Final
from uuid import UUID

from pydantic import (
    BaseModel,
    BeforeValidator,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)
from pydantic_core import PydanticCustomError

from registration.applications.rules import (
    MOBILE_RE,
    IdType,
    id_number_problem,
    normalise_id_number,
)
from registration.forms.rules import ID_TYPES, not_an_option
from registration.roster.models import RosterAuditRecord, RosterStudent
from registration.roster.rules import (
    AUDIT_ACTIONS,
    CONFIRMATION_REASON_MAX,
    IDENTITY_STATUSES,
    MAJOR_LEVELS,
    PHOTO_OUTCOMES,
    PHOTO_STATUSES,
    STUDENT_TYPES,
    AuditAction,
    IdentityStatus,
    PhotoOutcome,
    PhotoStatus,
    StudentType,
    enrolment_year_problem,
    label_to_code,
)
from skillcert.clock import china_today
from skillcert.pii import mask_id_number, mask_phone, scrub

_PINYIN_RE: Final = re.compile(r"^[A-Za-zÜüÊê]+(?:[ '·-][A-Za-zÜüÊê]+)*$")
_YEAR_RE: Final = re.compile(r"^\d{4}$")
_STUDENT_TYPE_LABELS: Final[dict[str, str]] = {t.value: label for t, label in STUDENT_TYPES.items()}


#: What teachers commonly write for an ID type, besides its full name.
_ID_TYPE_ALIASES: Final[dict[str, str]] = {"身份证": "resident_id", "居民身份证号": "resident_id"}


def _option(labels: dict[str, str], what: str, aliases: dict[str, str] | None = None) -> Any:
    def parse(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        code = (aliases or {}).get(value.strip()) or label_to_code(labels, value)
        if code is None:
            raise PydanticCustomError(
                "option",
                "{what}应为：{options}",
                {"what": what, "options": "、".join(labels.values())},
            )
        return code

    return BeforeValidator(parse)


Text50 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=50)]
Text100 = Annotated[str, StringConstraints(strip_whitespace=True, max_length=100)]


class RosterStudentIn(BaseModel):
    """One student of the roster (单个新增, or one line of the import)."""

    #: 考生类型: institution (院校考生) or social (社会考生); the label is accepted too
    student_type: Annotated[StudentType, _option(_STUDENT_TYPE_LABELS, "考生类型")]
    name: Text50
    #: 姓名拼音, as on the certificate: ZHANG San
    name_pinyin: Text100
    #: 证件类型; resident ID (居民身份证) when not given
    id_type: Annotated[IdType, _option(ID_TYPES, "证件类型", _ID_TYPE_ALIASES)] = IdType.RESIDENT_ID
    id_number: Annotated[str, StringConstraints(strip_whitespace=True, max_length=30)]
    #: 手机号码, an 11-digit mainland mobile
    phone: Annotated[str, StringConstraints(strip_whitespace=True, max_length=20)]
    #: 就读专业 / 专业层次 / 入学年份: required of a school student (院校考生)
    major: Annotated[Text100 | None, Field(validate_default=True)] = None
    major_level: Annotated[str | None, Field(validate_default=True)] = None
    enrolment_year: Annotated[int | None, Field(validate_default=True)] = None

    @model_validator(mode="before")
    @classmethod
    def _blank_is_not_given(cls, data: Any) -> Any:
        """Empty cells and fields ("" or null) are absent: required ones are then reported
        as missing, optional ones stay None."""
        if not isinstance(data, dict):
            return data
        return {
            key: value
            for key, value in data.items()
            if value is not None and not (isinstance(value, str) and not value.strip())
        }

    @field_validator("name_pinyin")
    @classmethod
    def _pinyin(cls, value: str) -> str:
        value = " ".join(value.split())
        if not _PINYIN_RE.match(value):
            raise PydanticCustomError(
                "pinyin", "姓名拼音只能包含字母，音节之间可用空格，如 ZHANG San"
            )
        return value

    @field_validator("id_number")
    @classmethod
    def _id_number(cls, value: str, info: ValidationInfo) -> str:
        id_type = info.data.get("id_type")
        if id_type is None:  # the type itself is wrong: reported there
            return value
        number = normalise_id_number(id_type, value)
        if (problem := id_number_problem(id_type, number)) is not None:
            raise PydanticCustomError("id_number", problem)
        return number

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str) -> str:
        value = value.replace(" ", "").replace("-", "")
        if not MOBILE_RE.match(value):
            raise PydanticCustomError("phone", "手机号码格式不正确，应为11位大陆手机号")
        return value

    @field_validator("major_level", mode="after")
    @classmethod
    def _major_level(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if (problem := not_an_option(MAJOR_LEVELS, value, "专业层次")) is not None:
            raise PydanticCustomError(
                "option",
                "{problem}（{options}）",
                {"problem": problem, "options": "、".join(MAJOR_LEVELS)},
            )
        return value

    @field_validator("enrolment_year", mode="before")
    @classmethod
    def _year_format(cls, value: Any) -> Any:
        text = str(value).strip() if isinstance(value, str | int) else None
        if value is not None and (isinstance(value, bool) or not text or not _YEAR_RE.match(text)):
            raise PydanticCustomError("year", "入学年份应为四位数字年份，如 2023")
        return text

    @field_validator("enrolment_year", mode="after")
    @classmethod
    def _year_range(cls, value: int | None) -> int | None:
        if value is not None and (problem := enrolment_year_problem(value, china_today())):
            raise PydanticCustomError("year", problem)
        return value

    @field_validator("major", "major_level", "enrolment_year", mode="after")
    @classmethod
    def _required_of_school_students(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None and info.data.get("student_type") is StudentType.INSTITUTION:
            raise PydanticCustomError("required_of_type", "院校考生须填写此项")
        return value


class RosterStudentOut(BaseModel):
    """A student of the roster; ID number and mobile masked."""

    id: UUID
    student_type: StudentType
    student_type_label: str
    name: str
    name_pinyin: str
    id_type: IdType
    id_type_label: str
    id_number: str
    phone: str
    major: str | None
    major_level: str | None
    enrolment_year: int | None
    imported_at: datetime
    updated_at: datetime
    #: 考生照片: only `checked` lets the student be registered for an exam (报考) or certified
    photo_status: PhotoStatus
    photo_status_label: str
    photo_checked_at: datetime | None
    #: 实名认证; `failed` and `unchecked` await the institution's 人工确认
    identity_status: IdentityStatus
    identity_status_label: str
    identity_confirmed_at: datetime | None
    identity_confirmed_by: str | None
    identity_confirmation_reason: str | None


class RosterImportOut(BaseModel):
    """What an import did: students added, students whose details changed, and students
    already on the roster exactly as given."""

    created: int
    updated: int
    unchanged: int


def student_out(student: RosterStudent) -> RosterStudentOut:
    student_type = StudentType(student.student_type)
    return RosterStudentOut(
        id=student.id,
        student_type=student_type,
        student_type_label=STUDENT_TYPES[student_type],
        name=student.name,
        name_pinyin=student.name_pinyin,
        id_type=IdType(student.id_type),
        id_type_label=ID_TYPES.get(student.id_type, student.id_type),
        id_number=mask_id_number(student.id_number) or "",
        phone=mask_phone(student.phone) or "",
        major=student.major,
        major_level=student.major_level,
        enrolment_year=student.enrolment_year,
        imported_at=student.imported_at,
        updated_at=student.updated_at,
        photo_status=PhotoStatus(student.photo_status),
        photo_status_label=PHOTO_STATUSES[PhotoStatus(student.photo_status)],
        photo_checked_at=student.photo_checked_at,
        identity_status=IdentityStatus(student.identity_status),
        identity_status_label=IDENTITY_STATUSES[IdentityStatus(student.identity_status)],
        identity_confirmed_at=student.identity_confirmed_at,
        identity_confirmed_by=student.identity_confirmed_by,
        identity_confirmation_reason=student.identity_confirmation_reason,
    )


class PhotoFileOut(BaseModel):
    """What became of one file of the photo zip. Its name is masked like any ID number."""

    file: str
    outcome: PhotoOutcome
    outcome_label: str
    message: str
    #: the student it was matched to (matched, or refused for its content)
    student_id: UUID | None = None
    student_name: str | None = None


class PhotoImportOut(BaseModel):
    """批量导入考生照片: how many photos were matched and stored, how many refused, and each
    file's outcome in the order of the zip."""

    matched: int
    refused: int
    files: list[PhotoFileOut]


class PhotoUrlOut(BaseModel):
    """A short-lived link to the student's photo (presigned GET)."""

    url: str
    expires_in_s: int


class IdentityConfirmationIn(BaseModel):
    """人工确认: the institution checked the student's name, ID number and photo by hand."""

    reason: Annotated[
        str,
        StringConstraints(strip_whitespace=True, min_length=2, max_length=CONFIRMATION_REASON_MAX),
    ]


class RosterAuditRecordOut(BaseModel):
    """操作记录: a 人工确认 or an export with full ID numbers."""

    id: UUID
    action: AuditAction
    action_label: str
    student_id: UUID | None
    student_name: str | None
    actor_name: str
    reason: str | None
    student_count: int | None
    at: datetime


def photo_file_out(
    name: str, outcome: PhotoOutcome, message: str, student: RosterStudent | None = None
) -> PhotoFileOut:
    return PhotoFileOut(
        file=scrub(name),
        outcome=outcome,
        outcome_label=PHOTO_OUTCOMES[outcome],
        message=message,
        student_id=student.id if student else None,
        student_name=student.name if student else None,
    )


def audit_out(record: RosterAuditRecord) -> RosterAuditRecordOut:
    action = AuditAction(record.action)
    return RosterAuditRecordOut(
        id=record.id,
        action=action,
        action_label=AUDIT_ACTIONS[action],
        student_id=record.student_id,
        student_name=record.student_name,
        actor_name=record.actor_name,
        reason=record.reason,
        student_count=record.student_count,
        at=record.at,
    )
