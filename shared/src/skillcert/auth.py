"""Identity: the gateway issues short-lived JWTs (ES256) and publishes its keys as a JWKS; every
service verifies tokens itself and enforces role and ownership."""

from __future__ import annotations

import asyncio
import json
import time
from collections import OrderedDict
from collections.abc import Callable, Coroutine, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any
from uuid import UUID, uuid4

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, ConfigDict

from skillcert.errors import FieldError, Forbidden, InvalidInput, Unauthorized


class Role(StrEnum):
    CANDIDATE = "candidate"  # 考生
    REVIEWER = "reviewer"  # 审核员
    ORG_ADMIN = "org_admin"  # 培训评价组织
    INSTITUTION_ADMIN = "institution_admin"  # 试点院校/考核站点
    INSTITUTION_HEAD = "institution_head"  # 考核站点负责人
    PROVINCE_ADMIN = "province_admin"  # 省级教育行政部门
    CITY_REVIEWER = (
        "city_reviewer"  # 地市级教育行政部门审核员 (org_id `CITY-<GB/T 2260 city code>`)
    )
    # Exam-day duty accounts, scoped to the rooms and sessions they are assigned to
    # (exam-scheduling's invigilation): org_id is the institution (监考) or organisation (巡考).
    INVIGILATOR = "invigilator"  # 监考人员, assigned by the institution running the site
    INSPECTOR = "inspector"  # 巡考人员, assigned by the certifying organisation
    OPS = "ops"


class Principal(BaseModel):
    """Who is calling: the account, its role and the organisation it acts for (staff only)."""

    # Frozen: the verifier hands the same instance to every request carrying the same token.
    model_config = ConfigDict(frozen=True)

    account_id: UUID
    role: Role
    name: str = ""
    org_id: str | None = None

    def is_staff_of(self, org_id: str | None) -> bool:
        return self.role is not Role.CANDIDATE and org_id is not None and self.org_id == org_id


class SigningKey:
    """The gateway's private key and the `kid` it is published under."""

    def __init__(self, private_key: ec.EllipticCurvePrivateKey, kid: str) -> None:
        self.private_key = private_key
        self.kid = kid

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(ec.generate_private_key(ec.SECP256R1()), kid=uuid4().hex[:16])

    @classmethod
    def from_pem(cls, pem: bytes, kid: str) -> SigningKey:
        key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(key, ec.EllipticCurvePrivateKey):
            raise ValueError("the JWT signing key must be an EC P-256 key")
        return cls(key, kid)

    def to_pem(self) -> bytes:
        return self.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def public_jwk(self) -> dict[str, Any]:
        return _public_jwk(self.private_key.public_key(), self.kid)

    def public_pem(self) -> bytes:
        return self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )


def _public_jwk(public_key: ec.EllipticCurvePublicKey, kid: str) -> dict[str, Any]:
    jwk: dict[str, Any] = json.loads(jwt.algorithms.ECAlgorithm.to_jwk(public_key))
    jwk.update(kid=kid, use="sig", alg="ES256")
    return jwk


def public_jwk_from_pem(pem: bytes, kid: str) -> dict[str, Any]:
    """The JWK of an EC P-256 public key (PEM) to publish beside the signing key: a retired
    key whose tokens have not expired yet, or the next key before it starts signing."""
    key = serialization.load_pem_public_key(pem)
    if not isinstance(key, ec.EllipticCurvePublicKey) or not isinstance(key.curve, ec.SECP256R1):
        raise ValueError(f"published key {kid!r} must be an EC P-256 public key")
    return _public_jwk(key, kid)


PHONE_PROOF_AUDIENCE = "skillcert-phone-proof"


@dataclass(frozen=True)
class PhoneProof:
    phone: str
    purpose: str
    #: the proof's own id: a service that must accept each proof once keeps it
    proof_id: str


class TokenIssuer:
    """Signs tokens with one key (`kid` in the header) and publishes it with `also_published`:
    keys that still verify (rotation: the old key until its tokens expire, the next key before
    it signs) without signing anything."""

    def __init__(
        self,
        key: SigningKey,
        issuer: str,
        audience: str,
        ttl: timedelta = timedelta(minutes=15),
        also_published: Sequence[dict[str, Any]] = (),
    ) -> None:
        self.key = key
        self.issuer = issuer
        self.audience = audience
        self.ttl = ttl
        self.also_published = [jwk for jwk in also_published if jwk.get("kid") != key.kid]

    def issue(self, principal: Principal) -> str:
        now = datetime.now(UTC)
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(principal.account_id),
            "role": principal.role.value,
            "name": principal.name,
            "org": principal.org_id,
            "iat": now,
            "exp": now + self.ttl,
            "jti": uuid4().hex,
        }
        return jwt.encode(
            claims, self.key.private_key, algorithm="ES256", headers={"kid": self.key.kid}
        )

    def issue_phone_proof(self, phone: str, purpose: str, ttl: timedelta) -> str:
        """A short-lived proof that the bearer just answered an SMS code sent to `phone`: what
        a service that signs people up without owning SMS codes (institution sign-up) takes
        instead of a code. Its own audience, so it never passes as an access token."""
        now = datetime.now(UTC)
        claims = {
            "iss": self.issuer,
            "aud": PHONE_PROOF_AUDIENCE,
            "sub": phone,
            "purpose": purpose,
            "iat": now,
            "exp": now + ttl,
            "jti": uuid4().hex,
        }
        return jwt.encode(
            claims, self.key.private_key, algorithm="ES256", headers={"kid": self.key.kid}
        )

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.key.public_jwk(), *self.also_published]}


