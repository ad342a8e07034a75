from __future__ import annotations

from pydantic import BaseModel


class OptionOut(BaseModel):
    """One choice of a select: `value` is what the API takes, `label` what the form shows;
    `code` the national-standard code where a standard fixes the list."""

    value: str
    label: str
    code: str | None = None


class OptionsOut(BaseModel):
    """Every option list of the four registration steps."""

    genders: list[OptionOut]
    ethnic_groups: list[OptionOut]
    political_statuses: list[OptionOut]
    education_levels: list[OptionOut]
    assessment_categories: list[OptionOut]
    candidate_sources: list[OptionOut]
    identities: list[OptionOut]
    id_types: list[OptionOut]
    enterprise_types: list[OptionOut]
    levels: list[OptionOut]
    materials: list[OptionOut]
    default_assessment_category: str


class DivisionOut(BaseModel):
    """One administrative division (GB/T 2260) for a cascading select."""

    code: str
    name: str
    #: 1 province, 2 city, 3 county
    level: int
    #: whether a further select follows (Dongguan, for one, has no counties)
    has_children: bool
