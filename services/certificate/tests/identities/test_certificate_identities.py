"""Signing identities: dev generation, reuse, trust roots, and no key minting in prod."""

import pytest
from certificate_testkit import World
from sqlalchemy import func, select

from certificate.config import CertificateSettings
from certificate.identities.keystore import SigningConfigError
from certificate.identities.models import StoredIdentity
from certificate.identities.rules import IdentityKind
from certificate.identities.service import IdentityService
from certificate.pdf import generate_identity
from skillcert.settings import Profile


def settings_of(world: World, **changes: object) -> CertificateSettings:
    settings: CertificateSettings = world.harness.spec.settings
    return settings.model_copy(update=changes)


class TestLeaf:
    async def test_created_once_per_owner_and_chained_to_the_dev_ca(self, world: World):
        async with world.harness.ctx.sessionmaker() as session:
            service = IdentityService(session, settings_of(world))
            first = await service.leaf(IdentityKind.ORGANISATION, "ORG-DEMO", "示例培训评价组织")
            again = await service.leaf(IdentityKind.ORGANISATION, "ORG-DEMO", "示例培训评价组织")
            ca = await service.ca()
            count = (
                await session.execute(select(func.count()).select_from(StoredIdentity))
            ).scalar_one()
            await session.commit()
        assert first.certificate == again.certificate
        assert first.root == ca.certificate
        assert first.common_name == "示例培训评价组织"
        assert count == 2  # the CA and this one leaf

    async def test_prod_never_generates_keys(self, world: World):
        # Without configured keys the prod profile does not even get a service to ask.
        async with world.harness.ctx.sessionmaker() as session:
            with pytest.raises(SigningConfigError, match="issuing CA"):
                IdentityService(session, settings_of(world, profile=Profile.PROD))


class TestTrustRoots:
    async def test_stored_ca_plus_configured_roots(self, world: World):
        extra = generate_identity("Production Root CA", "Skillcert")
        settings = settings_of(world, trust_roots_pem=extra.cert_pem().decode())
        async with world.harness.ctx.sessionmaker() as session:
            service = IdentityService(session, settings)
            roots = await service.trust_roots()
            ca = await service.ca()
        assert roots == [ca.certificate, extra.certificate]
