from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from payment.provider import (
    AUTH_SCHEMA,
    BadSignatureError,
    DecryptError,
    EncryptedResource,
    EventType,
    MalformedHeaderError,
    MissingHeaderError,
    NotificationEnvelope,
    NotificationVerifier,
    RefundNotification,
    RefundStatus,
    SignatureTestProbeError,
    TimestampSkewError,
    TradeState,
    Transaction,
    UnknownSerialError,
    decrypt_refund,
    decrypt_resource,
    decrypt_transaction,
    encrypt_resource,
    parse_authorization,
    platform_signature_headers,
    sign_request,
    verify_request_authorization,
)
from skillcert_devtools.wechatpay import DevKeySet

NOW = 1_722_850_421
# Pretty-printed on purpose: the provider's raw bytes are whatever it sent, and the
# re-serialisation test below depends on compact json.dumps output differing from them.
RAW_BODY = (
    '{"id": "EV-2018022511223320873", "create_time": "2015-05-20T13:29:35+08:00",\n'
    ' "resource_type": "encrypt-resource", "event_type": "TRANSACTION.SUCCESS",\n'
    ' "summary": "支付成功", "resource": {"original_type": "transaction",\n'
    ' "algorithm": "AEAD_AES_256_GCM", "ciphertext": "", "associated_data": "", "nonce": ""}}'
).encode()


def signed_headers(keys: DevKeySet, body: bytes, *, timestamp: int = NOW) -> dict[str, str]:
    return platform_signature_headers(
        body, keys.platform_private_key, keys.platform_serial, timestamp=timestamp
    )


def verifier_for(keys: DevKeySet, *, now: int = NOW) -> NotificationVerifier:
    return NotificationVerifier(keys.platform_keys, max_skew_seconds=300, now=lambda: now)


# --------------------------------------------------------------------------- request signing


def test_sign_request_builds_documented_header_and_message(keys: DevKeySet) -> None:
    body = '{"mchid":"1900000109"}'
    header = sign_request(
        "post",
        "/v3/pay/transactions/out-trade-no/ORDER_0001/close",
        body,
        keys.mchid,
        keys.merchant_serial_no,
        keys.merchant_private_key,
        timestamp=1554208460,
        nonce="593BEC0C930BF1AFEB40B4A08C8FB242",
    )
    assert header.startswith(f'{AUTH_SCHEMA} mchid="{keys.mchid}",nonce_str="')
    params = parse_authorization(header)
    assert (params.mchid, params.timestamp, params.serial_no) == (
        keys.mchid,
        "1554208460",
        keys.merchant_serial_no,
    )
    # Independently rebuild the five-line message the docs describe and check the raw
    # PKCS#1 v1.5 / SHA-256 signature against it.
    message = (
        "POST\n/v3/pay/transactions/out-trade-no/ORDER_0001/close\n1554208460\n"
        f"593BEC0C930BF1AFEB40B4A08C8FB242\n{body}\n"
    ).encode()
    keys.merchant_public_key.verify(
        base64.b64decode(params.signature), message, padding.PKCS1v15(), hashes.SHA256()
    )


def test_get_request_signs_query_and_empty_body(keys: DevKeySet) -> None:
    target = "/v3/pay/transactions/out-trade-no/ORDER_0001?mchid=1900000109"
    header = sign_request(
        "GET", target, "", keys.mchid, keys.merchant_serial_no, keys.merchant_private_key
    )
    params = verify_request_authorization(
        "GET", target, b"", header, {keys.merchant_serial_no: keys.merchant_public_key},
        expected_mchid=keys.mchid,
    )  # fmt: skip
    message = f"GET\n{target}\n{params.timestamp}\n{params.nonce_str}\n\n".encode()
    keys.merchant_public_key.verify(
        base64.b64decode(params.signature), message, padding.PKCS1v15(), hashes.SHA256()
    )
    with pytest.raises(BadSignatureError):
        verify_request_authorization(
            "GET", target.replace("mchid=1", "mchid=2"), b"", header,
            {keys.merchant_serial_no: keys.merchant_public_key}, expected_mchid=keys.mchid,
        )  # fmt: skip


