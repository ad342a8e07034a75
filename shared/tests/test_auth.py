"""Token verification: what a service accepts, including when it has seen the token before."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from uuid import uuid4

import pytest

from skillcert.auth import (
    Principal,
    Role,
    SigningKey,
    TokenIssuer,
    TokenVerifier,
    jwks_static,
    public_jwk_from_pem,
)
from skillcert.errors import Unauthorized

ISSUER, AUDIENCE = "skillcert-gateway", "skillcert"


def issuer(ttl: timedelta = timedelta(minutes=15), key: SigningKey | None = None) -> TokenIssuer:
    return TokenIssuer(key or SigningKey.generate(), ISSUER, AUDIENCE, ttl=ttl)


def candidate() -> Principal:
    return Principal(account_id=uuid4(), role=Role.CANDIDATE, name="王小明")


class TestRememberedTokens:
    async def test_a_token_seen_before_gives_the_same_principal(self) -> None:
        tokens = issuer()
        verifier = TokenVerifier(jwks_static(tokens.jwks()), ISSUER, AUDIENCE)
        who = candidate()
        token = tokens.issue(who)
        first = await verifier.verify(token)
        again = await verifier.verify(token)
        assert first == again == who

    async def test_a_remembered_token_still_expires(self) -> None:
        tokens = issuer(ttl=timedelta(seconds=1))
        verifier = TokenVerifier(jwks_static(tokens.jwks()), ISSUER, AUDIENCE)
        token = tokens.issue(candidate())
        await verifier.verify(token)
        await asyncio.sleep(1.2)
        with pytest.raises(Unauthorized) as refused:
            await verifier.verify(token)
        assert refused.value.detail == "登录已过期，请重新登录"

    async def test_a_token_altered_after_a_good_one_was_seen_is_refused(self) -> None:
        tokens = issuer()
        verifier = TokenVerifier(jwks_static(tokens.jwks()), ISSUER, AUDIENCE)
        token = tokens.issue(candidate())
        await verifier.verify(token)
        header, _payload, signature = token.split(".")
        other = tokens.issue(Principal(account_id=uuid4(), role=Role.ORG_ADMIN, org_id="ORG-X"))
        forged = ".".join([header, other.split(".")[1], signature])
        with pytest.raises(Unauthorized):
            await verifier.verify(forged)

    async def test_a_token_of_another_key_is_refused_though_its_twin_was_accepted(self) -> None:
        ours, theirs = issuer(), issuer(key=SigningKey.generate())
        verifier = TokenVerifier(jwks_static(ours.jwks()), ISSUER, AUDIENCE, min_refresh_s=0)
        who = candidate()
        await verifier.verify(ours.issue(who))
        with pytest.raises(Unauthorized):
            await verifier.verify(theirs.issue(who))

    async def test_memory_is_bounded(self) -> None:
        tokens = issuer()
        verifier = TokenVerifier(jwks_static(tokens.jwks()), ISSUER, AUDIENCE, remembered=2)
        for _ in range(5):
            await verifier.verify(tokens.issue(candidate()))
        assert len(verifier._verified) == 2


class TestPublishedKeys:
    async def test_tokens_of_every_published_key_verify_and_only_the_signing_key_signs(
        self,
    ) -> None:
        old, new = SigningKey.generate(), SigningKey.generate()
        old_issuer = TokenIssuer(old, "iss", "aud")
        issuer = TokenIssuer(
            new, "iss", "aud", also_published=[public_jwk_from_pem(old.public_pem(), old.kid)]
        )
        assert [k["kid"] for k in issuer.jwks()["keys"]] == [new.kid, old.kid]
        assert all("d" not in k for k in issuer.jwks()["keys"])  # public parts only
        verifier = TokenVerifier(jwks_static(issuer.jwks()), "iss", "aud")
        principal = Principal(account_id=uuid4(), role=Role.CANDIDATE, name="n")
        assert await verifier.verify(old_issuer.issue(principal)) == principal
        assert await verifier.verify(issuer.issue(principal)) == principal

    def test_the_signing_key_is_not_published_twice(self) -> None:
        key = SigningKey.generate()
        issuer = TokenIssuer(
            key, "iss", "aud", also_published=[public_jwk_from_pem(key.public_pem(), key.kid)]
        )
        assert len(issuer.jwks()["keys"]) == 1

    def test_only_p256_public_keys_are_published(self) -> None:
        with pytest.raises(ValueError, match="P-256"):
            public_jwk_from_pem(ec_p384_public_pem(), "p384")


def ec_p384_public_pem() -> bytes:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    return (
        ec.generate_private_key(ec.SECP384R1())
        .public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