JwksSource = Callable[[], Coroutine[Any, Any, dict[str, Any]]]


def jwks_from_url(url: str, timeout_s: float = 5.0) -> JwksSource:
    async def fetch() -> dict[str, Any]:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            response = await client.get(url)
            response.raise_for_status()
            data: dict[str, Any] = response.json()
            return data

    return fetch


def jwks_static(jwks: dict[str, Any]) -> JwksSource:
    async def fetch() -> dict[str, Any]:
        return jwks

    return fetch


class TokenVerifier:
    """Verifies gateway tokens with the published keys, refetching them on an unknown `kid`
    (key rotation) at most every `min_refresh_s` seconds."""

    def __init__(
        self,
        source: JwksSource,
        issuer: str,
        audience: str,
        min_refresh_s: float = 30.0,
        remembered: int = 10_000,
    ) -> None:
        self.source = source
        self.issuer = issuer
        self.audience = audience
        self.min_refresh_s = min_refresh_s
        self._keys: dict[str, Any] = {}
        self._fetched_at = 0.0
        self._lock = asyncio.Lock()
        #: token → (principal, expiry as a Unix time). A client sends the same token with
        #: every request until it expires; checking the signature again each time cost ~0.4 ms
        #: of CPU per request. Forgotten when the published keys change.
        self._verified: OrderedDict[str, tuple[Principal, float]] = OrderedDict()
        self._remembered = remembered

    async def _key_for(self, kid: str) -> Any:
        if kid in self._keys:
            return self._keys[kid]
        async with self._lock:
            if kid not in self._keys and time.monotonic() - self._fetched_at > self.min_refresh_s:
                try:
                    jwks = await self.source()
                except Exception as exc:
                    raise Unauthorized("暂时无法验证登录凭证") from exc
                self._fetched_at = time.monotonic()
                self._keys = {k["kid"]: jwt.PyJWK(k).key for k in jwks.get("keys", [])}
                self._verified.clear()
        if kid not in self._keys:
            raise Unauthorized("登录凭证无效")
        return self._keys[kid]

    async def verify(self, token: str) -> Principal:
        known = self._verified.get(token)
        if known is not None:
            if time.time() < known[1]:
                self._verified.move_to_end(token)
                return known[0]
            del self._verified[token]
        principal, expires_at = await self._verify(token)
        self._verified[token] = (principal, expires_at)
        if len(self._verified) > self._remembered:
            self._verified.popitem(last=False)
        return principal

    async def _verify(self, token: str) -> tuple[Principal, float]:
        try:
            header = jwt.get_unverified_header(token)
            key = await self._key_for(str(header.get("kid", "")))
            claims = jwt.decode(
                token,
                key,
                algorithms=["ES256"],
                issuer=self.issuer,
                audience=self.audience,
                options={"require": ["exp", "iat", "sub", "iss", "aud"]},
            )
            principal = Principal(
                account_id=UUID(claims["sub"]),
                role=Role(claims["role"]),
                name=claims.get("name") or "",
                org_id=claims.get("org"),
            )
            return principal, float(claims["exp"])
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("登录已过期，请重新登录") from exc
        except (jwt.PyJWTError, ValueError, KeyError) as exc:
            raise Unauthorized("登录凭证无效") from exc

    async def verify_phone_proof(self, token: str, purpose: str, field: str) -> PhoneProof:
        """The phone a proof from `issue_phone_proof` vouches for; a field error on `field`
        when it is forged, expired or for another purpose (the person asks for a new code)."""
        try:
            header = jwt.get_unverified_header(token)
            key = await self._key_for(str(header.get("kid", "")))
            claims = jwt.decode(
                token,
                key,
                algorithms=["ES256"],
                issuer=self.issuer,
                audience=PHONE_PROOF_AUDIENCE,
                options={"require": ["exp", "iat", "sub", "iss", "aud", "jti"]},
            )
            if claims.get("purpose") != purpose:
                raise ValueError("another purpose")
            return PhoneProof(str(claims["sub"]), purpose, str(claims["jti"]))
        except (jwt.PyJWTError, ValueError, KeyError, Unauthorized) as exc:
            message = "手机验证已失效，请重新获取短信验证码"
            raise InvalidInput(message, errors=[FieldError(field=field, message=message)]) from exc


_bearer = HTTPBearer(auto_error=False)


def _verifier(request: Request) -> TokenVerifier:  # called directly, not a dependency
    verifier: TokenVerifier = request.app.state.ctx.verifier
    return verifier


async def authenticate(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    cached: Principal | None = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    if credentials is None:
        raise Unauthorized("请先登录", headers={"WWW-Authenticate": "Bearer"})
    principal = await _verifier(request).verify(credentials.credentials)
    request.state.principal = principal
    return principal


CurrentPrincipal = Annotated[Principal, Depends(authenticate)]


class RequireRoles:
    """Dependency: the caller must hold one of `roles`. A class rather than a closure, so
    what a route admits can be read off it (the OpenAPI declarations, the API fuzzing)."""

    def __init__(self, *roles: Role) -> None:
        self.roles = frozenset(roles)

    async def __call__(self, principal: CurrentPrincipal) -> Principal:
        if principal.role not in self.roles:
            raise Forbidden("当前账号无权执行此操作")
        return principal


def require_roles(*roles: Role) -> RequireRoles:
    """Dependency factory: the caller must hold one of `roles`."""
    return RequireRoles(*roles)
