from __future__ import annotations

from datetime import datetime
from uuid import UUID, uuid4

from sqlalchemy import DateTime, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from certificate.base import Base


class StoredIdentity(Base):
    """A signing identity (签名证书): the dev CA, or the leaf of one institution / organisation.

    Leaves are issued by the configured issuing CA (docs/security.md "Signing keys") the first
    time their owner signs; their keys are stored encrypted with ``signing_key_passphrase``
    (PKCS#8, "ENCRYPTED PRIVATE KEY"). The dev CA row exists only in dev and test, where its
    key is kept in the clear so a fresh machine can issue verifiable certificates with no setup.
    """

    __tablename__ = "signing_identities"
    __table_args__ = (UniqueConstraint("kind", "owner_id"),)

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    kind: Mapped[str] = mapped_column(String(20))
    # The org_id the leaf signs for; "" for the CA (NULLs would not collide in the constraint).
    owner_id: Mapped[str] = mapped_column(String(64))
    common_name: Mapped[str] = mapped_column(String(200))
    key_pem: Mapped[str] = mapped_column(Text)
    # Leaf first, then its issuers: what SigningIdentity.from_pem expects.
    cert_pem: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
