"""The scoring service's context, typed by its settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from scoring.config import ScoringSettings
from skillcert.service import ContextAccess, ServiceContext

Context = ServiceContext[ScoringSettings]
context = ContextAccess[ScoringSettings]()
CurrentContext = Annotated[Context, Depends(context.of_request)]
