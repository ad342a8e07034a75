"""Personal data at rest (skillcert.crypto): envelope encryption, the blind index, key
rotation with the re-encryption job, and the keys' configuration. Columns are checked on
PostgreSQL and on SQLite (embedded mode) by reading the stored text past the column type."""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from types import SimpleNamespace

import pytest
import sqlalchemy as sa
from pydantic import SecretStr
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from skillcert import crypto
from skillcert.crypto import (
    EncryptedColumn,
    EncryptedText,
    KeyRing,
    PiiKeyError,
    blind_index,
    blind_index_column,
    sync_blind_index,
)
from skillcert.db import create_engine, create_sessionmaker, new_metadata
from skillcert.settings import Profile, ServiceSettings
from skillcert.telemetry import JsonLogFormatter
from skillcert.testing import create_database, drop_database

ID = "370285199001015910"
PHONE = "13812345678"
K1 = bytes(range(32))
K2 = bytes(range(32, 64))
INDEX = bytes(range(64, 96))


def ring(*kids: str, active: str) -> KeyRing:
    keys = {"k1": K1, "k2": K2}
    return KeyRing(keys={kid: keys[kid] for kid in kids}, active=active, index_key=INDEX)


class Base(DeclarativeBase):
    metadata = new_metadata()


class Person(Base):
    __tablename__ = "people"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    id_number: Mapped[str] = mapped_column(EncryptedText())
    id_number_hash: Mapped[str] = blind_index_column(unique=True)
    phone: Mapped[str | None] = mapped_column(EncryptedText())
    phone_hash: Mapped[str | None] = blind_index_column(index=True)


sync_blind_index(Person.id_number, Person.id_number_hash)
sync_blind_index(Person.phone, Person.phone_hash)

TARGETS = [EncryptedColumn("people", "id_number"), EncryptedColumn("people", "phone")]


class TestKeyRing:
    def test_round_trip_and_random_ciphertexts(self):
        r = ring("k1", active="k1")
        a, b = r.encrypt(ID), r.encrypt(ID)
        assert a != b
        assert a.startswith("pii1.k1.")
        assert ID not in a and "19900101" not in a
        assert r.decrypt(a) == r.decrypt(b) == ID

    def test_a_wrong_key_fails_loudly(self):
        token = ring("k1", active="k1").encrypt(ID)
        impostor = KeyRing(keys={"k1": K2}, active="k1", index_key=INDEX)
        with pytest.raises(PiiKeyError, match="'k1' does not open this value: wrong key"):
            impostor.decrypt(token)

    def test_an_unknown_key_id_fails_loudly(self):
        token = ring("k2", active="k2").encrypt(ID)
        with pytest.raises(PiiKeyError, match="'k2' is not in the key ring"):
            ring("k1", active="k1").decrypt(token)

    def test_altered_ciphertext_and_plaintext_fail(self):
        r = ring("k1", active="k1")
        prefix, kid, wrapped, body = r.encrypt(ID).split(".")
        flipped = body[:-2] + ("A" if body[-2] != "A" else "B") + body[-1]
        with pytest.raises(PiiKeyError, match="fails its check"):
            r.decrypt(".".join([prefix, kid, wrapped, flipped]))
        with pytest.raises(PiiKeyError, match="plaintext left"):
            r.decrypt(ID)

    def test_rewrap_moves_the_data_key_only(self):
        old = ring("k1", active="k1").encrypt(PHONE)
        both = ring("k1", "k2", active="k2")
        new = both.rewrap(old)
        assert new.startswith("pii1.k2.")
        assert new.split(".")[3] == old.split(".")[3]  # the sealed value is untouched
        assert both.decrypt(new) == PHONE
        assert ring("k2", active="k2").decrypt(new) == PHONE

    def test_blind_index_is_keyed_and_stable(self):
        a = ring("k1", active="k1").blind_index(ID)
        assert a == ring("k2", active="k2").blind_index(ID)  # the index key, not the KEK
        other = KeyRing(keys={"k1": K1}, active="k1", index_key=K2)
        assert other.blind_index(ID) != a
        assert len(a) == crypto.INDEX_LENGTH and ID not in a

    def test_key_ids_and_sizes_are_checked(self):
        with pytest.raises(ValueError, match="letters, digits"):
            KeyRing(keys={"k.1": K1}, active="k.1", index_key=INDEX)
        with pytest.raises(ValueError, match="not in the key ring"):
            KeyRing(keys={"k1": K1}, active="k2", index_key=INDEX)
        with pytest.raises(ValueError, match="32 bytes"):
            crypto.decode_key("c2hvcnQ=", "key")


def b64(key: bytes) -> SecretStr:
    return SecretStr(crypto.base64.b64encode(key).decode())