def test_sign_request_refuses_absolute_urls(keys: DevKeySet) -> None:
    with pytest.raises(ValueError, match="path"):
        sign_request(
            "GET",
            "https://api.mch.weixin.qq.com/v3/certificates",
            "",
            keys.mchid,
            keys.merchant_serial_no,
            keys.merchant_private_key,
        )


# --------------------------------------------------------------------------- verification


def test_round_trip_verifies(keys: DevKeySet) -> None:
    verifier_for(keys).verify(signed_headers(keys, RAW_BODY), RAW_BODY)


def test_header_names_are_case_insensitive(keys: DevKeySet) -> None:
    headers = {k.lower(): v for k, v in signed_headers(keys, RAW_BODY).items()}
    verifier_for(keys).verify(headers, RAW_BODY)


def test_tampered_body_fails(keys: DevKeySet) -> None:
    headers = signed_headers(keys, RAW_BODY)
    tampered = RAW_BODY.replace(b"TRANSACTION.SUCCESS", b"TRANSACTION.SUCCESX")
    with pytest.raises(BadSignatureError) as caught:
        verifier_for(keys).verify(headers, tampered)
    assert caught.value.reason == "bad_signature"


def test_reserialised_json_body_fails(keys: DevKeySet) -> None:
    headers = signed_headers(keys, RAW_BODY)
    reserialised = json.dumps(json.loads(RAW_BODY), ensure_ascii=False).encode()
    assert reserialised != RAW_BODY and json.loads(reserialised) == json.loads(RAW_BODY)
    with pytest.raises(BadSignatureError):
        verifier_for(keys).verify(headers, reserialised)


def test_signature_from_other_key_fails(keys: DevKeySet, other_keys: DevKeySet) -> None:
    forged = platform_signature_headers(
        RAW_BODY, other_keys.platform_private_key, keys.platform_serial, timestamp=NOW
    )
    with pytest.raises(BadSignatureError):
        verifier_for(keys).verify(forged, RAW_BODY)


def test_unknown_serial_fails(keys: DevKeySet, other_keys: DevKeySet) -> None:
    headers = platform_signature_headers(
        RAW_BODY, other_keys.platform_private_key, other_keys.platform_serial, timestamp=NOW
    )
    with pytest.raises(UnknownSerialError) as caught:
        verifier_for(keys).verify(headers, RAW_BODY)
    assert caught.value.reason == "unknown_serial"


def test_certificate_serial_and_public_key_id_can_coexist(
    keys: DevKeySet, other_keys: DevKeySet
) -> None:
    assert keys.platform_serial.startswith("PUB_KEY_ID_")
    assert not other_keys.platform_serial.startswith("PUB_KEY_ID_")
    verifier = NotificationVerifier(
        {**keys.platform_keys, **other_keys.platform_keys}, now=lambda: NOW
    )
    verifier.verify(signed_headers(keys, RAW_BODY), RAW_BODY)
    verifier.verify(signed_headers(other_keys, RAW_BODY), RAW_BODY)


@pytest.mark.parametrize("offset", [300, -300, 301, -3600])
def test_timestamp_skew_of_300s_or_more_is_rejected(keys: DevKeySet, offset: int) -> None:
    headers = signed_headers(keys, RAW_BODY, timestamp=NOW - offset)
    with pytest.raises(TimestampSkewError) as caught:
        verifier_for(keys).verify(headers, RAW_BODY)
    assert caught.value.reason == "timestamp_skew"


@pytest.mark.parametrize("offset", [299, -299, 0])
def test_timestamp_skew_below_300s_is_accepted(keys: DevKeySet, offset: int) -> None:
    verifier_for(keys).verify(signed_headers(keys, RAW_BODY, timestamp=NOW - offset), RAW_BODY)


