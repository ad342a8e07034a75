"""Object storage: S3 (MinIO in the distribution) through the `minio` client, and a local-file
store with the same interface for embedded mode. Clients upload and download with presigned
URLs; services check what arrived before accepting it."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import io
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Protocol
from urllib.parse import quote, urlencode

from fastapi import FastAPI, Header, Query, Request, Response
from fastapi.telemetry import TelemetryConfig
from minio import Minio
from minio.datatypes import PostPolicy
from minio.error import S3Error
from minio.sse import SseS3
from minio.sseconfig import Rule, SSEConfig
from starlette.exceptions import HTTPException as StarletteHTTPException

from skillcert.errors import AppError, Forbidden, NotFound, install_error_handlers


@dataclass(frozen=True)
class PresignedUpload:
    """How the client uploads.

    PUT: send the bytes to `url` with exactly these `headers`.
    POST (when a size limit is given): a multipart form to `url` with these `fields` first and
    the file last as field `file`; the storage server itself refuses a wrong size or type.
    """

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] = field(default_factory=dict)
    expires_in_s: int = 600


@dataclass(frozen=True)
class ObjectInfo:
    key: str
    size: int
    content_type: str | None


class ObjectStore(Protocol):
    async def ensure_bucket(self) -> None: ...

    async def presign_upload(
        self,
        key: str,
        content_type: str,
        expires: timedelta = timedelta(minutes=10),
        max_bytes: int | None = None,
    ) -> PresignedUpload: ...

    async def presign_download(
        self, key: str, expires: timedelta = timedelta(minutes=5)
    ) -> str: ...

    async def stat(self, key: str) -> ObjectInfo | None: ...

    async def get(self, key: str, max_bytes: int | None = None) -> bytes: ...

    async def put(self, key: str, data: bytes, content_type: str) -> None: ...

    async def delete(self, key: str) -> None: ...

    async def ping(self) -> bool: ...


class TooLarge(AppError):
    status_code = 413
    slug = "too-large"
    title = "文件过大"


class S3ObjectStore:
    """S3 through the minio client. Presigned URLs are signed for the public endpoint (what the
    browser reaches) while the service talks to the internal one."""

    def __init__(
        self,
        endpoint: str,
        access_key: str,
        secret_key: str,
        bucket: str,
        *,
        secure: bool = False,
        region: str = "us-east-1",
        public_endpoint: str | None = None,
        sse: bool = False,
    ) -> None:
        self.bucket = bucket
        #: server-side encryption (SSE-S3): puts ask for it and the bucket's default rule covers
        #: what browsers upload to presigned URLs (docs/security.md)
        self.sse = sse
        self.client = Minio(
            endpoint, access_key=access_key, secret_key=secret_key, secure=secure, region=region
        )
        # The region is given, so presigning never calls the (possibly unreachable) endpoint.
        self.signer_base_url = f"{'https' if secure else 'http'}://{public_endpoint or endpoint}"
        self.signer = Minio(
            public_endpoint or endpoint,
            access_key=access_key,
            secret_key=secret_key,
            secure=secure,
            region=region,
        )

    async def ensure_bucket(self) -> None:
        def run() -> None:
            if not self.client.bucket_exists(self.bucket):
                try:
                    self.client.make_bucket(self.bucket)
                except S3Error as exc:
                    if exc.code not in ("BucketAlreadyOwnedByYou", "BucketAlreadyExists"):
                        raise
            if self.sse:
                # A server that cannot encrypt refuses this: the service does not start rather
                # than store documents unencrypted while configured to encrypt them.
                self.client.set_bucket_encryption(self.bucket, SSEConfig(Rule.new_sse_s3_rule()))

        await asyncio.to_thread(run)

    async def presign_upload(
        self,
        key: str,
        content_type: str,
        expires: timedelta = timedelta(minutes=10),
        max_bytes: int | None = None,
    ) -> PresignedUpload:
        if max_bytes is not None:
            policy = PostPolicy(self.bucket, datetime.now(UTC) + expires)
            policy.add_equals_condition("key", key)
            policy.add_equals_condition("Content-Type", content_type)
            policy.add_content_length_range_condition(1, max_bytes)
            form = await asyncio.to_thread(self.signer.presigned_post_policy, policy)
            return PresignedUpload(
                method="POST",
                url=f"{self.signer_base_url}/{self.bucket}",
                fields={**form, "key": key, "Content-Type": content_type},
                expires_in_s=int(expires.total_seconds()),
            )
        url = await asyncio.to_thread(self.signer.presigned_put_object, self.bucket, key, expires)
        return PresignedUpload(
            method="PUT",
            url=url,
            headers={"Content-Type": content_type},
            expires_in_s=int(expires.total_seconds()),
        )

    async def presign_download(self, key: str, expires: timedelta = timedelta(minutes=5)) -> str:
        return await asyncio.to_thread(self.signer.presigned_get_object, self.bucket, key, expires)

    async def stat(self, key: str) -> ObjectInfo | None:
        def run() -> ObjectInfo | None:
            try:
                info = self.client.stat_object(self.bucket, key)
            except S3Error as exc:
                if exc.code in ("NoSuchKey", "NoSuchObject", "NotFound", "ResourceNotFound"):
                    return None
                raise
            return ObjectInfo(key=key, size=int(info.size or 0), content_type=info.content_type)

        return await asyncio.to_thread(run)

    async def get(self, key: str, max_bytes: int | None = None) -> bytes:
        def run() -> bytes:
            try:
                response = self.client.get_object(self.bucket, key)
            except S3Error as exc:
                if exc.code in ("NoSuchKey", "NoSuchObject"):
                    raise NotFound("文件不存在") from exc
                raise
            try:
                data: bytes = response.read(max_bytes + 1 if max_bytes is not None else None)
            finally:
                response.close()
                response.release_conn()
            if max_bytes is not None and len(data) > max_bytes:
                raise TooLarge(f"文件超过 {max_bytes} 字节")
            return data

        return await asyncio.to_thread(run)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object,
            self.bucket,
            key,
            io.BytesIO(data),
            len(data),
            content_type=content_type,
            sse=SseS3() if self.sse else None,
        )

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self.client.remove_object, self.bucket, key)

    async def ping(self) -> bool:
        try:
            return await asyncio.to_thread(self.client.bucket_exists, self.bucket)
        except Exception:
            return False


class LocalObjectStore:
    """Files on disk for embedded mode. Presigned URLs carry an HMAC of (method, key, expiry);
    `local_objects_app` serves them and refuses forged or expired links as S3 does."""

    def __init__(
        self, root: str | Path, base_url: str, secret: bytes, max_upload_bytes: int = 20_000_000
    ) -> None:
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")
        self.secret = secret
        self.max_upload_bytes = max_upload_bytes

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if self.root.resolve() not in path.parents:
            raise Forbidden("invalid object key")
        return path

    def sign(self, method: str, key: str, expires_at: int, content_type: str = "") -> str:
        message = f"{method}\n{key}\n{expires_at}\n{content_type}".encode()
        return hmac.new(self.secret, message, hashlib.sha256).hexdigest()

    def _url(self, method: str, key: str, expires: timedelta, content_type: str = "") -> str:
        expires_at = int(time.time() + expires.total_seconds())
        query = urlencode(
            {"expires": expires_at, "signature": self.sign(method, key, expires_at, content_type)}
        )
        return f"{self.base_url}/{quote(key)}?{query}"

    def check(
        self, method: str, key: str, expires_at: int, signature: str, content_type: str = ""
    ) -> None:
        expected = self.sign(method, key, expires_at, content_type)
        if not hmac.compare_digest(expected, signature):
            raise SignatureDoesNotMatch("签名与请求不符（链接被改动，或内容类型与申请时不同）")
        if expires_at < time.time():
            raise RequestExpired("链接已过期（Request has expired），请重新申请链接")

    async def ensure_bucket(self) -> None:
        self.root.mkdir(parents=True, exist_ok=True)

    async def presign_upload(
        self,
        key: str,
        content_type: str,
        expires: timedelta = timedelta(minutes=10),
        max_bytes: int | None = None,
    ) -> PresignedUpload:
        if max_bytes is not None:
            expires_at = int(time.time() + expires.total_seconds())
            return PresignedUpload(
                method="POST",
                url=f"{self.base_url}/{quote(key)}",
                fields={
                    "Content-Type": content_type,
                    "max_bytes": str(max_bytes),
                    "expires": str(expires_at),
                    "signature": self.sign("POST", key, expires_at, f"{content_type}|{max_bytes}"),
                },
                expires_in_s=int(expires.total_seconds()),
            )
        return PresignedUpload(
            method="PUT",
            url=self._url("PUT", key, expires, content_type),
            headers={"Content-Type": content_type},
            expires_in_s=int(expires.total_seconds()),
        )

    async def presign_download(self, key: str, expires: timedelta = timedelta(minutes=5)) -> str:
        return self._url("GET", key, expires)

    async def stat(self, key: str) -> ObjectInfo | None:
        path = self._path(key)
        if not path.is_file():
            return None
        meta = path.with_name(path.name + ".content-type")
        content_type = meta.read_text() if meta.is_file() else None
        return ObjectInfo(key=key, size=path.stat().st_size, content_type=content_type)

    async def get(self, key: str, max_bytes: int | None = None) -> bytes:
        path = self._path(key)
        if not path.is_file():
            raise NotFound("文件不存在")
        if max_bytes is not None and path.stat().st_size > max_bytes:
            raise TooLarge(f"文件超过 {max_bytes} 字节")
        return await asyncio.to_thread(path.read_bytes)

    async def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self._path(key)

        def run() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(path.name + ".part")
            tmp.write_bytes(data)
            tmp.replace(path)
            path.with_name(path.name + ".content-type").write_text(content_type)

        await asyncio.to_thread(run)

    async def delete(self, key: str) -> None:
        path = self._path(key)
        path.unlink(missing_ok=True)
        path.with_name(path.name + ".content-type").unlink(missing_ok=True)

    async def ping(self) -> bool:
        return self.root.is_dir()


class EntityTooLarge(AppError):
    """An upload over the size limit (S3: 400 EntityTooLarge)."""

    status_code = 400
    slug = "entity-too-large"
    title = "文件过大"


class SignatureDoesNotMatch(AppError):
    """A link or form whose signature does not cover this request (S3: 403
    SignatureDoesNotMatch): forged, altered, or used with another content type."""

    status_code = 403
    slug = "signature-does-not-match"
    title = "签名无效"


class RequestExpired(AppError):
    """A genuine link used after its expiry (S3: 403 AccessDenied, "Request has expired")."""

    status_code = 403
    slug = "request-expired"
    title = "链接已过期"


class AccessDenied(AppError):
    """A request without a signature (S3: 403 AccessDenied)."""

    status_code = 403
    slug = "access-denied"
    title = "拒绝访问"


class MalformedPostRequest(AppError):
    """An upload form without a field it needs or without the file (S3: 400
    MalformedPOSTRequest / InvalidArgument)."""

    status_code = 400
    slug = "malformed-post-request"
    title = "上传表单不完整"


class MethodNotAllowed(AppError):
    """A method an object URL does not take (S3: 405 MethodNotAllowed)."""

    status_code = 405
    slug = "method-not-allowed"
    title = "不支持的请求方法"


_OBJECT_METHODS = "GET, PUT, POST"
_FORM_FIELDS = ("Content-Type", "max_bytes", "expires", "signature")


def _signed(expires: int | None, signature: str | None) -> tuple[int, str]:
    if expires is None or not signature:
        raise AccessDenied("链接缺少签名或有效期")
    return expires, signature


def local_objects_app(store: LocalObjectStore, telemetry: TelemetryConfig | None = None) -> FastAPI:
    """The local store's stand-in for an S3 server, mounted at `/_objects` in embedded mode.

    It answers where S3 would with the same statuses and a reason, in problem+json like the
    rest of the API (the `type` names the S3 error code): 400 entity-too-large, 403
    signature-does-not-match, request-expired or access-denied, 400 malformed-post-request,
    405 method-not-allowed (with `Allow`), 404 not-found. A sub-application, so it has its
    own error handlers and its unknown paths are its own 404s.
    """
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, telemetry=telemetry)
    install_error_handlers(app)

    @app.put("/{key:path}")
    async def upload(
        key: str,
        request: Request,
        expires: Annotated[int | None, Query()] = None,
        signature: Annotated[str | None, Query()] = None,
        content_type: Annotated[str, Header()] = "",
    ) -> Response:
        store.check("PUT", key, *_signed(expires, signature), content_type)
        data = bytearray()
        async for chunk in request.stream():
            data.extend(chunk)
            if len(data) > store.max_upload_bytes:
                raise EntityTooLarge(f"文件不能超过 {store.max_upload_bytes} 字节")
        await store.put(key, bytes(data), content_type)
        return Response(status_code=200)

    @app.post("/{key:path}", status_code=204)
    async def upload_form(key: str, request: Request) -> Response:
        # Same contract as an S3 POST policy: size and type are the server's to enforce.
        try:
            form = await request.form(max_part_size=store.max_upload_bytes)
        except StarletteHTTPException as exc:
            # Starlette's multipart parser: a part over the limit, or no multipart body.
            if "maximum size" in str(exc.detail):
                raise EntityTooLarge(f"文件不能超过 {store.max_upload_bytes} 字节") from exc
            raise MalformedPostRequest(str(exc.detail)) from exc
        missing = [name for name in (*_FORM_FIELDS, "file") if name not in form]
        if missing:
            raise MalformedPostRequest(f"上传表单缺少字段：{'、'.join(missing)}")
        try:
            max_bytes = int(str(form["max_bytes"]))
            expires = int(str(form["expires"]))
        except ValueError as exc:
            raise MalformedPostRequest("上传表单字段格式不正确：max_bytes、expires") from exc
        content_type = str(form["Content-Type"])
        store.check("POST", key, expires, str(form["signature"]), f"{content_type}|{max_bytes}")
        upload = form["file"]
        if isinstance(upload, str):
            raise MalformedPostRequest("上传表单的 file 字段应为文件")
        data = await upload.read()
        if len(data) > max_bytes:
            raise EntityTooLarge(f"文件不能超过 {max_bytes} 字节")
        if not data:
            raise MalformedPostRequest("文件为空")
        await store.put(key, data, content_type)
        return Response(status_code=204)

    @app.get("/{key:path}")
    async def download(
        key: str,
        expires: Annotated[int | None, Query()] = None,
        signature: Annotated[str | None, Query()] = None,
    ) -> Response:
        store.check("GET", key, *_signed(expires, signature))
        info = await store.stat(key)
        if info is None:
            raise NotFound("文件不存在")
        return Response(
            await store.get(key), media_type=info.content_type or "application/octet-stream"
        )

    @app.api_route("/{key:path}", methods=["HEAD", "DELETE", "PATCH", "OPTIONS"])
    async def other_method(key: str) -> Response:
        raise MethodNotAllowed(headers={"Allow": _OBJECT_METHODS})

    return app
