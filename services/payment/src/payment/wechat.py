"""The WeChat Pay channel as the service uses it: client, callback verifier, APIv3 key and,
in dev/test, the in-process simulator the client talks to."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPublicKey
from fastapi import FastAPI
from starlette.types import ASGIApp, Receive, Scope, Send

from payment.config import PaymentSettings
from payment.provider import (
    NotificationVerifier,
    SimulatorState,
    WeChatPayClient,
    build_simulator_router,
    generate_test_keys,
    load_platform_certificate,
    load_private_key,
    load_public_key,
)

SIMULATOR_BASE_URL = "http://wechatpay.simulator"


class HostApp:
    """ASGI app forwarding to the service app the simulator is mounted in.

    The simulator's callbacks go back into this very app in tests; the app object only exists
    once requests flow, so the mount tells us which app it lives in.
    """

    def __init__(self) -> None:
        self.app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.app is None:
            raise RuntimeError("the simulator has not been reached through the service yet")
        await self.app(scope, receive, send)


@dataclass
class WeChatPay:
    client: WeChatPayClient
    verifier: NotificationVerifier
    api_v3_key: bytes
    appid: str
    mchid: str
    notify_url: str
    simulator: SimulatorState | None = None
    simulator_app: FastAPI | None = None
    host: HostApp = field(default_factory=HostApp)
    http_clients: list[httpx.AsyncClient] = field(default_factory=list)

    async def aclose(self) -> None:
        if self.simulator is not None:
            await self.simulator.aclose()
        for client in self.http_clients:
            await client.aclose()


def _platform_key(pem: str) -> RSAPublicKey:
    if "BEGIN CERTIFICATE" in pem:
        return load_platform_certificate(pem)[1]
    return load_public_key(pem)


def build_wechatpay(settings: PaymentSettings) -> WeChatPay:
    timeout = httpx.Timeout(settings.provider_timeout_s)
    if not settings.provider_simulator:
        assert settings.merchant_private_key_pem is not None and settings.api_v3_key is not None
        assert settings.merchant_serial is not None
        verifier = NotificationVerifier(
            {serial: _platform_key(pem) for serial, pem in settings.platform_public_keys.items()}
        )
        http = httpx.AsyncClient(timeout=timeout)
        client = WeChatPayClient(
            http,
            mchid=settings.mchid,
            merchant_serial_no=settings.merchant_serial,
            merchant_private_key=load_private_key(
                settings.merchant_private_key_pem.get_secret_value()
            ),
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

    keys = generate_test_keys(mchid=settings.mchid)
    host = HostApp()
    # Callbacks travel like the real ones: to the public URL (the gateway, which proxies to
    # our webhook), or straight into this app when nothing listens there (tests).
    callback_http = (
        httpx.AsyncClient(transport=httpx.ASGITransport(app=host), timeout=timeout)
        if settings.simulator_callback_in_process
        else httpx.AsyncClient(timeout=timeout)
    )
    simulator = SimulatorState.from_keys(keys, callback_client=callback_http)
    simulator_app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    simulator_app.include_router(build_simulator_router(simulator))
    # The service calls its simulator without a network hop, through the same signed API.
    http = httpx.AsyncClient(
        transport=httpx.ASGITransport(app=simulator_app), base_url=SIMULATOR_BASE_URL
    )
    verifier = NotificationVerifier(keys.platform_keys)
    client = WeChatPayClient(
        http,
        mchid=keys.mchid,
        merchant_serial_no=keys.merchant_serial_no,
        merchant_private_key=keys.merchant_private_key,
        verifier=verifier,
        base_url=SIMULATOR_BASE_URL,
    )
    return WeChatPay(
        client=client,
        verifier=verifier,
        api_v3_key=keys.api_v3_key,
        appid=settings.appid,
        mchid=keys.mchid,
        notify_url=settings.notify_url,
        simulator=simulator,
        simulator_app=simulator_app,
        host=host,
        http_clients=[http, callback_http],
    )
