"""Admission ticket PDFs (准考证) and the key that signs their QR codes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Any
from uuid import UUID

import jwt
from sqlalchemy.ext.asyncio import AsyncSession

from exam_scheduling.config import ExamSchedulingSettings
from exam_scheduling.tickets.document import ExamSession, TicketSheet, render_tickets
from exam_scheduling.tickets.models import TicketSigningKey
from exam_scheduling.tickets.repository import Seated, TicketRepository
from exam_scheduling.tickets.rules import (
    PHOTO_MAX_BYTES,
    TICKET_ALGORITHM,
    exam_address,
    photo_of,
    ticket_claims,
)
from skillcert.auth import Principal, Role, SigningKey
from skillcert.clock import utcnow
from skillcert.db import advisory_lock
from skillcert.errors import Forbidden, NotFound
from skillcert.events import ApplicationResubmitted, ApplicationSubmitted
from skillcert.pii import mask_id_number
from skillcert.settings import Profile
from skillcert.storage import ObjectStore, TooLarge

log = logging.getLogger(__name__)

INSTITUTION_ROLES = (Role.INSTITUTION_ADMIN, Role.INSTITUTION_HEAD)


class TicketSigner:
    """Signs a ticket's claims as a compact JWS (ES256) under the published kid."""

    def __init__(self, key: SigningKey) -> None:
        self.key = key

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(
            claims, self.key.private_key, algorithm=TICKET_ALGORITHM, headers={"kid": self.key.kid}
        )

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.public_jwk()]}


async def ticket_signer(session: AsyncSession, settings: ExamSchedulingSettings) -> TicketSigner:
    """The configured key; in dev and test the one generated and kept in the database."""
    if settings.ticket_signing_key_pem is not None:
        pem = settings.ticket_signing_key_pem.get_secret_value().encode()
        return TicketSigner(SigningKey.from_pem(pem, settings.ticket_signing_key_id))
    if settings.profile is Profile.PROD:  # the settings refuse this; kept as a last guard
        raise RuntimeError("no ticket signing key configured")
    repo = TicketRepository(session)
    stored = await repo.signing_key()
    if stored is None:
        # Two processes starting at once must not publish different keys.
        await advisory_lock(session, "exam-scheduling:ticket-signing-key")
        stored = await repo.signing_key()
    if stored is None:
        key = SigningKey.generate()
        stored = TicketSigningKey(
            kid=f"dev-{key.kid}", private_key_pem=key.to_pem().decode(), created_at=utcnow()
        )
        repo.add(stored)
        await session.flush()
    return TicketSigner(SigningKey.from_pem(stored.private_key_pem.encode(), stored.kid))


