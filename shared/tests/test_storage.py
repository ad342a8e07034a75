"""Object storage against the real S3 server (which checks signatures and expiry) and the local
store behind the same interface."""

import asyncio
import secrets
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from skillcert.storage import LocalObjectStore, S3ObjectStore, local_objects_app
from skillcert.testing import S3_ACCESS_KEY, S3_BUCKET, S3_ENDPOINT, S3_SECRET_KEY, unique


@pytest.fixture
async def s3() -> S3ObjectStore:
    store = S3ObjectStore(S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, S3_BUCKET)
    await store.ensure_bucket()
    return store


PREFIX = unique("storage-test")


def forge(url: str) -> str:
    head, _, signature = url.rpartition("X-Amz-Signature=")
    flipped = ("0" if signature[0] != "0" else "1") + signature[1:]
    return head + "X-Amz-Signature=" + flipped


class TestS3Presigned:
    async def test_upload_then_download_through_presigned_urls(self, s3: S3ObjectStore):
        upload = await s3.presign_upload(f"{PREFIX}/photo.jpg", "image/jpeg")
        async with httpx.AsyncClient() as client:
            put = await client.put(upload.url, content=b"jpeg-bytes", headers=upload.headers)
            assert put.status_code == 200
            info = await s3.stat(f"{PREFIX}/photo.jpg")
            assert info is not None and info.size == 10
            got = await client.get(await s3.presign_download(f"{PREFIX}/photo.jpg"))
        assert got.content == b"jpeg-bytes"

    async def test_forged_signature_is_refused(self, s3: S3ObjectStore):
        upload = await s3.presign_upload(f"{PREFIX}/forged.jpg", "image/jpeg")
        async with httpx.AsyncClient() as client:
            put = await client.put(forge(upload.url), content=b"x", headers=upload.headers)
        assert put.status_code == 403
        assert await s3.stat(f"{PREFIX}/forged.jpg") is None

    async def test_expired_link_is_refused(self, s3: S3ObjectStore):
        await s3.put(f"{PREFIX}/old.txt", b"old", "text/plain")
        url = await s3.presign_download(f"{PREFIX}/old.txt", expires=timedelta(seconds=1))
        await asyncio.sleep(2.5)
        async with httpx.AsyncClient() as client:
            assert (await client.get(url)).status_code == 403

    async def test_stat_of_missing_object_is_none(self, s3: S3ObjectStore):
        assert await s3.stat("nope") is None


class TestLocalStore:
    @pytest.fixture
    def local(self, tmp_path: Path) -> tuple[LocalObjectStore, httpx.AsyncClient]:
        store = LocalObjectStore(tmp_path, "http://testserver/_objects", secrets.token_bytes(16))
        app = FastAPI()
        app.mount("/_objects", local_objects_app(store))
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t")
        return store, client

    async def test_round_trip_and_refusals(self, local: tuple[LocalObjectStore, httpx.AsyncClient]):
        store, client = local
        await store.ensure_bucket()
        upload = await store.presign_upload("x/doc.pdf", "application/pdf")
        assert (await client.put(upload.url, content=b"%PDF", headers=upload.headers)).is_success
        assert await store.get("x/doc.pdf") == b"%PDF"
        url = await store.presign_download("x/doc.pdf")
        assert (await client.get(url)).content == b"%PDF"
        tampered = url.replace("signature=", "signature=0")
        assert (await client.get(tampered)).status_code == 403
        wrong_type = await client.put(
            upload.url, content=b"x", headers={"Content-Type": "text/html"}
        )
        assert wrong_type.status_code == 403
        expired = await store.presign_download("x/doc.pdf", expires=timedelta(seconds=-1))
        assert (await client.get(expired)).status_code == 403
        await client.aclose()


async def post_form(client: httpx.AsyncClient, upload, data: bytes, content_type: str):  # type: ignore[no-untyped-def]
    fields = {**upload.fields, "Content-Type": content_type}
    return await client.post(upload.url, data=fields, files={"file": ("f", data, content_type)})


class TestPostPolicy:
    """With a size limit the upload is a POST policy: the server enforces size and type."""

    async def test_s3_refuses_too_large_and_wrong_type(self, s3: S3ObjectStore):
        key = f"{PREFIX}/policy.jpg"
        upload = await s3.presign_upload(key, "image/jpeg", max_bytes=100)
        assert upload.method == "POST"
        async with httpx.AsyncClient() as client:
            too_big = await post_form(client, upload, b"x" * 101, "image/jpeg")
            assert too_big.status_code == 400
            wrong_type = await post_form(client, upload, b"x" * 10, "text/html")
            assert wrong_type.status_code == 403
            assert await s3.stat(key) is None
            ok = await post_form(client, upload, b"x" * 100, "image/jpeg")
            assert ok.status_code in (200, 204)
        info = await s3.stat(key)
        assert info is not None and info.size == 100 and info.content_type == "image/jpeg"

    async def test_local_store_enforces_the_same(self, tmp_path: Path):
        store = LocalObjectStore(tmp_path, "http://testserver/_objects", secrets.token_bytes(16))
        app = FastAPI()
        app.mount("/_objects", local_objects_app(store))
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://t"
        ) as client:
            upload = await store.presign_upload("p/photo.jpg", "image/jpeg", max_bytes=100)
            assert (await post_form(client, upload, b"x" * 101, "image/jpeg")).status_code == 400
            assert (await post_form(client, upload, b"x" * 10, "text/html")).status_code == 403
            assert await store.stat("p/photo.jpg") is None
            assert (await post_form(client, upload, b"x" * 50, "image/jpeg")).status_code == 204
        assert await store.get("p/photo.jpg") == b"x" * 50


class TestServerSideEncryption:
    """SSE-S3 where the server supports it (MinIO with a KMS key, SeaweedFS): objects put by
    the services and uploaded by browsers to presigned URLs are stored encrypted."""

    @pytest.fixture
    async def encrypting(self) -> AsyncIterator[S3ObjectStore]:
        bucket = unique("sse").lower().replace("_", "-")[:40]
        store = S3ObjectStore(S3_ENDPOINT, S3_ACCESS_KEY, S3_SECRET_KEY, bucket, sse=True)
        # The test server (the locked SeaweedFS) supports SSE-S3: a refusal is a failure.
        await store.ensure_bucket()
        yield store

        def clean() -> None:
            for item in store.client.list_objects(bucket, recursive=True):
                store.client.remove_object(bucket, item.object_name or "")
            store.client.remove_bucket(bucket)

        await asyncio.to_thread(clean)

    def encryption_of(self, store: S3ObjectStore, key: str) -> str | None:
        headers = store.client.stat_object(store.bucket, key).metadata
        return headers.get("X-Amz-Server-Side-Encryption") if headers else None

    async def test_put_and_presigned_uploads_are_encrypted(self, encrypting: S3ObjectStore):
        await encrypting.put("a/put.pdf", b"%PDF-1.7 put", "application/pdf")
        assert self.encryption_of(encrypting, "a/put.pdf") == "AES256"
        upload = await encrypting.presign_upload("a/photo.jpg", "image/jpeg")
        async with httpx.AsyncClient() as client:
            put = await client.put(upload.url, content=b"jpeg-bytes", headers=upload.headers)
        assert put.status_code == 200
        # The bucket's default rule, not the browser, asks for encryption.
        assert self.encryption_of(encrypting, "a/photo.jpg") == "AES256"
        assert await encrypting.get("a/photo.jpg") == b"jpeg-bytes"

    async def test_off_by_default(self, s3: S3ObjectStore):
        assert not s3.sse
