"""Throw-away WeChat Pay key sets: one set wires the simulator and the payment service together.

For development and tests only: a launcher generates a set and hands each side its half (the
payment service the merchant private key, the platform public key and the APIv3 key through its
ordinary ``PAYMENT_*`` settings; the simulator the rest). They are never valid against the real
provider, where the keys come from the merchant platform.
"""

from __future__ import annotations

import json
import secrets
import string
from dataclasses import dataclass
from typing import Any, Final

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

_ALNUM: Final = string.ascii_letters + string.digits


def _digits(count: int) -> str:
    return "".join(secrets.choice(string.digits) for _ in range(count))


def _alnum(count: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(count))


@dataclass(frozen=True, slots=True)
class DevKeySet:
    mchid: str
    merchant_private_key: RSAPrivateKey
    merchant_public_key: RSAPublicKey
    merchant_serial_no: str
    platform_private_key: RSAPrivateKey
    platform_public_key: RSAPublicKey
    platform_serial: str
    api_v3_key: bytes

    @property
    def platform_keys(self) -> dict[str, RSAPublicKey]:
        """Ready-made ``platform_keys`` argument for :class:`NotificationVerifier`."""
        return {self.platform_serial: self.platform_public_key}

    def payment_settings(self, provider_base_url: str) -> dict[str, Any]:
        """The merchant's half, as ``PaymentSettings`` fields: what a real merchant copies from
        the merchant platform, pointed at the simulator instead of the provider."""
        return {
            "mchid": self.mchid,
            "merchant_private_key_pem": _private_pem(self.merchant_private_key),
            "merchant_serial": self.merchant_serial_no,
            "platform_public_keys": {self.platform_serial: _public_pem(self.platform_public_key)},
            "api_v3_key": self.api_v3_key.decode("ascii"),
            "provider_base_url": provider_base_url,
        }

    def payment_env(self, provider_base_url: str) -> dict[str, str]:
        """The same as ``PAYMENT_*`` environment variables, for a payment process."""
        return {
            f"PAYMENT_{name.upper()}": value if isinstance(value, str) else json.dumps(value)
            for name, value in self.payment_settings(provider_base_url).items()
        }

    def simulator_env(self) -> dict[str, str]:
        """The provider's half as ``WECHATPAY_SIM_*`` variables, for a simulator process."""
        return {
            "WECHATPAY_SIM_MCHID": self.mchid,
            "WECHATPAY_SIM_MERCHANT_PUBLIC_KEY_PEM": _public_pem(self.merchant_public_key),
            "WECHATPAY_SIM_MERCHANT_SERIAL": self.merchant_serial_no,
            "WECHATPAY_SIM_PLATFORM_PRIVATE_KEY_PEM": _private_pem(self.platform_private_key),
            "WECHATPAY_SIM_PLATFORM_SERIAL": self.platform_serial,
            "WECHATPAY_SIM_API_V3_KEY": self.api_v3_key.decode("ascii"),
        }


def _private_pem(key: RSAPrivateKey) -> str:
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode("ascii")


def _public_pem(key: RSAPublicKey) -> str:
    return key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")


def generate_test_keys(
    *, mchid: str = "1900000109", use_public_key_id: bool = True, key_size: int = 2048
) -> DevKeySet:
    """Generate a throw-away merchant key pair, platform key pair, ids and APIv3 key.

    For tests and local development only: a dev environment generates these at start-up
    and wires the same set into both the simulator and the client. They are never
    valid against the real provider and must never be used in production, where the
    merchant key, platform key/certificate and APIv3 key come from the merchant platform.
    """
    merchant = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    platform = rsa.generate_private_key(public_exponent=65537, key_size=key_size)
    platform_serial = (
        f"PUB_KEY_ID_{_digits(34)}" if use_public_key_id else secrets.token_hex(20).upper()
    )
    return DevKeySet(
        mchid=mchid,
        merchant_private_key=merchant,
        merchant_public_key=merchant.public_key(),
        merchant_serial_no=secrets.token_hex(20).upper(),
        platform_private_key=platform,
        platform_public_key=platform.public_key(),
        platform_serial=platform_serial,
        # Real APIv3 keys are 32 ASCII characters used as their bytes.
        api_v3_key=_alnum(32).encode("ascii"),
    )