class TicketService:
    def __init__(
        self, session: AsyncSession, settings: ExamSchedulingSettings, storage: ObjectStore
    ) -> None:
        self.session = session
        self.settings = settings
        self.storage = storage
        self.repo = TicketRepository(session)

    async def remember_photo(self, event: ApplicationSubmitted | ApplicationResubmitted) -> None:
        photo = photo_of(event.documents)
        if photo is None:
            return
        await self.keep_photo(
            event.application_id, photo.object_key, photo.content_type, event.revision
        )

    async def keep_photo(
        self, application_id: UUID, object_key: str, content_type: str, revision: int
    ) -> None:
        """The photo printed on the ticket: an application's ID photo or, for a 报考 entry,
        the roster's checked photo (考生照片)."""
        await self.repo.remember_photo(
            {
                "application_id": application_id,
                "object_key": object_key,
                "content_type": content_type,
                "revision": revision,
            }
        )

    async def jwks(self) -> dict[str, Any]:
        return (await ticket_signer(self.session, self.settings)).jwks()

    async def candidate_pdf(self, principal: Principal, ticket_number: str) -> bytes:
        """The candidate's own ticket; another's is "not found", not "forbidden"."""
        seated = await self.repo.by_ticket(ticket_number)
        if seated is None or seated.allocation.candidate_id != principal.account_id:
            raise NotFound("准考证不存在")
        return await self._render([seated], f"准考证 {ticket_number}")

    async def room_pdf(self, principal: Principal, room_id: UUID, plan_id: UUID | None) -> bytes:
        """Every ticket of a room (one page each), for the institution that runs its site."""
        found = await self.repo.room(room_id)
        if found is None:
            raise NotFound("考场不存在")
        room, site = found
        require_institution(principal, site.institution_id)
        seated = await self.repo.in_room(room_id, plan_id)
        return await self._render(seated, f"准考证 {site.name} {room.name}")

    async def site_pdf(self, principal: Principal, site_id: UUID, plan_id: UUID | None) -> bytes:
        site = await self.repo.site(site_id)
        if site is None:
            raise NotFound("考点不存在")
        require_institution(principal, site.institution_id)
        seated = await self.repo.at_site(site_id, plan_id)
        return await self._render(seated, f"准考证 {site.name}")

    async def _render(self, seated: Sequence[Seated], title: str) -> bytes:
        signer = await ticket_signer(self.session, self.settings)
        subjects = await self.repo.subjects({s.plan.id for s in seated})
        issued_at = utcnow()
        sheets = []
        for s in seated:
            number = s.allocation.ticket_number or ""
            seat = s.allocation.seat_number or 0
            token = signer.sign(
                ticket_claims(
                    ticket_number=number,
                    candidate_name=s.candidate.candidate_name,
                    id_number=s.candidate.id_number,
                    plan_id=str(s.plan.id),
                    room_name=s.room.name,
                    seat_number=seat,
                    exam_starts_at=s.plan.exam_starts_at,
                    exam_ends_at=s.plan.exam_ends_at,
                    issued_at=issued_at,
                )
            )
            sheets.append(
                TicketSheet(
                    ticket_number=number,
                    candidate_name=s.candidate.candidate_name,
                    id_number=mask_id_number(s.candidate.id_number) or "",
                    plan_title=s.plan.title,
                    occupation_name=s.plan.occupation_name,
                    level_name=s.plan.level_name,
                    org_name=s.plan.org_name,
                    institution_name=s.site.institution_name,
                    site_name=s.site.name,
                    address=room_address(s),
                    room_name=s.room.name,
                    seat_number=seat,
                    # The plan has one exam window today; each subject is sat within it.
                    sessions=[
                        ExamSession(
                            subject_name=subject.name,
                            method=subject.method,
                            starts_at=s.plan.exam_starts_at,
                            ends_at=s.plan.exam_ends_at,
                        )
                        for subject in subjects.get(s.plan.id, [])
                    ],
                    qr_token=token,
                    photo=await self.photo(s.allocation.application_id),
                )
            )
        return await asyncio.to_thread(render_tickets, sheets, title)

    async def photo(self, application_id: UUID) -> bytes | None:
        """The photo's bytes, or None: the ticket then shows a box to paste a photo in."""
        photo = await self.repo.photo(application_id)
        if photo is None:
            return None
        try:
            return await self.storage.get(photo.object_key, max_bytes=PHOTO_MAX_BYTES)
        except (NotFound, TooLarge):
            log.warning("photo of application %s unreadable", application_id)
            return None


def room_address(s: Seated) -> str:
    # A room without its own address (考场地址) is at the site's address.
    return exam_address(s.room.address, s.site.address)


def require_institution(principal: Principal, institution_id: str, what: str = "准考证") -> None:
    """Only the institution that runs the site (its admin or head) prints for it. Another
    institution's site is not found, as it is everywhere else (docs/security.md, "Access
    rules"): an id does not tell whether the site exists."""
    if principal.role not in INSTITUTION_ROLES:
        raise Forbidden(f"只能下载本院校考点的{what}")
    if principal.org_id != institution_id:
        raise NotFound("考点不存在")
