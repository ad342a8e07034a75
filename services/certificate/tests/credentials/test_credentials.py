"""Status lists, issuer keys and the holder's credential, checked the way a third-party
verifier does: fetch the organisation's JWK set, verify the VC-JWTs with PyJWT, fetch and
decode the status list, read the bit. Real PostgreSQL and S3."""

from __future__ import annotations

import base64
from typing import Any
from uuid import uuid4

import jwt
from certificate_testkit import API, ID_NUMBER, ORG, World
from cryptography import x509

from certificate.credentials.rules import LIST_SIZE, bit_at, decode_bitstring, identity_hash
from certificate.identities.service import IdentityService
from skillcert.testing import assert_problem

BASE = "https://skillcert.example.cn"  # the harness's public_base_url


class Verifier:
    """A third party: knows only the public URLs in the documents it is given."""

    def __init__(self, world: World) -> None:
        self.client = world.client

    async def get(self, url: str, **headers: str):
        assert url.startswith(BASE), url
        return await self.client.get(url.removeprefix(BASE), headers=headers)

    async def key(self, issuer: str, token: str) -> jwt.PyJWK:
        jwks = await self.get(f"{issuer}/jwks")
        assert jwks.status_code == 200, jwks.text
        kid = jwt.get_unverified_header(token)["kid"]
        (match,) = [k for k in jwks.json()["keys"] if k["kid"] == kid]
        return jwt.PyJWK(match)

    async def verify(self, token: str) -> dict[str, Any]:
        """Signature against the issuer's published key; then the registered claims."""
        issuer = jwt.decode(token, options={"verify_signature": False})["iss"]
        key = await self.key(issuer, token)
        claims = jwt.decode(
            token, key, algorithms=["ES256", "ES384", "RS256"], options={"require": ["iss", "nbf"]}
        )
        assert jwt.get_unverified_header(token)["typ"] == "vc+jwt"
        return claims

    async def revoked(self, credential: dict[str, Any]) -> bool:
        status = credential["credentialStatus"]
        assert status["type"] == "BitstringStatusListEntry"
        response = await self.get(status["statusListCredential"])
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/vc+jwt"
        status_list = await self.verify(response.text)
        assert status_list["issuer"] == credential["issuer"]["id"]
        subject = status_list["credentialSubject"]
        assert subject["statusPurpose"] == status["statusPurpose"] == "revocation"
        return bit_at(decode_bitstring(subject["encodedList"]), int(status["statusListIndex"]))


async def export(world: World, certificate_id, headers: dict[str, str] | None = None):
    return await world.client.get(
        f"{API}/certificates/{certificate_id}/credential",
        headers=headers if headers is not None else world.candidate(),
    )


async def revoke(world: World, certificate_id) -> None:
    response = await world.client.post(
        f"{API}/certificates/{certificate_id}/revoke",
        json={"reason": "申报材料造假"},
        headers=world.org(),
    )
    assert response.status_code == 200, response.text


