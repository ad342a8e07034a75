"""ID numbers and phones are encrypted at rest (docs/security.md): applications, roster
students and exam entries hold ciphertext and keyed hashes; the roster and its uniqueness
work by the hash. (Lookups through the API: the roster, entries and submit tests.)"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text, update
from sqlalchemy.exc import IntegrityError

from registration.applications.models import Application
from registration.roster.models import RosterStudent
from registration.roster.repository import RosterRepository
from skillcert import crypto
from skillcert.testing import ServiceHarness
from tests.conftest import seed_application

ID = "370285199001015910"
PHONE = "13812345678"


def student(institution_id: str = "INST-001", id_number: str = ID) -> RosterStudent:
    now = datetime.now(UTC)
    return RosterStudent(
        institution_id=institution_id,
        student_type="institution",
        name="张三",
        name_pinyin="ZHANG San",
        id_type="resident_id",
        id_number=id_number,
        phone=PHONE,
        imported_at=now,
        updated_at=now,
    )


async def raw(harness: ServiceHarness, sql: str) -> list[tuple[object, ...]]:
    async with harness.ctx.sessionmaker() as session:
        return [tuple(row) for row in (await session.execute(text(sql))).all()]


def assert_plaintext_absent(rows: list[tuple[object, ...]], *values: str) -> None:
    stored = repr(rows)
    for value in values:
        assert value not in stored and value[6:14] not in stored


class TestStoredRows:
    async def test_roster_student(self, harness: ServiceHarness):
        async with harness.ctx.sessionmaker() as session, session.begin():
            session.add(student())
        [(id_number, id_hash, phone)] = await raw(
            harness, "SELECT id_number, id_number_hash, phone FROM roster_students"
        )
        assert_plaintext_absent([(id_number, id_hash, phone)], ID, PHONE)
        assert crypto.decrypt(str(id_number)) == ID and crypto.decrypt(str(phone)) == PHONE
        assert id_hash == crypto.blind_index(ID)

    async def test_application(self, harness: ServiceHarness):
        application = await seed_application(harness)
        assert application.id_number is not None
        async with harness.ctx.sessionmaker() as session, session.begin():
            await session.execute(
                update(Application).where(Application.id == application.id).values(mobile=PHONE)
            )
        [(id_number, id_hash, mobile)] = await raw(
            harness, "SELECT id_number, id_number_hash, mobile FROM applications"
        )
        assert_plaintext_absent([(id_number, id_hash, mobile)], application.id_number, PHONE)
        assert id_hash == crypto.blind_index(application.id_number)
        assert crypto.decrypt(str(mobile)) == PHONE


class TestLookups:
    async def test_the_roster_finds_its_students_by_id_number(self, harness: ServiceHarness):
        async with harness.ctx.sessionmaker() as session, session.begin():
            session.add_all(
                [student(), student("INST-002"), student(id_number="11010519491231002X")]
            )
        async with harness.ctx.sessionmaker() as session:
            found = await RosterRepository(session).by_id_numbers("INST-001", [ID, "nobody"])
        assert list(found) == [ID] and found[ID].phone == PHONE

    async def test_a_person_is_on_an_institutions_roster_once(self, harness: ServiceHarness):
        async with harness.ctx.sessionmaker() as session, session.begin():
            session.add(student())
        with pytest.raises(IntegrityError):
            async with harness.ctx.sessionmaker() as session, session.begin():
                session.add(student())
        async with harness.ctx.sessionmaker() as session, session.begin():
            session.add(student("INST-002"))  # another institution may list them too