def test_signtest_probe_is_rejected(keys: DevKeySet) -> None:
    headers = signed_headers(keys, RAW_BODY)
    headers["Wechatpay-Signature"] = "WECHATPAY/SIGNTEST/" + headers["Wechatpay-Signature"]
    with pytest.raises(SignatureTestProbeError) as caught:
        verifier_for(keys).verify(headers, RAW_BODY)
    assert caught.value.reason == "signature_test_probe"


@pytest.mark.parametrize(
    "missing",
    ["Wechatpay-Serial", "Wechatpay-Signature", "Wechatpay-Timestamp", "Wechatpay-Nonce"],
)
def test_missing_header_is_rejected(keys: DevKeySet, missing: str) -> None:
    headers = signed_headers(keys, RAW_BODY)
    del headers[missing]
    with pytest.raises(MissingHeaderError) as caught:
        verifier_for(keys).verify(headers, RAW_BODY)
    assert caught.value.reason == "missing_header"
    assert missing in str(caught.value)


def test_non_numeric_timestamp_is_malformed(keys: DevKeySet) -> None:
    headers = signed_headers(keys, RAW_BODY)
    headers["Wechatpay-Timestamp"] = "2024-01-01T00:00:00Z"
    with pytest.raises(MalformedHeaderError):
        verifier_for(keys).verify(headers, RAW_BODY)


# --------------------------------------------------------------------------- AEAD


TRANSACTION = {
    "appid": "wxd678efh567hg6787",
    "mchid": "1230000109",
    "out_trade_no": "1217752501201407033233368018",
    "transaction_id": "1217752501201407033233368018",
    "trade_type": "NATIVE",
    "trade_state": "SUCCESS",
    "trade_state_desc": "支付成功",
    "bank_type": "CMC",
    "attach": "自定义数据",
    "success_time": "2018-06-08T10:34:56+08:00",
    "payer": {"openid": "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"},
    "amount": {"total": 100, "payer_total": 100, "currency": "CNY", "payer_currency": "CNY"},
}


def test_aead_round_trip(keys: DevKeySet) -> None:
    resource = encrypt_resource(
        TRANSACTION, keys.api_v3_key, original_type="transaction", associated_data="transaction"
    )
    assert resource["algorithm"] == "AEAD_AES_256_GCM" and len(resource["nonce"]) == 12
    assert decrypt_resource(resource, keys.api_v3_key) == TRANSACTION


def test_decrypt_matches_independent_gcm_construction(keys: DevKeySet) -> None:
    # Documented format: nonce and associated_data are strings used as UTF-8 bytes, the
    # ciphertext is base64(ciphertext || 16-byte tag), key is the 32-byte APIv3 key.
    plaintext = json.dumps(TRANSACTION).encode()
    sealed = AESGCM(keys.api_v3_key).encrypt(b"a674bf75ea55", plaintext, b"transaction")
    resource = {
        "algorithm": "AEAD_AES_256_GCM",
        "ciphertext": base64.b64encode(sealed).decode(),
        "nonce": "a674bf75ea55",
        "associated_data": "transaction",
    }
    assert decrypt_resource(resource, keys.api_v3_key) == TRANSACTION


def test_decrypt_with_wrong_key_fails(keys: DevKeySet, other_keys: DevKeySet) -> None:
    resource = encrypt_resource(TRANSACTION, keys.api_v3_key, original_type="transaction")
    with pytest.raises(DecryptError):
        decrypt_resource(resource, other_keys.api_v3_key)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("associated_data", "refund"),
        ("nonce", "000000000000"),
        ("algorithm", "AEAD_AES_128_GCM"),
        ("ciphertext", "not base64!"),
    ],
)
def test_decrypt_rejects_altered_resource(keys: DevKeySet, field: str, value: str) -> None:
    resource = encrypt_resource(
        TRANSACTION, keys.api_v3_key, original_type="transaction", associated_data="transaction"
    )
    resource[field] = value
    with pytest.raises(DecryptError):
        decrypt_resource(resource, keys.api_v3_key)