class TestConfiguration:
    def test_prod_refuses_to_start_without_keys(self):
        settings = ServiceSettings(profile=Profile.PROD, s3_secret_key="s")
        with pytest.raises(ValueError, match="personal data keys are required in the prod"):
            crypto.keyring_from_settings(settings)

    def test_prod_service_app_refuses_to_start_without_keys(self):
        from sample.app import build_spec

        from skillcert.service import create_service_app

        spec = build_spec()
        spec.settings = spec.settings.model_copy(update={"profile": Profile.PROD})
        with pytest.raises(ValueError, match="personal data keys are required"):
            create_service_app(spec)

    def test_dev_and_test_use_the_fixed_development_ring(self):
        r = crypto.keyring_from_settings(ServiceSettings(profile=Profile.TEST))
        assert r == crypto.dev_keyring()
        assert r.active == crypto.DEV_KEY_ID

    def test_keys_from_settings(self):
        settings = ServiceSettings(
            profile=Profile.PROD,
            s3_secret_key="s",
            pii_keys={"k1": b64(K1), "k2": b64(K2)},
            pii_key_id="k2",
            pii_index_key=b64(INDEX),
        )
        assert crypto.keyring_from_settings(settings) == ring("k1", "k2", active="k2")

    def test_several_keys_need_the_active_one_named(self):
        settings = ServiceSettings(
            profile=Profile.PROD,
            s3_secret_key="s",
            pii_keys={"k1": b64(K1), "k2": b64(K2)},
            pii_index_key=b64(INDEX),
        )
        with pytest.raises(ValueError, match="SKILLCERT_PII_KEY_ID"):
            crypto.keyring_from_settings(settings)

    def test_keys_from_a_secret_file(self, tmp_path: Path):
        path = tmp_path / "pii-keys.json"
        path.write_text(
            json.dumps(
                {
                    "keys": {"k1": b64(K1).get_secret_value()},
                    "active": "k1",
                    "index_key": b64(INDEX).get_secret_value(),
                }
            )
        )
        settings = ServiceSettings(profile=Profile.PROD, s3_secret_key="s", pii_keys_file=str(path))
        assert crypto.keyring_from_settings(settings) == ring("k1", active="k1")

    def test_from_the_environment(self, monkeypatch: pytest.MonkeyPatch):
        monkeypatch.setenv("SKILLCERT_PII_KEYS", json.dumps({"k1": b64(K1).get_secret_value()}))
        monkeypatch.setenv("SKILLCERT_PII_INDEX_KEY", b64(INDEX).get_secret_value())
        assert crypto.keyring_from_settings(ServiceSettings()) == ring("k1", active="k1")


