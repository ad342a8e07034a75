from __future__ import annotations

from pydantic import BaseModel


class TicketKeyOut(BaseModel):
    """One public key (JWK, EC P-256) that checks ticket QR codes."""

    kty: str
    crv: str
    x: str
    y: str
    kid: str
    use: str
    alg: str


class TicketKeySetOut(BaseModel):
    """The JWK set (RFC 7517) an offline check-in device loads to verify ticket QR codes."""

    keys: list[TicketKeyOut]
