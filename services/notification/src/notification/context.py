"""The notification service's context, typed by its settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from notification.config import NotificationSettings
from skillcert.service import ContextAccess, ServiceContext

Context = ServiceContext[NotificationSettings]
context = ContextAccess[NotificationSettings]()
CurrentContext = Annotated[Context, Depends(context.of_request)]
