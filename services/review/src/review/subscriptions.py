"""Every event the review service listens to, and its handler: the one list."""

from review.cases import consumers as cases
from review.plans import consumers as plans
from skillcert.events import (
    ApplicationForfeited,
    ApplicationResubmitted,
    ApplicationSubmitted,
    ApplicationWithdrawn,
    Event,
    ExamPlanCancelled,
    ExamPlanPublished,
)
from skillcert.inbox import EventHandler

HANDLERS: dict[type[Event], EventHandler] = {
    ExamPlanPublished: plans.on_plan_published,
    ApplicationSubmitted: cases.on_application_submitted,
    ApplicationResubmitted: cases.on_application_resubmitted,
    ApplicationWithdrawn: cases.on_application_withdrawn,
    ApplicationForfeited: cases.on_application_forfeited,
    ExamPlanCancelled: cases.on_plan_cancelled,
}
