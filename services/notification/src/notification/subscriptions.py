"""Every event the notification service listens to, and its handler: the one list."""

from notification.messages import consumers as messages
from notification.plans import consumers as plans
from skillcert.events import (
    AccountCredentialsIssued,
    AccountRegistered,
    ApplicationApproved,
    ApplicationForfeited,
    ApplicationRejected,
    ApplicationSubmitted,
    CandidateScheduled,
    CertificateIssued,
    CertificateRevoked,
    Event,
    ExamPlanPublished,
    OrderPaid,
    OrderRefunded,
    PilotDecided,
    ResultDetermined,
    SmsCodeIssued,
)
from skillcert.inbox import EventHandler

HANDLERS: dict[type[Event], EventHandler] = {
    SmsCodeIssued: messages.on_sms_code_issued,
    AccountRegistered: messages.on_account_registered,
    AccountCredentialsIssued: messages.on_account_credentials_issued,
    ExamPlanPublished: plans.on_plan_published,
    ApplicationSubmitted: messages.on_application_submitted,
    ApplicationApproved: messages.on_application_approved,
    ApplicationRejected: messages.on_application_rejected,
    OrderPaid: messages.on_order_paid,
    CandidateScheduled: messages.on_candidate_scheduled,
    ResultDetermined: messages.on_result_determined,
    CertificateIssued: messages.on_certificate_issued,
    ApplicationForfeited: messages.on_application_forfeited,
    OrderRefunded: messages.on_order_refunded,
    CertificateRevoked: messages.on_certificate_revoked,
    PilotDecided: messages.on_pilot_decided,
}
