"""Personal data at rest: envelope encryption of single values and keyed hashes for lookups.

Every resident ID number and phone a service stores goes through here (docs/security.md):

* **Envelope encryption.** Each value gets a fresh 256-bit data key; the value is sealed with
  AES-256-GCM under it, and the data key is wrapped (AES key wrap, RFC 3394) by a
  key-encryption key (KEK) from the configured key ring. The stored text names the KEK's id:
  ``pii1.<kid>.<wrapped data key>.<nonce + ciphertext>``. Rotation adds a KEK and makes it the
  active one: new writes use it, reads use whichever id the value names, and the re-encryption
  job re-wraps old values' data keys (the sealed value itself does not change).
* **Blind index.** Ciphertexts are random, so equality on them means nothing. A second column
  holds HMAC-SHA256 of the value under a separate index key; lookups and unique constraints
  use it. The index key cannot be rotated without recomputing every index (docs/security.md).

Services use `EncryptedText` as the column type, `blind_index_column` beside it and
`sync_blind_index` to keep the two together; `reencryption_job` is the job every such
service runs. One key ring per process (`configure`), built from `ServiceSettings` at start:
the embedded platform runs all services in one process with one ring.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import os
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.keywrap import InvalidUnwrap, aes_key_unwrap, aes_key_wrap
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute, MappedColumn, mapped_column
from sqlalchemy.sql import operators
from sqlalchemy.types import TypeDecorator

if TYPE_CHECKING:
    from skillcert.jobs import PeriodicJob
    from skillcert.settings import ServiceSettings

log = logging.getLogger("skillcert.crypto")

#: the stored format's version, the first dot-separated field of every ciphertext
PREFIX = "pii1"
_AAD = PREFIX.encode()
_KID_RE = re.compile(r"^[A-Za-z0-9_-]{1,32}$")
_KEY_BYTES = 32

# Development and test databases must survive a restart, so their keys are fixed, derived
# from a public phrase: they protect nothing and the prod profile never uses them.
DEV_KEY_ID = "dev-1"
_DEV_KEK = hashlib.sha256(b"skillcert development PII key-encryption key: not secret").digest()
_DEV_INDEX_KEY = hashlib.sha256(b"skillcert development PII index key: not secret").digest()


class PiiKeyError(RuntimeError):
    """A ciphertext that the key ring cannot open: its key id is unknown, the key is the wrong
    one, or the text was altered. Never caught to return something else: a wrong key must not
    pass for missing data."""


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def decode_key(text: str, what: str) -> bytes:
    """A configured key: 32 bytes, base64 (standard or URL-safe, padding optional)."""
    try:
        raw = base64.b64decode(text.strip().replace("-", "+").replace("_", "/") + "==")
    except ValueError as exc:
        raise ValueError(f"{what} is not base64") from exc
    if len(raw) != _KEY_BYTES:
        raise ValueError(f"{what} must be {_KEY_BYTES} bytes (base64), not {len(raw)}")
    return raw


def new_key() -> str:
    """A fresh key in the configured form (``python -m skillcert.crypto`` prints one)."""
    return base64.b64encode(os.urandom(_KEY_BYTES)).decode()


@dataclass(frozen=True)
class KeyRing:
    """Key-encryption keys by id, the id new values are sealed under, and the index key."""

    keys: Mapping[str, bytes]
    active: str
    index_key: bytes

    def __post_init__(self) -> None:
        for kid, key in self.keys.items():
            if not _KID_RE.match(kid):
                raise ValueError(f"PII key id {kid!r}: letters, digits, '-' and '_' only")
            if len(key) != _KEY_BYTES:
                raise ValueError(f"PII key {kid!r} must be {_KEY_BYTES} bytes")
        if self.active not in self.keys:
            raise ValueError(f"the active PII key {self.active!r} is not in the key ring")
        if len(self.index_key) != _KEY_BYTES:
            raise ValueError(f"the PII index key must be {_KEY_BYTES} bytes")

    @property
    def active_prefix(self) -> str:
        """What every value sealed under the active key starts with."""
        return f"{PREFIX}.{self.active}."

    def encrypt(self, plaintext: str) -> str:
        data_key = AESGCM.generate_key(bit_length=256)
        nonce = os.urandom(12)
        sealed = AESGCM(data_key).encrypt(nonce, plaintext.encode(), _AAD)
        wrapped = aes_key_wrap(self.keys[self.active], data_key)
        return f"{self.active_prefix}{_b64(wrapped)}.{_b64(nonce + sealed)}"

    def _parts(self, token: str) -> tuple[str, bytes, bytes]:
        parts = token.split(".")
        if len(parts) != 4 or parts[0] != PREFIX:
            raise PiiKeyError("not an encrypted value (plaintext left in an encrypted column?)")
        kid = parts[1]
        try:
            return kid, _unb64(parts[2]), _unb64(parts[3])
        except ValueError as exc:
            raise PiiKeyError(f"encrypted value under key {kid!r} is damaged") from exc

    def _unwrap(self, kid: str, wrapped: bytes) -> bytes:
        key = self.keys.get(kid)
        if key is None:
            raise PiiKeyError(f"PII key {kid!r} is not in the key ring (keys: {sorted(self.keys)})")
        try:
            return aes_key_unwrap(key, wrapped)
        except InvalidUnwrap as exc:
            raise PiiKeyError(f"PII key {kid!r} does not open this value: wrong key") from exc

    def decrypt(self, token: str) -> str:
        kid, wrapped, body = self._parts(token)
        data_key = self._unwrap(kid, wrapped)
        try:
            return AESGCM(data_key).decrypt(body[:12], body[12:], _AAD).decode()
        except (InvalidTag, ValueError) as exc:
            raise PiiKeyError(f"encrypted value under key {kid!r} fails its check") from exc

    def key_id(self, token: str) -> str:
        return self._parts(token)[0]

    def rewrap(self, token: str) -> str:
        """The same sealed value with its data key wrapped by the active key."""
        kid, wrapped, body = self._parts(token)
        if kid == self.active:
            return token
        data_key = self._unwrap(kid, wrapped)
        # The old key must open the value itself too: never re-wrap something damaged.
        AESGCM(data_key).decrypt(body[:12], body[12:], _AAD)
        wrapped = aes_key_wrap(self.keys[self.active], data_key)
        return f"{self.active_prefix}{_b64(wrapped)}.{_b64(body)}"

    def blind_index(self, value: str) -> str:
        return hmac.new(self.index_key, value.encode(), hashlib.sha256).hexdigest()


def dev_keyring() -> KeyRing:
    return KeyRing(keys={DEV_KEY_ID: _DEV_KEK}, active=DEV_KEY_ID, index_key=_DEV_INDEX_KEY)


def keyring_from_settings(settings: ServiceSettings) -> KeyRing:
    """The ring configured by `pii_keys`/`pii_key_id`/`pii_index_key`, or by the JSON file at
    `pii_keys_file` (a mounted secret: ``{"keys": {kid: key}, "active": kid, "index_key":
    key}``). Without either, the dev and test profiles use the fixed development ring and the
    prod profile refuses to start."""
    from skillcert.settings import Profile

    keys = {kid: secret.get_secret_value() for kid, secret in settings.pii_keys.items()}
    active = settings.pii_key_id
    index_key = settings.pii_index_key.get_secret_value() if settings.pii_index_key else None
    if settings.pii_keys_file:
        stored = json.loads(Path(settings.pii_keys_file).read_text())
        keys = {**stored.get("keys", {}), **keys}
        active = active or stored.get("active")
        index_key = index_key or stored.get("index_key")
    if not keys and index_key is None:
        if settings.profile is Profile.PROD:
            raise ValueError(
                "personal data keys are required in the prod profile: set SKILLCERT_PII_KEYS, "
                "SKILLCERT_PII_KEY_ID and SKILLCERT_PII_INDEX_KEY, or SKILLCERT_PII_KEYS_FILE"
            )
        return dev_keyring()
    if not keys or index_key is None:
        raise ValueError("SKILLCERT_PII_KEYS and SKILLCERT_PII_INDEX_KEY go together")
    if active is None:
        if len(keys) != 1:
            raise ValueError("SKILLCERT_PII_KEY_ID must name the active key of several")
        active = next(iter(keys))
    return KeyRing(
        keys={kid: decode_key(key, f"PII key {kid!r}") for kid, key in keys.items()},
        active=active,
        index_key=decode_key(index_key, "the PII index key"),
    )


_current: KeyRing | None = None


def configure(ring: KeyRing) -> None:
    """Make `ring` the process's key ring (service start, `skillcert-ops migrate`)."""
    global _current
    _current = ring


