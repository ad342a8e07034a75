from __future__ import annotations

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

from institution.heads.rules import REASON_MAX


class HeadReplacementIn(BaseModel):
    """更换负责人: the new head (name and mobile phone, where the login name and first password
    are sent) and why."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=50, description="新负责人姓名")
    phone: str = Field(pattern=r"^1[3-9]\d{9}$", description="新负责人手机号")
    reason: str = Field(min_length=1, max_length=REASON_MAX, description="更换原因")


class HeadReplacementOut(BaseModel):
    id: UUID
    institution_code: str
    institution_name: str
    old_head_account_id: UUID
    new_head_account_id: UUID
    new_head_name: str
    new_head_username: str
    new_head_phone: str = Field(description="masked")
    reason: str
    replaced_by_name: str
    replaced_at: datetime
