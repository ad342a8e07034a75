"""WeChat Pay APIv3 adapter: signing, verification, resource decryption, models, client.

Everything here follows the public APIv3 rules:

* requests carry ``Authorization: WECHATPAY2-SHA256-RSA2048 ...`` with an RSA-SHA256
  (PKCS#1 v1.5) signature over ``METHOD\\nPATH?QUERY\\nTIMESTAMP\\nNONCE\\nBODY\\n``;
* responses and callbacks are signed by the platform key named in ``Wechatpay-Serial``
  (a platform-certificate serial or a ``PUB_KEY_ID_...`` public-key id) over
  ``TIMESTAMP\\nNONCE\\nBODY\\n`` computed on the *raw* body bytes;
* callback resources are AEAD_AES_256_GCM encrypted with the merchant's APIv3 key.

The module deliberately imports nothing from the rest of skillcert so it can be reused
and tested (against :mod:`payment.provider.simulator`) in isolation.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import string
import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any, ClassVar, Final, TypeVar
from urllib.parse import quote, urlencode

import httpx
from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = [
    "AEAD_ALGORITHM",
    "AUTH_SCHEMA",
    "DEFAULT_BASE_URL",
    "SIGNTEST_PREFIX",
    "AuthorizationParams",
    "BadSignatureError",
    "DecryptError",
    "EncryptedResource",
    "EventType",
    "MalformedHeaderError",
    "MissingHeaderError",
    "NotificationEnvelope",
    "NotificationVerifier",
    "Payer",
    "ProviderError",
    "Refund",
    "RefundAmount",
    "RefundNotification",
    "RefundStatus",
    "SignatureError",
    "SignatureTestProbeError",
    "TimestampSkewError",
    "TradeBillLocation",
    "TradeState",
    "Transaction",
    "TransactionAmount",
    "UnknownSerialError",
    "WeChatPayClient",
    "WeChatPayError",
    "build_request_message",
    "build_verify_message",
    "decrypt_refund",
    "decrypt_resource",
    "decrypt_transaction",
    "encrypt_resource",
    "format_rfc3339",
    "load_platform_certificate",
    "load_private_key",
    "load_public_key",
    "parse_authorization",
    "platform_signature_headers",
    "random_nonce",
    "sign_request",
    "verify_request_authorization",
]

AUTH_SCHEMA: Final = "WECHATPAY2-SHA256-RSA2048"
SIGNTEST_PREFIX: Final = "WECHATPAY/SIGNTEST/"
AEAD_ALGORITHM: Final = "AEAD_AES_256_GCM"
DEFAULT_BASE_URL: Final = "https://api.mch.weixin.qq.com"
DEFAULT_MAX_SKEW_SECONDS: Final = 300

HEADER_SERIAL: Final = "Wechatpay-Serial"
HEADER_SIGNATURE: Final = "Wechatpay-Signature"
HEADER_TIMESTAMP: Final = "Wechatpay-Timestamp"
HEADER_NONCE: Final = "Wechatpay-Nonce"
HEADER_SIGNATURE_TYPE: Final = "Wechatpay-Signature-Type"
HEADER_REQUEST_ID: Final = "Request-ID"

_NONCE_ALPHABET: Final = string.ascii_letters + string.digits
_TIMESTAMP_RE: Final = re.compile(r"\d{1,12}", re.ASCII)
_AUTH_PARAM_RE: Final = re.compile(r'(\w+)="([^"]*)"', re.ASCII)
# Documented charsets: out_trade_no 6-32 of [0-9A-Za-z_-|*], out_refund_no 1-64 adds '@'.
_OUT_TRADE_NO_RE: Final = re.compile(r"[0-9A-Za-z_\-|*]{6,32}", re.ASCII)
_OUT_REFUND_NO_RE: Final = re.compile(r"[0-9A-Za-z_\-|*@]{1,64}", re.ASCII)
_APIV3_KEY_BYTES: Final = 32


# --------------------------------------------------------------------------- errors


class WeChatPayError(Exception):
    """Base class for every error this adapter raises deliberately."""


class SignatureError(WeChatPayError):
    """A signed message (callback or API response) failed verification.

    ``reason`` is a stable machine-readable string; the message is for logs only.
    """

    reason: ClassVar[str] = "invalid_signature"

    def __init__(self, detail: str) -> None:
        super().__init__(f"{self.reason}: {detail}")
        self.detail = detail


class MissingHeaderError(SignatureError):
    reason: ClassVar[str] = "missing_header"


class MalformedHeaderError(SignatureError):
    reason: ClassVar[str] = "malformed_header"


class SignatureTestProbeError(SignatureError):
    """WeChat Pay periodically sends deliberately wrong ``WECHATPAY/SIGNTEST/...`` signatures.

    The provider expects the merchant to *reject* them like any bad signature; the
    dedicated type only exists so logs/metrics can tell probes from real attacks.
    """

    reason: ClassVar[str] = "signature_test_probe"


class TimestampSkewError(SignatureError):
    reason: ClassVar[str] = "timestamp_skew"


class UnknownSerialError(SignatureError):
    reason: ClassVar[str] = "unknown_serial"


class BadSignatureError(SignatureError):
    reason: ClassVar[str] = "bad_signature"


class DecryptError(WeChatPayError):
    """An AEAD_AES_256_GCM resource could not be authenticated, decrypted or parsed."""


class ProviderError(WeChatPayError):
    """The provider answered with an error (or an answer we cannot trust/parse)."""

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        *,
        detail: Any = None,
        request_id: str | None = None,
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.detail = detail
        self.request_id = request_id


# --------------------------------------------------------------------------- key loading


def load_private_key(pem: bytes | str) -> RSAPrivateKey:
    """Load the merchant API private key (``apiclient_key.pem``)."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    key = serialization.load_pem_private_key(data, password=None)
    if not isinstance(key, RSAPrivateKey):
        raise ValueError("WeChat Pay APIv3 requires an RSA private key")
    return key


