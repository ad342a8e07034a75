"""Every event the exam-scheduling service listens to, and its handler: the one list."""

from exam_scheduling.allocations import consumers as allocations
from skillcert.events import (
    ApplicationApproved,
    ApplicationForfeited,
    ApplicationWithdrawn,
    Event,
    OrderPaid,
    OrderRefunded,
)
from skillcert.inbox import EventHandler

HANDLERS: dict[type[Event], EventHandler] = {
    ApplicationApproved: allocations.on_application_approved,
    OrderPaid: allocations.on_order_paid,
    ApplicationWithdrawn: allocations.on_application_withdrawn,
    ApplicationForfeited: allocations.on_application_forfeited,
    OrderRefunded: allocations.on_order_refunded,
}
