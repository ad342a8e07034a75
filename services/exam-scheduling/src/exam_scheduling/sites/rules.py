"""Exam site (考核站点) and room (考场) rules: who sees and manages what, the application's state
machine, region checks, room limits. No I/O."""

from __future__ import annotations

from enum import StrEnum

from skillcert import divisions
from skillcert.auth import Principal, Role
from skillcert.errors import FieldError
from skillcert.states import StateMachine

MIN_ROOM_CAPACITY = 1
MAX_ROOM_CAPACITY = 200
# Two digits of the admission ticket number are the room's number within its site (per plan).
MAX_ROOMS_PER_SITE = 99
INSTITUTION_ROLES = (Role.INSTITUTION_ADMIN, Role.INSTITUTION_HEAD)


class SiteStatus(StrEnum):
    PENDING = "pending"  # 待审核: applied, the organisation has not decided
    APPROVED = "approved"  # 已通过: may host the organisation's exams for its certificates
    REJECTED = "rejected"  # 未通过: refused with a reason; the institution may apply again


class SiteAction(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"


# The one table of an application's transitions: (from, action) -> to.
TRANSITIONS: dict[tuple[SiteStatus, SiteAction], SiteStatus] = {
    (SiteStatus.PENDING, SiteAction.APPROVE): SiteStatus.APPROVED,
    (SiteStatus.PENDING, SiteAction.REJECT): SiteStatus.REJECTED,
}

STATES = StateMachine(TRANSITIONS, refusal=lambda current, action: "该考点申报已审核，不能再次审核")


class RoomType(StrEnum):
    """考场类型: a subject is scheduled only into rooms of its method (机考 into 机考考场)."""

    COMPUTER = "computer"  # 机考考场
    PRACTICAL = "practical"  # 实操考场
    WRITTEN = "written"  # 笔试考场


class BorrowStatus(StrEnum):
    REQUESTED = "requested"  # 待分配: an institution without a site asked to sit elsewhere (借考)
    ASSIGNED = "assigned"  # 已分配: the organisation named the host site
    REJECTED = "rejected"  # 未同意


class BorrowAction(StrEnum):
    ASSIGN = "assign"
    REJECT = "reject"


BORROW_TRANSITIONS: dict[tuple[BorrowStatus, BorrowAction], BorrowStatus] = {
    (BorrowStatus.REQUESTED, BorrowAction.ASSIGN): BorrowStatus.ASSIGNED,
    (BorrowStatus.REQUESTED, BorrowAction.REJECT): BorrowStatus.REJECTED,
}

BORROW_STATES = StateMachine(
    BORROW_TRANSITIONS, refusal=lambda current, action: "该借考申请已处理，不能再次处理"
)


def is_institution(principal: Principal) -> bool:
    return principal.role in INSTITUTION_ROLES and principal.org_id is not None


def owns_site(principal: Principal, institution_id: str) -> bool:
    """The site's own institution (学校标识码 = the staff account's org_id)."""
    return is_institution(principal) and principal.org_id == institution_id


def manages_rooms(principal: Principal, institution_id: str) -> bool:
    """Rooms are set up by the institution's business admin, nobody else (not the
    organisation: it cannot know the building)."""
    return principal.role is Role.INSTITUTION_ADMIN and principal.org_id == institution_id


def reviews_site(principal: Principal, org_id: str) -> bool:
    """The organisation the application is addressed to (申报对象)."""
    return principal.role is Role.ORG_ADMIN and principal.org_id == org_id


def sees_site(principal: Principal, institution_id: str, org_id: str) -> bool:
    """A site is its institution's and its organisation's business: nobody else's."""
    return owns_site(principal, institution_id) or reviews_site(principal, org_id)


def region_problems(province: str, city: str, county: str | None) -> list[FieldError]:
    """所在区域: a current province, a city in it, a county in the city where it has any."""
    if why := divisions.unknown_code(province, 1):
        return [FieldError(field="province_code", message=why)]
    if why := divisions.unknown_code(city, 2) or divisions.chain_problem(province, city, 2):
        return [FieldError(field="city_code", message=why)]
    if county is None:
        if divisions.needs_child(city):
            return [FieldError(field="county_code", message="请选择区县")]
    elif why := divisions.unknown_code(county, 3) or divisions.chain_problem(city, county, 3):
        return [FieldError(field="county_code", message=why)]
    return []


def suggested_name(institution_name: str, certificate: str) -> str:
    """The seed's naming pattern: 学校名称 + 证书简称 + 考核站点."""
    return f"{institution_name}{certificate}考核站点"