def load_public_key(pem: bytes | str) -> RSAPublicKey:
    """Load a WeChat Pay public key (``pub_key.pem``, used with a ``PUB_KEY_ID_...``)."""
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    key = serialization.load_pem_public_key(data)
    if not isinstance(key, RSAPublicKey):
        raise ValueError("WeChat Pay APIv3 requires an RSA public key")
    return key


def load_platform_certificate(pem: bytes | str) -> tuple[str, RSAPublicKey]:
    """Return ``(serial, public key)`` of a platform certificate.

    The serial is upper-case hex because that is how ``Wechatpay-Serial`` spells it.
    """
    data = pem.encode("ascii") if isinstance(pem, str) else pem
    cert = x509.load_pem_x509_certificate(data)
    key = cert.public_key()
    if not isinstance(key, RSAPublicKey):
        raise ValueError("platform certificate does not carry an RSA key")
    return format(cert.serial_number, "X"), key


# --------------------------------------------------------------------------- signing


def random_nonce(length: int = 32) -> str:
    return "".join(secrets.choice(_NONCE_ALPHABET) for _ in range(length))


def format_rfc3339(moment: datetime) -> str:
    """Format an aware datetime the way the API expects (``2015-05-20T13:29:35+08:00``)."""
    if moment.tzinfo is None:
        raise ValueError("WeChat Pay timestamps must be timezone-aware")
    return moment.isoformat(timespec="seconds")


def build_request_message(
    method: str, url_path_with_query: str, timestamp: int | str, nonce: str, body: str
) -> str:
    return f"{method.upper()}\n{url_path_with_query}\n{timestamp}\n{nonce}\n{body}\n"


def build_verify_message(timestamp: str, nonce: str, body: bytes) -> bytes:
    # Kept at byte level: any decode/re-encode round trip risks altering the signed bytes.
    return timestamp.encode("ascii") + b"\n" + nonce.encode("ascii") + b"\n" + body + b"\n"


