"""A revoked certificate (certificate.revoked) shows on the application it was issued for."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from sqlalchemy import select

from registration.applications.models import Application, StatusChange
from skillcert.bus import RetryLater
from skillcert.events import CertificateIssued, CertificateRevoked
from skillcert.testing import ServiceHarness
from tests.applications.test_consumers import (
    approved,
    issued,
    paid,
    result,
    scheduled,
    stored,
)
from tests.conftest import Kit, seed_application

REVOKED_AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
REASON = "经核查，申报材料中的工作年限证明不实，依规撤销证书"


def revoked(certificate: CertificateIssued, candidate_id: UUID | None = None) -> CertificateRevoked:
    return CertificateRevoked(
        certificate_id=certificate.certificate_id,
        certificate_number=certificate.certificate_number,
        candidate_id=candidate_id or certificate.candidate_id,
        reason=REASON,
        revoked_at=REVOKED_AT,
    )


async def certified(harness: ServiceHarness) -> tuple[Application, CertificateIssued]:
    a = await seed_application(harness, status="result_pass")
    certificate = issued(a)
    await harness.deliver(certificate)
    return a, certificate


async def statuses(harness: ServiceHarness, application_id: UUID) -> list[str]:
    async with harness.ctx.sessionmaker() as session:
        query = (
            select(StatusChange.to_status)
            .where(StatusChange.application_id == application_id)
            .order_by(StatusChange.at)
        )
        return list((await session.execute(query)).scalars())


class TestCertificateRevoked:
    async def test_same_message_twice_revokes_once(self, harness: ServiceHarness):
        a, certificate = await certified(harness)
        event = revoked(certificate)
        await harness.deliver(event)
        await harness.deliver(event)
        after = await stored(harness, a.id)
        assert after.status == "certificate_revoked"
        assert after.certificate_revoked_at == REVOKED_AT
        assert after.certificate_revocation_reason == REASON
        assert await statuses(harness, a.id) == ["certified", "certificate_revoked"]

    async def test_the_candidate_sees_the_revocation(self, kit: Kit, harness: ServiceHarness):
        headers, _, body = await kit.submitted_application()
        a = await stored(harness, UUID(body["id"]))
        for make in (approved, paid, scheduled, result):
            await harness.deliver(make(a))
        certificate = issued(a)
        await harness.deliver(certificate)
        await harness.deliver(revoked(certificate))
        detail = await kit.get(headers, body["id"])
        assert (detail["status"], detail["status_label"]) == ("certificate_revoked", "证书已撤销")
        assert detail["certificate_number"] == certificate.certificate_number
        revocation = detail["certificate_revocation"]
        assert revocation["reason"] == REASON
        assert datetime.fromisoformat(revocation["revoked_at"]) == REVOKED_AT
        assert REASON in detail["status_history"][-1]["note"]

    async def test_found_by_number_when_the_id_was_not_kept(self, harness: ServiceHarness):
        """Certificates recorded before the id was stored carry only their number."""
        a = await seed_application(harness, status="certified")
        async with harness.ctx.sessionmaker() as session:
            row = await session.get(Application, a.id)
            assert row is not None
            row.certificate_number = "Y000011000000001"
            await session.commit()
        await harness.deliver(revoked(issued(a)))
        assert (await stored(harness, a.id)).status == "certificate_revoked"

    async def test_another_candidates_certificate_is_not_matched(self, harness: ServiceHarness):
        a, certificate = await certified(harness)
        await harness.deliver(revoked(certificate, candidate_id=uuid4()))  # dropped, no retry
        assert (await stored(harness, a.id)).status == "certified"

    async def test_a_revocation_before_the_issuance_is_retried_not_lost(
        self, harness: ServiceHarness
    ):
        a = await seed_application(harness, status="result_pass")
        certificate = issued(a)
        event = revoked(certificate)
        with pytest.raises(RetryLater, match="before its issuance"):
            await harness.deliver(event)
        assert (await stored(harness, a.id)).status == "result_pass"
        await harness.deliver(certificate)
        await harness.deliver(event, attempt=2)
        assert (await stored(harness, a.id)).status == "certificate_revoked"
