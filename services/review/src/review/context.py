"""The review service's context, typed by its settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from review.config import ReviewSettings
from skillcert.service import ContextAccess, ServiceContext

Context = ServiceContext[ReviewSettings]
context = ContextAccess[ReviewSettings]()
CurrentContext = Annotated[Context, Depends(context.of_request)]
