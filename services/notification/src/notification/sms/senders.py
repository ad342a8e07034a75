"""SMS senders: one per provider, chosen by `NotificationSettings.sms_provider`.

Written from the providers' public signed-HTTP API documents rather than their SDKs: Aliyun's
(alibabacloud-dysmsapi20170525) and Tencent's (tencentcloud-sdk-python, every product of the
cloud in one package) SDKs pull in their own HTTP stacks and credential chains for one call each,
while httpx is already ours and the signatures are a few lines (`signing`)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol
from urllib.parse import urlsplit
from uuid import UUID, uuid4

import httpx

from notification.sms.rules import (
    ProviderTemplate,
    SmsProvider,
    SmsSendError,
    TemplateNotConfigured,
    aliyun_error,
    tencent_error,
)
from notification.sms.signing import (
    aliyun_signature,
    tc3_authorization,
    tc3_signature,
    tc3_signed_headers,
)
from skillcert.pii import mask_phone

log = logging.getLogger("notification.sms")


@dataclass(frozen=True)
class OutgoingSms:
    id: UUID
    phone: str
    template_code: str
    params: Mapping[str, object]
    text: str


class SmsSender(Protocol):
    provider: SmsProvider

    async def send(self, sms: OutgoingSms) -> str | None:
        """Hand the message to the provider; its id for the message (matched by the receipt).
        Raises `SmsSendError` (permanent or not) or an `httpx.HTTPError`."""
        ...

    async def aclose(self) -> None: ...


class DevSmsSender:
    """Development only: nothing leaves the machine; the dev outbox shows the message. The
    prod profile refuses it (`NotificationSettings`)."""

    provider = SmsProvider.DEV

    async def send(self, sms: OutgoingSms) -> str | None:
        log.info("dev SMS to %s: %s", mask_phone(sms.phone), sms.text)
        return None

    async def aclose(self) -> None:
        return None


def _template(
    provider: SmsProvider, templates: Mapping[str, ProviderTemplate], code: str
) -> ProviderTemplate:
    template = templates.get(code)
    if template is None:
        raise TemplateNotConfigured(provider, code)
    return template


def _as_text(value: object) -> str:
    return value if isinstance(value, str) else str(value)


class AliyunSmsSender:
    """Aliyun SMS (dysmsapi 2017-05-25) SendSms, RPC style, signature v1 (HMAC-SHA1)."""

    provider = SmsProvider.ALIYUN

    def __init__(
        self,
        *,
        access_key_id: str,
        access_key_secret: str,
        templates: Mapping[str, ProviderTemplate],
        endpoint: str = "https://dysmsapi.aliyuncs.com",
        region: str = "cn-hangzhou",
        timeout_s: float = 10.0,
    ) -> None:
        self.access_key_id = access_key_id
        self.secret = access_key_secret
        self.templates = templates
        self.endpoint = endpoint.rstrip("/") + "/"
        self.region = region
        self.http = httpx.AsyncClient(timeout=timeout_s)

    def signed_params(self, sms: OutgoingSms, now: datetime | None = None) -> dict[str, str]:
        template = _template(self.provider, self.templates, sms.template_code)
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": self.region,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": uuid4().hex,
            "SignatureVersion": "1.0",
            "Timestamp": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": "2017-05-25",
            "PhoneNumbers": sms.phone,
            "SignName": template.sign_name,
            "TemplateCode": template.template_code,
            # Our id comes back in the receipt (out_id): it matches even before our commit.
            "OutId": str(sms.id),
        }
        if template.params:
            params["TemplateParam"] = json.dumps(
                {name: _as_text(sms.params.get(name, "")) for name in template.params},
                ensure_ascii=False,
                separators=(",", ":"),
            )
        params["Signature"] = aliyun_signature("POST", params, self.secret)
        return params

    async def send(self, sms: OutgoingSms) -> str | None:
        response = await self.http.post(self.endpoint, data=self.signed_params(sms))
        try:
            body = response.json()
        except ValueError:
            response.raise_for_status()
            raise aliyun_error("MalformedResponse", response.text[:200]) from None
        code = str(body.get("Code", ""))
        if code != "OK":
            raise aliyun_error(code or f"HTTP{response.status_code}", str(body.get("Message")))
        return str(body.get("BizId") or "") or None

    async def aclose(self) -> None:
        await self.http.aclose()


class TencentSmsSender:
    """Tencent Cloud SMS SendSms (API 2021-01-11), signature v3 (TC3-HMAC-SHA256)."""

    provider = SmsProvider.TENCENT
    service = "sms"
    action = "SendSms"
    version = "2021-01-11"
    content_type = "application/json; charset=utf-8"

    def __init__(
        self,
        *,
        secret_id: str,
        secret_key: str,
        sdk_app_id: str,
        templates: Mapping[str, ProviderTemplate],
        endpoint: str = "https://sms.tencentcloudapi.com",
        region: str = "ap-guangzhou",
        timeout_s: float = 10.0,
    ) -> None:
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.sdk_app_id = sdk_app_id
        self.templates = templates
        self.endpoint = endpoint.rstrip("/") + "/"
        self.host = urlsplit(self.endpoint).netloc
        self.region = region
        self.http = httpx.AsyncClient(timeout=timeout_s)

    def signed_request(
        self, sms: OutgoingSms, timestamp: int | None = None
    ) -> tuple[dict[str, str], bytes]:
        template = _template(self.provider, self.templates, sms.template_code)
        payload = json.dumps(
            {
                "PhoneNumberSet": [f"+86{sms.phone}"],
                "SmsSdkAppId": self.sdk_app_id,
                "SignName": template.sign_name,
                "TemplateId": template.template_code,
                "TemplateParamSet": [_as_text(sms.params.get(n, "")) for n in template.params],
                "SessionContext": str(sms.id),
            },
            ensure_ascii=False,
            separators=(",", ":"),
        ).encode()
        ts = int(time.time()) if timestamp is None else timestamp
        signed = {"Content-Type": self.content_type, "Host": self.host, "X-TC-Action": self.action}
        signature = tc3_signature(
            secret_key=self.secret_key,
            service=self.service,
            headers=signed,
            payload=payload,
            timestamp=ts,
        )
        headers = {
            **signed,
            "X-TC-Timestamp": str(ts),
            "X-TC-Version": self.version,
            "X-TC-Region": self.region,
            "Authorization": tc3_authorization(
                secret_id=self.secret_id,
                service=self.service,
                timestamp=ts,
                signed_headers=tc3_signed_headers(signed),
                signature=signature,
            ),
        }
        return headers, payload

    async def send(self, sms: OutgoingSms) -> str | None:
        headers, payload = self.signed_request(sms)
        response = await self.http.post(self.endpoint, content=payload, headers=headers)
        try:
            body = response.json()["Response"]
        except (ValueError, KeyError):
            response.raise_for_status()
            raise tencent_error("MalformedResponse", response.text[:200]) from None
        if "Error" in body:
            error = body["Error"]
            raise tencent_error(str(error.get("Code")), str(error.get("Message")))
        statuses = body.get("SendStatusSet") or []
        if not statuses:
            raise tencent_error("MalformedResponse", "no SendStatusSet")
        status = statuses[0]
        if status.get("Code") != "Ok":
            raise tencent_error(str(status.get("Code")), str(status.get("Message")))
        return str(status.get("SerialNo") or "") or None

    async def aclose(self) -> None:
        await self.http.aclose()


__all__ = [
    "AliyunSmsSender",
    "DevSmsSender",
    "OutgoingSms",
    "SmsSendError",
    "SmsSender",
    "TencentSmsSender",
]
