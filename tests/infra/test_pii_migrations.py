"""The migrations that encrypt personal data at rest encrypt the rows already there: upgrade a
service's database to just before, write plaintext rows as the old schema held them, upgrade
to head and find ciphertext and keyed hashes; downgrade gives the plaintext back."""

from __future__ import annotations

import asyncio
import importlib
import uuid
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from alembic import command

from skillcert import crypto
from skillcert.migrations import alembic_config
from skillcert.testing import create_database, drop_database

ID = "370285199001015910"
PHONE = "13812345678"
T = "2026-12-01 08:00:00+00"


@dataclass
class Case:
    service: str
    before: str  # the revision just before the encrypting one
    rows: list[str]  # INSERTs in the old schema
    #: (table, encrypted column, its hash column or None, the plaintext it held)
    checks: list[tuple[str, str, str | None, str]] = field(default_factory=list)


CASES = [
    Case(
        "gateway",
        "0004",
        [
            "INSERT INTO accounts (id, phone, name, role, password_hash, failed_logins,"
            f" created_at, password_changed_at) VALUES ('{uuid.uuid4()}', '{PHONE}', '张三',"
            f" 'candidate', 'x', 0, '{T}', '{T}')",
            "INSERT INTO sms_codes (id, phone, purpose, code_hash, status, attempts, created_at,"
            f" expires_at) VALUES ('{uuid.uuid4()}', '{PHONE}', 'login', 'h', 'active', 0,"
            f" '{T}', '{T}')",
            "INSERT INTO login_throttles (login, source, failures, last_failure_at)"
            f" VALUES ('{PHONE}', '127.0.0.1', 3, '{T}')",
        ],
        [
            ("accounts", "phone", "phone_hash", PHONE),
            ("sms_codes", "phone", "phone_hash", PHONE),
        ],
    ),
    Case(
        "registration",
        "0008",
        [
            "INSERT INTO roster_students (id, institution_id, student_type, name, name_pinyin,"
            f" id_type, id_number, phone, imported_at, updated_at) VALUES ('{uuid.uuid4()}',"
            f" 'INST-1', 'school', '张三', 'zhangsan', 'resident_id', '{ID}', '{PHONE}', '{T}',"
            f" '{T}')",
        ],
        [
            ("roster_students", "id_number", "id_number_hash", ID),
            ("roster_students", "phone", None, PHONE),
        ],
    ),
    Case(
        "scoring",
        "0004",
        [
            "INSERT INTO roster (application_id, plan_id, candidate_id, candidate_name,"
            " id_number, ticket_number, institution_id, institution_name, scheduled_at)"
            f" VALUES ('{uuid.uuid4()}', '{uuid.uuid4()}', '{uuid.uuid4()}', '张三', '{ID}',"
            f" 'T-1', 'INST-1', '某学院', '{T}')",
        ],
        [("roster", "id_number", None, ID)],
    ),
    Case(
        "notification",
        "0003",
        [
            "INSERT INTO contacts (account_id, name, phone)"
            f" VALUES ('{uuid.uuid4()}', '张三', '{PHONE}')"
        ],
        [("contacts", "phone", None, PHONE)],
    ),
]


def run(sql: str, url: str) -> list[tuple[object, ...]]:
    async def go() -> list[tuple[object, ...]]:
        from skillcert.db import create_engine

        engine = create_engine(url)
        try:
            async with engine.begin() as conn:
                result = await conn.execute(sa.text(sql))
                return [tuple(r) for r in result.all()] if result.returns_rows else []
        finally:
            await engine.dispose()

    return asyncio.run(go())


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.service)
def test_existing_rows_are_encrypted(case: Case):
    migrations = importlib.import_module(f"{case.service}.main").MIGRATIONS
    name = f"pii_{uuid.uuid4().hex[:8]}"
    url = asyncio.run(create_database(name))
    try:
        config = alembic_config(url, migrations)
        command.upgrade(config, case.before)
        for sql in case.rows:
            run(sql, url)
        command.upgrade(config, "head")
        for table, column, hash_column, plain in case.checks:
            select = f"SELECT {column}{', ' + hash_column if hash_column else ''} FROM {table}"
            [row] = run(select, url)
            assert plain not in repr(row), (table, column)
            assert crypto.decrypt(str(row[0])) == plain
            if hash_column:
                assert row[1] == crypto.blind_index(plain)
        if case.service == "gateway":
            assert run("SELECT login FROM login_throttles", url) == [(crypto.blind_index(PHONE),)]
        command.downgrade(config, case.before)
        for table, column, _, plain in case.checks:
            assert run(f"SELECT {column} FROM {table}", url) == [(plain,)]
    finally:
        asyncio.run(drop_database(name))
