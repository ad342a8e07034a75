from __future__ import annotations

from datetime import datetime
from uuid import UUID

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.accounts.models import Account, LoginThrottle, RefreshToken, SmsCode
from gateway.accounts.rules import CODE_STATES, CodeAction, CodeStatus
from skillcert.crypto import blind_index
from skillcert.db import advisory_lock, insert_or_ignore, table_of


class AccountRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # --- accounts -------------------------------------------------------------------------

    async def get(self, account_id: UUID) -> Account | None:
        return await self.session.get(Account, account_id)

    async def by_phone(self, phone: str) -> Account | None:
        result = await self.session.execute(
            select(Account).where(Account.phone_hash == blind_index(phone))
        )
        return result.scalar_one_or_none()

    async def by_username(self, username: str) -> Account | None:
        result = await self.session.execute(select(Account).where(Account.username == username))
        return result.scalar_one_or_none()

    async def phone_taken(self, phone: str) -> bool:
        result = await self.session.execute(
            select(Account.id).where(Account.phone_hash == blind_index(phone))
        )
        return result.first() is not None

    async def head_of(self, org_id: str, role: str) -> Account | None:
        result = await self.session.execute(
            select(Account)
            .where(Account.org_id == org_id, Account.role == role, Account.retired_at.is_(None))
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def add(self, account: Account) -> Account:
        self.session.add(account)
        await self.session.flush()
        return account

    async def count_failure(
        self, account_id: UUID, lock_failures: int, lock_until: datetime
    ) -> tuple[int, datetime | None]:
        """One more failed login on the account, from anywhere; at `lock_failures` the account
        locks and the count starts over. Returns (failures so far, locked until or None)."""
        result = await self.session.execute(
            update(Account)
            .where(Account.id == account_id)
            .values(failed_logins=Account.failed_logins + 1)
            .returning(Account.failed_logins)
        )
        failures = int(result.scalar_one())
        if failures < lock_failures:
            return failures, None
        await self.session.execute(
            update(Account)
            .where(Account.id == account_id)
            .values(failed_logins=0, locked_until=lock_until)
        )
        return failures, lock_until

    # --- login throttle -------------------------------------------------------------------

    async def throttle(self, login: str, source: str) -> LoginThrottle | None:
        return await self.session.get(LoginThrottle, (_login_key(login), source))

    async def throttle_for_update(self, login: str, source: str, now: datetime) -> LoginThrottle:
        """The pair's row, created when missing, locked for this transaction (parallel wrong
        passwords from one pair each count)."""
        login = _login_key(login)
        await self.session.execute(
            insert_or_ignore(
                table_of(LoginThrottle),
                ("login", "source", "failures", "last_failure_at"),
                ("login", "source"),
            ),
            {"login": login, "source": source, "failures": 0, "last_failure_at": now},
        )
        result = await self.session.execute(
            select(LoginThrottle)
            .where(LoginThrottle.login == login, LoginThrottle.source == source)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
        return result.scalar_one()

    async def clear_throttle(self, login: str, source: str) -> None:
        login = _login_key(login)
        await self.session.execute(
            delete(LoginThrottle).where(
                LoginThrottle.login == login, LoginThrottle.source == source
            )
        )

    async def forget_throttles_before(self, cutoff: datetime) -> None:
        await self.session.execute(
            delete(LoginThrottle).where(LoginThrottle.last_failure_at < cutoff)
        )

    # --- refresh tokens -------------------------------------------------------------------

    async def add_refresh_token(self, token: RefreshToken) -> None:
        self.session.add(token)
        await self.session.flush()

    async def refresh_token(self, token_hash: str) -> RefreshToken | None:
        result = await self.session.execute(
            select(RefreshToken).where(RefreshToken.token_hash == token_hash)
        )
        return result.scalar_one_or_none()

    async def rotate_refresh_token(self, token_id: UUID, at: datetime) -> bool:
        """Mark the token used, unless it already is or was revoked (a parallel request):
        True when this call did it. No row lock stays held when it did not."""
        result = await self.session.execute(
            update(RefreshToken)
            .where(
                RefreshToken.id == token_id,
                RefreshToken.rotated_at.is_(None),
                RefreshToken.revoked_at.is_(None),
            )
            .values(rotated_at=at)
        )
        return bool(getattr(result, "rowcount", 0))

    async def revoke_family(self, family_id: UUID, at: datetime, reason: str) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=at, revoked_reason=reason)
        )

    async def revoke_account_tokens(self, account_id: UUID, at: datetime, reason: str) -> int:
        result = await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.account_id == account_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=at, revoked_reason=reason)
        )
        return int(getattr(result, "rowcount", 0))

    async def forget_refresh_tokens_before(self, cutoff: datetime) -> None:
        await self.session.execute(
            delete(RefreshToken).where(RefreshToken.session_expires_at < cutoff)
        )

    # --- SMS codes ------------------------------------------------------------------------

    async def lock_phone(self, phone: str) -> None:
        """Serialise code issuing per phone so two racing requests cannot both pass the
        cool-down (PostgreSQL; SQLite already serialises writers)."""
        await advisory_lock(self.session, f"sms:{phone}")

    async def sent_since(self, phone: str, since: datetime) -> list[datetime]:
        result = await self.session.execute(
            select(SmsCode.created_at).where(
                SmsCode.phone_hash == blind_index(phone), SmsCode.created_at > since
            )
        )
        return list(result.scalars())

    async def last_sent_at(self, phone: str) -> datetime | None:
        result = await self.session.execute(
            select(func.max(SmsCode.created_at)).where(SmsCode.phone_hash == blind_index(phone))
        )
        return result.scalar_one_or_none()

    async def add_code(self, code: SmsCode) -> None:
        self.session.add(code)
        await self.session.flush()

    async def supersede_codes(self, phone: str, purpose: str) -> None:
        sources = CODE_STATES.sources(CodeAction.SUPERSEDE)
        target = CODE_STATES.target(CodeAction.SUPERSEDE)
        await self.session.execute(
            update(SmsCode)
            .where(
                SmsCode.phone_hash == blind_index(phone),
                SmsCode.purpose == purpose,
                SmsCode.status.in_(sources),
            )
            .values(status=target)
        )

    async def charge_attempt(
        self, phone: str, purpose: str, now: datetime, max_attempts: int
    ) -> tuple[UUID, str, int] | None:
        """Count one verification attempt against the usable code, atomically so parallel
        guesses cannot exceed the limit. Returns (id, hash, attempts) or None."""
        result = await self.session.execute(
            update(SmsCode)
            .where(
                SmsCode.phone_hash == blind_index(phone),
                SmsCode.purpose == purpose,
                SmsCode.status == CodeStatus.ACTIVE,
                SmsCode.expires_at > now,
                SmsCode.attempts < max_attempts,
            )
            .values(attempts=SmsCode.attempts + 1)
            .returning(SmsCode.id, SmsCode.code_hash, SmsCode.attempts)
        )
        row = result.first()
        return (row.id, row.code_hash, int(row.attempts)) if row is not None else None

    async def latest_code(self, phone: str, purpose: str) -> SmsCode | None:
        result = await self.session.execute(
            select(SmsCode)
            .where(SmsCode.phone_hash == blind_index(phone), SmsCode.purpose == purpose)
            .order_by(SmsCode.created_at.desc())
            .limit(1)
        )
        return result.scalar_one_or_none()

    async def move_code(self, code_id: UUID, action: CodeAction, at: datetime) -> bool:
        """Apply `action` if the code is in a status it may start from; False otherwise."""
        sources, target = CODE_STATES.sources(action), CODE_STATES.target(action)
        values: dict[str, object] = {"status": target}
        if action is CodeAction.CONSUME:
            values["consumed_at"] = at
        result = await self.session.execute(
            update(SmsCode).where(SmsCode.id == code_id, SmsCode.status.in_(sources)).values(values)
        )
        return bool(getattr(result, "rowcount", 0))


def _login_key(login: str) -> str:
    # A login is often a phone number: the throttle keeps only its keyed hash.
    return blind_index(login)
