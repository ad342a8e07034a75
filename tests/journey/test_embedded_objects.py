"""Embedded mode's object store (`/_objects`) refuses what an S3 server refuses, with the same
status and a reason a client can read (problem+json, the S3 error code in `type`), never a 500."""

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from skillcert.storage import LocalObjectStore, PresignedUpload
from skillcert.testing import assert_problem
from skillcert_devtools.run import create_dev_app
from skillcert_embedded.app import EmbeddedConfig

pytestmark = pytest.mark.journey


@dataclass
class Embedded:
    client: httpx.AsyncClient
    store: LocalObjectStore


@pytest.fixture(scope="module")
async def embedded(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Embedded]:
    config = EmbeddedConfig(
        data_dir=Path(tmp_path_factory.mktemp("embedded-objects")), demo_password="Objects-2026"
    )
    # Embedded mode as `make run` starts it.
    app = create_dev_app(config)
    async with app.router.lifespan_context(app):
        store = app.state.service_apps["registration"].state.ctx.storage
        assert isinstance(store, LocalObjectStore)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=config.base_url) as client:
            yield Embedded(client, store)


def problem(response: httpx.Response, status: int, slug: str) -> dict[str, Any]:
    body = assert_problem(response, status, slug=slug)
    assert body["instance"].startswith("/_objects"), body
    return body


async def post_form(
    client: httpx.AsyncClient,
    upload: PresignedUpload,
    data: bytes | None,
    *,
    drop: str | None = None,
    **changed: str,
) -> httpx.Response:
    fields = {k: v for k, v in {**upload.fields, **changed}.items() if k != drop}
    files = {"file": ("photo.jpg", data, "image/jpeg")} if data is not None else None
    return await client.post(upload.url, data=fields, files=files)


class TestPostPolicyUpload:
    async def test_over_the_size_limit_is_400_entity_too_large(self, embedded: Embedded):
        upload = await embedded.store.presign_upload("t/big.jpg", "image/jpeg", max_bytes=100)
        body = problem(
            await post_form(embedded.client, upload, b"x" * 101), 400, "entity-too-large"
        )
        assert "100" in body["detail"]
        assert await embedded.store.stat("t/big.jpg") is None

    async def test_a_forged_signature_is_403_signature_does_not_match(self, embedded: Embedded):
        upload = await embedded.store.presign_upload("t/forged.jpg", "image/jpeg", max_bytes=100)
        forged = await post_form(embedded.client, upload, b"x", signature="0" * 64)
        problem(forged, 403, "signature-does-not-match")
        other_type = await post_form(embedded.client, upload, b"x", **{"Content-Type": "text/html"})
        problem(other_type, 403, "signature-does-not-match")
        assert await embedded.store.stat("t/forged.jpg") is None

    async def test_an_expired_form_is_403_request_expired(self, embedded: Embedded):
        upload = await embedded.store.presign_upload(
            "t/late.jpg", "image/jpeg", expires=timedelta(seconds=-1), max_bytes=100
        )
        body = problem(await post_form(embedded.client, upload, b"x"), 403, "request-expired")
        assert "Request has expired" in body["detail"]
        assert await embedded.store.stat("t/late.jpg") is None

    async def test_an_incomplete_form_is_400_naming_what_is_missing(self, embedded: Embedded):
        upload = await embedded.store.presign_upload("t/form.jpg", "image/jpeg", max_bytes=100)
        for field in ("expires", "signature", "max_bytes", "Content-Type"):
            response = await post_form(embedded.client, upload, b"x", drop=field)
            assert field in problem(response, 400, "malformed-post-request")["detail"]
        no_file = await post_form(embedded.client, upload, None)
        assert "file" in problem(no_file, 400, "malformed-post-request")["detail"]
        not_a_number = await post_form(embedded.client, upload, b"x", expires="soon")
        problem(not_a_number, 400, "malformed-post-request")
        not_a_form = await embedded.client.post(upload.url, content=b"x")
        problem(not_a_form, 400, "malformed-post-request")
        assert await embedded.store.stat("t/form.jpg") is None


class TestPresignedLinks:
    async def test_a_put_over_the_upload_limit_is_400_entity_too_large(
        self, embedded: Embedded, monkeypatch: pytest.MonkeyPatch
    ):
        monkeypatch.setattr(embedded.store, "max_upload_bytes", 1000)
        upload = await embedded.store.presign_upload("t/put-big.pdf", "application/pdf")
        response = await embedded.client.put(
            upload.url, content=b"x" * 1001, headers=upload.headers
        )
        problem(response, 400, "entity-too-large")
        assert await embedded.store.stat("t/put-big.pdf") is None

    async def test_a_forged_or_retyped_put_is_403_signature_does_not_match(
        self, embedded: Embedded
    ):
        upload = await embedded.store.presign_upload("t/put.pdf", "application/pdf")
        forged = upload.url.replace("signature=", "signature=0")
        response = await embedded.client.put(forged, content=b"%PDF", headers=upload.headers)
        problem(response, 403, "signature-does-not-match")
        retyped = await embedded.client.put(
            upload.url, content=b"<html>", headers={"Content-Type": "text/html"}
        )
        problem(retyped, 403, "signature-does-not-match")
        assert await embedded.store.stat("t/put.pdf") is None

    async def test_an_expired_download_is_403_request_expired(self, embedded: Embedded):
        await embedded.store.put("t/old.txt", b"old", "text/plain")
        url = await embedded.store.presign_download("t/old.txt", expires=timedelta(seconds=-1))
        problem(await embedded.client.get(url), 403, "request-expired")

    async def test_an_unsigned_request_is_403_access_denied(self, embedded: Embedded):
        await embedded.store.put("t/private.txt", b"secret", "text/plain")
        problem(await embedded.client.get("/_objects/t/private.txt"), 403, "access-denied")
        problem(await embedded.client.put("/_objects/t/private.txt"), 403, "access-denied")
        assert await embedded.store.get("t/private.txt") == b"secret"

    async def test_another_method_is_405_with_the_allowed_ones(self, embedded: Embedded):
        await embedded.store.put("t/kept.txt", b"kept", "text/plain")
        url = await embedded.store.presign_download("t/kept.txt")
        for method in ("DELETE", "PATCH"):
            response = await embedded.client.request(method, url)
            problem(response, 405, "method-not-allowed")
            assert response.headers["allow"] == "GET, PUT, POST"
        assert await embedded.store.get("t/kept.txt") == b"kept"

    async def test_a_missing_object_is_a_problem_404(self, embedded: Embedded):
        url = await embedded.store.presign_download("t/never-uploaded.txt")
        problem(await embedded.client.get(url), 404, "not-found")

    async def test_a_signed_round_trip_still_works(self, embedded: Embedded):
        upload = await embedded.store.presign_upload("t/ok.jpg", "image/jpeg", max_bytes=100)
        assert (await post_form(embedded.client, upload, b"x" * 100)).status_code == 204
        got = await embedded.client.get(await embedded.store.presign_download("t/ok.jpg"))
        assert (got.status_code, got.content) == (200, b"x" * 100)
        assert got.headers["content-type"] == "image/jpeg"
