"""Signature stamps (签名章, seed 003 §3.1): the agreement, presigned upload, the checks, the
preview, who may see a stamp, and its use on the PDF."""

import io

import httpx
import pytest
from certificate_testkit import API, INST, World, stamp_png
from PIL import Image
from sqlalchemy import func, select

from certificate.stamps.models import Stamp, StampAgreementAcceptance
from certificate.stamps.rules import stamp_problems
from skillcert.auth import Role
from skillcert.pdf_testing import pdf_text
from skillcert.testing import assert_problem

MB = 1_000_000


def opaque_png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (255, 255, 255)).save(out, "PNG")
    return out.getvalue()


async def ready(world: World, headers: dict[str, str] | None = None) -> dict[str, str]:
    """The head, having accepted the agreement."""
    headers = headers or world.head()
    await world.accept_agreement(headers)
    return headers


async def confirm(world: World, key: str, headers: dict[str, str] | None = None):
    return await world.client.post(
        f"{API}/stamps", json={"object_key": key}, headers=headers or world.head()
    )


async def stamps(world: World) -> int:
    async with world.harness.ctx.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(Stamp))).scalar_one())


def messages(response: httpx.Response) -> list[str]:
    return [e["message"] for e in response.json()["errors"] if e["field"] == "object_key"]


class TestStampRules:
    def test_a_transparent_95_px_square_png_is_a_stamp(self):
        assert stamp_problems(stamp_png(95), MB) == []

    @pytest.mark.parametrize("side", [85, 105])
    def test_ten_pixels_either_way_is_still_about_95(self, side: int):
        assert stamp_problems(stamp_png(side), MB) == []

    @pytest.mark.parametrize("side", [84, 106, 240])
    def test_further_off_is_refused(self, side: int):
        assert stamp_problems(stamp_png(side), MB) == [
            f"签名章尺寸须约为 95×95 像素（允许 85–105 像素，当前 {side}×{side}）"
        ]

    def test_an_opaque_oblong_picture_gets_every_reason_at_once(self):
        problems = stamp_problems(opaque_png(240, 120), MB)
        assert problems == [
            "签名章须为正方形（当前 240×120 像素）",
            "签名章尺寸须约为 95×95 像素（允许 85–105 像素，当前 240×120）",
            "签名章须为透明背景的 PNG 图片",
        ]

    def test_an_alpha_channel_with_an_opaque_background_is_not_transparent(self):
        data = stamp_png(95, background=(255, 255, 255, 255))
        assert stamp_problems(data, MB) == ["签名章须为透明背景的 PNG 图片"]

    def test_not_a_png_and_too_big(self):
        assert stamp_problems(b"\xff\xd8\xff" + b"\0" * (MB + 1), MB) == [
            "签名章大小不能超过 1M",
            "签名章须为 PNG 格式图片",
        ]


class TestAgreement:
    async def test_the_head_reads_the_current_version_not_yet_accepted(self, world: World):
        response = await world.client.get(f"{API}/stamps/agreement", headers=world.head())
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["version"] == 1
        assert body["title"] == "电子签名章使用授权委托书"
        assert "仅限于确认签发证书时使用" in body["body"]
        assert body["accepted_at"] is None

    async def test_acceptance_records_who_when_which_version_and_from_where(self, world: World):
        response = await world.client.post(
            f"{API}/stamps/agreement/acceptances", json={"version": 1}, headers=world.head()
        )
        assert response.status_code == 200, response.text
        assert response.json()["version"] == 1
        assert response.json()["institution_id"] == INST
        async with world.harness.ctx.sessionmaker() as session:
            row = (await session.execute(select(StampAgreementAcceptance))).scalar_one()
        assert row.signer_name == "test-institution_head"
        assert row.ip  # the test client's address
        assert row.accepted_at is not None
        again = await world.client.get(f"{API}/stamps/agreement", headers=world.head())
        assert again.json()["accepted_at"] is not None

    async def test_accepting_a_version_that_is_not_current_is_422(self, world: World):
        response = await world.client.post(
            f"{API}/stamps/agreement/acceptances", json={"version": 2}, headers=world.head()
        )
        assert_problem(response, 422, "version")

    async def test_no_upload_before_acceptance(self, world: World):
        response = await world.client.post(f"{API}/stamps/upload-url", headers=world.head())
        assert_problem(response, 400, slug="rule-violation")
        assert "授权委托书" in response.json()["detail"]

    async def test_a_new_version_needs_a_new_acceptance(self, world: World):
        await ready(world)
        published = await world.client.post(
            f"{API}/stamp-agreements",
            json={"title": "电子签名章使用授权委托书", "body": "第二版委托书正文。" * 5},
            headers=world.harness.headers(Role.OPS),
        )
        assert published.status_code == 200, published.text
        assert published.json()["version"] == 2
        current = await world.client.get(f"{API}/stamps/agreement", headers=world.head())
        assert (current.json()["version"], current.json()["accepted_at"]) == (2, None)
        refused = await world.client.post(f"{API}/stamps/upload-url", headers=world.head())
        assert_problem(refused, 400, slug="rule-violation")

        await world.accept_agreement(world.head())
        allowed = await world.client.post(f"{API}/stamps/upload-url", headers=world.head())
        assert allowed.status_code == 200

    @pytest.mark.parametrize("role", [Role.INSTITUTION_ADMIN, Role.ORG_ADMIN, Role.CANDIDATE])
    async def test_only_the_head_reads_or_accepts_it(self, world: World, role: Role):
        headers = world.harness.headers(role, org_id=INST)
        read = await world.client.get(f"{API}/stamps/agreement", headers=headers)
        assert_problem(read, 403, slug="forbidden")
        accept = await world.client.post(
            f"{API}/stamps/agreement/acceptances", json={"version": 1}, headers=headers
        )
        assert_problem(accept, 403, slug="forbidden")

    async def test_only_operators_publish_versions(self, world: World):
        response = await world.client.post(
            f"{API}/stamp-agreements",
            json={"title": "委托书", "body": "正文" * 20},
            headers=world.head(),
        )
        assert_problem(response, 403, slug="forbidden")

    async def test_a_too_short_text_is_422(self, world: World):
        response = await world.client.post(
            f"{API}/stamp-agreements",
            json={"title": "委托书", "body": "太短"},
            headers=world.harness.headers(Role.OPS),
        )
        assert_problem(response, 422, "body")


