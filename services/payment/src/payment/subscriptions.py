"""Every event the payment service listens to, and its handler: the one list."""

from payment.applications import consumers as applications
from payment.plans import consumers as plans
from payment.refunds import consumers as refunds
from skillcert.events import (
    ApplicationApproved,
    ApplicationWithdrawn,
    EntryDeleted,
    EntryRegistered,
    Event,
    ExamPlanCancelled,
    ExamPlanPublished,
)
from skillcert.inbox import EventHandler

HANDLERS: dict[type[Event], EventHandler] = {
    ExamPlanPublished: plans.on_plan_published,
    ApplicationApproved: applications.on_application_approved,
    ApplicationWithdrawn: refunds.on_application_withdrawn,
    EntryRegistered: applications.on_entry_registered,
    EntryDeleted: refunds.on_entry_deleted,
    ExamPlanCancelled: refunds.on_plan_cancelled,
}
