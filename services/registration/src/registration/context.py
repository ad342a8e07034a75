"""The registration service's context, typed by its settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from registration.config import RegistrationSettings
from skillcert.service import ContextAccess, ServiceContext

Context = ServiceContext[RegistrationSettings]
context = ContextAccess[RegistrationSettings]()
CurrentContext = Annotated[Context, Depends(context.of_request)]
