"""The providers' request signatures, from their public API documents. Pure functions: the
senders sign with them and the tests' fake providers verify with them, recomputing from the
secret as the providers do.

* Aliyun RPC signature v1 (签名机制, SignatureVersion 1.0, HMAC-SHA1): the parameters sorted by
  name, each name and value percent-encoded per RFC 3986 (space %20, ``*`` %2A, ``~`` kept),
  joined ``k=v&…``; StringToSign = ``METHOD&%2F&`` + percent-encode(that query);
  Signature = Base64(HMAC-SHA1(AccessKeySecret + "&", StringToSign)).
* Tencent Cloud API v3 (TC3-HMAC-SHA256): CanonicalRequest of method, URI ``/``, query,
  the signed headers (``content-type;host;x-tc-action``) lower-cased and sorted, SHA-256 of
  the payload;
  StringToSign = ``TC3-HMAC-SHA256\\n{timestamp}\\n{date}/{service}/tc3_request\\n`` +
  hex(SHA-256(CanonicalRequest)); the key derived by HMAC-SHA256 chaining "TC3"+SecretKey over
  the UTC date, the service and ``tc3_request``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote

TC3_ALGORITHM = "TC3-HMAC-SHA256"


def aliyun_percent_encode(value: str) -> str:
    # quote() with no safe characters already leaves "~" and encodes "*" and space as %2A, %20.
    return quote(value, safe="~")


def aliyun_canonical_query(params: Mapping[str, str]) -> str:
    return "&".join(
        f"{aliyun_percent_encode(k)}={aliyun_percent_encode(params[k])}" for k in sorted(params)
    )


def aliyun_signature(method: str, params: Mapping[str, str], secret: str) -> str:
    """The ``Signature`` of an RPC request whose other parameters are `params`."""
    string_to_sign = (
        f"{method}&{aliyun_percent_encode('/')}&"
        f"{aliyun_percent_encode(aliyun_canonical_query(params))}"
    )
    digest = hmac.new(f"{secret}&".encode(), string_to_sign.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def _hmac256(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode(), hashlib.sha256).digest()


def tc3_signed_headers(headers: Mapping[str, str]) -> str:
    return ";".join(sorted(name.lower() for name in headers))


def tc3_signature(
    *,
    secret_key: str,
    service: str,
    headers: Mapping[str, str],
    payload: bytes,
    timestamp: int,
) -> str:
    """The hex signature of a POST to ``/`` signing `headers` (name → value as sent; the
    action's value is lower-cased in the canonical form, as the document's example shows)."""
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    canonical = {name.lower(): value.strip() for name, value in headers.items()}
    if "x-tc-action" in canonical:
        canonical["x-tc-action"] = canonical["x-tc-action"].lower()
    canonical_headers = "".join(f"{name}:{canonical[name]}\n" for name in sorted(canonical))
    canonical_request = "\n".join(
        [
            "POST",
            "/",
            "",
            canonical_headers,
            tc3_signed_headers(headers),
            hashlib.sha256(payload).hexdigest(),
        ]
    )
    scope = f"{date}/{service}/tc3_request"
    string_to_sign = "\n".join(
        [
            TC3_ALGORITHM,
            str(timestamp),
            scope,
            hashlib.sha256(canonical_request.encode()).hexdigest(),
        ]
    )
    key = _hmac256(_hmac256(_hmac256(f"TC3{secret_key}".encode(), date), service), "tc3_request")
    return hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()


def tc3_authorization(
    *, secret_id: str, service: str, timestamp: int, signed_headers: str, signature: str
) -> str:
    date = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    return (
        f"{TC3_ALGORITHM} Credential={secret_id}/{date}/{service}/tc3_request, "
        f"SignedHeaders={signed_headers}, Signature={signature}"
    )
