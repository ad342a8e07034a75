"""Every event the certificate service listens to, and its handler: the one list."""

from certificate.certificates import consumers as certificates
from certificate.plans import consumers as plans
from skillcert.events import Event, ExamPlanPublished, ResultDetermined
from skillcert.inbox import EventHandler

HANDLERS: dict[type[Event], EventHandler] = {
    ExamPlanPublished: plans.on_plan_published,
    ResultDetermined: certificates.on_result_determined,
}
