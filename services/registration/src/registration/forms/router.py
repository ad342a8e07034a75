"""What the registration form offers: option lists and the administrative divisions."""

from __future__ import annotations

from functools import cache
from typing import Annotated

from fastapi import Query

from registration.forms import rules
from registration.forms.schemas import DivisionOut, OptionOut, OptionsOut
from skillcert import divisions
from skillcert.auth import CurrentPrincipal
from skillcert.errors import FieldError, InvalidInput, problem_responses
from skillcert.http import service_router

router = service_router("/api/v1/registration", tags=["registration: form"])


def _plain(values: tuple[str, ...], coded: bool = False) -> list[OptionOut]:
    return [
        OptionOut(value=v, label=v, code=rules.standard_code(values, v) if coded else None)
        for v in values
    ]


def _labelled(values: dict[str, str]) -> list[OptionOut]:
    return [OptionOut(value=k, label=v) for k, v in values.items()]


@cache
def _options() -> OptionsOut:
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


@router.get("/options", response_model=OptionsOut, responses=problem_responses(401))
async def form_options(_: CurrentPrincipal) -> OptionsOut:
    """Every option list the four registration steps need."""
    return _options()


@router.get("/divisions", response_model=list[DivisionOut], responses=problem_responses(401, 422))
async def list_divisions(
    _: CurrentPrincipal,
    parent: Annotated[str | None, Query(max_length=6)] = None,
) -> list[DivisionOut]:
    """Provinces without `parent`; the cities of a province; the counties of a city."""
    if parent is None:
        found: list[divisions.Division] | None = divisions.provinces()
    else:
        found = divisions.children(parent.strip())
    if found is None:
        message = "行政区划代码不存在"
        raise InvalidInput(message, errors=[FieldError(field="parent", message=message)])
    return [
        DivisionOut(code=d.code, name=d.name, level=d.level, has_children=bool(d.children))
        for d in found
    ]
