"""Certificate issuance rules (证书发放): the state machine, numbering, masking. No I/O."""

from __future__ import annotations

import re
from datetime import date
from enum import StrEnum

from skillcert.auth import Role
from skillcert.states import StateMachine

# Issue dates and the year in the number are Beijing dates: a certificate signed at 00:30 on
# 1 January in China belongs to the new year even though it is still 31 December in UTC.


class Status(StrEnum):
    PENDING_HEAD_SIGNATURE = "pending_head_signature"  # 待签发: neither has signed this round
    ORG_SIGNED = "org_signed"  # 评价组织已签发，待考核站点签发
    PENDING_ORG_SIGNATURE = "pending_org_signature"  # 考核站点已签发，待评价组织签发
    ISSUED = "issued"  # 已签发
    REJECTED = "rejected"  # 拒绝签发, back with the organisation
    REVOKED = "revoked"  # 已撤销


class Action(StrEnum):
    HEAD_SIGN = "head_sign"
    ORG_SIGN = "org_sign"
    HEAD_REJECT = "head_reject"
    ORG_REJECT = "org_reject"
    REOPEN = "reopen"
    REVOKE = "revoke"


# The one table of allowed transitions. The head and the organisation sign in either order
# (seed 003 §3.2: "需要试点院校和培训评价组织在平台上进行在线签字确认"); the second signature
# issues. A signature is irreversible (一旦完成操作，不可撤回), so a signer may refuse only
# before signing; either refusal sends the certificate back to the organisation, which deals
# with it and reopens it for a new signing round. Once issued, only revocation remains.
TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (Status.PENDING_HEAD_SIGNATURE, Action.HEAD_SIGN): Status.PENDING_ORG_SIGNATURE,
    (Status.PENDING_HEAD_SIGNATURE, Action.ORG_SIGN): Status.ORG_SIGNED,
    (Status.PENDING_ORG_SIGNATURE, Action.ORG_SIGN): Status.ISSUED,
    (Status.ORG_SIGNED, Action.HEAD_SIGN): Status.ISSUED,
    (Status.PENDING_HEAD_SIGNATURE, Action.HEAD_REJECT): Status.REJECTED,
    (Status.PENDING_HEAD_SIGNATURE, Action.ORG_REJECT): Status.REJECTED,
    (Status.PENDING_ORG_SIGNATURE, Action.ORG_REJECT): Status.REJECTED,
    (Status.ORG_SIGNED, Action.HEAD_REJECT): Status.REJECTED,
    (Status.REJECTED, Action.REOPEN): Status.PENDING_HEAD_SIGNATURE,
    (Status.ISSUED, Action.REVOKE): Status.REVOKED,
}

SIGN_ACTION: dict[Role, Action] = {
    Role.INSTITUTION_HEAD: Action.HEAD_SIGN,
    Role.ORG_ADMIN: Action.ORG_SIGN,
}
REJECT_ACTION: dict[Role, Action] = {
    Role.INSTITUTION_HEAD: Action.HEAD_REJECT,
    Role.ORG_ADMIN: Action.ORG_REJECT,
}

# Why an action is refused in a status, in words the signer understands.
_SIGNED_ALREADY = "您已签发，签发后不可撤回"
_REFUSALS: dict[tuple[Status, Action], str] = {
    (Status.PENDING_ORG_SIGNATURE, Action.HEAD_SIGN): _SIGNED_ALREADY,
    (Status.PENDING_ORG_SIGNATURE, Action.HEAD_REJECT): _SIGNED_ALREADY,
    (Status.ORG_SIGNED, Action.ORG_SIGN): _SIGNED_ALREADY,
    (Status.ORG_SIGNED, Action.ORG_REJECT): _SIGNED_ALREADY,
    (Status.REJECTED, Action.HEAD_SIGN): "证书已被拒绝签发，须待培训评价组织处理后重新发起签发",
    (Status.REJECTED, Action.ORG_SIGN): "证书已被拒绝签发，请先处理拒签并重新发起签发",
}


def refusal(current: Status, action: Action) -> str:
    specific = _REFUSALS.get((current, action))
    if specific is not None:
        return specific
    if action is Action.REOPEN:
        return "只有被拒绝签发的证书才能重新发起签发"
    return {
        Status.ISSUED: "证书已签发，不可撤回（只能撤销）",
        Status.REJECTED: "证书已被拒绝签发",
        Status.REVOKED: "证书已撤销",
    }.get(current, "当前状态不允许此操作")


STATES = StateMachine(TRANSITIONS, refusal=refusal)


class RoundState(StrEnum):
    """One signing round (签发轮次): both signatures, or a refusal that ends it."""

    OPEN = "open"  # 签发中
    COMPLETED = "completed"  # 双方已签发
    REFUSED = "refused"  # 被拒绝，待培训评价组织处理
    RESOLVED = "resolved"  # 已处理，新一轮已发起


class RoundAction(StrEnum):
    COMPLETE = "complete"
    REFUSE = "refuse"
    RESOLVE = "resolve"


ROUND_TRANSITIONS: dict[tuple[RoundState, RoundAction], RoundState] = {
    (RoundState.OPEN, RoundAction.COMPLETE): RoundState.COMPLETED,
    (RoundState.OPEN, RoundAction.REFUSE): RoundState.REFUSED,
    (RoundState.REFUSED, RoundAction.RESOLVE): RoundState.RESOLVED,
}

ROUND_STATES = StateMachine(ROUND_TRANSITIONS)


def org_code(org_id: str) -> str:
    """The organisation part of a number: org_id upper-cased, letters and digits only."""
    return re.sub(r"[^0-9A-Z]", "", org_id.upper())[:12] or "ORG"


def number_prefix(issued_on: date, org_id: str, level: int) -> str:
    return f"{issued_on.year}{org_code(org_id)}{level}"


def format_number(prefix: str, sequence: int) -> str:
    """证书编号 = year (Beijing) + organisation code + level (1-5) + 8-digit sequence, the
    sequence counting per prefix, e.g. 2026ORGDEMO300000001. Letters and digits only, so it
    reads out over the phone and fits in a URL without escaping."""
    return f"{prefix}{sequence:08d}"


def normalise_number(value: str) -> str:
    return value.strip().upper()


def normalise_id_number(value: str) -> str:
    # The check digit X is written in either case on forms.
    return value.strip().upper()


def mask_name(name: str) -> str:
    """张三丰 -> 张**: enough to recognise one's own certificate, not to identify someone."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)
