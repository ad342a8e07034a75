"""Review rules (审核规则): the case state machine, revisions, the audit trail's vocabulary,
claims and rejection reasons. Pure, no I/O. Pre-checks are in prechecks.py, the due date in
calendar.py, the words people read in labels.py."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from skillcert.states import StateMachine

# --- state machine --------------------------------------------------------------------------


class CaseStatus(StrEnum):
    PENDING = "pending"  # 审核中
    APPROVED = "approved"  # 审核通过
    REJECTED = "rejected"  # 审核不通过
    WITHDRAWN = "withdrawn"  # 已撤回
    FORFEITED = "forfeited"  # 视为放弃（纸质材料未按期寄达）
    CANCELLED = "cancelled"  # 考试计划已取消


class CaseAction(StrEnum):
    RESUBMIT = "resubmit"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    FORFEIT = "forfeit"
    CANCEL = "cancel"


# The one table of allowed transitions. The candidate may still edit while 审核中, so a new
# revision of a pending case keeps it pending (and back at the end of the queue). Withdrawal is
# registration's decision: whatever review concluded, the case must follow it. Forfeiture (the
# paper forms did not arrive in time) is registration's too, but a rejected application has no
# exam place to give up, so it stays rejected; withdrawn and forfeited are final. A cancelled
# plan (exam-scheduling's decision) closes what still waits for the exam: pending and approved
# cases. A rejection stands as the last word the candidate read; its resubmission is refused
# because the plan is cancelled. Cancelled is final.
TRANSITIONS: dict[tuple[CaseStatus, CaseAction], CaseStatus] = {
    (CaseStatus.PENDING, CaseAction.APPROVE): CaseStatus.APPROVED,
    (CaseStatus.PENDING, CaseAction.REJECT): CaseStatus.REJECTED,
    (CaseStatus.PENDING, CaseAction.WITHDRAW): CaseStatus.WITHDRAWN,
    (CaseStatus.PENDING, CaseAction.RESUBMIT): CaseStatus.PENDING,
    (CaseStatus.APPROVED, CaseAction.RESUBMIT): CaseStatus.PENDING,
    (CaseStatus.REJECTED, CaseAction.RESUBMIT): CaseStatus.PENDING,
    (CaseStatus.APPROVED, CaseAction.WITHDRAW): CaseStatus.WITHDRAWN,
    (CaseStatus.REJECTED, CaseAction.WITHDRAW): CaseStatus.WITHDRAWN,
    (CaseStatus.PENDING, CaseAction.FORFEIT): CaseStatus.FORFEITED,
    (CaseStatus.APPROVED, CaseAction.FORFEIT): CaseStatus.FORFEITED,
    (CaseStatus.PENDING, CaseAction.CANCEL): CaseStatus.CANCELLED,
    (CaseStatus.APPROVED, CaseAction.CANCEL): CaseStatus.CANCELLED,
}


STATES = StateMachine(TRANSITIONS)


def is_stale(incoming_revision: int, seen_revision: int) -> bool:
    """A revision not newer than the one already under review is a late or repeated delivery."""
    return incoming_revision <= seen_revision


# --- revisions ------------------------------------------------------------------------------


class RevisionOutcome(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    FORFEITED = "forfeited"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"  # edited by the candidate before a decision


# --- audit trail (审核日志) ------------------------------------------------------------------


class ActorKind(StrEnum):
    CANDIDATE = "candidate"  # through registration's events
    REVIEWER = "reviewer"
    # Another service's decision: registration's forfeit after the mail-in deadline,
    # exam-scheduling's cancellation of the plan.
    SYSTEM = "system"


class AuditAction(StrEnum):
    OPENED = "opened"
    RESUBMITTED = "resubmitted"
    CLAIMED = "claimed"
    CLAIM_EXTENDED = "claim_extended"
    APPROVED = "approved"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"
    FORFEITED = "forfeited"
    CANCELLED = "cancelled"


# --- claims (领取) ---------------------------------------------------------------------------


def lease_active(expires_at: datetime | None, now: datetime) -> bool:
    return expires_at is not None and expires_at > now


# --- rejection reasons (驳回原因) ------------------------------------------------------------


class RejectionCode(StrEnum):
    MATERIALS_INCOMPLETE = "materials_incomplete"
    PHOTO_INVALID = "photo_invalid"
    NOT_ELIGIBLE = "not_eligible"
    ID_MISMATCH = "id_mismatch"
    INFO_INCORRECT = "info_incorrect"
    OTHER = "other"