@pytest.fixture(params=["postgresql", "sqlite"])
async def db(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    name = f"skillcert_crypto_{uuid.uuid4().hex[:8]}"
    if request.param == "postgresql":
        url = await create_database(name)
    else:
        url = f"sqlite+aiosqlite:///{tmp_path / 'crypto.db'}"
    engine = create_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.run_sync(Base.metadata.create_all)
        with crypto.using(ring("k1", active="k1")):
            yield create_sessionmaker(engine)
    finally:
        await engine.dispose()
        if request.param == "postgresql":
            await drop_database(name)


async def raw(session: AsyncSession) -> list[tuple[str, str | None, str, str | None]]:
    rows = await session.execute(
        sa.text("SELECT id_number, phone, id_number_hash, phone_hash FROM people ORDER BY 1")
    )
    return [tuple(row) for row in rows.all()]  # type: ignore[misc]


class TestColumns:
    async def test_the_row_holds_no_plaintext(self, db: async_sessionmaker[AsyncSession]):
        async with db() as s, s.begin():
            s.add(Person(id_number=ID, phone=PHONE))
        async with db() as s:
            [(id_number, phone, id_hash, phone_hash)] = await raw(s)
            assert id_number.startswith("pii1.k1.") and phone and phone.startswith("pii1.k1.")
            stored = f"{id_number}{phone}{id_hash}{phone_hash}"
            for fragment in (ID, PHONE, ID[6:14], PHONE[3:]):
                assert fragment not in stored
            assert id_hash == blind_index(ID) and phone_hash == blind_index(PHONE)
            person = (await s.execute(sa.select(Person))).scalar_one()
            assert (person.id_number, person.phone) == (ID, PHONE)

    async def test_lookup_by_blind_index(self, db: async_sessionmaker[AsyncSession]):
        async with db() as s, s.begin():
            s.add_all([Person(id_number=ID, phone=PHONE), Person(id_number="11010519491231002X")])
        async with db() as s:
            found = await s.scalar(sa.select(Person).where(Person.phone_hash == blind_index(PHONE)))
            assert found is not None and found.id_number == ID
            assert (
                await s.scalar(
                    sa.select(Person).where(
                        Person.id_number_hash == blind_index("110105194912310021")
                    )
                )
                is None
            )

    async def test_a_changed_value_changes_its_index(self, db: async_sessionmaker[AsyncSession]):
        async with db() as s, s.begin():
            s.add(Person(id_number=ID, phone=PHONE))
        async with db() as s, s.begin():
            person = (await s.execute(sa.select(Person))).scalar_one()
            person.phone = "13900000000"
        async with db() as s:
            [(_, _, _, phone_hash)] = await raw(s)
            assert phone_hash == blind_index("13900000000")

    async def test_uniqueness_holds(self, db: async_sessionmaker[AsyncSession]):
        async with db() as s, s.begin():
            s.add(Person(id_number=ID))
        with pytest.raises(IntegrityError):
            async with db() as s, s.begin():
                s.add(Person(id_number=ID))

    def test_comparing_the_ciphertext_is_refused(self):
        with pytest.raises(TypeError, match="compare its blind index instead"):
            sa.select(Person).where(Person.phone == PHONE)
        with pytest.raises(TypeError, match="blind index"):
            sa.select(Person).order_by(Person.id_number.desc())
        sa.select(Person).where(Person.phone.is_(None))  # still fine
        sa.select(Person).where(Person.phone == None)  # noqa: E711

    async def test_a_wrong_key_fails_loudly_on_read(self, db: async_sessionmaker[AsyncSession]):
        async with db() as s, s.begin():
            s.add(Person(id_number=ID))
        with crypto.using(KeyRing(keys={"k1": K2}, active="k1", index_key=INDEX)):
            async with db() as s:
                with pytest.raises(PiiKeyError, match="wrong key"):
                    await s.execute(sa.select(Person))


class TestRotation:
    async def test_write_rotate_read_and_reencrypt(self, db: async_sessionmaker[AsyncSession]):
        async with db() as s, s.begin():
            s.add_all([Person(id_number=ID, phone=PHONE), Person(id_number="11010519491231002X")])
        # Rotate: k2 joins and becomes active; k1 still opens the old rows.
        with crypto.using(ring("k1", "k2", active="k2")):
            async with db() as s, s.begin():
                s.add(Person(id_number="440301199912319999", phone="13700000000"))
            async with db() as s:
                kids = sorted(
                    crypto.keyring().key_id(v)
                    for row in await raw(s)
                    for v in row[:2]
                    if v is not None
                )
                assert kids == ["k1", "k1", "k1", "k2", "k2"]
                read = {p.id_number for p in (await s.execute(sa.select(Person))).scalars()}
                assert read == {ID, "11010519491231002X", "440301199912319999"}

            job = crypto.reencryption_job(TARGETS, batch=2)
            ctx = SimpleNamespace(sessionmaker=db)
            moved = [await job.run_once(ctx) for _ in range(4)]
            assert moved == [3, 0, 0, 0]
            assert job.again_when_busy
            async with db() as s:
                stored = [v for row in await raw(s) for v in row[:2] if v is not None]
                assert all(v.startswith("pii1.k2.") for v in stored)
        # k1 retired: everything still reads with k2 alone.
        with crypto.using(ring("k2", active="k2")):
            async with db() as s:
                read = {p.phone for p in (await s.execute(sa.select(Person))).scalars()}
                assert read == {PHONE, None, "13700000000"}

    async def test_job_batches(self, db: async_sessionmaker[AsyncSession]):
        async with db() as s, s.begin():
            s.add_all([Person(id_number=f"37028519900101{n:04d}") for n in range(5)])
        with crypto.using(ring("k1", "k2", active="k2")):
            async with db() as s, s.begin():
                assert await crypto.reencrypt_batch(s, TARGETS[:1], batch=2) == 2
            async with db() as s, s.begin():
                assert await crypto.reencrypt_batch(s, TARGETS[:1], batch=10) == 3
                assert await crypto.reencrypt_batch(s, TARGETS[:1], batch=10) == 0


class TestDataMigration:
    async def test_encrypt_then_decrypt_existing(self, db: async_sessionmaker[AsyncSession]):
        async with db() as s, s.begin():
            await s.execute(
                sa.text(
                    "INSERT INTO people (id, id_number, id_number_hash, phone)"
                    " VALUES (:id, :n, 'x', :p)"
                ),
                {"id": uuid.uuid4().hex, "n": ID, "p": PHONE},
            )
        target = EncryptedColumn("people", "phone")
        async with db() as s, s.begin():
            conn = await s.connection()
            assert (
                await conn.run_sync(lambda c: crypto.encrypt_existing(c, target, "phone_hash")) == 1
            )
            assert await conn.run_sync(lambda c: crypto.encrypt_existing(c, target)) == 0
            [(_, phone, _, phone_hash)] = await raw(s)
            assert phone and crypto.decrypt(phone) == PHONE and phone_hash == blind_index(PHONE)
            assert await conn.run_sync(lambda c: crypto.decrypt_existing(c, target)) == 1
            [(_, phone, _, _)] = await raw(s)
            assert phone == PHONE


class TestLogs:
    def test_log_lines_are_scrubbed(self):
        record = logging.LogRecord(
            "x", logging.INFO, __file__, 1, "looked up %s / %s", (ID, PHONE), None
        )
        line = JsonLogFormatter("test").format(record)
        assert ID not in line and PHONE not in line
        assert "370285********5910" in line and "138****5678" in line
