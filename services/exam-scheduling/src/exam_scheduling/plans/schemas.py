from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from exam_scheduling.fields import Code, Text50, Text100, Text200
from exam_scheduling.subjects.rules import MAX_AUDIENCE_GROUPS


def _aware_utc(value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("时间须包含时区，例如 2026-05-01T09:00:00+08:00")
    return value.astimezone(UTC)


AwareTime = Annotated[datetime, AfterValidator(_aware_utc)]
SubjectMethod = Literal["computer", "practical", "written"]


class SubjectIn(BaseModel):
    """A subject (科目): computer = 机考, practical = 实操, written = 笔试; `audience` the
    groups (参考对象) it is for, each candidate registered for it naming one, empty for all
    candidates (所有考生)."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    name: Text100
    method: SubjectMethod
    full_score: Decimal = Field(default=Decimal("100"), gt=0, le=1000)
    pass_score: Decimal = Field(default=Decimal("60"), ge=0, le=1000)
    audience: list[Text50] = Field(default_factory=list, max_length=MAX_AUDIENCE_GROUPS)


class ConditionIn(BaseModel):
    """An eligibility condition (申报条件), e.g. level 2 then 5 years in the occupation."""

    model_config = ConfigDict(extra="forbid")

    code: Code
    title: Text200
    prior_level: int | None = Field(default=None, ge=1, le=5)
    min_years_after_prior: int | None = Field(default=None, ge=0, le=30)
    # Occupation codes of the catalogue (GET /occupations/{code}).
    related_occupations: list[Code] = Field(default_factory=list, max_length=100)
    # Take the related occupations from the catalogue (every list, minus exceptions) instead.
    related_from_catalogue: bool = False
    # Codes of skillcert.events.MATERIAL_KINDS.
    required_materials: list[Text50] = Field(default_factory=list, max_length=30)


ResultRuleKind = Literal["each_subject", "weighted_total", "both"]


class SubjectWeightIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject_code: Code
    # Percent of the weighted total (综合成绩), e.g. 40 of 40/30/30.
    weight: Decimal = Field(gt=0, le=100)


class ResultRuleIn(BaseModel):
    """The certificate result rule (考证结果判定规则): each_subject = 各科均达合格分数,
    weighted_total = 综合成绩（按权重）达合格分数, both = 两者同时满足. Checked in full when the
    plan is published (rules.result_rule_problems)."""

    model_config = ConfigDict(extra="forbid")

    kind: ResultRuleKind = "each_subject"
    weights: list[SubjectWeightIn] = Field(default_factory=list, max_length=20)
    # Pass mark of the weighted total, out of 100.
    pass_score: Decimal | None = Field(default=None, ge=0, le=1000)


class ResultRuleOut(BaseModel):
    kind: ResultRuleKind = "each_subject"
    weights: list[SubjectWeightIn] = []
    pass_score: Decimal | None = None


class WindowsIn(BaseModel):
    """The plan's five windows (seed 003 §2.2.3), each an interval, in this order: 报考
    (registration), 排考 (scheduling), 考试 (exam), 登记 (score registration), 公示
    (publicity). Registration may still run while scheduling begins (the seed's plans overlap
    them); each later window starts when the one before it has ended. Windows left out get
    their default (rules.default_windows)."""

    model_config = ConfigDict(extra="forbid")

    registration_opens_at: AwareTime
    registration_closes_at: AwareTime
    scheduling_opens_at: AwareTime | None = None
    scheduling_closes_at: AwareTime | None = None
    exam_starts_at: AwareTime
    exam_ends_at: AwareTime
    scores_open_at: AwareTime | None = None
    scores_close_at: AwareTime | None = None
    publicity_opens_at: AwareTime | None = None
    publicity_closes_at: AwareTime | None = None
    # Until when a paid candidate may withdraw with a refund; by default when registration
    # closes, which is when scheduling (排考) begins (seed 003's plan windows).
    withdrawal_closes_at: AwareTime | None = None


class PlanIn(WindowsIn):
    model_config = ConfigDict(extra="forbid")

    title: Text200
    occupation_code: Code
    level: int = Field(ge=1, le=5)
    fee_fen: int = Field(ge=0, le=100_000_000)
    requires_mail_in: bool = False
    subjects: list[SubjectIn] = Field(min_length=1, max_length=20)
    conditions: list[ConditionIn] = Field(default_factory=list, max_length=20)
    result_rule: ResultRuleIn = Field(default_factory=ResultRuleIn)


class CancelPlanIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: Text200


class AttachSitesIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site_ids: list[UUID] = Field(min_length=1, max_length=100)


class SubjectOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    method: SubjectMethod
    full_score: Decimal
    pass_score: Decimal
    audience: list[str] = []

    @field_validator("full_score", "pass_score")
    @classmethod
    def _two_places(cls, value: Decimal) -> Decimal:
        # Scores are stored as NUMERIC(6,2); answer "60.00" whether or not the row was reloaded.
        return value.quantize(Decimal("0.01"))


class ConditionOut(BaseModel):
    code: str
    title: str
    prior_level: int | None = None
    min_years_after_prior: int | None = None
    related_occupations: list[str] = []
    related_from_catalogue: bool = False
    required_materials: list[str] = []


class PlanSiteOut(BaseModel):
    site_id: UUID
    position: int
    name: str
    address: str
    institution_id: str
    institution_name: str


class PlanOut(BaseModel):
    """An exam plan (考试计划) as its organisation and candidates see it."""

    id: UUID
    serial: int
    number: str  # 计划编号, K…
    org_id: str
    org_name: str
    title: str
    occupation_code: str
    occupation_name: str
    level: int
    level_name: str
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
    fee_fen: int
    requires_mail_in: bool
    status: str
    subjects: list[SubjectOut]
    conditions: list[ConditionOut]
    result_rule: ResultRuleOut
    sites: list[PlanSiteOut]
    created_at: datetime
    published_at: datetime | None
    cancelled_at: datetime | None = None
    cancel_reason: str | None = None
