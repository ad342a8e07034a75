"""其他佐证材料 of a site application: presigned upload to the real S3 server, confirm, and the
links its institution and organisation get; nobody else touches them."""

from typing import Any

import httpx
import pytest

from exam_scheduling.sites.models import SiteAttachment
from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import API, count, create_site, institution_admin, org_admin

PDF = b"%PDF-1.4\n% supporting document\n"


def document(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "file_name": "机房建设情况.pdf",
        "content_type": "application/pdf",
        "size": len(PDF),
    }
    body.update(overrides)
    return body


async def send(upload: dict[str, Any], data: bytes, content_type: str) -> httpx.Response:
    """Upload as the browser does: the POST policy form, or a PUT."""
    async with httpx.AsyncClient() as s3:
        if upload["method"] == "POST":
            return await s3.post(
                upload["url"], data=upload["fields"], files={"file": ("f", data, content_type)}
            )
        return await s3.put(upload["url"], content=data, headers=upload["headers"])


class TestAttachments:
    async def test_uploaded_confirmed_and_linked_for_the_organisation(
        self, harness: ServiceHarness
    ):
        site = await create_site(harness, approve=False)
        url = f"{API}/sites/{site['id']}/attachments"
        asked = await harness.client.post(url, json=document(), headers=institution_admin(harness))
        assert asked.status_code == 201, asked.text
        stored = await send(asked.json()["upload"], PDF, "application/pdf")
        assert stored.is_success, stored.text
        attachment_id = asked.json()["attachment"]["id"]
        confirmed = await harness.client.post(
            f"{url}/{attachment_id}/confirm", headers=institution_admin(harness)
        )
        assert confirmed.status_code == 200, confirmed.text
        assert confirmed.json()["status"] == "accepted"
        listed = await harness.client.get(url, headers=org_admin(harness))
        [item] = listed.json()
        assert item["file_name"] == "机房建设情况.pdf"
        async with httpx.AsyncClient() as s3:
            assert (await s3.get(item["download_url"])).content == PDF

    async def test_confirming_before_the_upload_is_400(self, harness: ServiceHarness):
        site = await create_site(harness, approve=False)
        url = f"{API}/sites/{site['id']}/attachments"
        asked = await harness.client.post(url, json=document(), headers=institution_admin(harness))
        response = await harness.client.post(
            f"{url}/{asked.json()['attachment']['id']}/confirm", headers=institution_admin(harness)
        )
        assert_problem(response, 400, slug="rule-violation")
        assert (await harness.client.get(url, headers=institution_admin(harness))).json() == []

    @pytest.mark.parametrize(
        ("overrides", "field"),
        [
            ({"content_type": "image/png"}, "content_type"),
            ({"size": 20 * 1024 * 1024 + 1}, "size"),
            ({"file_name": ""}, "file_name"),
        ],
    )
    async def test_a_bad_document_is_named_and_nothing_written(
        self, harness: ServiceHarness, overrides: dict[str, Any], field: str
    ):
        site = await create_site(harness, approve=False)
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/attachments",
            json=document(**overrides),
            headers=institution_admin(harness),
        )
        assert_problem(response, 422, field)
        assert await count(harness, SiteAttachment) == 0

    async def test_a_decided_application_takes_no_more_documents(self, harness: ServiceHarness):
        site = await create_site(harness)
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/attachments",
            json=document(),
            headers=institution_admin(harness),
        )
        assert_problem(response, 409, slug="conflict")
        assert await count(harness, SiteAttachment) == 0

    @pytest.mark.parametrize(
        ("role", "org_id", "status", "slug"),
        [
            (Role.INSTITUTION_ADMIN, "INST-OTHER", 404, "not-found"),
            (Role.ORG_ADMIN, "ORG-DEMO", 403, "forbidden"),
            (Role.CANDIDATE, None, 403, "forbidden"),
            (None, None, 401, "unauthorized"),
        ],
    )
    async def test_only_the_applying_institution_uploads(
        self, harness: ServiceHarness, role: Role | None, org_id: str | None, status: int, slug: str
    ):
        site = await create_site(harness, approve=False)
        headers = harness.headers(role, org_id=org_id) if role else {}
        response = await harness.client.post(
            f"{API}/sites/{site['id']}/attachments", json=document(), headers=headers
        )
        assert_problem(response, status, slug=slug)
        assert await count(harness, SiteAttachment) == 0

    @pytest.mark.parametrize(
        ("role", "org_id", "status", "slug"),
        [
            (Role.INSTITUTION_ADMIN, "INST-OTHER", 404, "not-found"),
            (Role.ORG_ADMIN, "ORG-OTHER", 404, "not-found"),
            (Role.CANDIDATE, None, 403, "forbidden"),
            (None, None, 401, "unauthorized"),
        ],
    )
    async def test_outsiders_get_no_links(
        self, harness: ServiceHarness, role: Role | None, org_id: str | None, status: int, slug: str
    ):
        site = await create_site(harness, approve=False)
        headers = harness.headers(role, org_id=org_id) if role else {}
        response = await harness.client.get(
            f"{API}/sites/{site['id']}/attachments", headers=headers
        )
        assert_problem(response, status, slug=slug)
