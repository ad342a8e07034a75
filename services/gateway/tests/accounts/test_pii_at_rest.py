"""Phones are encrypted at rest (docs/security.md): the rows hold ciphertext and keyed hashes,
lookups by phone and the one-account-per-phone rule still work, and a throttled login is kept
only as its keyed hash."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from gateway.accounts.models import Account
from skillcert import crypto
from skillcert.clock import utcnow as now
from skillcert.testing import ServiceHarness, assert_problem
from tests.helpers import PASSWORD, client, login, register, send_code

PHONE = "13912345678"


async def raw(harness: ServiceHarness, sql: str) -> list[tuple[object, ...]]:
    async with harness.ctx.sessionmaker() as session:
        return [tuple(row) for row in (await session.execute(text(sql))).all()]


def assert_no_phone(rows: list[tuple[object, ...]]) -> None:
    stored = repr(rows)
    assert PHONE not in stored and PHONE[3:] not in stored


class TestStoredRows:
    async def test_account_and_codes_hold_no_plaintext_phone(self, harness: ServiceHarness):
        await register(harness, PHONE)
        accounts = await raw(harness, "SELECT phone, phone_hash FROM accounts")
        assert_no_phone(accounts)
        [(phone, phone_hash)] = accounts
        assert str(phone).startswith("pii1.") and crypto.decrypt(str(phone)) == PHONE
        assert phone_hash == crypto.blind_index(PHONE)
        codes = await raw(harness, "SELECT phone, phone_hash FROM sms_codes")
        assert codes and all(str(p).startswith("pii1.") for p, _ in codes)
        assert_no_phone(codes)

    async def test_a_throttled_login_is_kept_as_its_keyed_hash(self, harness: ServiceHarness):
        await register(harness, PHONE)
        response = await login(harness, PHONE, "Wrong1234")
        assert response.status_code == 401
        throttles = await raw(harness, "SELECT login FROM login_throttles")
        assert throttles == [(crypto.blind_index(PHONE),)]


class TestLookups:
    async def test_login_by_phone_and_sign_up_refused_for_a_taken_phone(
        self, harness: ServiceHarness
    ):
        await register(harness, PHONE)
        assert (await login(harness, PHONE, PASSWORD)).status_code == 200
        response = await client(harness).post(
            "/api/v1/gateway/sms-codes", json={"phone": PHONE, "purpose": "register"}
        )
        assert_problem(response, 409, "phone")

    async def test_the_database_keeps_one_account_per_phone(self, harness: ServiceHarness):
        await register(harness, PHONE)
        with pytest.raises(IntegrityError):
            async with harness.ctx.sessionmaker() as session, session.begin():
                session.add(
                    Account(
                        phone=PHONE,
                        name="李四",
                        role="candidate",
                        password_hash="x",
                        created_at=now(),
                        password_changed_at=now(),
                    )
                )

    async def test_a_code_for_the_phone_is_found_by_its_hash(self, harness: ServiceHarness):
        code = await send_code(harness, PHONE)
        response = await client(harness).post(
            "/api/v1/gateway/accounts",
            json={"phone": PHONE, "code": code, "password": PASSWORD, "name": "张三"},
        )
        assert response.status_code == 201, response.text