def keyring() -> KeyRing:
    """The process's key ring; before any service configured one (an Alembic command run on its
    own), the one the shared ``SKILLCERT_`` settings describe."""
    global _current
    if _current is None:
        from skillcert.settings import ServiceSettings, StorageKind

        _current = keyring_from_settings(ServiceSettings(storage=StorageKind.LOCAL))
    return _current


@contextmanager
def using(ring: KeyRing) -> Iterator[KeyRing]:
    """Tests: run with another key ring, then put the previous one back."""
    global _current
    previous = _current
    _current = ring
    try:
        yield ring
    finally:
        _current = previous


def encrypt(value: str) -> str:
    return keyring().encrypt(value)


def decrypt(token: str) -> str:
    return keyring().decrypt(token)


@overload
def blind_index(value: str) -> str: ...
@overload
def blind_index(value: None) -> None: ...
@overload
def blind_index(value: str | None) -> str | None: ...
def blind_index(value: str | None) -> str | None:
    """The keyed hash stored beside an encrypted value; look rows up by it."""
    return None if value is None else keyring().blind_index(value)


# Comparing the ciphertext column with a value compares against a fresh random ciphertext and
# silently matches nothing; ordering by it orders by noise. Both are refused at query build.
_REFUSED = {
    operators.eq,
    operators.ne,
    operators.lt,
    operators.le,
    operators.gt,
    operators.ge,
    operators.like_op,
    operators.ilike_op,
    operators.not_like_op,
    operators.not_ilike_op,
    operators.contains_op,
    operators.startswith_op,
    operators.endswith_op,
    operators.in_op,
    operators.not_in_op,
    operators.asc_op,
    operators.desc_op,
}


