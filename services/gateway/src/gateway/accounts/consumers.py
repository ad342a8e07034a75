"""What the gateway does on other services' events: make the head account of an institution
that signed up, and swap it when the province replaces the head (the gateway owns accounts)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from gateway.accounts.service import AccountService
from gateway.context import context
from skillcert.events import InstitutionHeadReplaced, InstitutionRegistered


async def on_institution_registered(session: AsyncSession, event: InstitutionRegistered) -> None:
    kit = context(session).resources.identity
    await AccountService(session, kit).create_institution_head(event)


async def on_institution_head_replaced(
    session: AsyncSession, event: InstitutionHeadReplaced
) -> None:
    kit = context(session).resources.identity
    await AccountService(session, kit).replace_institution_head(event)
