from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class LevelOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    level: int
    name: str


class OccupationOut(BaseModel):
    """An occupation (职业) and the levels a plan may be opened for."""

    code: str
    name: str
    levels: list[LevelOut]
