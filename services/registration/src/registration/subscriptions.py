"""Every event the registration service listens to, and its handler: the one list."""

from registration.applications import consumers as applications
from registration.plans import consumers as plans
from registration.quotas import consumers as quotas
from skillcert.events import (
    ApplicationApproved,
    ApplicationRejected,
    CandidateScheduled,
    CertificateIssued,
    CertificateRevoked,
    Event,
    ExamPlanCancelled,
    ExamPlanPublished,
    ExamPlanWindowsChanged,
    OrderPaid,
    OrderRefunded,
    PilotApproved,
    ResultDetermined,
)
from skillcert.inbox import EventHandler

HANDLERS: dict[type[Event], EventHandler] = {
    ExamPlanPublished: plans.on_plan_published,
    ExamPlanCancelled: applications.on_plan_cancelled,
    ExamPlanWindowsChanged: plans.on_plan_windows_changed,
    ApplicationApproved: applications.on_application_approved,
    ApplicationRejected: applications.on_application_rejected,
    OrderPaid: applications.on_order_paid,
    CandidateScheduled: applications.on_candidate_scheduled,
    ResultDetermined: applications.on_result_determined,
    CertificateIssued: applications.on_certificate_issued,
    CertificateRevoked: applications.on_certificate_revoked,
    OrderRefunded: applications.on_order_refunded,
    PilotApproved: quotas.on_pilot_approved,
}
