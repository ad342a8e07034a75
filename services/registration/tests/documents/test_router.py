"""Materials: presigned upload to the real S3 server, then the check of what arrived."""

from typing import Any

from sqlalchemy import select

from registration.documents.models import Document
from skillcert.testing import ServiceHarness, assert_problem
from tests.conftest import API, Kit, jpeg_between, noise_jpeg, png_between, send_to_storage


async def statuses(harness: ServiceHarness) -> list[tuple[str, str]]:
    async with harness.ctx.sessionmaker() as session:
        rows = await session.execute(
            select(Document.kind, Document.status).order_by(Document.created_at)
        )
        return [(k, s) for k, s in rows.all()]


async def draft(kit: Kit) -> tuple[dict[str, str], str]:
    headers = kit.candidate()
    application = await kit.new_application(headers, (await kit.open_plan()).plan_id)
    return headers, application["id"]


class TestRequestUpload:
    async def test_hands_out_a_presigned_post_policy(self, kit: Kit):
        headers, application_id = await draft(kit)
        response = await kit.client.post(
            f"{API}/applications/{application_id}/documents",
            json={"kind": "photo", "content_type": "image/jpeg", "size": 50_000},
            headers=headers,
        )
        assert response.status_code == 201
        body = response.json()
        upload = body["upload"]
        assert upload["method"] == "POST"
        assert upload["fields"]["key"] == f"registration/{application_id}/{body['document_id']}"
        assert upload["fields"]["Content-Type"] == "image/jpeg"
        assert "x-amz-signature" in upload["fields"]
        assert upload["expires_in_s"] == 600

    async def test_photo_declared_as_png_or_too_big_is_422(self, kit: Kit, harness: ServiceHarness):
        headers, application_id = await draft(kit)
        response = await kit.client.post(
            f"{API}/applications/{application_id}/documents",
            json={"kind": "photo", "content_type": "image/png", "size": 500_000},
            headers=headers,
        )
        body = assert_problem(response, 422)
        assert [e["field"] for e in body["errors"]] == ["content_type", "size"]
        assert await statuses(harness) == []

    async def test_unknown_kind_is_422(self, kit: Kit):
        headers, application_id = await draft(kit)
        response = await kit.client.post(
            f"{API}/applications/{application_id}/documents",
            json={"kind": "selfie", "content_type": "image/jpeg", "size": 50_000},
            headers=headers,
        )
        assert assert_problem(response, 422)["errors"][0]["field"] == "kind"

    async def test_someone_elses_application_is_404(self, kit: Kit):
        _, application_id = await draft(kit)
        response = await kit.client.post(
            f"{API}/applications/{application_id}/documents",
            json={"kind": "photo", "content_type": "image/jpeg", "size": 50_000},
            headers=kit.candidate(),
        )
        assert_problem(response, 404)


