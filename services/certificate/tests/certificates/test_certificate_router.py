"""The HTTP operations of certificate issuance, against real PostgreSQL and S3."""

import asyncio
import io
import statistics
import time
from uuid import uuid4

import httpx
from certificate_testkit import API, ID_NUMBER, INST, World
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader

from certificate.identities.service import IdentityService
from certificate.pdf import HEAD_SIGNATURE_FIELD, ORG_SIGNATURE_FIELD, verify_pdf
from skillcert.auth import Role
from skillcert.events import CertificateIssued, CertificateRevoked
from skillcert.testing import assert_problem


def page_text_ops(pdf: bytes) -> bytes:
    page = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"][0]
    contents = page["/Contents"]
    streams = contents if isinstance(contents, list) else [contents]
    return b"".join(s.data for s in streams)


def overlay_box(pdf: bytes) -> bytes:
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    overlay = generic.StreamObject(stream_data=b"q 1 0 0 rg 230 400 200 30 re f Q")
    writer.add_stream_to_page(0, writer.add_object(overlay))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


class TestListCertificates:
    async def test_head_sees_own_institution_only_with_masked_id(self, world: World):
        mine = await world.pending()
        await world.pending(institution_id="INST-OTHER")
        response = await world.client.get(f"{API}/certificates", headers=world.head())
        assert response.status_code == 200
        items = response.json()["items"]
        assert [i["id"] for i in items] == [str(mine)]
        assert items[0]["id_number"] == "110101********4514"
        assert items[0]["occupation_name"] == "电子商务师"
        assert items[0]["org_name"] == "示例培训评价组织"

    async def test_org_admin_sees_certificates_of_its_plans_only(self, world: World):
        ours = await world.pending()
        await world.pending(await world.plan(org_id="ORG-OTHER", org_name="别的组织"))
        response = await world.client.get(f"{API}/certificates", headers=world.org())
        assert [i["id"] for i in response.json()["items"]] == [str(ours)]

    async def test_status_filter_and_cursor_pages(self, world: World):
        plan = await world.plan()
        pending = [await world.pending(plan) for _ in range(3)]
        await world.sign(pending[0], world.head())
        first = await world.client.get(
            f"{API}/certificates?status=pending_head_signature&limit=1", headers=world.head()
        )
        body = first.json()
        assert len(body["items"]) == 1 and body["next_cursor"]
        second = await world.client.get(
            f"{API}/certificates?status=pending_head_signature&limit=1&cursor={body['next_cursor']}",
            headers=world.head(),
        )
        rest = second.json()
        assert rest["next_cursor"] is None
        assert {body["items"][0]["id"], rest["items"][0]["id"]} == {str(p) for p in pending[1:]}

    async def test_unknown_status_is_422_with_field(self, world: World):
        response = await world.client.get(f"{API}/certificates?status=done", headers=world.head())
        assert assert_problem(response, 422)["errors"][0]["field"] == "query.status"

    async def test_bad_cursor_is_422_with_field(self, world: World):
        response = await world.client.get(f"{API}/certificates?cursor=%%%", headers=world.head())
        assert assert_problem(response, 422)["errors"][0]["field"] == "cursor"

    async def test_candidate_is_403_and_anonymous_401(self, world: World):
        response = await world.client.get(f"{API}/certificates", headers=world.candidate())
        assert_problem(response, 403)
        assert_problem(await world.client.get(f"{API}/certificates"), 401)


