"""The certificate service's context, typed by its settings."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from certificate.config import CertificateSettings
from skillcert.service import ContextAccess, ServiceContext

Context = ServiceContext[CertificateSettings]
context = ContextAccess[CertificateSettings]()
CurrentContext = Annotated[Context, Depends(context.of_request)]
