"""Account rules: password policy, SMS-code life cycle, lock-out, staff roles. No I/O."""

from __future__ import annotations

import hashlib
import hmac
import math
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Final, Literal
from uuid import UUID

from skillcert import divisions
from skillcert.auth import Role
from skillcert.states import StateMachine

PHONE_PATTERN = r"^1[3-9]\d{9}$"
# Starts with a letter so a username can never be mistaken for a phone number at login.
USERNAME_PATTERN = r"^[a-z][a-z0-9._-]{2,49}$"
CODE_PATTERN = r"^\d{6}$"
PASSWORD_MIN_LENGTH = 8
PASSWORD_MAX_LENGTH = 64

SmsPurpose = Literal["register", "login", "reset_password"]


def password_problem(password: str) -> str | None:
    """Why a password is too weak (Chinese, shown to the candidate), or None when it is fine."""
    if len(password) < PASSWORD_MIN_LENGTH:
        return f"密码至少 {PASSWORD_MIN_LENGTH} 位，且须同时包含字母和数字"
    if len(password) > PASSWORD_MAX_LENGTH:
        return f"密码最多 {PASSWORD_MAX_LENGTH} 位"
    if not re.search(r"[A-Za-z]", password) or not re.search(r"\d", password):
        return "密码须同时包含字母和数字"
    return None


# No 0/O, 1/l/I: the first password is read off an SMS and typed by hand.
_PASSWORD_LETTERS = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ"
_PASSWORD_DIGITS = "23456789"


def new_password(length: int = 10) -> str:
    """A first password for an account made for someone (sent by SMS): letters and digits,
    so it passes `password_problem`."""
    rest = "".join(secrets.choice(_PASSWORD_LETTERS + _PASSWORD_DIGITS) for _ in range(length - 2))
    return secrets.choice(_PASSWORD_LETTERS) + secrets.choice(_PASSWORD_DIGITS) + rest


def is_phone(login: str) -> bool:
    return re.fullmatch(PHONE_PATTERN, login) is not None


def login_key(login: str) -> str:
    """What wrong passwords are counted under: the login as typed, case folded (a username
    in other case is no way around the count)."""
    return login.strip().lower()


# --- SMS codes (短信验证码) -----------------------------------------------------------------


class CodeStatus(StrEnum):
    ACTIVE = "active"
    CONSUMED = "consumed"  # used once; a replay is refused
    EXHAUSTED = "exhausted"  # too many wrong guesses
    SUPERSEDED = "superseded"  # a newer code went to the same phone for the same purpose


class CodeAction(StrEnum):
    CONSUME = "consume"
    EXHAUST = "exhaust"
    SUPERSEDE = "supersede"


# The whole life cycle of a code. Expiry is not a state: it follows from `expires_at`.
CODE_TRANSITIONS: dict[tuple[CodeStatus, CodeAction], CodeStatus] = {
    (CodeStatus.ACTIVE, CodeAction.CONSUME): CodeStatus.CONSUMED,
    (CodeStatus.ACTIVE, CodeAction.EXHAUST): CodeStatus.EXHAUSTED,
    (CodeStatus.ACTIVE, CodeAction.SUPERSEDE): CodeStatus.SUPERSEDED,
}


CODE_STATES = StateMachine(CODE_TRANSITIONS)


def new_code() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def hash_code(secret: bytes, phone: str, purpose: str, code: str) -> str:
    """Keyed hash bound to phone and purpose: a code sent for login cannot register."""
    message = f"{phone}:{purpose}:{code}".encode()
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def code_matches(secret: bytes, phone: str, purpose: str, code: str, stored_hash: str) -> bool:
    return hmac.compare_digest(hash_code(secret, phone, purpose, code), stored_hash)


@dataclass(frozen=True)
class CodeRefusal:
    """Why no usable code exists for a verification, in the candidate's words."""

    message: str


def why_no_usable_code(
    latest_status: CodeStatus | None,
    latest_expires_at: datetime | None,
    latest_attempts: int,
    max_attempts: int,
    now: datetime,
) -> CodeRefusal:
    if latest_status is None or latest_expires_at is None:
        return CodeRefusal("请先获取短信验证码")
    if latest_status is CodeStatus.CONSUMED:
        return CodeRefusal("验证码已使用，请重新获取")
    if latest_status is CodeStatus.EXHAUSTED or latest_attempts >= max_attempts:
        return CodeRefusal("验证码错误次数过多，请重新获取")
    if latest_expires_at <= now:
        return CodeRefusal("验证码已过期，请重新获取")
    return CodeRefusal("验证码无效，请重新获取")


def resend_wait_s(last_sent_at: datetime | None, now: datetime, cooldown_s: int) -> int:
    """Seconds until the phone may receive another code (0: now)."""
    if last_sent_at is None:
        return 0
    return max(0, math.ceil((last_sent_at + timedelta(seconds=cooldown_s) - now).total_seconds()))


def hourly_cap_wait_s(sent_in_last_hour: list[datetime], now: datetime, cap: int) -> int:
    """Seconds until the phone is under its hourly cap again (0: it is now)."""
    if len(sent_in_last_hour) < cap:
        return 0
    # The window frees a slot when the oldest send that keeps it full turns one hour old.
    oldest_blocking = sorted(sent_in_last_hour)[-cap]
    return max(1, math.ceil((oldest_blocking + timedelta(hours=1) - now).total_seconds()))


# --- refresh tokens (刷新令牌) ----------------------------------------------------------------