class EncryptedText(TypeDecorator[str]):
    """A column holding a personal value encrypted (`KeyRing.encrypt`); Python sees plaintext.

    Query by the blind index column, never by this one (comparisons raise)."""

    impl = sa.Text
    cache_ok = True

    class Comparator(TypeDecorator.Comparator[str]):
        def operate(self, op: Any, *other: Any, **kwargs: Any) -> Any:
            # Only against values: SQLAlchemy itself compares columns with == (dict lookups).
            against_value = not other or (
                other[0] is not None and not isinstance(other[0], sa.ColumnElement)
            )
            if op in _REFUSED and against_value:
                raise TypeError(
                    f"{op.__name__} on an encrypted column: compare its blind index instead"
                )
            return super().operate(op, *other, **kwargs)

    comparator_factory = Comparator

    def process_bind_param(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else keyring().encrypt(value)

    def process_result_value(self, value: str | None, dialect: sa.Dialect) -> str | None:
        return None if value is None else keyring().decrypt(value)


#: length of a stored blind index (hex HMAC-SHA256)
INDEX_LENGTH = 64


def blind_index_column(*, unique: bool = False, index: bool = False) -> MappedColumn[Any]:
    """The keyed-hash column beside an `EncryptedText` one; pair them with `sync_blind_index`."""
    return mapped_column(sa.String(INDEX_LENGTH), unique=unique or None, index=index or None)


def sync_blind_index(
    source: InstrumentedAttribute[Any], target: InstrumentedAttribute[Any]
) -> None:
    """Whenever `source` is set on an object (constructor included), set `target` to its blind
    index. Core inserts and updates bypass this: compute `blind_index` there yourself."""
    name = target.key

    @event.listens_for(source, "set", propagate=True)
    def _set(obj: object, value: Any, _old: Any, _initiator: Any) -> None:
        setattr(obj, name, blind_index(value))


@dataclass(frozen=True)
class EncryptedColumn:
    """One encrypted column for the re-encryption job and data migrations."""

    table: str
    column: str
    pk: str = "id"


def _plain_table(target: EncryptedColumn) -> sa.TableClause:
    # Untyped columns: the job moves stored text as it is, no EncryptedText processing.
    return sa.table(target.table, sa.column(target.pk), sa.column(target.column))


async def reencrypt_batch(
    session: AsyncSession, targets: Sequence[EncryptedColumn], batch: int = 500
) -> int:
    """Re-wrap up to `batch` values per column that are not under the active key; returns how
    many were rewritten. Rows are matched on their old text, so a row changed meanwhile (its
    value written again, hence under the active key) is left as the writer left it."""
    ring = keyring()
    done = 0
    for target in targets:
        table = _plain_table(target)
        pk, col = table.c[target.pk], table.c[target.column]
        rows = (
            await session.execute(
                sa.select(pk, col)
                .where(
                    col.is_not(None), sa.not_(col.startswith(ring.active_prefix, autoescape=True))
                )
                .limit(batch)
            )
        ).all()
        for key, old in rows:
            await session.execute(
                sa.update(table).where(pk == key, col == old).values({col: ring.rewrap(old)})
            )
        done += len(rows)
    return done


def reencryption_job(
    targets: Sequence[EncryptedColumn], *, interval_s: float = 3600.0, batch: int = 500
) -> PeriodicJob[Any]:
    """The periodic job moving a service's encrypted values to the active key, a batch per
    transaction, at once again while there is more (``again_when_busy``)."""
    from skillcert.jobs import PeriodicJob

    async def run_once(ctx: Any) -> int:
        async with ctx.sessionmaker() as session, session.begin():
            moved = await reencrypt_batch(session, targets, batch)
        if moved:
            log.info("re-encrypted %d personal values under key %s", moved, keyring().active)
        return moved

    return PeriodicJob(
        "pii-reencrypt", run_once, lambda _ctx: interval_s, run_at_start=True, again_when_busy=True
    )


def encrypt_existing(
    connection: sa.Connection,
    target: EncryptedColumn,
    index_column: str | None = None,
    transform: Callable[[str], str] = lambda value: value,
) -> int:
    """Data migration: encrypt a column's plaintext values in place (and fill its blind index
    column). Values already encrypted are left alone, so a migration can run again."""
    ring = keyring()
    cols: list[sa.ColumnClause[Any]] = [sa.column(target.pk), sa.column(target.column)]
    if index_column:
        cols.append(sa.column(index_column))
    table = sa.table(target.table, *cols)
    pk, col = table.c[target.pk], table.c[target.column]
    rows = connection.execute(
        sa.select(pk, col).where(col.is_not(None), sa.not_(col.startswith(f"{PREFIX}.")))
    ).all()
    for key, plain in rows:
        values: dict[str, str] = {target.column: ring.encrypt(transform(plain))}
        if index_column:
            values[index_column] = ring.blind_index(transform(plain))
        connection.execute(sa.update(table).where(pk == key).values(values))
    return len(rows)


def decrypt_existing(connection: sa.Connection, target: EncryptedColumn) -> int:
    """Data migration's downgrade: back to plaintext."""
    ring = keyring()
    table = _plain_table(target)
    pk, col = table.c[target.pk], table.c[target.column]
    rows = connection.execute(
        sa.select(pk, col).where(col.is_not(None), col.startswith(f"{PREFIX}."))
    ).all()
    for key, token in rows:
        connection.execute(sa.update(table).where(pk == key).values({col: ring.decrypt(token)}))
    return len(rows)


if __name__ == "__main__":
    print(new_key())
