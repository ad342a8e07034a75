"""The institution service's context, typed by its settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from institution.config import InstitutionSettings
from skillcert.service import ContextAccess, ServiceContext

Context = ServiceContext[InstitutionSettings]
context = ContextAccess[InstitutionSettings]()
CurrentContext = Annotated[Context, Depends(context.of_request)]
