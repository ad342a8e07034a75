"""Fake SMS providers for tests: real HTTP servers on 127.0.0.1 (a thread each) that check
each request's signature as the provider does — recomputed from the secret of the key the
request names — and refuse a bad one with the provider's own error."""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

from notification.sms.signing import aliyun_signature, tc3_signature

_serial = itertools.count(1)


class FakeProvider:
    """Accepted requests are kept in `accepted`; `refused` counts the signatures refused.
    `answer_next(code)` makes the next well-signed request get that error code."""

    def __init__(self, secrets: dict[str, str]) -> None:
        self.secrets = secrets
        self.accepted: list[dict[str, Any]] = []
        self.refused: list[str] = []
        self.scripted: list[str] = []
        self.lock = threading.Lock()
        self.server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self.server is not None
        host, port = self.server.server_address[:2]
        return f"http://{host!s}:{port}"

    def answer_next(self, *codes: str) -> None:
        with self.lock:
            self.scripted.extend(codes)

    def _scripted(self) -> str | None:
        with self.lock:
            return self.scripted.pop(0) if self.scripted else None

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        raise NotImplementedError

    @contextmanager
    def running(self) -> Iterator[FakeProvider]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                status, answer = fake.handle(dict(self.headers.items()), body)
                raw = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, format: str, *args: object) -> None:
                return None

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self.server.shutdown()
            self.server.server_close()
            thread.join()


class FakeAliyun(FakeProvider):
    """dysmsapi SendSms: RPC signature v1 over the form parameters (POST)."""

    def __init__(self, secrets: dict[str, str]) -> None:
        super().__init__(secrets)
        self.nonces: set[str] = set()

    def _refuse(self, code: str, status: int = 400) -> tuple[int, dict[str, Any]]:
        self.refused.append(code)
        return status, {"Code": code, "Message": code, "RequestId": "fake"}

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        params = dict(parse_qsl(body.decode(), keep_blank_values=True))
        signature = params.pop("Signature", "")
        secret = self.secrets.get(params.get("AccessKeyId", ""))
        if secret is None:
            return self._refuse("InvalidAccessKeyId.NotFound", 404)
        if (params.get("SignatureMethod"), params.get("SignatureVersion")) != ("HMAC-SHA1", "1.0"):
            return self._refuse("InvalidSignatureMethod")
        if params.get("SignatureNonce", "") in self.nonces or not params.get("SignatureNonce"):
            return self._refuse("SignatureNonceUsed")
        sent_at = datetime.strptime(params.get("Timestamp", ""), "%Y-%m-%dT%H:%M:%SZ")
        if abs(datetime.now(UTC) - sent_at.replace(tzinfo=UTC)) > timedelta(minutes=15):
            return self._refuse("InvalidTimeStamp.Expired")
        if signature != aliyun_signature("POST", params, secret):
            return self._refuse("SignatureDoesNotMatch")
        self.nonces.add(params["SignatureNonce"])
        if (params.get("Action"), params.get("Version")) != ("SendSms", "2017-05-25"):
            return self._refuse("InvalidAction.NotFound", 404)
        code = self._scripted()
        if code is not None:
            return 200, {"Code": code, "Message": code, "RequestId": "fake"}
        self.accepted.append(params)
        return 200, {
            "Code": "OK",
            "Message": "OK",
            "BizId": f"{next(_serial):012d}^0",
            "RequestId": "fake",
        }


class FakeTencent(FakeProvider):
    """SMS SendSms 2021-01-11: TC3-HMAC-SHA256 over the signed headers and the JSON body."""

    def _error(self, code: str) -> tuple[int, dict[str, Any]]:
        return 200, {"Response": {"Error": {"Code": code, "Message": code}, "RequestId": "x"}}

    def _refuse(self, code: str) -> tuple[int, dict[str, Any]]:
        self.refused.append(code)
        return self._error(code)

    def handle(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any]]:
        lower = {name.lower(): value for name, value in headers.items()}
        algorithm, _, rest = lower.get("authorization", "").partition(" ")
        fields = dict(part.strip().split("=", 1) for part in rest.split(",") if "=" in part)
        if algorithm != "TC3-HMAC-SHA256" or set(fields) != {
            "Credential",
            "SignedHeaders",
            "Signature",
        }:
            return self._refuse("AuthFailure.InvalidAuthorization")
        secret_id, date, service, terminator = fields["Credential"].split("/")
        secret = self.secrets.get(secret_id)
        if secret is None:
            return self._refuse("AuthFailure.SecretIdNotFound")
        timestamp = int(lower.get("x-tc-timestamp", "0"))
        if abs(time.time() - timestamp) > 300:
            return self._refuse("AuthFailure.SignatureExpire")
        signed_names = fields["SignedHeaders"].split(";")
        if (
            service != "sms"
            or terminator != "tc3_request"
            or date != datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
            or not {"content-type", "host"} <= set(signed_names)
        ):
            return self._refuse("AuthFailure.InvalidAuthorization")
        expected = tc3_signature(
            secret_key=secret,
            service="sms",
            headers={name: lower.get(name, "") for name in signed_names},
            payload=body,
            timestamp=timestamp,
        )
        if fields["Signature"] != expected:
            return self._refuse("AuthFailure.SignatureFailure")
        if (lower.get("x-tc-action"), lower.get("x-tc-version")) != ("SendSms", "2021-01-11"):
            return self._refuse("InvalidAction")
        request = json.loads(body)
        code = self._scripted()
        if code is not None and code.startswith(("InternalError", "AuthFailure", "Request")):
            return self._error(code)  # a failure of the whole request
        self.accepted.append({"headers": lower, "body": request})
        serial = f"2645:{next(_serial):020d}"
        return 200, {
            "Response": {
                "SendStatusSet": [
                    {
                        "SerialNo": serial,
                        "PhoneNumber": request["PhoneNumberSet"][0],
                        "Fee": 1,
                        "SessionContext": request.get("SessionContext", ""),
                        "Code": code or "Ok",
                        "Message": "send success" if code is None else code,
                        "IsoCode": "CN",
                    }
                ],
                "RequestId": "fake",
            }
        }