class TestSign:
    async def test_head_signature_moves_it_to_the_organisation(self, world: World):
        certificate_id = await world.pending()
        response = await world.sign(certificate_id, world.head())
        assert response.status_code == 200
        body = response.json()
        assert body["status"] == "pending_org_signature"
        assert body["head_signed_at"] is not None and body["number"] is None
        cert = await world.get(certificate_id)
        assert cert.head_signed_by is not None and cert.head_signer_name == "test-institution_head"

    async def test_the_head_without_a_stamp_is_refused_and_nothing_changes(self, world: World):
        certificate_id = await world.pending(head_stamp=False)
        body = assert_problem(
            await world.sign(certificate_id, world.head()), 400, slug="rule-violation"
        )
        assert "尚未上传签名章" in body["detail"]
        cert = await world.get(certificate_id)
        assert cert.status == "pending_head_signature" and cert.head_signed_at is None

    async def test_the_organisation_may_sign_first_and_the_heads_signature_issues(
        self, world: World
    ):
        certificate_id = await world.pending()
        first = await world.sign(certificate_id, world.org())
        assert first.status_code == 200, first.text
        assert first.json()["status"] == "org_signed" and first.json()["number"] is None
        assert first.json()["org_signed_at"] is not None
        second = await world.sign(certificate_id, world.head())
        assert second.status_code == 200, second.text
        assert second.json()["status"] == "issued" and second.json()["number"]
        cert = await world.get(certificate_id)
        assert cert.org_signed_at is not None and cert.head_signed_at is not None
        pdf = await world.harness.ctx.storage.get(f"certificates/{cert.number}.pdf")
        async with world.harness.ctx.sessionmaker() as session:
            roots = await IdentityService(session, world.harness.spec.settings).trust_roots()  # type: ignore[arg-type]
        checks = await asyncio.to_thread(verify_pdf, pdf, roots)
        assert [c.field_name for c in checks] == [HEAD_SIGNATURE_FIELD, ORG_SIGNATURE_FIELD]
        assert all(c.ok for c in checks), checks
        assert len(await world.harness.outbox("certificate.issued.v1")) == 1

    async def test_the_organisation_cannot_sign_twice_or_refuse_after_signing(self, world: World):
        certificate_id = await world.pending()
        await world.sign(certificate_id, world.org())
        body = assert_problem(await world.sign(certificate_id, world.org()), 409)
        assert "签发后不可撤回" in body["detail"]
        response = await world.client.post(
            f"{API}/certificates/{certificate_id}/reject",
            json={"reason": "想要撤回"},
            headers=world.org(),
        )
        assert "签发后不可撤回" in assert_problem(response, 409)["detail"]
        assert (await world.get(certificate_id)).status == "org_signed"

    async def test_both_signatures_issue_a_numbered_pdf_whose_signatures_verify(self, world: World):
        plan = await world.plan()
        certificate_id = await world.pending(plan)
        await world.sign(certificate_id, world.head())
        response = await world.sign(certificate_id, world.org())

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "issued"
        number = body["number"]
        assert number.startswith("2") and "ORGDEMO1" in number and number.endswith("00000001")
        assert body["occupation_name"] == "电子商务师" and body["level_name"] == "一级/高级技师"

        pdf = await world.harness.ctx.storage.get(f"certificates/{number}.pdf")
        assert pdf.startswith(b"%PDF-")
        assert f"({number}) Tj".encode() in page_text_ops(pdf)
        async with world.harness.ctx.sessionmaker() as session:
            roots = await IdentityService(session, world.harness.spec.settings).trust_roots()  # type: ignore[arg-type]
        checks = await asyncio.to_thread(verify_pdf, pdf, roots)
        assert [c.field_name for c in checks] == [HEAD_SIGNATURE_FIELD, ORG_SIGNATURE_FIELD]
        assert all(c.ok for c in checks), checks
        assert checks[0].signer_common_name == "示例职业技术学院 考核站点负责人"
        assert checks[1].signer_common_name == "示例培训评价组织"

        [event] = await world.harness.outbox("certificate.issued.v1")
        assert isinstance(event, CertificateIssued)
        assert (event.certificate_id, event.certificate_number) == (certificate_id, number)
        assert event.plan_id == plan.plan_id

    async def test_signing_again_is_409_for_both_signers(self, world: World):
        certificate_id = await world.pending()
        await world.sign(certificate_id, world.head())
        assert (
            "不可撤回"
            in assert_problem(await world.sign(certificate_id, world.head()), 409)["detail"]
        )
        await world.sign(certificate_id, world.org())
        assert_problem(await world.sign(certificate_id, world.org()), 409)
        assert_problem(await world.sign(certificate_id, world.head()), 409)
        assert len(await world.harness.outbox("certificate.issued.v1")) == 1

    async def test_head_of_another_institution_gets_404(self, world: World):
        certificate_id = await world.pending()
        assert_problem(await world.sign(certificate_id, world.head("INST-OTHER")), 404)
        assert (await world.get(certificate_id)).status == "pending_head_signature"

    async def test_admin_of_another_organisation_gets_404(self, world: World):
        certificate_id = await world.pending()
        await world.sign(certificate_id, world.head())
        assert_problem(await world.sign(certificate_id, world.org("ORG-OTHER")), 404)
        assert (await world.get(certificate_id)).status == "pending_org_signature"

    async def test_other_roles_are_403(self, world: World):
        certificate_id = await world.pending()
        for role in (Role.CANDIDATE, Role.INSTITUTION_ADMIN, Role.REVIEWER):
            headers = world.harness.headers(role, org_id=INST)
            assert_problem(await world.sign(certificate_id, headers), 403)

    async def test_unknown_id_is_404_and_malformed_id_422(self, world: World):
        assert_problem(await world.sign(uuid4(), world.head()), 404)
        response = await world.client.post(
            f"{API}/certificates/not-a-uuid/sign", headers=world.head()
        )
        assert assert_problem(response, 422)["errors"][0]["field"] == "path.certificate_id"


