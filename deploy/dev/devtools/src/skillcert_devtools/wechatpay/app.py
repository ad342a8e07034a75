"""The simulator as an app of its own: ``python -m skillcert_devtools.wechatpay`` (settings
``WECHATPAY_SIM_*``), or ``create_app`` mounted by a launcher."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

from payment.provider.wechatpay import load_private_key, load_public_key
from skillcert.auth import TokenVerifier, jwks_from_url
from skillcert.errors import install_error_handlers

from .router import build_control_router, build_simulator_router
from .state import SimulatorState


class SimulatorSettings(BaseSettings):
    """The provider's half of a key set (``DevKeySet.simulator_env``) and where staff tokens
    are checked."""

    model_config = SettingsConfigDict(env_prefix="WECHATPAY_SIM_", extra="ignore")

    mchid: str
    merchant_public_key_pem: str
    merchant_serial: str
    platform_private_key_pem: SecretStr
    platform_serial: str
    api_v3_key: SecretStr
    jwks_url: str = "http://127.0.0.1:8000/.well-known/jwks.json"
    jwt_issuer: str = "skillcert-gateway"
    jwt_audience: str = "skillcert"
    host: str = "127.0.0.1"
    port: int = 8090
    auto_complete_refunds: bool = True

    def state(self) -> SimulatorState:
        return SimulatorState(
            mchid=self.mchid,
            merchant_public_key=load_public_key(self.merchant_public_key_pem),
            merchant_serial_no=self.merchant_serial,
            platform_private_key=load_private_key(self.platform_private_key_pem.get_secret_value()),
            platform_serial=self.platform_serial,
            api_v3_key=self.api_v3_key.get_secret_value().encode("ascii"),
            auto_complete_refunds=self.auto_complete_refunds,
        )

    def verifier(self) -> TokenVerifier:
        return TokenVerifier(jwks_from_url(self.jwks_url), self.jwt_issuer, self.jwt_audience)


def create_app(state: SimulatorState, verifier: TokenVerifier) -> FastAPI:
    """The APIv3 paths at the root (``provider_base_url`` points here) and the ops-only
    controls under ``/simulator``; ``verifier`` checks the gateway's staff tokens."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        await state.aclose()

    app = FastAPI(
        title="WeChat Pay simulator (development only)",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
    )
    install_error_handlers(app)
    app.state.token_verifier = verifier
    app.state.simulator = state
    app.include_router(build_simulator_router(state))
    app.include_router(build_control_router(state))

    @app.get("/readyz", include_in_schema=False)
    async def ready() -> dict[str, str]:
        return {"status": "ok"}

    return app
