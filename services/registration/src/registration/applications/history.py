"""The one way an application's status moves: along the state machine in rules.py, with its
row in the status history."""

from __future__ import annotations

from typing import Any

from registration.applications.models import Application, StatusChange
from registration.applications.repository import ApplicationRepository
from registration.applications.rules import STATES, Action, ApplicationStatus
from skillcert.clock import utcnow


def move(
    repo: ApplicationRepository,
    application: Application,
    action: Action,
    note: str | None = None,
    reasons: list[dict[str, Any]] | None = None,
) -> None:
    current = ApplicationStatus(application.status)
    target = STATES.transition(current, action)
    add_history(repo, application, current, target, note, reasons)
    application.status = target
    application.updated_at = utcnow()


def add_history(
    repo: ApplicationRepository,
    application: Application,
    from_status: ApplicationStatus | None,
    to_status: ApplicationStatus,
    note: str | None = None,
    reasons: list[dict[str, Any]] | None = None,
) -> None:
    repo.add_change(
        StatusChange(
            application_id=application.id,
            from_status=from_status,
            to_status=to_status,
            revision=application.revision,
            note=note,
            reasons=reasons or [],
            at=utcnow(),
        )
    )
