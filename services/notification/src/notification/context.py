"""The notification service's context, typed by its settings and resources."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends

from notification.config import NotificationSettings
from notification.mail.sender import SmtpMailer
from notification.sms.senders import SmsSender
from skillcert.service import ContextAccess, ServiceContext


@dataclass
class NotificationResources:
    """Built by `notification.main.lifespan` from the settings, closed at shutdown."""

    sms: SmsSender
    #: None where no SMTP server is configured: staff notices then go by SMS only
    mail: SmtpMailer | None = None


Context = ServiceContext[NotificationSettings, NotificationResources]
context = ContextAccess[NotificationSettings, NotificationResources]()
CurrentContext = Annotated[Context, Depends(context.of_request)]