def test_decrypt_rejects_flipped_ciphertext_bit(keys: DevKeySet) -> None:
    resource = encrypt_resource(TRANSACTION, keys.api_v3_key, original_type="transaction")
    sealed = bytearray(base64.b64decode(resource["ciphertext"]))
    sealed[0] ^= 0x01
    resource["ciphertext"] = base64.b64encode(bytes(sealed)).decode()
    with pytest.raises(DecryptError):
        decrypt_resource(resource, keys.api_v3_key)


def test_decrypt_rejects_short_key(keys: DevKeySet) -> None:
    resource = encrypt_resource(TRANSACTION, keys.api_v3_key, original_type="transaction")
    with pytest.raises(DecryptError, match="32 bytes"):
        decrypt_resource(resource, keys.api_v3_key[:16])


# --------------------------------------------------------------------------- models


def test_envelope_model_parses_documented_example() -> None:
    envelope = NotificationEnvelope.model_validate_json(RAW_BODY)
    assert envelope.event_type == EventType.TRANSACTION_SUCCESS
    assert envelope.create_time == datetime(2015, 5, 20, 5, 29, 35, tzinfo=UTC)
    assert envelope.resource.original_type == "transaction"


def test_transaction_model_from_decrypted_resource(keys: DevKeySet) -> None:
    resource = EncryptedResource.model_validate(
        encrypt_resource(TRANSACTION, keys.api_v3_key, original_type="transaction")
    )
    transaction = decrypt_transaction(resource, keys.api_v3_key)
    assert transaction == Transaction.model_validate(TRANSACTION)
    assert transaction.trade_state is TradeState.SUCCESS
    assert transaction.amount is not None and transaction.amount.payer_total == 100
    assert transaction.payer is not None
    assert transaction.payer.openid == "oUpF8uMuAJO_M2pxb1Q9zNjWeS6o"


def test_refund_model_from_decrypted_resource(keys: DevKeySet) -> None:
    refund = {
        "mchid": "1900000100",
        "out_trade_no": "20150806125346",
        "transaction_id": "1217752501201407033233368018",
        "refund_id": "50200207182018070300011301001",
        "out_refund_no": "7752501201407033233368018",
        "refund_status": "SUCCESS",
        "success_time": "2018-06-08T10:34:56+08:00",
        "user_received_account": "招商银行信用卡0403",
        "amount": {"total": 999, "refund": 999, "payer_total": 999, "payer_refund": 999},
    }
    resource = EncryptedResource.model_validate(
        encrypt_resource(refund, keys.api_v3_key, original_type="refund")
    )
    parsed = decrypt_refund(resource, keys.api_v3_key)
    assert parsed == RefundNotification.model_validate(refund)
    assert parsed.refund_status is RefundStatus.SUCCESS and parsed.amount.payer_refund == 999


def test_decrypted_resource_of_wrong_shape_is_a_decrypt_error(keys: DevKeySet) -> None:
    resource = EncryptedResource.model_validate(
        encrypt_resource({"unexpected": True}, keys.api_v3_key, original_type="transaction")
    )
    with pytest.raises(DecryptError, match="unexpected shape"):
        decrypt_transaction(resource, keys.api_v3_key)


def test_rsa_signature_is_pkcs1v15_not_pss(keys: DevKeySet) -> None:
    headers = signed_headers(keys, RAW_BODY)
    message = f"{NOW}\n{headers['Wechatpay-Nonce']}\n".encode() + RAW_BODY + b"\n"
    signature = base64.b64decode(headers["Wechatpay-Signature"])
    keys.platform_public_key.verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    pss = padding.PSS(mgf=padding.MGF1(hashes.SHA256()), salt_length=padding.PSS.MAX_LENGTH)
    with pytest.raises(InvalidSignature):
        keys.platform_public_key.verify(signature, message, pss, hashes.SHA256())
