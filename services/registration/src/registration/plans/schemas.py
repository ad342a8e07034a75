from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class PlanSubjectOut(BaseModel):
    code: str
    name: str
    method: str
    full_score: Decimal
    pass_score: Decimal
    #: 参考对象 the subject is for; empty (and in plans published before the field) for all
    #: candidates (所有考生)
    audience: list[str] = []


class PlanConditionOut(BaseModel):
    """An eligibility condition (申报条件) and the materials (所需材料) it requires."""

    code: str
    title: str
    prior_level: int | None = None
    min_years_after_prior: int | None = None
    related_occupations: list[str] = Field(default_factory=list)
    required_materials: list[str] = Field(default_factory=list)


class PlanOut(BaseModel):
    """An exam plan open for registration (报名进行中)."""

    model_config = ConfigDict(from_attributes=True)

    plan_id: UUID
    org_id: str
    org_name: str
    title: str
    occupation_code: str
    occupation_name: str
    level: int
    level_name: str
    registration_opens_at: datetime
    registration_closes_at: datetime
    exam_starts_at: datetime
    exam_ends_at: datetime
    # 退考截止时间: until then a paid candidate may withdraw and get the fee back.
    withdrawal_closes_at: datetime
    fee_fen: int
    requires_mail_in: bool
    subjects: list[PlanSubjectOut]
    conditions: list[PlanConditionOut]