class TestBatchSign:
    async def test_reports_each_outcome_and_signs_the_signable(self, world: World):
        plan = await world.plan()
        ready = await world.pending(plan)
        also_ready = await world.pending(plan)
        other_institution = await world.pending(plan, institution_id="INST-OTHER")
        already = await world.pending(plan)
        await world.sign(already, world.head())
        missing = uuid4()
        ids = (ready, other_institution, already, missing, also_ready)

        response = await world.client.post(
            f"{API}/certificates/batch-sign",
            json={"ids": [str(i) for i in ids]},
            headers=world.head(),
        )

        assert response.status_code == 200
        body = response.json()
        assert (body["signed"], body["failed"]) == (2, 3)
        outcome = {i["id"]: i for i in body["items"]}
        assert outcome[str(ready)]["ok"]
        assert outcome[str(ready)]["status"] == "pending_org_signature"
        assert outcome[str(also_ready)]["ok"]
        assert outcome[str(other_institution)]["error"]["status"] == 404
        assert outcome[str(already)]["error"]["status"] == 409
        assert outcome[str(missing)]["error"]["status"] == 404
        assert (await world.get(ready)).status == "pending_org_signature"
        assert (await world.get(other_institution)).status == "pending_head_signature"

    async def test_organisation_batch_issues_each_with_the_next_number(self, world: World):
        plan = await world.plan()
        ids = [await world.pending(plan) for _ in range(2)]
        for certificate_id in ids:
            await world.sign(certificate_id, world.head())
        response = await world.client.post(
            f"{API}/certificates/batch-sign",
            json={"ids": [str(i) for i in ids]},
            headers=world.org(),
        )
        items = response.json()["items"]
        assert [i["status"] for i in items] == ["issued", "issued"]
        first, second = (i["number"] for i in items)
        # Same year, organisation and level: one prefix, consecutive sequence numbers.
        assert first[:-8] == second[:-8]
        assert int(second[-8:]) == int(first[-8:]) + 1
        assert len(await world.harness.outbox("certificate.issued.v1")) == 2

    async def test_empty_list_is_422_with_field(self, world: World):
        response = await world.client.post(
            f"{API}/certificates/batch-sign", json={"ids": []}, headers=world.head()
        )
        assert assert_problem(response, 422)["errors"][0]["field"] == "ids"

    async def test_malformed_id_is_422_and_nothing_is_signed(self, world: World):
        certificate_id = await world.pending()
        response = await world.client.post(
            f"{API}/certificates/batch-sign",
            json={"ids": [str(certificate_id), "nope"]},
            headers=world.head(),
        )
        assert assert_problem(response, 422)["errors"][0]["field"] == "ids.1"
        assert (await world.get(certificate_id)).status == "pending_head_signature"