def _rsa_sign(message: bytes, private_key: RSAPrivateKey) -> str:
    signature = private_key.sign(message, padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def _rsa_verify(message: bytes, signature_b64: str, public_key: RSAPublicKey) -> bool:
    try:
        signature = base64.b64decode(signature_b64, validate=True)
        public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    except (binascii.Error, ValueError, InvalidSignature):
        return False
    return True


def sign_request(
    method: str,
    url_path_with_query: str,
    body: str,
    mchid: str,
    serial_no: str,
    private_key: RSAPrivateKey,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> str:
    """Build the ``Authorization`` header value for one merchant request.

    ``url_path_with_query`` must be exactly what goes on the wire after the host
    (``/v3/...?...``); ``body`` exactly the bytes sent (empty for GET).
    """
    if not url_path_with_query.startswith("/"):
        raise ValueError("sign the path (and query) only, not the absolute URL")
    ts = int(time.time()) if timestamp is None else timestamp
    nonce_str = random_nonce() if nonce is None else nonce
    message = build_request_message(method, url_path_with_query, ts, nonce_str, body)
    signature = _rsa_sign(message.encode("utf-8"), private_key)
    return (
        f'{AUTH_SCHEMA} mchid="{mchid}",nonce_str="{nonce_str}",'
        f'signature="{signature}",timestamp="{ts}",serial_no="{serial_no}"'
    )


@dataclass(frozen=True, slots=True)
class AuthorizationParams:
    mchid: str
    nonce_str: str
    signature: str
    timestamp: str
    serial_no: str


def parse_authorization(header: str | None) -> AuthorizationParams:
    if not header:
        raise MissingHeaderError("Authorization")
    schema, _, rest = header.strip().partition(" ")
    if schema != AUTH_SCHEMA:
        raise MalformedHeaderError(f"unsupported authorization schema {schema!r}")
    params = dict(_AUTH_PARAM_RE.findall(rest))
    try:
        return AuthorizationParams(
            mchid=params["mchid"],
            nonce_str=params["nonce_str"],
            signature=params["signature"],
            timestamp=params["timestamp"],
            serial_no=params["serial_no"],
        )
    except KeyError as exc:
        raise MalformedHeaderError(f"Authorization lacks {exc.args[0]}") from None


def _check_timestamp(raw: str, now: float, max_skew_seconds: int) -> None:
    if not _TIMESTAMP_RE.fullmatch(raw):
        raise MalformedHeaderError(f"timestamp {raw!r} is not epoch seconds")
    # Same rule as the official SDKs: |now - ts| >= 5 min is stale, in either direction.
    if abs(int(now) - int(raw)) >= max_skew_seconds:
        raise TimestampSkewError(f"timestamp {raw} is {int(now) - int(raw)} s off")


def verify_request_authorization(
    method: str,
    url_path_with_query: str,
    body: bytes,
    authorization: str | None,
    merchant_keys: Mapping[str, RSAPublicKey],
    *,
    expected_mchid: str,
    max_skew_seconds: int = DEFAULT_MAX_SKEW_SECONDS,
    now: Callable[[], float] = time.time,
) -> AuthorizationParams:
    """Provider-side check of a merchant request (used by the simulator)."""
    params = parse_authorization(authorization)
    if params.mchid != expected_mchid:
        raise BadSignatureError(f"mchid {params.mchid!r} is not the expected merchant")
    key = merchant_keys.get(params.serial_no)
    if key is None:
        raise UnknownSerialError(f"merchant serial {params.serial_no!r}")
    _check_timestamp(params.timestamp, now(), max_skew_seconds)
    head = f"{method.upper()}\n{url_path_with_query}\n{params.timestamp}\n{params.nonce_str}\n"
    message = head.encode() + body + b"\n"
    if not _rsa_verify(message, params.signature, key):
        raise BadSignatureError("merchant request signature does not verify")
    return params


def platform_signature_headers(
    body: bytes,
    private_key: RSAPrivateKey,
    serial: str,
    *,
    timestamp: int | None = None,
    nonce: str | None = None,
) -> dict[str, str]:
    """Headers the provider attaches to a signed response or callback (simulator side)."""
    ts = str(int(time.time()) if timestamp is None else timestamp)
    nonce_str = random_nonce() if nonce is None else nonce
    return {
        HEADER_NONCE: nonce_str,
        HEADER_SIGNATURE: _rsa_sign(build_verify_message(ts, nonce_str, body), private_key),
        HEADER_TIMESTAMP: ts,
        HEADER_SERIAL: serial,
        HEADER_SIGNATURE_TYPE: AUTH_SCHEMA,
    }


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        # Plain dicts are case-sensitive; HTTP header names are not.
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    if value is None:
        return None
    value = value.strip()
    return value or None


class NotificationVerifier:
    """Verifies provider-signed messages: callbacks *and* API responses (same scheme).

    ``platform_keys`` maps ``Wechatpay-Serial`` values to public keys; platform
    certificate serials and ``PUB_KEY_ID_...`` ids are both plain keys here, so a
    merchant migrating between the two simply lists both during the switch-over.
    """

    def __init__(
        self,
        platform_keys: Mapping[str, RSAPublicKey],
        max_skew_seconds: int = DEFAULT_MAX_SKEW_SECONDS,
        now: Callable[[], float] = time.time,
    ) -> None:
        if not platform_keys:
            raise ValueError("at least one platform key is required")
        if max_skew_seconds <= 0:
            raise ValueError("max_skew_seconds must be positive")
        self._keys = dict(platform_keys)
        self._max_skew = max_skew_seconds
        self._now = now

    @property
    def serials(self) -> frozenset[str]:
        return frozenset(self._keys)

    def verify(self, headers: Mapping[str, str], raw_body: bytes) -> None:
        """Raise a :class:`SignatureError` subclass unless the message is authentic.

        ``raw_body`` must be the bytes as received: a ``json.loads``/``json.dumps``
        round trip changes whitespace or key order and rightly fails verification.
        """
        values: dict[str, str] = {}
        for name in (HEADER_SERIAL, HEADER_SIGNATURE, HEADER_TIMESTAMP, HEADER_NONCE):
            value = _header(headers, name)
            if value is None:
                raise MissingHeaderError(name)
            values[name] = value
        signature = values[HEADER_SIGNATURE]
        if signature.startswith(SIGNTEST_PREFIX):
            raise SignatureTestProbeError("provider signature probe; reject it like any bad one")
        timestamp = values[HEADER_TIMESTAMP]
        _check_timestamp(timestamp, self._now(), self._max_skew)
        key = self._keys.get(values[HEADER_SERIAL])
        if key is None:
            raise UnknownSerialError(f"no platform key for serial {values[HEADER_SERIAL]!r}")
        message = build_verify_message(timestamp, values[HEADER_NONCE], raw_body)
        if not _rsa_verify(message, signature, key):
            raise BadSignatureError("signature does not match the raw body")


# --------------------------------------------------------------------------- AEAD


def _check_apiv3_key(api_v3_key: bytes) -> AESGCM:
    if len(api_v3_key) != _APIV3_KEY_BYTES:
        raise DecryptError("the APIv3 key must be exactly 32 bytes")
    return AESGCM(api_v3_key)


def encrypt_resource(
    payload: Mapping[str, Any],
    api_v3_key: bytes,
    *,
    original_type: str,
    associated_data: str = "",
    nonce: str | None = None,
) -> dict[str, str]:
    """Encrypt a resource exactly as callbacks carry it (used by the simulator)."""
    aead = _check_apiv3_key(api_v3_key)
    # The documented nonce is a 12-character string used as its UTF-8 bytes.
    nonce_str = random_nonce(12) if nonce is None else nonce
    plaintext = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    sealed = aead.encrypt(nonce_str.encode(), plaintext, associated_data.encode())
    return {
        "original_type": original_type,
        "algorithm": AEAD_ALGORITHM,
        "ciphertext": base64.b64encode(sealed).decode("ascii"),
        "associated_data": associated_data,
        "nonce": nonce_str,
    }


def decrypt_resource(resource: Mapping[str, Any], api_v3_key: bytes) -> dict[str, Any]:
    """Authenticate and decrypt a callback ``resource`` into its JSON object."""
    aead = _check_apiv3_key(api_v3_key)
    algorithm = resource.get("algorithm")
    if algorithm != AEAD_ALGORITHM:
        raise DecryptError(f"unsupported algorithm {algorithm!r}")
    ciphertext = resource.get("ciphertext")
    nonce = resource.get("nonce")
    associated_data = resource.get("associated_data") or ""
    if not isinstance(ciphertext, str) or not isinstance(nonce, str):
        raise DecryptError("resource lacks ciphertext/nonce")
    if not isinstance(associated_data, str):
        raise DecryptError("associated_data must be a string")
    try:
        sealed = base64.b64decode(ciphertext, validate=True)
        plaintext = aead.decrypt(nonce.encode(), sealed, associated_data.encode())
    except (binascii.Error, ValueError, InvalidTag):
        raise DecryptError("resource failed AEAD_AES_256_GCM authentication") from None
    try:
        decoded = json.loads(plaintext.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DecryptError("decrypted resource is not UTF-8 JSON") from None
    if not isinstance(decoded, dict):
        raise DecryptError("decrypted resource is not a JSON object")
    return decoded


# --------------------------------------------------------------------------- models


class _Model(BaseModel):
    # Ignore unknown fields: the provider adds fields over time without versioning.
    model_config = ConfigDict(extra="ignore", frozen=True)


class EventType(StrEnum):
    TRANSACTION_SUCCESS = "TRANSACTION.SUCCESS"
    REFUND_SUCCESS = "REFUND.SUCCESS"
    REFUND_ABNORMAL = "REFUND.ABNORMAL"
    REFUND_CLOSED = "REFUND.CLOSED"


class TradeState(StrEnum):
    SUCCESS = "SUCCESS"
    REFUND = "REFUND"
    NOTPAY = "NOTPAY"
    CLOSED = "CLOSED"
    REVOKED = "REVOKED"
    USERPAYING = "USERPAYING"
    PAYERROR = "PAYERROR"


class RefundStatus(StrEnum):
    SUCCESS = "SUCCESS"
    CLOSED = "CLOSED"
    PROCESSING = "PROCESSING"
    ABNORMAL = "ABNORMAL"


class EncryptedResource(_Model):
    algorithm: str
    ciphertext: str
    nonce: str
    associated_data: str = ""
    original_type: str | None = None


class NotificationEnvelope(_Model):
    id: str
    create_time: datetime
    # Plain str: an envelope with an event type we do not know must still parse so the
    # caller can acknowledge or log it instead of failing before looking at it.
    event_type: str
    resource_type: str
    resource: EncryptedResource
    summary: str


class TransactionAmount(_Model):
    total: int
    payer_total: int | None = None
    currency: str | None = None
    payer_currency: str | None = None


class Payer(_Model):
    openid: str | None = None


class Transaction(_Model):
    """Decrypted TRANSACTION.* resource; also the shape of the query-order response."""

    appid: str | None = None
    mchid: str
    out_trade_no: str
    transaction_id: str | None = None
    trade_type: str | None = None
    trade_state: TradeState
    trade_state_desc: str | None = None
    bank_type: str | None = None
    attach: str | None = None
    success_time: datetime | None = None
    payer: Payer | None = None
    amount: TransactionAmount | None = None


class RefundAmount(_Model):
    total: int
    refund: int
    payer_total: int | None = None
    payer_refund: int | None = None
    settlement_total: int | None = None
    settlement_refund: int | None = None
    discount_refund: int | None = None
    currency: str | None = None


class RefundNotification(_Model):
    """Decrypted REFUND.* resource."""

    mchid: str | None = None
    out_trade_no: str
    transaction_id: str | None = None
    out_refund_no: str
    refund_id: str
    refund_status: RefundStatus
    success_time: datetime | None = None
    user_received_account: str | None = None
    amount: RefundAmount


class Refund(_Model):
    """Response of ``POST /v3/refund/domestic/refunds`` and of the refund query
    ``GET /v3/refund/domestic/refunds/{out_refund_no}`` (same shape)."""

    refund_id: str
    out_refund_no: str
    transaction_id: str | None = None
    out_trade_no: str | None = None
    channel: str | None = None
    user_received_account: str | None = None
    success_time: datetime | None = None
    create_time: datetime | None = None
    status: RefundStatus
    funds_account: str | None = None
    amount: RefundAmount


class TradeBillLocation(_Model):
    hash_type: str
    hash_value: str
    download_url: str


def decrypt_transaction(resource: EncryptedResource, api_v3_key: bytes) -> Transaction:
    data = decrypt_resource(resource.model_dump(), api_v3_key)
    try:
        return Transaction.model_validate(data)
    except ValidationError as exc:
        raise DecryptError(f"decrypted transaction has an unexpected shape: {exc}") from None


def decrypt_refund(resource: EncryptedResource, api_v3_key: bytes) -> RefundNotification:
    data = decrypt_resource(resource.model_dump(), api_v3_key)
    try:
        return RefundNotification.model_validate(data)
    except ValidationError as exc:
        raise DecryptError(f"decrypted refund has an unexpected shape: {exc}") from None


# --------------------------------------------------------------------------- client

_ModelT = TypeVar("_ModelT", bound=BaseModel)


def _check_out_trade_no(value: str) -> str:
    if not _OUT_TRADE_NO_RE.fullmatch(value):
        raise ValueError("out_trade_no must be 6-32 chars of [0-9A-Za-z_-|*]")
    return value


def _check_out_refund_no(value: str) -> str:
    if not _OUT_REFUND_NO_RE.fullmatch(value):
        raise ValueError("out_refund_no must be 1-64 chars of [0-9A-Za-z_-|*@]")
    return value


def _check_fen(name: str, value: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{name} must be a positive integer amount in fen")
    return value


class WeChatPayClient:
    """Async APIv3 client for Native payments, refunds and trade bills.

    The ``httpx.AsyncClient`` is injected (timeouts, proxies, ASGI transport for tests
    are the caller's business) and ``base_url`` can point at the simulator.

    Failure modes: :class:`ProviderError` for non-2xx answers or unusable payloads,
    :class:`SignatureError` when a 2xx answer is not provably from the provider, and
    ``httpx`` transport errors are left to propagate: in all of those cases whether the
    provider acted is unknown, so callers should reconcile by querying.
    """

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        mchid: str,
        merchant_serial_no: str,
        merchant_private_key: RSAPrivateKey,
        verifier: NotificationVerifier,
        base_url: str = DEFAULT_BASE_URL,
        wechatpay_serial: str | None = None,
        allowed_download_hosts: Collection[str] | None = None,
        user_agent: str = "skillcert-payment/0.1",
    ) -> None:
        self._http = http
        self._mchid = mchid
        self._serial_no = merchant_serial_no
        self._private_key = merchant_private_key
        self._verifier = verifier
        self._base_url = httpx.URL(base_url.rstrip("/"))
        # Sending Wechatpay-Serial tells the provider which platform key to sign with,
        # which matters while migrating from platform certificates to PUB_KEY_ID keys.
        self._wechatpay_serial = wechatpay_serial
        self._user_agent = user_agent
        hosts = (
            set(allowed_download_hosts)
            if allowed_download_hosts is not None
            else {"api.mch.weixin.qq.com", "api2.mch.weixin.qq.com"}
        )
        hosts.add(self._base_url.host)
        self._download_hosts = frozenset(hosts)

    # -- API operations ---------------------------------------------------------

    async def create_native_order(
        self,
        *,
        appid: str,
        description: str,
        out_trade_no: str,
        amount_fen: int,
        notify_url: str,
        time_expire: datetime | None = None,
        attach: str | None = None,
    ) -> str:
        """Place a Native (QR code) order and return its ``code_url``."""
        if not description or len(description) > 127:
            raise ValueError("description must be 1-127 characters")
        payload: dict[str, Any] = {
            "appid": appid,
            "mchid": self._mchid,
            "description": description,
            "out_trade_no": _check_out_trade_no(out_trade_no),
            "notify_url": notify_url,
            "amount": {"total": _check_fen("amount_fen", amount_fen), "currency": "CNY"},
        }
        if time_expire is not None:
            payload["time_expire"] = format_rfc3339(time_expire)
        if attach is not None:
            payload["attach"] = attach
        response = await self._request("POST", "/v3/pay/transactions/native", payload)
        data = self._json_object(response)
        code_url = data.get("code_url")
        if not isinstance(code_url, str) or not code_url:
            raise ProviderError(response.status_code, "INVALID_RESPONSE", "no code_url")
        return code_url

    async def query_order(self, out_trade_no: str) -> Transaction:
        path = (
            f"/v3/pay/transactions/out-trade-no/{quote(_check_out_trade_no(out_trade_no), '')}"
            f"?{urlencode({'mchid': self._mchid})}"
        )
        response = await self._request("GET", path)
        return self._model(Transaction, response)

    async def close_order(self, out_trade_no: str) -> None:
        path = f"/v3/pay/transactions/out-trade-no/{quote(_check_out_trade_no(out_trade_no), '')}"
        await self._request("POST", f"{path}/close", {"mchid": self._mchid})

    async def refund(
        self,
        *,
        out_trade_no: str,
        out_refund_no: str,
        refund_fen: int,
        total_fen: int,
        reason: str | None = None,
        notify_url: str | None = None,
    ) -> Refund:
        _check_out_refund_no(out_refund_no)
        _check_fen("refund_fen", refund_fen)
        _check_fen("total_fen", total_fen)
        if refund_fen > total_fen:
            raise ValueError("refund_fen cannot exceed total_fen")
        if reason is not None and len(reason) > 80:
            raise ValueError("reason is limited to 80 characters")
        payload: dict[str, Any] = {
            "out_trade_no": _check_out_trade_no(out_trade_no),
            "out_refund_no": out_refund_no,
            "amount": {"refund": refund_fen, "total": total_fen, "currency": "CNY"},
        }
        if reason is not None:
            payload["reason"] = reason
        if notify_url is not None:
            payload["notify_url"] = notify_url
        response = await self._request("POST", "/v3/refund/domestic/refunds", payload)
        return self._model(Refund, response)

    async def query_refund(self, out_refund_no: str) -> Refund:
        """The refund's current state (``GET /v3/refund/domestic/refunds/{out_refund_no}``):
        SUCCESS, PROCESSING, ABNORMAL or CLOSED, for when its notification never came."""
        path = f"/v3/refund/domestic/refunds/{quote(_check_out_refund_no(out_refund_no), '')}"
        response = await self._request("GET", path)
        return self._model(Refund, response)

    async def download_trade_bill(self, bill_date: date, bill_type: str = "ALL") -> str:
        """Fetch the day's trade bill CSV text exactly as the provider formats it.

        Two steps, as documented: ``GET /v3/bill/tradebill`` (signed response) yields a
        short-lived ``download_url``; the file itself comes back *unsigned*, so its
        integrity is checked against the SHA1 announced in the signed first step.
        """
        if bill_type not in {"ALL", "SUCCESS", "REFUND"}:
            raise ValueError("bill_type must be ALL, SUCCESS or REFUND")
        query = urlencode({"bill_date": bill_date.isoformat(), "bill_type": bill_type})
        response = await self._request("GET", f"/v3/bill/tradebill?{query}")
        location = self._model(TradeBillLocation, response)
        url = httpx.URL(location.download_url)
        if url.host not in self._download_hosts or url.scheme not in {
            "https",
            self._base_url.scheme,
        }:
            raise ProviderError(
                response.status_code, "UNTRUSTED_DOWNLOAD_URL", f"refusing {url.host!r}"
            )
        bill = await self._request("GET", url, verify=False)
        if location.hash_type.upper() != "SHA1":
            raise ProviderError(bill.status_code, "UNSUPPORTED_HASH", location.hash_type)
        digest = hashlib.sha1(bill.content).hexdigest().encode("ascii")
        # Compare bytes: compare_digest raises TypeError on non-ASCII str input.
        if not hmac.compare_digest(digest, location.hash_value.lower().encode("utf-8")):
            raise ProviderError(bill.status_code, "BILL_HASH_MISMATCH", "bill file corrupted")
        return bill.content.decode("utf-8")

    # -- plumbing ---------------------------------------------------------------

    async def _request(
        self,
        method: str,
        target: str | httpx.URL,
        payload: Mapping[str, Any] | None = None,
        *,
        verify: bool = True,
    ) -> httpx.Response:
        url = target if isinstance(target, httpx.URL) else httpx.URL(f"{self._base_url}{target}")
        body = (
            ""
            if payload is None
            else json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
        )
        # Sign httpx's own rendering of path+query so the signed string and the bytes on
        # the wire cannot diverge through re-encoding.
        signed_target = url.raw_path.decode("ascii")
        headers = {
            "Authorization": sign_request(
                method, signed_target, body, self._mchid, self._serial_no, self._private_key
            ),
            "Accept": "application/json",
            "User-Agent": self._user_agent,
        }
        if payload is not None:
            headers["Content-Type"] = "application/json"
        if self._wechatpay_serial is not None:
            headers[HEADER_SERIAL] = self._wechatpay_serial
        response = await self._http.request(
            method,
            url,
            content=body.encode("utf-8") if payload is not None else None,
            headers=headers,
        )
        if not response.is_success:
            raise self._provider_error(response)
        if verify:
            self._verifier.verify(response.headers, response.content)
        return response

    @staticmethod
    def _provider_error(response: httpx.Response) -> ProviderError:
        code = f"HTTP_{response.status_code}"
        message = response.reason_phrase
        detail: Any = None
        try:
            data = response.json()
        except ValueError:
            data = None
        if isinstance(data, dict):
            code = str(data.get("code") or code)
            message = str(data.get("message") or message)
            detail = data.get("detail")
        return ProviderError(
            response.status_code,
            code,
            message,
            detail=detail,
            request_id=response.headers.get(HEADER_REQUEST_ID),
        )

    @staticmethod
    def _json_object(response: httpx.Response) -> dict[str, Any]:
        try:
            data = response.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            raise ProviderError(response.status_code, "INVALID_RESPONSE", "expected a JSON object")
        return data

    @staticmethod
    def _model(model: type[_ModelT], response: httpx.Response) -> _ModelT:
        try:
            return model.model_validate_json(response.content)
        except ValidationError as exc:
            raise ProviderError(response.status_code, "INVALID_RESPONSE", str(exc)) from None