class TestConfirmStamp:
    async def test_uploaded_png_becomes_the_stamp_printed_on_certificates(self, world: World):
        headers = await ready(world)
        key = await world.upload_stamp(stamp_png(), headers)
        response = await confirm(world, key)
        assert response.status_code == 200, response.text
        assert (response.json()["width"], response.json()["height"]) == (95, 95)

        cert = await world.issued()
        pdf = await world.harness.ctx.storage.get(f"certificates/{cert.number}.pdf")
        assert b"/Subtype /Image" in pdf

    async def test_a_new_upload_replaces_the_old_stamp(self, world: World):
        headers = await ready(world)
        await confirm(world, await world.upload_stamp(stamp_png(95), headers))
        response = await confirm(world, await world.upload_stamp(stamp_png(100), headers))
        assert response.json()["width"] == 100
        assert await stamps(world) == 1

    async def test_each_violation_is_its_own_field_error(self, world: World):
        headers = await ready(world)
        response = await confirm(world, await world.upload_stamp(opaque_png(240, 120), headers))
        assert_problem(response, 422, "object_key")
        assert messages(response) == [
            "签名章须为正方形（当前 240×120 像素）",
            "签名章尺寸须约为 95×95 像素（允许 85–105 像素，当前 240×120）",
            "签名章须为透明背景的 PNG 图片",
        ]
        assert await stamps(world) == 0

    async def test_not_a_png_is_422(self, world: World):
        headers = await ready(world)
        key = await world.upload_stamp(b"\xff\xd8\xff\xe0 this is a jpeg, not a png", headers)
        response = await confirm(world, key)
        assert_problem(response, 422, "object_key")
        assert messages(response) == ["签名章须为 PNG 格式图片"]
        assert await stamps(world) == 0

    async def test_corrupt_png_is_422(self, world: World):
        headers = await ready(world)
        response = await confirm(world, await world.upload_stamp(stamp_png()[:40], headers))
        assert_problem(response, 422, "object_key")
        assert await stamps(world) == 0

    async def test_over_one_megabyte_is_422(self, world: World):
        headers = await ready(world)
        key = await world.upload_stamp(stamp_png() + b"\0" * 1_000_001, headers)
        response = await confirm(world, key)
        assert_problem(response, 422, "object_key")
        assert messages(response) == ["签名章大小不能超过 1M"]
        assert await stamps(world) == 0

    async def test_key_of_another_institution_is_422(self, world: World):
        other = await ready(world, world.head("INST-OTHER"))
        key = await world.upload_stamp(stamp_png(), other)
        assert_problem(await confirm(world, key, await ready(world)), 422, "object_key")
        assert await stamps(world) == 0

    async def test_nothing_uploaded_is_422(self, world: World):
        await ready(world)
        response = await confirm(world, "stamps/INST-DEMO/0123456789abcdef.png")
        assert_problem(response, 422, "object_key")
        assert await stamps(world) == 0

    async def test_confirming_without_the_agreement_is_refused(self, world: World):
        response = await confirm(world, "stamps/INST-DEMO/0123456789abcdef.png")
        assert_problem(response, 400, slug="rule-violation")

    async def test_missing_key_is_422(self, world: World):
        response = await world.client.post(f"{API}/stamps", json={}, headers=world.head())
        assert_problem(response, 422, "object_key")

    @pytest.mark.parametrize("role", [Role.CANDIDATE, Role.INSTITUTION_ADMIN, Role.REVIEWER])
    async def test_only_the_head_or_the_organisation_may_upload(self, world: World, role: Role):
        headers = world.harness.headers(role, org_id="INST-DEMO")
        response = await world.client.post(f"{API}/stamps/upload-url", headers=headers)
        assert_problem(response, 403, slug="forbidden")


