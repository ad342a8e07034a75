"""Site and room rules: who manages a site, room limits. No I/O."""

from __future__ import annotations

from skillcert.auth import Principal, Role

MIN_ROOM_CAPACITY = 1
MAX_ROOM_CAPACITY = 200
# Two digits of the admission ticket number are the room's number within its site.
MAX_ROOMS_PER_SITE = 99


def can_manage_site(principal: Principal, institution_id: str) -> bool:
    """The certifying organisation manages every site; an institution only its own."""
    if principal.role is Role.ORG_ADMIN:
        return principal.org_id is not None
    return principal.role is Role.INSTITUTION_ADMIN and principal.org_id == institution_id