class TestReject:
    async def reject(self, world: World, certificate_id, headers, reason="成绩有误，需核对"):
        return await world.client.post(
            f"{API}/certificates/{certificate_id}/reject", json={"reason": reason}, headers=headers
        )

    async def test_head_rejects_before_signing(self, world: World):
        certificate_id = await world.pending()
        response = await self.reject(world, certificate_id, world.head())
        assert response.status_code == 200
        assert response.json()["status"] == "rejected"
        assert response.json()["rejection_reason"] == "成绩有误，需核对"
        cert = await world.get(certificate_id)
        assert cert.rejected_by_role == "institution_head" and cert.rejected_at is not None

    async def test_organisation_rejects_after_the_head_signed(self, world: World):
        certificate_id = await world.pending()
        await world.sign(certificate_id, world.head())
        response = await self.reject(world, certificate_id, world.org())
        assert response.json()["status"] == "rejected"

    async def test_head_cannot_reject_after_signing(self, world: World):
        certificate_id = await world.pending()
        await world.sign(certificate_id, world.head())
        assert_problem(await self.reject(world, certificate_id, world.head()), 409)
        assert (await world.get(certificate_id)).status == "pending_org_signature"

    async def test_the_head_may_refuse_what_the_organisation_signed(self, world: World):
        certificate_id = await world.pending()
        await world.sign(certificate_id, world.org())
        response = await self.reject(world, certificate_id, world.head())
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "rejected"

    async def test_a_rejected_certificate_cannot_be_signed_until_reopened(self, world: World):
        certificate_id = await world.pending()
        await self.reject(world, certificate_id, world.org())
        body = assert_problem(await world.sign(certificate_id, world.head()), 409)
        assert "须待培训评价组织处理" in body["detail"]
        assert_problem(await world.sign(certificate_id, world.org()), 409)

    async def test_issued_cannot_be_rejected(self, world: World):
        cert = await world.issued()
        assert_problem(await self.reject(world, cert.id, world.org()), 409)

    async def test_blank_reason_is_422_with_field_and_nothing_written(self, world: World):
        certificate_id = await world.pending()
        response = await self.reject(world, certificate_id, world.head(), reason="   ")
        body = assert_problem(response, 422)
        assert body["errors"][0]["field"] == "reason"
        assert (await world.get(certificate_id)).status == "pending_head_signature"

    async def test_missing_reason_is_422_with_field(self, world: World):
        certificate_id = await world.pending()
        response = await world.client.post(
            f"{API}/certificates/{certificate_id}/reject", json={}, headers=world.head()
        )
        assert assert_problem(response, 422)["errors"][0]["field"] == "reason"


async def reopen(world: World, certificate_id, headers, resolution="已核对成绩，确认无误"):
    return await world.client.post(
        f"{API}/certificates/{certificate_id}/reopen",
        json={"resolution": resolution},
        headers=headers,
    )


async def rounds(world: World, certificate_id, headers):
    return await world.client.get(f"{API}/certificates/{certificate_id}/rounds", headers=headers)