class TestPreview:
    async def test_the_uploaded_stamp_on_a_sample_certificate_before_confirming(self, world: World):
        headers = await ready(world)
        key = await world.upload_stamp(stamp_png(), headers)
        response = await world.client.post(
            f"{API}/stamps/preview", json={"object_key": key}, headers=headers
        )
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == "application/pdf"
        assert response.content.count(b"/Subtype /Image") == 2  # the stamp and its soft mask
        assert "证书样例" in pdf_text(response.content)
        assert await stamps(world) == 0  # a preview replaces nothing

    async def test_a_bad_stamp_gets_the_same_field_errors_as_confirming(self, world: World):
        headers = await ready(world)
        key = await world.upload_stamp(opaque_png(95, 95), headers)
        response = await world.client.post(
            f"{API}/stamps/preview", json={"object_key": key}, headers=headers
        )
        assert_problem(response, 422, "object_key")
        assert messages(response) == ["签名章须为透明背景的 PNG 图片"]


class TestWhoSeesTheStamp:
    async def test_the_head_sees_their_own_stamp(self, world: World):
        await world.give_head_stamp()
        response = await world.client.get(f"{API}/stamps/mine", headers=world.head())
        assert response.status_code == 200, response.text
        assert response.json()["institution_id"] == INST
        async with httpx.AsyncClient() as client:
            image = await client.get(response.json()["image_url"])
        assert image.content == stamp_png()

    async def test_the_institution_admin_is_403(self, world: World):
        await world.give_head_stamp()
        admin = world.harness.headers(Role.INSTITUTION_ADMIN, org_id=INST)
        assert_problem(await world.client.get(f"{API}/stamps/mine", headers=admin), 403)

    async def test_another_institutions_head_gets_only_their_own(self, world: World):
        await world.give_head_stamp()
        response = await world.client.get(f"{API}/stamps/mine", headers=world.head("INST-OTHER"))
        assert_problem(response, 404, slug="not-found")

    async def test_the_organisation_gets_its_own_seal_never_the_heads(self, world: World):
        await world.give_head_stamp()
        response = await world.client.get(f"{API}/stamps/mine", headers=world.org())
        assert_problem(response, 404, slug="not-found")
        # Nor can it use the head's upload key to preview or confirm.
        async with world.harness.ctx.sessionmaker() as session:
            head_key = (await session.get(Stamp, INST)).object_key  # type: ignore[union-attr]
        preview = await world.client.post(
            f"{API}/stamps/preview", json={"object_key": head_key}, headers=world.org()
        )
        assert_problem(preview, 422, "object_key")


class TestOrganisationStamp:
    async def test_both_stamps_are_printed_and_neither_replaces_the_other(self, world: World):
        headers = await ready(world)
        await confirm(world, await world.upload_stamp(stamp_png(95), headers))
        org_key = await world.upload_stamp(stamp_png(100), world.org())
        assert org_key.startswith("stamps/org:ORG-DEMO/")
        response = await confirm(world, org_key, world.org())
        assert response.status_code == 200, response.text
        assert response.json()["width"] == 100
        assert await stamps(world) == 2

        cert = await world.issued()
        pdf = await world.harness.ctx.storage.get(f"certificates/{cert.number}.pdf")
        # Two stamp images, each a transparent PNG: an image plus its soft mask (no photo is
        # known for this holder).
        assert pdf.count(b"/Subtype /Image") == 4

    async def test_the_organisation_needs_no_agreement_but_the_same_checks(self, world: World):
        key = await world.upload_stamp(opaque_png(95, 95), world.org())
        assert_problem(await confirm(world, key, world.org()), 422, "object_key")

    async def test_another_organisations_upload_key_is_refused(self, world: World):
        key = await world.upload_stamp(stamp_png(), world.org("ORG-OTHER"))
        response = await confirm(world, key, world.org())
        assert_problem(response, 422, "object_key")

    async def test_an_organisation_cannot_confirm_the_heads_key(self, world: World):
        key = await world.upload_stamp(stamp_png(), await ready(world))
        assert_problem(await confirm(world, key, world.org()), 422, "object_key")
