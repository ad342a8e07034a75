"""其他佐证材料: presigned uploads to the real S3, then a check by content — a PDF or Word file
counts, a file merely named so does not."""

import io
import zipfile
from typing import Any

import httpx

from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem

from .support import (
    BASE,
    GX,
    NJ_INFO,
    NJ_POLY,
    batch_of,
    complete_base_info,
    draft,
    province,
    publish_plan,
    staff,
    submit,
)

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def docx_bytes(main_part: str = "word/document.xml") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr(main_part, "<w:document/>")
    return buffer.getvalue()


async def send_to_storage(upload: dict[str, Any], data: bytes, content_type: str) -> None:
    async with httpx.AsyncClient(timeout=10) as s3:
        if upload["method"] == "POST":
            response = await s3.post(
                upload["url"],
                data=upload["fields"],
                files={"file": ("upload", data, content_type)},
            )
        else:
            response = await s3.put(upload["url"], content=data, headers=upload["headers"])
    assert response.status_code < 300, response.text


async def application(harness: ServiceHarness) -> dict[str, Any]:
    plan = await publish_plan(harness)
    await complete_base_info(harness, NJ_POLY)
    return await draft(harness, batch_of(plan, "2026年第一次"))


async def upload(
    harness: ServiceHarness, app_id: str, name: str, data: bytes, content_type: str
) -> httpx.Response:
    url = f"{BASE}/applications/{app_id}/attachments"
    body = {"file_name": name, "content_type": content_type, "size": len(data)}
    requested = await harness.client.post(url, json=body, headers=staff(harness))
    assert requested.status_code == 201, requested.text
    await send_to_storage(requested.json()["upload"], data, content_type)
    attachment_id = requested.json()["attachment"]["id"]
    return await harness.client.post(f"{url}/{attachment_id}/confirm", headers=staff(harness))


class TestAttachments:
    async def test_a_pdf_and_a_docx_are_accepted_and_the_reviewer_downloads(
        self, harness: ServiceHarness
    ):
        app = await application(harness)
        pdf = await upload(harness, app["id"], "师资证明.pdf", PDF_BYTES, PDF)
        assert pdf.status_code == 200, pdf.text
        assert (pdf.json()["status"], pdf.json()["content_type"]) == ("accepted", PDF)
        docx = await upload(harness, app["id"], "C:\\场地\\场地说明.docx", docx_bytes(), DOCX)
        assert docx.json()["content_type"] == DOCX
        assert docx.json()["file_name"] == "场地说明.docx"
        await submit(harness, app["id"])
        detail = await harness.client.get(
            f"{BASE}/applications/{app['id']}", headers=province(harness)
        )
        assert [a["file_name"] for a in detail.json()["attachments"]] == [
            "师资证明.pdf",
            "场地说明.docx",
        ]
        link = await harness.client.get(
            f"{BASE}/applications/{app['id']}/attachments/{pdf.json()['id']}/download",
            headers=province(harness),
        )
        assert link.status_code == 200, link.text
        async with httpx.AsyncClient(timeout=10) as s3:
            assert (await s3.get(link.json()["url"])).content == PDF_BYTES
        other = await harness.client.get(
            f"{BASE}/applications/{app['id']}/attachments/{pdf.json()['id']}/download",
            headers=province(harness, GX),
        )
        assert_problem(other, 404, slug="not-found")

    async def test_a_file_named_pdf_is_not_a_pdf(self, harness: ServiceHarness):
        app = await application(harness)
        fake = await upload(harness, app["id"], "材料.pdf", b"just some text, not a PDF", PDF)
        assert_problem(
            fake, 422, "file", messages={"file": "文件内容不是pdf或word文档，请重新上传"}
        )
        spreadsheet = docx_bytes("xl/workbook.xml")  # a ZIP, but not a Word document
        renamed = await upload(harness, app["id"], "材料.docx", spreadsheet, DOCX)
        assert_problem(renamed, 422, "file")
        detail = await harness.client.get(
            f"{BASE}/applications/{app['id']}", headers=staff(harness)
        )
        assert detail.json()["attachments"] == []

    async def test_the_declared_type_and_size_are_refused_at_once(self, harness: ServiceHarness):
        app = await application(harness)
        url = f"{BASE}/applications/{app['id']}/attachments"
        body = {"file_name": "a.png", "content_type": "image/png", "size": 20 * 1024 * 1024}
        response = await harness.client.post(url, json=body, headers=staff(harness))
        assert_problem(
            response,
            422,
            "content_type",
            "size",
            messages={"content_type": "请上传pdf或word格式的文档", "size": "文件不能超过10MB"},
        )

    async def test_only_the_institution_uploads_and_only_while_editable(
        self, harness: ServiceHarness
    ):
        app = await application(harness)
        url = f"{BASE}/applications/{app['id']}/attachments"
        body = {"file_name": "a.pdf", "content_type": PDF, "size": 100}
        other = await harness.client.post(url, json=body, headers=staff(harness, NJ_INFO))
        assert_problem(other, 404, slug="not-found")
        wrong = await harness.client.post(url, json=body, headers=province(harness))
        assert_problem(wrong, 403, slug="forbidden")
        assert_problem(await harness.client.post(url, json=body), 401)
        await submit(harness, app["id"])
        locked = await harness.client.post(
            url, json=body, headers=staff(harness, role=Role.INSTITUTION_ADMIN)
        )
        assert_problem(locked, 409, detail="申报当前状态为待省级审核，不能修改")

    async def test_a_deleted_attachment_is_gone(self, harness: ServiceHarness):
        app = await application(harness)
        pdf = await upload(harness, app["id"], "a.pdf", PDF_BYTES, PDF)
        url = f"{BASE}/applications/{app['id']}/attachments/{pdf.json()['id']}"
        assert (await harness.client.delete(url, headers=staff(harness))).status_code == 204
        assert_problem(await harness.client.delete(url, headers=staff(harness)), 404)
        detail = await harness.client.get(
            f"{BASE}/applications/{app['id']}", headers=staff(harness)
        )
        assert detail.json()["attachments"] == []