class TestReopen:
    async def refused(self, world: World):
        certificate_id = await world.pending()
        await world.sign(certificate_id, world.org())
        response = await world.client.post(
            f"{API}/certificates/{certificate_id}/reject",
            json={"reason": "姓名有误"},
            headers=world.head(),
        )
        assert response.status_code == 200, response.text
        return certificate_id

    async def test_the_refusal_is_in_the_organisations_console(self, world: World):
        certificate_id = await self.refused(world)
        response = await world.client.get(
            f"{API}/certificates", params={"status": "rejected"}, headers=world.org()
        )
        [item] = response.json()["items"]
        assert item["id"] == str(certificate_id)
        assert item["rejection_reason"] == "姓名有误"

    async def test_reopening_starts_a_new_round_and_both_sign_again(self, world: World):
        certificate_id = await self.refused(world)
        response = await reopen(world, certificate_id, world.org())
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["status"] == "pending_head_signature"
        assert body["org_signed_at"] is None and body["rejection_reason"] is None

        assert (await world.sign(certificate_id, world.head())).json()["status"] == (
            "pending_org_signature"
        )
        issued = await world.sign(certificate_id, world.org())
        assert issued.json()["status"] == "issued", issued.text

        history = (await rounds(world, certificate_id, world.head())).json()
        assert [(r["seq"], r["state"]) for r in history] == [(1, "resolved"), (2, "completed")]
        refused = history[0]
        assert refused["org_signed_at"] is not None  # the signature it had is kept
        assert refused["head_signed_at"] is None
        assert (refused["refused_by_role"], refused["refusal_reason"]) == (
            "institution_head",
            "姓名有误",
        )
        assert refused["resolution"] == "已核对成绩，确认无误"
        assert history[1]["head_signed_at"] and history[1]["org_signed_at"]

    async def test_refused_again_in_the_new_round_adds_a_third(self, world: World):
        certificate_id = await self.refused(world)
        await reopen(world, certificate_id, world.org())
        await world.client.post(
            f"{API}/certificates/{certificate_id}/reject",
            json={"reason": "照片不符"},
            headers=world.org(),
        )
        await reopen(world, certificate_id, world.org(), "已更换照片")
        history = (await rounds(world, certificate_id, world.org())).json()
        assert [r["state"] for r in history] == ["resolved", "resolved", "open"]
        assert [r["refusal_reason"] for r in history] == ["姓名有误", "照片不符", None]

    async def test_only_a_refused_certificate_is_reopened(self, world: World):
        certificate_id = await world.pending()
        body = assert_problem(await reopen(world, certificate_id, world.org()), 409)
        assert "只有被拒绝签发的证书" in body["detail"]

    async def test_the_head_cannot_reopen(self, world: World):
        certificate_id = await self.refused(world)
        assert_problem(await reopen(world, certificate_id, world.head()), 403)
        assert (await world.get(certificate_id)).status == "rejected"

    async def test_another_organisation_gets_404(self, world: World):
        certificate_id = await self.refused(world)
        assert_problem(await reopen(world, certificate_id, world.org("ORG-OTHER")), 404)
        assert_problem(await rounds(world, certificate_id, world.org("ORG-OTHER")), 404)
        assert_problem(await rounds(world, certificate_id, world.head("INST-OTHER")), 404)

    async def test_a_blank_resolution_is_422_with_field(self, world: World):
        certificate_id = await self.refused(world)
        response = await reopen(world, certificate_id, world.org(), "  ")
        assert assert_problem(response, 422)["errors"][0]["field"] == "resolution"
        assert (await world.get(certificate_id)).status == "rejected"


class TestIssuedIsFinal:
    async def test_nothing_but_revocation_after_both_signed(self, world: World):
        cert = await world.issued()
        for headers in (world.head(), world.org()):
            assert_problem(await world.sign(cert.id, headers), 409)
            rejected = await world.client.post(
                f"{API}/certificates/{cert.id}/reject", json={"reason": "想撤回"}, headers=headers
            )
            assert "只能撤销" in assert_problem(rejected, 409)["detail"]
        assert_problem(await reopen(world, cert.id, world.org()), 409)
        assert (await world.get(cert.id)).status == "issued"
        revoked = await world.client.post(
            f"{API}/certificates/{cert.id}/revoke",
            json={"reason": "申报材料造假"},
            headers=world.org(),
        )
        assert revoked.json()["status"] == "revoked"
        assert_problem(await reopen(world, cert.id, world.org()), 409)


