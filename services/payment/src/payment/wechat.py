"""The WeChat Pay channel as the service uses it: client, callback verifier and APIv3 key, all
from settings. Development points ``provider_base_url`` at a simulator; this module does not
know the difference."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey

from payment.config import PaymentSettings
from payment.provider import (
    NotificationVerifier,
    WeChatPayClient,
    load_platform_certificate,
    load_private_key,
    load_public_key,
)


@dataclass
class WeChatPay:
    client: WeChatPayClient
    verifier: NotificationVerifier
    api_v3_key: bytes
    appid: str
    mchid: str
    notify_url: str
    http_clients: list[httpx.AsyncClient] = field(default_factory=list)

    async def aclose(self) -> None:
        for client in self.http_clients:
            await client.aclose()


def _platform_key(pem: str) -> RSAPublicKey:
    if "BEGIN CERTIFICATE" in pem:
        return load_platform_certificate(pem)[1]
    return load_public_key(pem)


def build_wechatpay(settings: PaymentSettings) -> WeChatPay:
    # The settings validator guarantees every key is present.
    assert settings.merchant_private_key_pem is not None and settings.api_v3_key is not None
    assert settings.merchant_serial is not None
    verifier = NotificationVerifier(
        {serial: _platform_key(pem) for serial, pem in settings.platform_public_keys.items()}
    )
    http = httpx.AsyncClient(timeout=httpx.Timeout(settings.provider_timeout_s))
    client = WeChatPayClient(
        http,
        mchid=settings.mchid,
        merchant_serial_no=settings.merchant_serial,
        merchant_private_key=load_private_key(settings.merchant_private_key_pem.get_secret_value()),
        verifier=verifier,
        base_url=settings.provider_base_url,
    )
    return WeChatPay(
        client=client,
        verifier=verifier,
        api_v3_key=settings.api_v3_key.get_secret_value().encode(),
        appid=settings.appid,
        mchid=settings.mchid,
        notify_url=settings.notify_url,
        http_clients=[http],
    )
