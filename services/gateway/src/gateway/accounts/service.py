"""Account operations: SMS codes (短信验证码), candidate sign-up (注册), login (登录) with
lock-out, password reset (找回密码) and staff accounts (工作人员账号).

Failed verifications must count even though the request that made them fails and its
transaction rolls back; they are written in a short side transaction of their own. That side
transaction always runs before the request's own session writes anything, so it never waits on
a lock its own request holds (this matters for SQLite's single writer in embedded mode).
"""

from __future__ import annotations

import asyncio
import logging
import math
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from uuid import UUID, uuid4

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.accounts.models import Account, RefreshToken, SmsCode
from gateway.accounts.repository import AccountRepository
from gateway.accounts.rules import (
    DEMO_STAFF,
    RETIRED_PASSWORD_HASH,
    CodeAction,
    CodeStatus,
    SmsPurpose,
    ThrottlePolicy,
    after_failure,
    city_problem,
    city_reviewer_org,
    code_matches,
    hash_code,
    hourly_cap_wait_s,
    is_phone,
    lock_remaining_s,
    login_key,
    new_code,
    new_password,
    new_refresh_token,
    province_of_org,
    refresh_token_hash,
    resend_wait_s,
    retired_username,
    wait_text,
    why_no_usable_code,
)
from gateway.config import GatewaySettings
from skillcert.audit import audit
from skillcert.auth import Principal, Role, TokenIssuer
from skillcert.clock import format_china, utcnow
from skillcert.db import transaction
from skillcert.errors import (
    AppError,
    Conflict,
    FieldError,
    Forbidden,
    InvalidInput,
    NotFound,
    RateLimited,
    Unauthorized,
)
from skillcert.events import (
    AccountCredentialsIssued,
    AccountRegistered,
    InstitutionHeadReplaced,
    InstitutionRegistered,
    SmsCodeIssued,
)
from skillcert.outbox import record
from skillcert.pii import mask_phone

log = logging.getLogger("gateway.accounts")


# One answer for a wrong password and for a login nobody has (no attempts-left count: it
# would exist only for real accounts).
WRONG_LOGIN = "账号或密码错误"
INVALID_CODE = "验证码无效，请重新获取"


class CodeRejected(AppError):
    status_code = 400
    slug = "sms-code-rejected"
    title = "短信验证码不正确"


class AccountLocked(AppError):
    status_code = 423
    slug = "account-locked"
    title = "账号已锁定"