def new_refresh_token() -> str:
    return secrets.token_urlsafe(32)


def refresh_token_hash(token: str) -> str:
    """Stored instead of the token: 256 random bits need no key or slow hash, and a leaked
    table yields no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


# --- login throttle and lock-out ---------------------------------------------------------------


def lock_remaining_s(locked_until: datetime | None, now: datetime) -> int:
    if locked_until is None or locked_until <= now:
        return 0
    return math.ceil((locked_until - now).total_seconds())


@dataclass(frozen=True)
class ThrottlePolicy:
    """How wrong passwords from one (login, address) pair are held back (GatewaySettings)."""

    free_failures: int
    base_delay_s: int
    max_delay_s: int
    window_s: int


def failure_delay_s(failures: int, policy: ThrottlePolicy) -> int:
    """The wait after the pair's `failures`-th wrong password: none while free, then the
    base delay doubling with each further failure, up to the maximum."""
    beyond = failures - policy.free_failures
    if beyond <= 0:
        return 0
    return min(policy.max_delay_s, policy.base_delay_s << min(beyond - 1, 30))


def after_failure(
    failures: int, last_failure_at: datetime | None, now: datetime, policy: ThrottlePolicy
) -> tuple[int, datetime | None]:
    """The pair's count and hold after one more wrong password; a count older than the
    window starts over."""
    if last_failure_at is None or now - last_failure_at > timedelta(seconds=policy.window_s):
        failures = 0
    failures += 1
    delay = failure_delay_s(failures, policy)
    return failures, (now + timedelta(seconds=delay) if delay else None)


def wait_text(seconds: int) -> str:
    return f"{seconds} 秒" if seconds < 60 else f"{math.ceil(seconds / 60)} 分钟"


# --- staff ----------------------------------------------------------------------------------

STAFF_ROLES: frozenset[Role] = frozenset(Role) - {Role.CANDIDATE}
# Staff of these roles act for an organisation and must carry its org_id.
ORG_BOUND_ROLES: frozenset[Role] = STAFF_ROLES - {Role.OPS}


PROVINCE_ORG_PREFIX = "PROV-"
CITY_ORG_PREFIX = "CITY-"


def province_of_org(org_id: str | None) -> str | None:
    """The GB/T 2260 province code of a province admin's organisation (`PROV-GX` → 450000)."""
    if org_id is None or not org_id.startswith(PROVINCE_ORG_PREFIX):
        return None
    return divisions.province_of_letters(org_id.removeprefix(PROVINCE_ORG_PREFIX))


def city_problem(province: str, city: str) -> str | None:
    """Why a province admin cannot make a city reviewer for `city`: it must be a current
    city-level (地级) code inside the admin's own province."""
    return divisions.unknown_code(city, 2) or divisions.chain_problem(province, city, 2)


def city_reviewer_org(city: str) -> str:
    """A city reviewer's organisation: the city it reviews for (`CITY-450100`)."""
    return f"{CITY_ORG_PREFIX}{city}"


@dataclass(frozen=True)
class DemoStaff:
    username: str
    name: str
    role: Role
    org_id: str | None


#: A retired account's password hash: no argon2 hash, so no password ever matches it.
RETIRED_PASSWORD_HASH: Final = "!retired"


def retired_username(username: str | None, account_id: UUID) -> str | None:
    """The login name a retired account keeps (its old one, marked and made unique), freeing
    the old one for its successor: a replaced head's `i<学校标识码>` moves to the new head."""
    if username is None:
        return None
    return f"{username[:33]}~retired-{account_id.hex[:8]}"  # within the 50 of the column


#: The demo institution's 学校标识码 (the sample directory's 柳州职业技术大学).
DEMO_INSTITUTION: Final = "4145012558"

DEMO_STAFF: tuple[DemoStaff, ...] = (
    DemoStaff("org.admin", "示例培训评价组织管理员", Role.ORG_ADMIN, "ORG-DEMO"),
    DemoStaff("org.reviewer", "示例培训评价组织审核员", Role.REVIEWER, "ORG-DEMO"),
    # The demo institution is a real entry of the sample directory (柳州职业技术大学, 学校标识码
    # 4145012558, in the demo province PROV-GX), so its pilot and base-info pages find it.
    DemoStaff(
        "inst.admin", "柳州职业技术大学管理员（示例）", Role.INSTITUTION_ADMIN, DEMO_INSTITUTION
    ),
    DemoStaff(
        "inst.head",
        "柳州职业技术大学考核站点负责人（示例）",
        Role.INSTITUTION_HEAD,
        DEMO_INSTITUTION,
    ),
    DemoStaff("province.admin", "示例省级教育行政部门管理员", Role.PROVINCE_ADMIN, "PROV-GX"),
    # a second province: the demo's pilot institution (its quota) lies there, so the first
    # province's year is left for whoever tries the pilot flow by hand
    DemoStaff("province.js", "江苏省教育厅管理员（示例）", Role.PROVINCE_ADMIN, "PROV-JS"),
    # 监考 and 巡考 of the demo plan's exam: the demo data puts them in the demo site's first
    # room (the invigilator) and over the whole site (the inspector) for its first session.
    DemoStaff("inv.demo", "示例监考员", Role.INVIGILATOR, DEMO_INSTITUTION),
    DemoStaff("insp.demo", "示例巡考员", Role.INSPECTOR, "ORG-DEMO"),
    DemoStaff("ops", "平台运维", Role.OPS, None),
)
