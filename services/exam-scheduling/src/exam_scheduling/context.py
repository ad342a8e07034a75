"""The exam-scheduling service's context, typed by its settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from exam_scheduling.config import ExamSchedulingSettings
from skillcert.service import ContextAccess, ServiceContext

Context = ServiceContext[ExamSchedulingSettings]
context = ContextAccess[ExamSchedulingSettings]()
CurrentContext = Annotated[Context, Depends(context.of_request)]
