"""Every event the exam-scheduling service listens to, and its handler: the one list."""

from exam_scheduling.allocations import consumers as allocations
from exam_scheduling.invigilation import consumers as invigilation
from exam_scheduling.tickets import consumers as tickets
from skillcert.events import (
    AccountRegistered,
    ApplicationApproved,
    ApplicationForfeited,
    ApplicationResubmitted,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    EntryDeleted,
    EntryRegistered,
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
    EntryRegistered: allocations.on_entry_registered,
    EntryDeleted: allocations.on_entry_deleted,
    OrderRefunded: allocations.on_order_refunded,
    ApplicationSubmitted: tickets.on_application_filed,
    ApplicationResubmitted: tickets.on_application_filed,
    AccountRegistered: invigilation.on_account_registered,
}