class TestRevoke:
    async def revoke(self, world: World, certificate_id, headers, reason="申报材料造假"):
        return await world.client.post(
            f"{API}/certificates/{certificate_id}/revoke", json={"reason": reason}, headers=headers
        )

    async def test_organisation_revokes_an_issued_certificate(self, world: World):
        cert = await world.issued()
        response = await self.revoke(world, cert.id, world.org())
        assert response.status_code == 200
        assert response.json()["status"] == "revoked"
        [event] = await world.harness.outbox("certificate.revoked.v1")
        assert isinstance(event, CertificateRevoked)
        assert (event.certificate_number, event.reason) == (cert.number, "申报材料造假")

    async def test_pending_cannot_be_revoked(self, world: World):
        certificate_id = await world.pending()
        assert_problem(await self.revoke(world, certificate_id, world.org()), 409)
        await world.sign(certificate_id, world.head())
        assert_problem(await self.revoke(world, certificate_id, world.org()), 409)
        assert await world.harness.outbox("certificate.revoked.v1") == []

    async def test_revoking_twice_is_409(self, world: World):
        cert = await world.issued()
        await self.revoke(world, cert.id, world.org())
        assert_problem(await self.revoke(world, cert.id, world.org()), 409)

    async def test_head_is_403(self, world: World):
        certificate_id = await world.pending()
        assert_problem(await self.revoke(world, certificate_id, world.head()), 403)

    async def test_too_short_reason_is_422_and_nothing_written(self, world: World):
        certificate_id = await world.pending()
        await world.sign(certificate_id, world.head())
        response = await self.revoke(world, certificate_id, world.org(), reason="x")
        body = assert_problem(response, 422)
        assert body["errors"][0]["field"] == "reason"
        assert (await world.get(certificate_id)).revocation_reason is None


class TestMyCertificates:
    async def test_candidate_sees_own_with_a_working_download_link(self, world: World):
        cert = await world.issued()
        await world.pending(candidate_id=uuid4())  # someone else's

        response = await world.client.get(f"{API}/certificates/mine", headers=world.candidate())

        assert response.status_code == 200
        [mine] = response.json()
        assert (mine["id"], mine["status"], mine["number"]) == (str(cert.id), "issued", cert.number)
        assert mine["id_number"] == "110101********4514"
        async with httpx.AsyncClient() as client:
            download = await client.get(mine["download_url"])
        assert download.status_code == 200
        assert download.content.startswith(b"%PDF-")
        stored = await world.harness.ctx.storage.get(f"certificates/{cert.number}.pdf")
        assert download.content == stored

    async def test_pending_certificate_has_no_link(self, world: World):
        await world.pending()
        [mine] = (
            await world.client.get(f"{API}/certificates/mine", headers=world.candidate())
        ).json()
        assert mine["status"] == "pending_head_signature" and mine["download_url"] is None

    async def test_staff_are_403(self, world: World):
        response = await world.client.get(f"{API}/certificates/mine", headers=world.head())
        assert_problem(response, 403)