class Passwords:
    """argon2id hashing off the event loop: one hash costs tens of milliseconds of CPU."""

    def __init__(self, settings: GatewaySettings) -> None:
        self.hasher = PasswordHasher(
            time_cost=settings.argon2_time_cost,
            memory_cost=settings.argon2_memory_kib,
            parallelism=settings.argon2_parallelism,
        )
        self._dummy_hash: str | None = None

    async def hash(self, password: str) -> str:
        return await asyncio.to_thread(self.hasher.hash, password)

    async def verify(self, password_hash: str, password: str) -> bool:
        try:
            return await asyncio.to_thread(self.hasher.verify, password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    async def prepare(self) -> None:
        """Make the hash unknown logins are checked against, at startup: made lazily, the
        first unknown login would take two hashes' time."""
        if self._dummy_hash is None:
            self._dummy_hash = await self.hash(secrets.token_hex(16))

    async def verify_nobody(self, password: str) -> None:
        """Spend the time a real check takes (same argon2 parameters), so response times do
        not reveal which logins exist."""
        await self.prepare()
        assert self._dummy_hash is not None
        await self.verify(self._dummy_hash, password)

    def needs_rehash(self, password_hash: str) -> bool:
        return self.hasher.check_needs_rehash(password_hash)


class SessionEnded(AppError):
    """A refresh token that is unknown, expired, revoked or reused: the same answer for all."""

    status_code = 401
    slug = "unauthorized"
    title = "未登录或登录已过期"

    def __init__(self) -> None:
        super().__init__("登录已过期，请重新登录")


@dataclass(frozen=True)
class IssuedTokens:
    account: Account
    access_token: str
    refresh_token: str
    refresh_expires_in: int


@dataclass
class IdentityKit:
    """What account operations need beyond the request's session; one per process."""

    settings: GatewaySettings
    issuer: TokenIssuer
    passwords: Passwords
    code_secret: bytes
    sessionmaker: async_sessionmaker[AsyncSession]


def principal_of(account: Account) -> Principal:
    return Principal(
        account_id=account.id, role=Role(account.role), name=account.name, org_id=account.org_id
    )


class AccountService:
    def __init__(self, session: AsyncSession, kit: IdentityKit) -> None:
        self.session = session
        self.kit = kit
        self.settings = kit.settings
        self.repo = AccountRepository(session)

    def token_for(self, account: Account) -> str:
        return self.kit.issuer.issue(principal_of(account))

    # --- sessions (refresh tokens) --------------------------------------------------------

    async def start_session(self, account: Account) -> IssuedTokens:
        """A new session (one login): a short-lived access token and the first refresh token
        of a new family."""
        at = utcnow()
        await self.repo.forget_refresh_tokens_before(at - timedelta(days=1))
        session_end = at + timedelta(seconds=self.settings.session_max_age_s)
        refresh = await self._new_refresh_token(account.id, uuid4(), at, session_end)
        return IssuedTokens(account, self.token_for(account), *refresh)

    async def _new_refresh_token(
        self, account_id: UUID, family_id: UUID, at: datetime, session_end: datetime
    ) -> tuple[str, int]:
        token = new_refresh_token()
        expires_at = min(at + timedelta(seconds=self.settings.refresh_token_ttl_s), session_end)
        await self.repo.add_refresh_token(
            RefreshToken(
                token_hash=refresh_token_hash(token),
                family_id=family_id,
                account_id=account_id,
                created_at=at,
                expires_at=expires_at,
                session_expires_at=session_end,
            )
        )
        return token, math.floor((expires_at - at).total_seconds())

    async def refresh(self, token: str) -> IssuedTokens:
        """Exchange a refresh token for new tokens; the old one is used up (rotation). A used
        refresh token presented again means two parties hold the session (a stolen copy, or
        the real client after the thief): the whole session is revoked and both must log in."""
        at = utcnow()
        row = await self.repo.refresh_token(refresh_token_hash(token))
        if row is None or row.revoked_at is not None or row.expires_at <= at:
            raise SessionEnded()
        if row.rotated_at is not None:
            # Before this request wrote anything (SQLite's single writer), and in a side
            # transaction: the revocation must outlive this request's failure.
            async with transaction(self.kit.sessionmaker) as side:
                await AccountRepository(side).revoke_family(row.family_id, at, "reuse")
            log.warning(
                "refresh token of account %s reused: session %s revoked",
                row.account_id,
                row.family_id,
            )
            raise SessionEnded()
        # Atomic: of two requests racing with one token only one rotates it. The loser is
        # most likely the same client twice, so it is refused without revoking; a thief who
        # won the race is caught when the real client next presents its (rotated) token.
        if not await self.repo.rotate_refresh_token(row.id, at):
            raise SessionEnded()
        account = await self.repo.get(row.account_id)
        if account is None or account.retired_at is not None:
            raise SessionEnded()
        refresh = await self._new_refresh_token(
            account.id, row.family_id, at, row.session_expires_at
        )
        return IssuedTokens(account, self.token_for(account), *refresh)

    async def end_sessions(self, account_id: UUID, reason: str) -> None:
        """Revoke every refresh token of the account (logout, password change): each session
        ends when its access token expires."""
        revoked = await self.repo.revoke_account_tokens(account_id, utcnow(), reason)
        log.info("%d refresh tokens of account %s revoked (%s)", revoked, account_id, reason)

    # --- SMS codes --------------------------------------------------------------------------

    async def issue_code(self, phone: str, purpose: SmsPurpose, client_ip: str | None) -> None:
        """Send a fresh code (发送验证码): cool-down and hourly cap per phone, the newest code
        replaces older ones for the same purpose.

        For login and password reset a phone without an account is answered exactly as one
        with an account, cool-down included, so the answer does not tell who is registered:
        a code is stored for it as usual, but no SMS goes out and nobody can ever use it."""
        await self.repo.lock_phone(phone)
        taken = await self.repo.phone_taken(phone)
        if purpose == "register" and taken:
            # Sign-up cannot hide it: the sign-up itself would fail (docs/security.md).
            raise Conflict(
                "该手机号已注册，请直接登录",
                errors=[FieldError(field="phone", message="该手机号已注册", code="taken")],
            )
        at = utcnow()
        wait = resend_wait_s(
            await self.repo.last_sent_at(phone), at, self.settings.sms_resend_after_s
        )
        if wait:
            raise RateLimited(
                f"验证码发送过于频繁，请 {wait} 秒后再试", headers={"Retry-After": str(wait)}
            )
        recent = await self.repo.sent_since(phone, at - timedelta(hours=1))
        wait = hourly_cap_wait_s(recent, at, self.settings.sms_hourly_cap_per_phone)
        if wait:
            raise RateLimited(
                "该手机号获取验证码次数过多，请稍后再试", headers={"Retry-After": str(wait)}
            )
        await self.repo.supersede_codes(phone, purpose)
        code = new_code()
        expires_at = at + timedelta(seconds=self.settings.sms_code_ttl_s)
        await self.repo.add_code(
            SmsCode(
                phone=phone,
                purpose=purpose,
                code_hash=hash_code(self.kit.code_secret, phone, purpose, code),
                status=CodeStatus.ACTIVE,
                attempts=0,
                client_ip=client_ip,
                created_at=at,
                expires_at=expires_at,
            )
        )
        if purpose != "register" and not taken:
            log.info("SMS code for %s to unregistered %s not sent", purpose, mask_phone(phone))
            return
        # The notification service delivers the SMS; the code travels only in this event.
        await record(
            self.session,
            SmsCodeIssued(phone=phone, code=code, purpose=purpose, expires_at=expires_at),
        )
        log.info("SMS code for %s issued to %s", purpose, mask_phone(phone))

    async def _consume_code(self, phone: str, purpose: SmsPurpose, code: str) -> None:
        """Check a code and use it up; a wrong guess counts even though the request fails."""
        at = utcnow()
        max_attempts = self.settings.sms_code_max_attempts
        refusal: str | None = None
        code_id: UUID | None = None
        async with transaction(self.kit.sessionmaker) as side:
            side_repo = AccountRepository(side)
            charged = await side_repo.charge_attempt(phone, purpose, at, max_attempts)
            if charged is None:
                latest = await side_repo.latest_code(phone, purpose)
                refusal = why_no_usable_code(
                    CodeStatus(latest.status) if latest else None,
                    latest.expires_at if latest else None,
                    latest.attempts if latest else 0,
                    max_attempts,
                    at,
                ).message
            else:
                code_id, code_hash, attempts = charged
                if not code_matches(self.kit.code_secret, phone, purpose, code, code_hash):
                    remaining = max_attempts - attempts
                    if remaining <= 0:
                        await side_repo.move_code(code_id, CodeAction.EXHAUST, at)
                        refusal = "验证码错误次数过多，请重新获取"
                    else:
                        refusal = f"验证码错误，还可尝试 {remaining} 次"
        if (
            code_id is not None
            and refusal is None
            and not await self.repo.move_code(code_id, CodeAction.CONSUME, at)
        ):
            refusal = "验证码已使用，请重新获取"  # a parallel request used it first
        if refusal is not None:
            raise CodeRejected(refusal, errors=[FieldError(field="code", message=refusal)])

    # --- candidates -----------------------------------------------------------------------

    async def register(self, phone: str, code: str, password: str, name: str) -> Account:
        """Candidate sign-up (考生注册) with a verified phone."""
        if await self.repo.phone_taken(phone):
            raise self._phone_taken()
        await self._consume_code(phone, "register", code)
        at = utcnow()
        account = Account(
            phone=phone,
            name=name,
            role=Role.CANDIDATE,
            org_id=None,
            password_hash=await self.kit.passwords.hash(password),
            failed_logins=0,
            created_at=at,
            password_changed_at=at,
        )
        try:
            await self.repo.add(account)
        except IntegrityError as exc:  # registered in parallel with the same phone
            raise Conflict("该手机号已注册，请直接登录") from exc
        await record(
            self.session,
            AccountRegistered(
                account_id=account.id, phone=phone, name=name, role=Role.CANDIDATE.value
            ),
        )
        log.info("candidate account %s registered for %s", account.id, mask_phone(phone))
        return account

    def _phone_taken(self) -> Conflict:
        return Conflict(
            "该手机号已注册，请直接登录",
            errors=[FieldError(field="phone", message="该手机号已注册", code="taken")],
        )

    async def prove_phone(self, phone: str, code: str) -> str:
        """A phone proof for a sign-up another service completes (institution sign-up): the
        code is used up here, as candidate sign-up uses it."""
        if await self.repo.phone_taken(phone):
            raise self._phone_taken()
        await self._consume_code(phone, "register", code)
        ttl = timedelta(seconds=self.settings.phone_proof_ttl_s)
        return self.kit.issuer.issue_phone_proof(phone, "register", ttl)

    # --- institutions ---------------------------------------------------------------------

    async def create_institution_head(self, event: InstitutionRegistered) -> None:
        """The head account of an institution that signed up, with the id the institution
        service chose; its login name and first password go to the phone by SMS."""
        if await self.repo.get(event.head_account_id) is not None:
            return
        await self._issue_institution_head(
            event.head_account_id,
            event.head_username,
            f"{event.institution_name}负责人",
            event.institution_code,
            event.head_phone,
        )

    async def replace_institution_head(self, event: InstitutionHeadReplaced) -> None:
        """The province replaced an institution's head: the old account is retired (no login,
        every session revoked, its login name freed) and the new head's made as at sign-up,
        under the same login name `i<学校标识码>`, its first password sent by SMS."""
        if await self.repo.get(event.new_head_account_id) is not None:
            return
        old = await self.repo.get(event.old_head_account_id)
        if old is not None and old.retired_at is None:
            old.retired_at = event.replaced_at
            old.username = retired_username(old.username, old.id)
            old.phone = None  # the phone may be the new head's; a phone signs in one account
            old.password_hash = RETIRED_PASSWORD_HASH
            await self.session.flush()
            await self.end_sessions(old.id, "head_replaced")
            log.info("head account %s of %s retired", old.id, event.institution_code)
        await self._issue_institution_head(
            event.new_head_account_id,
            event.new_head_username,
            event.new_head_name,
            event.institution_code,
            event.new_head_phone,
        )

    async def _issue_institution_head(
        self, account_id: UUID, username: str, name: str, institution_code: str, phone: str
    ) -> None:
        """Make an institution's head account and send its login name and first password to
        `phone` (identity.account.credentials_issued → notification's SMS)."""
        # The phone was free when the institution service took it; one taken since keeps the
        # account off it (a phone signs in one account) while the SMS still reaches the person.
        account_phone = None if await self.repo.phone_taken(phone) else phone
        password = new_password()
        await self.create_staff(
            username=username,
            name=name,
            role=Role.INSTITUTION_HEAD,
            org_id=institution_code,
            phone=account_phone,
            password=password,
            account_id=account_id,
        )
        await record(
            self.session,
            AccountCredentialsIssued(
                account_id=account_id, phone=phone, username=username, password=password, name=name
            ),
        )

    async def create_institution_admin(
        self, head: Principal, username: str, name: str, phone: str | None, password: str
    ) -> Account:
        """试点院校业务管理员, created by the institution's head for that institution only."""
        return await self.create_staff(
            username=username,
            name=name,
            role=Role.INSTITUTION_ADMIN,
            org_id=head.org_id,
            phone=phone,
            password=password,
            creator=head,
        )

    async def create_city_reviewer(
        self,
        admin: Principal,
        username: str,
        name: str,
        phone: str | None,
        password: str,
        city: str,
    ) -> Account:
        """地市级审核员, created by a province admin for a city of their own province; the
        account's org_id names the city (`CITY-<code>`), which the institution service reads."""
        province = province_of_org(admin.org_id)
        if province is None:
            raise Forbidden("账号未关联省级教育行政部门")
        if why := city_problem(province, city):
            raise InvalidInput(why, errors=[FieldError(field="city", message=why)])
        return await self.create_staff(
            username=username,
            name=name,
            role=Role.CITY_REVIEWER,
            org_id=city_reviewer_org(city),
            phone=phone,
            password=password,
            creator=admin,
        )

    async def create_duty_account(
        self, creator: Principal, role: Role, username: str, name: str, phone: str
    ) -> Account:
        """监考 (by an institution) or 巡考 (by an organisation) account of the creator's own
        organisation; its login name and first password go to `phone` by SMS
        (identity.account.credentials_issued → notification), as a head's do."""
        if creator.org_id is None:
            raise Forbidden("账号未关联机构")
        password = new_password()
        account = await self.create_staff(
            username=username,
            name=name,
            role=role,
            org_id=creator.org_id,
            phone=phone,
            password=password,
        )
        await record(
            self.session,
            AccountCredentialsIssued(
                account_id=account.id, phone=phone, username=username, password=password, name=name
            ),
        )
        return account

    async def reset_password(self, phone: str, code: str, new_password: str) -> None:
        """找回密码: a verified phone sets a new password and lifts a lock-out. The code is
        checked first, so a phone without an account gets the same refusals as one with."""
        await self._consume_code(phone, "reset_password", code)
        account = await self.repo.by_phone(phone)
        if account is None:  # nobody received the code: only a lucky guess gets here
            raise CodeRejected(
                INVALID_CODE, errors=[FieldError(field="code", message=INVALID_CODE)]
            )
        account.password_hash = await self.kit.passwords.hash(new_password)
        account.password_changed_at = utcnow()
        account.failed_logins = 0
        account.locked_until = None
        await self.session.flush()
        await self.end_sessions(account.id, "password_reset")

    # --- login ----------------------------------------------------------------------------

    async def login(self, login: str, password: str, source: str) -> Account:
        """登录 by phone (candidates, staff with a phone) or username (staff), from the client
        address `source`.

        Wrong passwords hold back the (login, source) pair with growing delays, registered
        login or not, so a stranger's guesses slow the stranger, not the owner; the account
        locks outright only at a much higher count over all sources. The owner's way in
        past both is an SMS code (login_with_code) or a password reset."""
        key = login_key(login)
        at = utcnow()
        throttle = await self.repo.throttle(key, source)
        if throttle is not None and (wait := lock_remaining_s(throttle.blocked_until, at)):
            raise RateLimited(
                f"密码错误次数过多，请 {wait_text(wait)}后再试，或使用短信验证码登录",
                headers={"Retry-After": str(wait)},
            )
        account = (
            await self.repo.by_phone(login)
            if is_phone(login)
            else await self.repo.by_username(login)
        )
        if account is None or account.retired_at is not None:
            await self.kit.passwords.verify_nobody(password)
            await self._count_failure(key, source, None, at)
            raise Unauthorized(WRONG_LOGIN)
        if not await self.kit.passwords.verify(account.password_hash, password):
            await self._count_failure(key, source, account.id, at)
            raise Unauthorized(WRONG_LOGIN)
        # Only someone who knows the password learns that the account is locked.
        if wait := lock_remaining_s(account.locked_until, at):
            raise self._locked(wait)
        await self.repo.clear_throttle(key, source)
        account.failed_logins = 0
        account.locked_until = None
        account.last_login_at = at
        if self.kit.passwords.needs_rehash(account.password_hash):
            account.password_hash = await self.kit.passwords.hash(password)
        await self.session.flush()
        return account

    async def _count_failure(
        self, key: str, source: str, account_id: UUID | None, at: datetime
    ) -> None:
        """Count a wrong password in a side transaction: it must stay counted although the
        request fails and its own transaction rolls back."""
        settings = self.settings
        policy = ThrottlePolicy(
            free_failures=settings.login_free_failures,
            base_delay_s=settings.login_delay_base_s,
            max_delay_s=settings.login_max_delay_s,
            window_s=settings.login_throttle_window_s,
        )
        async with transaction(self.kit.sessionmaker) as side:
            repo = AccountRepository(side)
            await repo.forget_throttles_before(at - timedelta(seconds=policy.window_s))
            pair = await repo.throttle_for_update(key, source, at)
            pair.failures, pair.blocked_until = after_failure(
                pair.failures, pair.last_failure_at if pair.failures else None, at, policy
            )
            pair.last_failure_at = at
            if account_id is None:
                return
            lock_until = at + timedelta(seconds=settings.login_lockout_s)
            failures, locked = await repo.count_failure(
                account_id, settings.login_lock_failures, lock_until
            )
        if locked is not None:
            log.warning(
                "account %s locked until %s after %d failed logins from all addresses",
                account_id,
                format_china(locked),
                failures,
            )

    async def login_with_code(self, phone: str, code: str, source: str) -> Account:
        """登录 with an SMS code: proof of the phone, so it also lifts a password lock-out and
        the hold on the caller's address. The code is checked first: a phone without an
        account gets the same refusals."""
        await self._consume_code(phone, "login", code)
        account = await self.repo.by_phone(phone)
        if account is None:  # nobody received the code: only a lucky guess gets here
            raise CodeRejected(
                INVALID_CODE, errors=[FieldError(field="code", message=INVALID_CODE)]
            )
        await self.repo.clear_throttle(login_key(phone), source)
        account.failed_logins = 0
        account.locked_until = None
        account.last_login_at = utcnow()
        await self.session.flush()
        return account

    @staticmethod
    def _locked(wait_s: int) -> AccountLocked:
        minutes = max(1, math.ceil(wait_s / 60))
        return AccountLocked(
            f"账号因多次密码错误已被锁定，请使用短信验证码登录、找回密码，或 {minutes} 分钟后再试",
            headers={"Retry-After": str(wait_s)},
        )

    # --- staff ----------------------------------------------------------------------------

    async def create_staff(
        self,
        *,
        username: str,
        name: str,
        role: Role,
        org_id: str | None,
        phone: str | None,
        password: str,
        account_id: UUID | None = None,
        creator: Principal | None = None,
    ) -> Account:
        """A staff account (工作人员账号); one institution head (考核站点负责人) per org.
        Made by a person (`creator`), it goes on the audit trail."""
        if await self.repo.by_username(username) is not None:
            raise Conflict(
                "用户名已被使用",
                errors=[FieldError(field="username", message="用户名已被使用", code="taken")],
            )
        if phone is not None and await self.repo.phone_taken(phone):
            raise Conflict(
                "该手机号已被其他账号使用",
                errors=[FieldError(field="phone", message="该手机号已被使用", code="taken")],
            )
        if (
            role is Role.INSTITUTION_HEAD
            and org_id is not None
            and await self.repo.head_of(org_id, Role.INSTITUTION_HEAD) is not None
        ):
            raise Conflict(
                "该考核站点已有负责人",
                errors=[FieldError(field="org_id", message="该考核站点已有负责人", code="taken")],
            )
        at = utcnow()
        account = Account(
            id=account_id or uuid4(),
            username=username,
            phone=phone,
            name=name,
            role=role,
            org_id=org_id,
            password_hash=await self.kit.passwords.hash(password),
            failed_logins=0,
            created_at=at,
            password_changed_at=at,
        )
        try:
            await self.repo.add(account)
        except IntegrityError as exc:
            raise Conflict("用户名或手机号已被使用") from exc
        await record(
            self.session,
            AccountRegistered(
                account_id=account.id, phone=phone, name=name, role=role.value, org_id=org_id
            ),
        )
        if creator is not None:
            await audit(
                self.session,
                creator,
                kind="configuration",
                action="gateway.staff_account.created",
                subject_type="account",
                subject_id=account.id,
                reason=f"开设{role.value}账号 {username}",
            )
        log.info("staff account %s (%s, %s) created", username, role.value, org_id)
        return account

    async def seed_demo_staff(self, password: str) -> list[str]:
        """Create the demo staff accounts that are missing; returns the usernames created."""
        created: list[str] = []
        for demo in DEMO_STAFF:
            if await self.repo.by_username(demo.username) is not None:
                continue
            await self.create_staff(
                username=demo.username,
                name=demo.name,
                role=demo.role,
                org_id=demo.org_id,
                phone=None,
                password=password,
            )
            created.append(demo.username)
        return created

    async def account(self, account_id: UUID) -> Account:
        account = await self.repo.get(account_id)
        if account is None:
            raise NotFound("账号不存在")
        return account