class TestStatusList:
    async def test_issue_gives_each_certificate_its_own_index_per_organisation(self, world: World):
        plan = await world.plan()
        first, second = await world.issued(plan), await world.issued(plan)
        other = await world.issued(await world.plan(org_id="ORG-OTHER", org_name="别的组织"))
        assert (first.status_list_index, second.status_list_index) == (0, 1)
        assert other.status_list_index == 0

    async def test_revocation_sets_the_bit_and_changes_the_etag(self, world: World):
        await world.issued()
        cert = await world.issued()
        url = f"{API}/status-lists/{ORG}/0"
        before = await world.client.get(url)
        assert before.status_code == 200
        assert before.headers["cache-control"] == "public, max-age=300"
        # A verifier's web page on any origin may read it.
        assert before.headers["access-control-allow-origin"] == "*"
        assert before.headers["access-control-expose-headers"] == "ETag"
        etag = before.headers["etag"]
        verifier = Verifier(world)
        subject = (await verifier.verify(before.text))["credentialSubject"]
        bits = decode_bitstring(subject["encodedList"])
        assert len(bits) * 8 == LIST_SIZE and not any(bits)
        # Unchanged: a cache revalidates for nothing.
        cached = await world.client.get(url, headers={"If-None-Match": etag})
        assert cached.status_code == 304 and cached.content == b""

        await revoke(world, cert.id)
        after = await world.client.get(url, headers={"If-None-Match": etag})
        assert after.status_code == 200 and after.headers["etag"] != etag
        listed = await verifier.verify(after.text)
        bits = decode_bitstring(listed["credentialSubject"]["encodedList"])
        assert cert.status_list_index == 1
        assert bit_at(bits, 1) and not bit_at(bits, 0)
        assert listed["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]

    async def test_unknown_organisation_and_list_are_404(self, world: World):
        await world.issued()
        assert_problem(await world.client.get(f"{API}/status-lists/ORG-NONE/0"), 404)
        assert_problem(await world.client.get(f"{API}/status-lists/{ORG}/1"), 404)
        assert_problem(await world.client.get(f"{API}/issuers/ORG-NONE/jwks"), 404)

    async def test_malformed_organisation_or_list_is_422(self, world: World):
        response = await world.client.get(f"{API}/status-lists/{ORG}/-1")
        assert assert_problem(response, 422)["errors"][0]["field"] == "path.list_no"
        response = await world.client.get(f"{API}/status-lists/a%20b/0")
        assert assert_problem(response, 422)["errors"][0]["field"] == "path.org_id"


class TestIssuerKeys:
    async def test_the_published_key_is_the_organisations_signing_identity(self, world: World):
        await world.issued()
        response = await world.client.get(f"{API}/issuers/{ORG}/jwks")
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"
        (jwk,) = response.json()["keys"]
        assert (jwk["kty"], jwk["crv"], jwk["alg"]) == ("EC", "P-256", "ES256")
        assert "d" not in jwk  # never the private part
        leaf = x509.load_der_x509_certificate(base64.b64decode(jwk["x5c"][0]))
        assert leaf.public_key() == jwt.PyJWK(jwk).key
        async with world.harness.ctx.sessionmaker() as session:
            roots = await IdentityService(session, world.harness.ctx.settings).trust_roots()
        # The chain ends at the CA the PDFs' signatures are trusted under.
        issuer = x509.load_der_x509_certificate(base64.b64decode(jwk["x5c"][-1]))
        assert issuer.subject in {r.subject for r in roots}
        profile = (await world.client.get(f"{API}/issuers/{ORG}")).json()
        assert profile["type"] == ["Profile"] and profile["name"] == "示例培训评价组织"


class TestExport:
    async def test_holder_exports_a_credential_a_verifier_accepts_until_revoked(self, world: World):
        cert = await world.issued()
        response = await export(world, cert.id)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/vc+jwt"
        assert f'filename="{cert.number}.jwt"' in response.headers["content-disposition"]
        verifier = Verifier(world)
        vc = await verifier.verify(response.text)
        assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
        assert vc["iss"] == vc["issuer"]["id"] == f"{BASE}{API}/issuers/{ORG}"
        assert vc["jti"] == f"urn:uuid:{cert.id}"
        subject = vc["credentialSubject"]
        assert subject["achievement"]["name"] == "电子商务师（一级/高级技师）"
        name, hashed = subject["identifier"]
        assert name["identityHash"] == "张三丰"
        # Whoever is shown the ID number can check it against the credential.
        assert hashed["identityHash"] == identity_hash(ID_NUMBER, hashed["salt"])
        assert vc["credentialStatus"]["statusListIndex"] == str(cert.status_list_index)
        assert await verifier.revoked(vc) is False

        await revoke(world, cert.id)
        assert await verifier.revoked(vc) is True
        # A revoked certificate is not exported again.
        assert "已撤销" in assert_problem(await export(world, cert.id), 409)["detail"]

    async def test_a_forged_credential_fails_against_the_published_key(self, world: World):
        cert = await world.issued()
        genuine = (await export(world, cert.id)).text
        claims = jwt.decode(genuine, options={"verify_signature": False})
        claims["credentialSubject"]["achievement"]["name"] = "电子商务师（五级）"
        header = jwt.get_unverified_header(genuine)
        async with world.harness.ctx.sessionmaker() as session:
            other = await IdentityService(session, world.harness.ctx.settings).ca()
        forged = jwt.encode(claims, other.private_key, algorithm="ES256", headers=header)
        verifier = Verifier(world)
        try:
            await verifier.verify(forged)
        except jwt.InvalidSignatureError:
            pass
        else:
            raise AssertionError("a credential signed by another key verified")

    async def test_only_the_holder_exports_and_only_an_issued_certificate(self, world: World):
        cert = await world.issued()
        other = world.candidate(uuid4())
        assert_problem(await export(world, cert.id, other), 404)
        assert_problem(await export(world, uuid4()), 404)
        assert_problem(await export(world, cert.id, world.org()), 403)
        assert_problem(await export(world, cert.id, world.head()), 403)
        assert_problem(await export(world, cert.id, {}), 401)
        pending = await world.pending()
        assert "尚未签发" in assert_problem(await export(world, pending), 409)["detail"]
