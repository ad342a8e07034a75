"""Production signing keys from configuration: PKCS#12 or PEM files or a secret-store directory,
checked at startup; heads' and organisations' certificates issued by the configured CA, their
keys stored encrypted; issued PDFs timestamped by the TSA and long-term verifiable (B-LT)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from certificate_testkit import World
from cryptography.hazmat.primitives.serialization import BestAvailableEncryption, pkcs12
from sqlalchemy import select

from certificate.config import CertificateSettings
from certificate.identities.keystore import SigningConfigError, load_keystore, reload_keystore
from certificate.identities.models import StoredIdentity
from certificate.identities.rules import IdentityKind
from certificate.identities.service import IdentityService
from certificate.main import ensure_identities
from certificate.pdf import generate_identity, issue_certificate, verify_pdf
from skillcert.settings import Profile
from skillcert_devtools.pki import DevPki

TSA = "http://tsa.invalid/tsa"


@pytest.fixture(scope="module")
def pki() -> Iterator[DevPki]:
    with DevPki.create() as pki:
        yield pki


def prod(**changes: Any) -> CertificateSettings:
    return CertificateSettings(profile=Profile.PROD, s3_secret_key="x", **changes)


class TestStartupRefusal:
    def test_prod_without_keys_names_everything_missing(self):
        with pytest.raises(SigningConfigError) as raised:
            load_keystore(prod())
        message = str(raised.value)
        assert "the prod profile cannot issue certificates without" in message
        for setting in ("issuing CA", "signing_key_passphrase", "tsa_url"):
            assert setting in message

    async def test_the_service_does_not_start(self):
        # The lifespan's first step; it reads no database before refusing.
        with pytest.raises(SigningConfigError, match="issuing CA"):
            await ensure_identities(SimpleNamespace(settings=prod(tsa_url=TSA)))  # type: ignore[arg-type]

    def test_wrong_passphrase(self, pki: DevPki, tmp_path: Path):
        pki.write_secrets(tmp_path)
        (tmp_path / "issuing-ca.passphrase").write_text("not-the-passphrase")
        with pytest.raises(SigningConfigError, match="issuing CA: cannot load the key"):
            load_keystore(prod(signing_secrets_dir=str(tmp_path), tsa_url=TSA))

    def test_a_leaf_is_not_an_issuing_ca(self, pki: DevPki, tmp_path: Path):
        leaf = issue_certificate("某负责人", "X", pki.issuing)
        (tmp_path / "issuing-ca.key.pem").write_bytes(leaf.key_pem())
        (tmp_path / "issuing-ca.chain.pem").write_bytes(leaf.cert_pem())
        (tmp_path / "signing-key.passphrase").write_text("stored-signer-keys-passphrase")
        with pytest.raises(SigningConfigError, match="not a CA"):
            load_keystore(prod(signing_secrets_dir=str(tmp_path), tsa_url=TSA))

    def test_a_chain_without_its_root(self, pki: DevPki, tmp_path: Path):
        (tmp_path / "issuing-ca.key.pem").write_bytes(pki.issuing.key_pem())
        (tmp_path / "issuing-ca.chain.pem").write_bytes(pki.issuing.cert_pem(include_chain=False))
        with pytest.raises(SigningConfigError, match="self-signed root"):
            load_keystore(prod(signing_secrets_dir=str(tmp_path)))

    def test_key_not_matching_the_certificate(self, pki: DevPki, tmp_path: Path):
        (tmp_path / "issuing-ca.key.pem").write_bytes(pki.tsa.key_pem())
        (tmp_path / "issuing-ca.chain.pem").write_bytes(pki.issuing.cert_pem())
        with pytest.raises(SigningConfigError, match="does not match"):
            load_keystore(prod(signing_secrets_dir=str(tmp_path)))

    def test_a_configured_file_that_is_missing(self, tmp_path: Path):
        with pytest.raises(SigningConfigError, match="does not exist"):
            load_keystore(prod(issuing_ca_p12_file=str(tmp_path / "nope.p12")))

    def test_a_short_key_passphrase(self, pki: DevPki, tmp_path: Path):
        pki.write_secrets(tmp_path)
        (tmp_path / "signing-key.passphrase").write_text("short")
        with pytest.raises(SigningConfigError, match="at least 16"):
            load_keystore(prod(signing_secrets_dir=str(tmp_path), tsa_url=TSA))

    def test_dev_without_keys_is_fine(self):
        keystore = load_keystore(CertificateSettings(profile=Profile.DEV))
        assert keystore.issuing_ca is None and keystore.roots == []


class TestLoading:
    def test_secret_store_with_pkcs12(self, pki: DevPki, tmp_path: Path):
        keystore = load_keystore(
            prod(signing_secrets_dir=str(pki.write_secrets(tmp_path)), tsa_url=TSA)
        )
        assert keystore.issuing_ca is not None
        assert keystore.issuing_ca.certificate == pki.issuing.certificate
        assert keystore.roots == [pki.root.certificate]
        assert keystore.key_passphrase == b"stored-signer-keys-passphrase"

    def test_secret_store_with_pem_files(self, pki: DevPki, tmp_path: Path):
        pki.write_secrets(tmp_path, p12=False)
        keystore = load_keystore(prod(signing_secrets_dir=str(tmp_path), tsa_url=TSA))
        assert keystore.issuing_ca is not None
        assert keystore.issuing_ca.chain == (pki.root.certificate,)

    def test_explicit_settings_without_a_directory(self, pki: DevPki, tmp_path: Path):
        p12 = tmp_path / "ca.pfx"
        # Root first in the bundle: the order in the file does not matter.
        p12.write_bytes(
            pkcs12.serialize_key_and_certificates(
                None,
                pki.issuing.private_key,
                pki.issuing.certificate,
                [pki.root.certificate],
                BestAvailableEncryption(b"pfx-pass"),
            )
        )
        keystore = load_keystore(
            prod(
                issuing_ca_p12_file=str(p12),
                issuing_ca_passphrase="pfx-pass",
                signing_key_passphrase="a-long-enough-passphrase",
                tsa_url=TSA,
                trust_roots_pem=generate_identity("TSA Root", "TSA").cert_pem().decode(),
            )
        )
        assert keystore.issuing_ca is not None
        assert len(keystore.roots) == 2

    def test_an_organisation_with_its_own_certificate(self, pki: DevPki, tmp_path: Path):
        pki.write_secrets(tmp_path)
        own = issue_certificate("自有证书的评价组织", "自有", pki.issuing)
        (tmp_path / "organisations").mkdir()
        (tmp_path / "organisations" / "ORG-OWN.key.pem").write_bytes(own.key_pem())
        (tmp_path / "organisations" / "ORG-OWN.chain.pem").write_bytes(own.cert_pem())
        keystore = load_keystore(prod(signing_secrets_dir=str(tmp_path), tsa_url=TSA))
        assert keystore.organisations["ORG-OWN"].certificate == own.certificate


@pytest.fixture
async def configured(world: World, pki: DevPki, tmp_path: Path) -> AsyncIterator[World]:
    """The running service switched to the prod profile with keys from a secret store, the
    local TSA and CRL distribution point: what production runs."""
    settings: CertificateSettings = world.harness.ctx.settings
    saved = settings.model_dump(
        include={"profile", "signing_secrets_dir", "tsa_url", "crl_url", "trust_roots_pem"}
    )
    settings.profile = Profile.PROD
    settings.signing_secrets_dir = str(pki.write_secrets(tmp_path / "secrets"))
    settings.tsa_url = pki.tsa_url
    settings.crl_url = pki.crl_url("issuing")
    reload_keystore(settings)
    # A fresh database started under this configuration: no dev CA in it.
    await world.harness.reset()
    await ensure_identities(world.harness.ctx)
    try:
        yield world
    finally:
        for name, value in saved.items():
            setattr(settings, name, value)
        reload_keystore(settings)


class TestProductionIssuance:
    async def test_issued_pdf_is_long_term_and_trusted_under_the_configured_root(
        self, configured: World, pki: DevPki
    ):
        world = configured
        cert = await world.issued()
        assert cert.pdf_key is not None
        pdf = await world.harness.ctx.storage.get(cert.pdf_key)

        checks = await asyncio.to_thread(
            verify_pdf, pdf, [pki.root.certificate], check_long_term=True
        )

        assert len(checks) == 2
        for check in checks:
            assert check.ok and check.timestamped and check.long_term, check
        assert checks[0].signer_common_name == "示例职业技术学院 考核站点负责人"
        # The service's own verification trusts the configured root (no dev CA exists).
        response = await world.client.post(
            "/api/v1/certificate/verify",
            json={"number": cert.number, "id_number": cert.id_number},
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["valid"] is True
        assert all(s["trusted"] for s in body["signatures"])

    async def test_signer_keys_are_issued_by_the_configured_ca_and_stored_encrypted(
        self, configured: World, pki: DevPki
    ):
        async with configured.harness.ctx.sessionmaker() as session:
            service = IdentityService(session, configured.harness.ctx.settings)
            head = await service.leaf(IdentityKind.INSTITUTION, "INST-X", "某考核站")
            await session.commit()
            rows = (await session.execute(select(StoredIdentity))).scalars().all()
        assert [r.kind for r in rows] == ["institution"]  # no dev CA was generated
        assert rows[0].key_pem.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----")
        assert head.chain == (pki.issuing.certificate, pki.root.certificate)
        assert head.certificate.issuer == pki.issuing.certificate.subject
