from __future__ import annotations

from functools import cache

from pydantic import BaseModel

from registration.forms import rules


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


def _plain(values: tuple[str, ...], coded: bool = False) -> list[OptionOut]:
    return [
        OptionOut(value=v, label=v, code=rules.standard_code(values, v) if coded else None)
        for v in values
    ]


def _labelled(values: dict[str, str]) -> list[OptionOut]:
    return [OptionOut(value=k, label=v) for k, v in values.items()]


@cache
def option_lists() -> OptionsOut:
    """The option lists, built once from the rules."""
    return OptionsOut(
        genders=_labelled(rules.GENDERS),
        ethnic_groups=_plain(rules.ETHNIC_GROUPS, coded=True),
        political_statuses=_plain(rules.POLITICAL_STATUSES, coded=True),
        education_levels=_plain(rules.EDUCATION_LEVELS),
        assessment_categories=_plain(rules.ASSESSMENT_CATEGORIES),
        candidate_sources=_plain(rules.CANDIDATE_SOURCES),
        identities=_labelled(rules.IDENTITIES),
        id_types=_labelled(rules.ID_TYPES),
        enterprise_types=_plain(rules.ENTERPRISE_TYPES),
        levels=[OptionOut(value=str(k), label=v) for k, v in rules.LEVELS.items()],
        materials=_labelled(rules.MATERIALS),
        default_assessment_category=rules.DEFAULT_ASSESSMENT_CATEGORY,
    )
