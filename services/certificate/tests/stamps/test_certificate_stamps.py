"""The institution head's signature stamp (签名章): presigned upload, checks, use on the PDF."""

import io

import httpx
import pytest
from certificate_testkit import API, World
from PIL import Image
from sqlalchemy import func, select

from certificate.stamps.models import Stamp
from skillcert.auth import Role
from skillcert.testing import assert_problem


def png(size: int = 95) -> bytes:
    out = io.BytesIO()
    Image.new("RGBA", (size, size), (200, 20, 20, 200)).save(out, "PNG")
    return out.getvalue()


async def upload(world: World, data: bytes, headers: dict[str, str] | None = None) -> str:
    response = await world.client.post(f"{API}/stamps/upload-url", headers=headers or world.head())
    assert response.status_code == 200, response.text
    body = response.json()
    async with httpx.AsyncClient() as client:
        put = await client.put(
            body["upload"]["url"], content=data, headers=body["upload"]["headers"]
        )
    assert put.status_code == 200, put.text
    return str(body["object_key"])


async def confirm(world: World, key: str, headers: dict[str, str] | None = None):
    return await world.client.post(
        f"{API}/stamps", json={"object_key": key}, headers=headers or world.head()
    )


async def stamps(world: World) -> int:
    async with world.harness.ctx.sessionmaker() as session:
        return int((await session.execute(select(func.count()).select_from(Stamp))).scalar_one())


class TestConfirmStamp:
    async def test_uploaded_png_becomes_the_stamp_printed_on_certificates(self, world: World):
        key = await upload(world, png())
        response = await confirm(world, key)
        assert response.status_code == 200
        assert (response.json()["width"], response.json()["height"]) == (95, 95)

        cert = await world.issued()
        pdf = await world.harness.ctx.storage.get(f"certificates/{cert.number}.pdf")
        assert b"/Subtype /Image" in pdf

    async def test_a_new_upload_replaces_the_old_stamp(self, world: World):
        await confirm(world, await upload(world, png(95)))
        response = await confirm(world, await upload(world, png(120)))
        assert response.json()["width"] == 120
        assert await stamps(world) == 1

    async def test_not_a_png_is_422(self, world: World):
        key = await upload(world, b"\xff\xd8\xff\xe0 this is a jpeg, not a png")
        assert_problem(await confirm(world, key), 422, "object_key")
        assert await stamps(world) == 0

    async def test_corrupt_png_is_422(self, world: World):
        key = await upload(world, png()[:40])
        assert_problem(await confirm(world, key), 422, "object_key")
        assert await stamps(world) == 0

    async def test_over_one_megabyte_is_422(self, world: World):
        key = await upload(world, png() + b"\0" * 1_000_001)
        response = await confirm(world, key)
        assert_problem(response, 422, "object_key")
        assert "1M" in response.json()["detail"]
        assert await stamps(world) == 0

    async def test_key_of_another_institution_is_422(self, world: World):
        key = await upload(world, png(), world.head("INST-OTHER"))
        assert_problem(await confirm(world, key), 422, "object_key")
        assert await stamps(world) == 0

    async def test_nothing_uploaded_is_422(self, world: World):
        response = await confirm(world, "stamps/INST-DEMO/0123456789abcdef.png")
        assert_problem(response, 422, "object_key")
        assert await stamps(world) == 0

    async def test_missing_key_is_422(self, world: World):
        response = await world.client.post(f"{API}/stamps", json={}, headers=world.head())
        assert_problem(response, 422, "object_key")

    @pytest.mark.parametrize("role", [Role.CANDIDATE, Role.INSTITUTION_ADMIN, Role.REVIEWER])
    async def test_only_the_head_or_the_organisation_may_upload(self, world: World, role: Role):
        headers = world.harness.headers(role, org_id="INST-DEMO")
        response = await world.client.post(f"{API}/stamps/upload-url", headers=headers)
        assert_problem(response, 403, slug="forbidden")


class TestOrganisationStamp:
    async def test_both_stamps_are_printed_and_neither_replaces_the_other(self, world: World):
        await confirm(world, await upload(world, png(95)))
        org_key = await upload(world, png(120), world.org())
        assert org_key.startswith("stamps/org:ORG-DEMO/")
        response = await confirm(world, org_key, world.org())
        assert response.status_code == 200, response.text
        assert response.json()["width"] == 120
        assert await stamps(world) == 2

        cert = await world.issued()
        pdf = await world.harness.ctx.storage.get(f"certificates/{cert.number}.pdf")
        # Two stamp images, each a transparent PNG: an image plus its soft mask (no photo is
        # known for this holder).
        assert pdf.count(b"/Subtype /Image") == 4

    async def test_another_organisations_upload_key_is_refused(self, world: World):
        key = await upload(world, png(), world.org("ORG-OTHER"))
        response = await confirm(world, key, world.org())
        assert_problem(response, 422, "object_key")

    async def test_an_organisation_cannot_confirm_the_heads_key(self, world: World):
        key = await upload(world, png())
        assert_problem(await confirm(world, key, world.org()), 422, "object_key")
