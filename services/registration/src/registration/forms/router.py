"""What the registration form offers: option lists and the administrative divisions."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query

from registration.forms.schemas import DivisionOut, OptionsOut, option_lists
from skillcert import divisions
from skillcert.access import Owner, access
from skillcert.auth import CurrentPrincipal
from skillcert.errors import FieldError, InvalidInput, problem_responses
from skillcert.http import service_router

router = service_router("/api/v1/registration", tags=["registration: form"])


@router.get(
    "/options",
    response_model=OptionsOut,
    responses=problem_responses(401),
    **access(
        candidate=Owner.ANY,
        reviewer=Owner.ANY,
        org_admin=Owner.ANY,
        institution_admin=Owner.ANY,
        institution_head=Owner.ANY,
        province_admin=Owner.ANY,
        city_reviewer=Owner.ANY,
        invigilator=Owner.ANY,
        inspector=Owner.ANY,
        ops=Owner.ANY,
        note="报名表选项（参考数据）",
    ),
)
async def form_options(_: CurrentPrincipal) -> OptionsOut:
    """Every option list the four registration steps need."""
    return option_lists()


@router.get(
    "/divisions",
    response_model=list[DivisionOut],
    responses=problem_responses(401, 422),
    **access(
        candidate=Owner.ANY,
        reviewer=Owner.ANY,
        org_admin=Owner.ANY,
        institution_admin=Owner.ANY,
        institution_head=Owner.ANY,
        province_admin=Owner.ANY,
        city_reviewer=Owner.ANY,
        invigilator=Owner.ANY,
        inspector=Owner.ANY,
        ops=Owner.ANY,
        note="行政区划（参考数据）",
    ),
)
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
