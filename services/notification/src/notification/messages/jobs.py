"""The SMS sender: due messages go out in batches, failures are retried with back-off."""

from __future__ import annotations

from notification.context import Context
from notification.messages.service import deliver_due_sms
from skillcert.jobs import PeriodicJob


async def _send_due_sms(ctx: Context) -> int:
    return await deliver_due_sms(ctx.sessionmaker, ctx.resources.sms, ctx.settings.sms_max_attempts)


#: Busy passes follow each other at once: a batch per submission in peak season.
SMS_JOB = PeriodicJob[Context](
    "send-sms",
    _send_due_sms,
    wait=lambda ctx: ctx.settings.sms_poll_interval_s,
    again_when_busy=True,
)