class TestConfirmUpload:
    async def test_real_jpeg_photo_is_accepted_and_replaces_the_previous(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, application_id = await draft(kit)
        first = await kit.upload(headers, application_id, "photo", jpeg_between(45, 75))
        assert first.status_code == 200, first.text
        assert first.json()["status"] == "accepted"
        assert first.json()["content_type"] == "image/jpeg"
        second = await kit.upload(headers, application_id, "photo", jpeg_between(50, 78))
        assert second.status_code == 200
        assert await statuses(harness) == [("photo", "superseded"), ("photo", "accepted")]

    async def test_png_renamed_to_jpeg_is_rejected_and_the_accepted_photo_stays(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, application_id = await draft(kit)
        await kit.upload(headers, application_id, "photo", jpeg_between(45, 75))
        response = await kit.upload(headers, application_id, "photo", png_between(45, 75))
        body = assert_problem(response, 422)
        assert body["errors"] == [
            {"field": "file", "message": "照片须为JPG格式", "code": "content_type"}
        ]
        assert await statuses(harness) == [("photo", "accepted"), ("photo", "rejected")]
        detail = await kit.get(headers, application_id)
        assert detail["steps"]["materials"] is True
        assert detail["documents"][1]["rejection_reason"] == "照片须为JPG格式"

    async def test_too_small_photo_is_rejected(self, kit: Kit, harness: ServiceHarness):
        headers, application_id = await draft(kit)
        # The client declared a fitting size but uploaded something else: what arrived counts.
        response = await kit.upload(
            headers, application_id, "photo", jpeg_between(1, 30), declared_size=50_000
        )
        body = assert_problem(response, 422)
        assert body["errors"][0]["code"] == "size"
        assert "40KB至80KB" in body["errors"][0]["message"]
        assert await statuses(harness) == [("photo", "rejected")]

    async def test_too_large_photo_is_refused_by_the_storage_server(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, application_id = await draft(kit)
        response = await kit.client.post(
            f"{API}/applications/{application_id}/documents",
            json={"kind": "photo", "content_type": "image/jpeg", "size": 60_000},
            headers=headers,
        )
        upload = response.json()["upload"]
        assert upload["method"] == "POST"
        stored = await send_to_storage(upload, jpeg_between(90, 200), "image/jpeg")
        assert stored.status_code == 400 and "EntityTooLarge" in stored.text
        confirm = await kit.client.post(
            f"{API}/applications/{application_id}/documents/"
            f"{response.json()['document_id']}/confirm",
            headers=headers,
        )
        assert confirm.status_code == 400  # nothing arrived
        assert await statuses(harness) == [("photo", "pending")]

    async def test_pdf_application_form_is_accepted(self, kit: Kit):
        headers, application_id = await draft(kit)
        pdf = b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" * 100 + b"%%EOF\n"
        response = await kit.upload(
            headers, application_id, "application_form", pdf, "application/pdf"
        )
        assert response.status_code == 200, response.text
        assert response.json()["content_type"] == "application/pdf"

    async def test_confirming_before_uploading_is_400_and_stays_pending(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, application_id = await draft(kit)
        response = await kit.client.post(
            f"{API}/applications/{application_id}/documents",
            json={"kind": "id_front", "content_type": "image/png", "size": 50_000},
            headers=headers,
        )
        confirm = await kit.client.post(
            f"{API}/applications/{application_id}/documents/"
            f"{response.json()['document_id']}/confirm",
            headers=headers,
        )
        assert_problem(confirm, 400)
        assert await statuses(harness) == [("id_front", "pending")]


class TestIdPhotoChecks:
    """What arrived is a real JPEG of the right size, but not an ID photo: refused with the
    reason, marked rejected, and the accepted photo stays."""

    async def _refused(
        self, kit: Kit, harness: ServiceHarness, data: bytes, code: str
    ) -> dict[str, Any]:
        headers, application_id = await draft(kit)
        good = await kit.upload(headers, application_id, "photo", jpeg_between(45, 75))
        assert good.status_code == 200, good.text
        body = assert_problem(await kit.upload(headers, application_id, "photo", data), 422)
        assert [(e["field"], e["code"]) for e in body["errors"]] == [("file", code)]
        assert await statuses(harness) == [("photo", "accepted"), ("photo", "rejected")]
        detail = await kit.get(headers, application_id)
        accepted = [d for d in detail["documents"] if d["status"] == "accepted"]
        assert [d["id"] for d in accepted] == [good.json()["id"]]
        assert detail["steps"]["materials"] is True
        return body

    async def test_a_non_white_background_is_refused(self, kit: Kit, harness: ServiceHarness):
        blue = jpeg_between(45, 75, background=(120, 180, 235))
        body = await self._refused(kit, harness, blue, "background")
        assert body["errors"][0]["message"] == "照片须为白色背景的证件照，请更换白底照片后重新上传"

    async def test_a_photo_without_any_background_is_refused(
        self, kit: Kit, harness: ServiceHarness
    ):
        await self._refused(kit, harness, noise_jpeg(45, 75), "background")

    async def test_a_square_photo_is_refused_for_its_aspect_ratio(
        self, kit: Kit, harness: ServiceHarness
    ):
        square = jpeg_between(45, 75, size=(400, 400))
        body = await self._refused(kit, harness, square, "dimensions")
        assert "宽高比" in body["errors"][0]["message"]

    async def test_an_oversized_photo_is_refused_and_does_not_replace_the_good_one(
        self, kit: Kit, harness: ServiceHarness
    ):
        headers, application_id = await draft(kit)
        await kit.upload(headers, application_id, "photo", jpeg_between(45, 75))
        # Declared within the limit, but the object in storage is larger (a PUT-capable client
        # or a re-upload to the same key): the check of what arrived refuses it.
        large = jpeg_between(85, 100, size=(500, 650))
        response = await kit.client.post(
            f"{API}/applications/{application_id}/documents",
            json={"kind": "photo", "content_type": "image/jpeg", "size": 60_000},
            headers=headers,
        )
        document = response.json()
        await harness.ctx.storage.put(
            f"registration/{application_id}/{document['document_id']}", large, "image/jpeg"
        )
        confirm = await kit.client.post(
            f"{API}/applications/{application_id}/documents/{document['document_id']}/confirm",
            headers=headers,
        )
        body = assert_problem(confirm, 422)
        assert [(e["field"], e["code"]) for e in body["errors"]] == [("file", "size")]
        assert await statuses(harness) == [("photo", "accepted"), ("photo", "rejected")]
