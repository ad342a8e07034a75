"""Every event the certificate service listens to, and its handler: the one list."""

from certificate.certificates import consumers as certificates
from certificate.photos import consumers as photos
from certificate.plans import consumers as plans
from skillcert.events import (
    ApplicationResubmitted,
    ApplicationSubmitted,
    EntryRegistered,
    Event,
    ExamPlanPublished,
    ResultDetermined,
)
from skillcert.inbox import EventHandler

HANDLERS: dict[type[Event], EventHandler] = {
    ExamPlanPublished: plans.on_plan_published,
    ResultDetermined: certificates.on_result_determined,
    ApplicationSubmitted: photos.on_application_filed,
    ApplicationResubmitted: photos.on_application_filed,
    EntryRegistered: photos.on_entry_registered,
}
