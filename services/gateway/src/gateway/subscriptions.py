"""Every event the gateway listens to, and its handler: the one list."""

from gateway.accounts import consumers as accounts
from gateway.audit import consumers as audit
from skillcert.events import AuditRecorded, Event, InstitutionHeadReplaced, InstitutionRegistered
from skillcert.inbox import EventHandler

HANDLERS: dict[type[Event], EventHandler] = {
    InstitutionRegistered: accounts.on_institution_registered,
    InstitutionHeadReplaced: accounts.on_institution_head_replaced,
    AuditRecorded: audit.on_audit_recorded,
}
