"""Sessions: short-lived access tokens, refresh tokens rotated on every use (a reused one
ends the whole session), logout and password reset end all sessions; signing keys rotate
without logging anyone out."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from pydantic import SecretStr
from sqlalchemy import update

from gateway.accounts.models import RefreshToken
from gateway.main import identity_kit, own_verifier
from skillcert.auth import SigningKey
from skillcert.testing import ServiceHarness, assert_problem
from tests.helpers import PASSWORD, RESETS, client, login, register, send_code

PHONE = "13712345678"
REFRESH = "/api/v1/gateway/sessions/refresh"
LOGOUT = "/api/v1/gateway/logout"
ME = "/api/v1/gateway/me"


async def signed_in(harness: ServiceHarness) -> dict[str, Any]:
    await register(harness, PHONE)
    response = await login(harness, PHONE, PASSWORD)
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


async def refresh(harness: ServiceHarness, token: str) -> Any:
    return await client(harness).post(REFRESH, json={"refresh_token": token})


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


class TestRefresh:
    async def test_login_returns_a_refresh_token_that_buys_new_tokens_once(
        self, harness: ServiceHarness
    ):
        first = await signed_in(harness)
        assert first["refresh_expires_in"] == 14 * 86400
        second = await refresh(harness, first["refresh_token"])
        assert second.status_code == 200, second.text
        body = second.json()
        assert body["account_id"] == first["account_id"]
        assert body["refresh_token"] != first["refresh_token"]
        me = await client(harness).get(ME, headers=bearer(body))
        assert me.status_code == 200
        # Rotated: the next refresh needs the new token.
        assert (await refresh(harness, body["refresh_token"])).status_code == 200

    async def test_a_reused_refresh_token_ends_the_whole_session(
        self, harness: ServiceHarness, caplog: pytest.LogCaptureFixture
    ):
        first = await signed_in(harness)
        second = (await refresh(harness, first["refresh_token"])).json()
        caplog.set_level(logging.WARNING, logger="gateway.accounts")
        # A copy of the first token (stolen) comes back after it was used.
        reuse = await refresh(harness, first["refresh_token"])
        assert_problem(reuse, 401, detail="登录已过期，请重新登录")
        assert any("reused" in r.getMessage() for r in caplog.records)
        # The real client's current token is dead too, and so is everything after it.
        assert_problem(await refresh(harness, second["refresh_token"]), 401)

    async def test_another_login_is_another_session_untouched_by_a_reuse(
        self, harness: ServiceHarness
    ):
        phone_session = await signed_in(harness)
        laptop = (await login(harness, PHONE, PASSWORD)).json()
        await refresh(harness, phone_session["refresh_token"])
        await refresh(harness, phone_session["refresh_token"])  # reuse: phone session ends
        assert (await refresh(harness, laptop["refresh_token"])).status_code == 200

    async def test_unknown_and_expired_refresh_tokens_get_the_same_401(
        self, harness: ServiceHarness
    ):
        tokens = await signed_in(harness)
        async with harness.ctx.sessionmaker() as session:
            await session.execute(
                update(RefreshToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
            )
            await session.commit()
        expired = await refresh(harness, tokens["refresh_token"])
        unknown = await refresh(harness, "x" * 43)
        for response in (expired, unknown):
            assert_problem(response, 401, detail="登录已过期，请重新登录")

    async def test_a_refresh_never_outlives_the_session_maximum(self, harness: ServiceHarness):
        settings = harness.ctx.settings
        before = settings.session_max_age_s
        settings.session_max_age_s = 3600
        try:
            tokens = await signed_in(harness)
        finally:
            settings.session_max_age_s = before
        assert tokens["refresh_expires_in"] == 3600
        again = (await refresh(harness, tokens["refresh_token"])).json()
        assert again["refresh_expires_in"] <= 3600


class TestEndingSessions:
    async def test_logout_revokes_every_refresh_token_of_the_account(self, harness: ServiceHarness):
        one = await signed_in(harness)
        two = (await login(harness, PHONE, PASSWORD)).json()
        response = await client(harness).post(LOGOUT, headers=bearer(one))
        assert response.status_code == 204
        for tokens in (one, two):
            assert_problem(await refresh(harness, tokens["refresh_token"]), 401)

    async def test_logout_needs_a_token(self, harness: ServiceHarness):
        assert_problem(await client(harness).post(LOGOUT), 401)

    async def test_logout_ends_only_the_callers_sessions(self, harness: ServiceHarness):
        mine = await signed_in(harness)
        await register(harness, "13700000002")
        other = (await login(harness, "13700000002", PASSWORD)).json()
        await client(harness).post(LOGOUT, headers=bearer(other))
        assert (await refresh(harness, mine["refresh_token"])).status_code == 200

    async def test_a_password_reset_revokes_every_refresh_token(self, harness: ServiceHarness):
        tokens = await signed_in(harness)
        code = await send_code(harness, PHONE, "reset_password")
        reset = await client(harness).post(
            RESETS, json={"phone": PHONE, "code": code, "new_password": "Better2025"}
        )
        assert reset.status_code == 204
        assert_problem(await refresh(harness, tokens["refresh_token"]), 401)


@pytest.fixture
def restore_identity(harness: ServiceHarness) -> Iterator[None]:
    resources, settings = harness.ctx.resources, harness.ctx.settings
    saved = (resources.identity, harness.ctx.verifier, dict(settings.__dict__))
    yield
    resources.identity, harness.ctx.verifier = saved[0], saved[1]
    settings.__dict__.update(saved[2])


def rotate_to(harness: ServiceHarness, new: SigningKey, published: dict[str, str]) -> None:
    """What a gateway restarted with new key settings builds (gateway.main's lifespan)."""
    settings = harness.ctx.settings
    settings.jwt_private_key_pem = SecretStr(new.to_pem().decode())
    settings.jwt_key_id = new.kid
    settings.jwt_published_keys = published
    identity = identity_kit(harness.ctx)
    harness.ctx.resources.identity = identity
    harness.ctx.verifier = own_verifier(identity, settings)


class TestKeyRotation:
    async def test_a_new_key_signs_while_the_old_one_still_verifies(
        self, harness: ServiceHarness, restore_identity: None
    ):
        tokens = await signed_in(harness)
        old = harness.ctx.resources.identity.issuer.key
        new = SigningKey.generate()
        # Step 1: the next key is published before it signs.
        rotate_to(harness, old, {new.kid: new.public_pem().decode()})
        published = (await client(harness).get("/.well-known/jwks.json")).json()
        assert [k["kid"] for k in published["keys"]] == [old.kid, new.kid]
        # Step 2: it signs; the old key is still published until its tokens expire.
        rotate_to(harness, new, {old.kid: old.public_pem().decode()})
        assert (await client(harness).get(ME, headers=bearer(tokens))).status_code == 200
        # The session goes on: the refresh token is not a JWT and survives any key change.
        renewed = (await refresh(harness, tokens["refresh_token"])).json()
        assert jwt.get_unverified_header(renewed["access_token"])["kid"] == new.kid
        assert (await client(harness).get(ME, headers=bearer(renewed))).status_code == 200
        # Step 3: the old key is withdrawn; its (by now expired) tokens no longer verify.
        rotate_to(harness, new, {})
        assert_problem(await client(harness).get(ME, headers=bearer(tokens)), 401)
        assert (await client(harness).get(ME, headers=bearer(renewed))).status_code == 200

    async def test_a_published_key_that_is_not_p256_is_refused_at_startup(
        self, harness: ServiceHarness, restore_identity: None
    ):
        with pytest.raises(ValueError, match="P-256"):
            rotate_to(harness, SigningKey.generate(), {"bad": RSA_PUBLIC_PEM})


RSA_PUBLIC_PEM = """-----BEGIN PUBLIC KEY-----
MFwwDQYJKoZIhvcNAQEBBQADSwAwSAJBAMZMsSOXK5CRjExqTGbhwHbHiHIh8FXd
H2FGvzPhtZg2Q7qHtVQdxRyzZh6vVk4RQzTS2zrJhNq8jOxh1D0e5ysCAwEAAQ==
-----END PUBLIC KEY-----
"""
