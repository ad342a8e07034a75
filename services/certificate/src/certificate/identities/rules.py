"""Signing-identity rules: which kinds exist and how their certificates are named. No I/O."""

from __future__ import annotations

from enum import StrEnum

DEV_CA_NAME = "Skillcert Dev Root CA"
DEV_CA_ORGANISATION = "Skillcert Dev"


class IdentityKind(StrEnum):
    CA = "ca"
    INSTITUTION = "institution"  # signs as 考核站点负责人
    ORGANISATION = "organisation"  # signs as 培训评价组织


def leaf_common_name(kind: IdentityKind, owner_name: str) -> str:
    """The signer name verifiers see: the institution head's or the organisation's."""
    if kind is IdentityKind.INSTITUTION:
        return f"{owner_name} 考核站点负责人"
    return owner_name
