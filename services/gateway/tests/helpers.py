"""Steps the gateway tests share: send a code, read it from the outbox, register, log in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update

from gateway.accounts.models import Account, SmsCode
from skillcert.crypto import blind_index
from skillcert.events import SmsCodeIssued
from skillcert.testing import ServiceHarness

PASSWORD = "Secret123"
SMS_CODES = "/api/v1/gateway/sms-codes"
ACCOUNTS = "/api/v1/gateway/accounts"
SESSIONS = "/api/v1/gateway/sessions"
RESETS = "/api/v1/gateway/password-resets"


def client(harness: ServiceHarness) -> httpx.AsyncClient:
    assert harness.client is not None
    return harness.client


async def send_code(harness: ServiceHarness, phone: str, purpose: str = "register") -> str:
    """Request a code and read it the way the notification service receives it."""
    response = await client(harness).post(SMS_CODES, json={"phone": phone, "purpose": purpose})
    assert response.status_code == 202, response.text
    events = [
        e
        for e in await harness.outbox("identity.sms_code.issued.v1")
        if isinstance(e, SmsCodeIssued) and e.phone == phone and e.purpose == purpose
    ]
    return events[-1].code


async def register(
    harness: ServiceHarness, phone: str, password: str = PASSWORD, name: str = "张三"
) -> dict[str, Any]:
    code = await send_code(harness, phone)
    response = await client(harness).post(
        ACCOUNTS, json={"phone": phone, "code": code, "password": password, "name": name}
    )
    assert response.status_code == 201, response.text
    # Past the resend cool-down, so the test may ask for the next code at once.
    await backdate_codes(harness, phone, created_at=datetime.now(UTC) - timedelta(minutes=2))
    body: dict[str, Any] = response.json()
    return body


async def login(harness: ServiceHarness, login_name: str, password: str) -> httpx.Response:
    return await client(harness).post(SESSIONS, json={"login": login_name, "password": password})


async def codes(harness: ServiceHarness, phone: str) -> list[SmsCode]:
    async with harness.ctx.sessionmaker() as session:
        result = await session.execute(
            select(SmsCode)
            .where(SmsCode.phone_hash == blind_index(phone))
            .order_by(SmsCode.created_at)
        )
        return list(result.scalars())


async def accounts(harness: ServiceHarness) -> list[Account]:
    async with harness.ctx.sessionmaker() as session:
        return list((await session.execute(select(Account))).scalars())


async def backdate_codes(harness: ServiceHarness, phone: str, **values: datetime) -> None:
    """Move a phone's codes in time (created_at, expires_at) instead of waiting."""
    async with harness.ctx.sessionmaker() as session:
        await session.execute(
            update(SmsCode).where(SmsCode.phone_hash == blind_index(phone)).values(**values)
        )
        await session.commit()