class TestVerify:
    async def verify(self, world: World, number: str, id_number: str = ID_NUMBER):
        return await world.client.post(
            f"{API}/verify", json={"number": number, "id_number": id_number}
        )

    async def test_number_and_id_of_an_issued_certificate_verify(self, world: World):
        cert = await world.issued(id_number="11010119900307451X")
        assert cert.number is not None
        # Typed by hand: case of the number and of the check digit X do not matter.
        response = await self.verify(world, cert.number.lower(), "11010119900307451x")

        assert response.status_code == 200, response.text
        body = response.json()
        assert body["valid"] is True and body["status"] == "issued"
        assert body["holder_name"] == "张**"
        assert body["id_number"] == "110101********451X"
        assert body["revoked_at"] is None and body["revocation_reason"] is None
        assert (body["occupation"], body["level"]) == ("电子商务师", "一级/高级技师")
        assert body["organisation"] == "示例培训评价组织"
        assert body["institution"] == "示例职业技术学院"
        assert body["signatures"] == [
            {
                "field": HEAD_SIGNATURE_FIELD,
                "signer": "示例职业技术学院 考核站点负责人",
                "valid": True,
                "trusted": True,
            },
            {
                "field": ORG_SIGNATURE_FIELD,
                "signer": "示例培训评价组织",
                "valid": True,
                "trusted": True,
            },
        ]
        async with httpx.AsyncClient() as client:
            assert (await client.get(body["download_url"])).content.startswith(b"%PDF-")

    async def test_wrong_id_and_wrong_number_give_the_same_404(self, world: World):
        cert = await world.issued()
        assert cert.number is not None
        wrong_id = assert_problem(await self.verify(world, cert.number, "110101199003074522"), 404)
        wrong_number = assert_problem(await self.verify(world, "2026ORGDEMO199999999"), 404)
        assert wrong_id["detail"] == wrong_number["detail"]
        assert wrong_id["detail"] == "未查询到证书，请核对证书编号和证件号码"
        assert "download_url" not in wrong_id

    async def test_revoked_shows_revoked_and_not_valid(self, world: World):
        cert = await world.issued()
        assert cert.number is not None
        await world.client.post(
            f"{API}/certificates/{cert.id}/revoke",
            json={"reason": "申报材料造假"},
            headers=world.org(),
        )
        body = (await self.verify(world, cert.number)).json()
        assert (body["valid"], body["status"]) == (False, "revoked")
        assert body["revoked_at"] is not None and body["download_url"] is None
        assert body["revocation_reason"] == "申报材料造假"

    async def test_tampered_pdf_in_storage_is_not_valid(self, world: World):
        cert = await world.issued()
        assert cert.number is not None
        key = f"certificates/{cert.number}.pdf"
        storage = world.harness.ctx.storage
        pdf = await storage.get(key)
        # A forger appends a box over the holder name after both signatures.
        await storage.put(key, await asyncio.to_thread(overlay_box, pdf), "application/pdf")
        body = (await self.verify(world, cert.number)).json()
        assert body["status"] == "issued"
        assert body["valid"] is False

    async def test_malformed_inputs_are_422_with_fields(self, world: World):
        response = await world.client.post(f"{API}/verify", json={"number": "a b!"})
        fields = {e["field"] for e in assert_problem(response, 422)["errors"]}
        assert fields == {"number", "id_number"}

    async def test_the_id_number_is_not_accepted_in_the_query(self, world: World):
        # It would end up in access logs and browser history.
        response = await world.client.get(
            f"{API}/verify", params={"number": "2026ORGDEMO100000001", "id_number": ID_NUMBER}
        )
        assert response.status_code == 405

    async def test_unknown_number_and_wrong_id_take_the_same_time(self, world: World):
        cert = await world.issued()
        assert cert.number is not None
        floor_s = world.harness.ctx.settings.verify_failure_floor_ms / 1000

        async def timed(number: str, id_number: str) -> float:
            started = time.monotonic()
            assert_problem(await self.verify(world, number, id_number), 404)
            return time.monotonic() - started

        wrong_id, unknown = [], []
        for n in range(7):
            wrong_id.append(await timed(cert.number, f"11010119900307{n:04d}"))
            unknown.append(await timed(f"2026ORGDEMO19999999{n}", ID_NUMBER))
        assert min(wrong_id + unknown) >= floor_s
        # Whatever the database does differently stays well under the floor (the margin is
        # for a loaded test machine; without the floor, both are a few milliseconds).
        difference = abs(statistics.median(wrong_id) - statistics.median(unknown))
        assert difference < floor_s / 2, (wrong_id, unknown)
