"""Verifiable credentials of issued certificates, no I/O: the W3C Bitstring Status List v1.0
that publishes revocations, the Open Badges 3.0 credential (OpenBadgeCredential) a holder
exports, and the VC-JWT signing both share (VC Data Model 2.0 secured with JOSE: the JWT
payload is the credential itself).

References: https://www.w3.org/TR/vc-bitstring-status-list/,
https://www.imsglobal.org/spec/ob/v3p0/ (§8.2 VC-JWT), https://www.w3.org/TR/vc-jose-cose/."""

from __future__ import annotations

import base64
import gzip
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import jwt
from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
VC_JWT_TYPE = "vc+jwt"
VC_JWT_MEDIA_TYPE = "application/vc+jwt"

# The specification's minimum (16 KiB): a list that small would let a verifier fetching it
# tell which few certificates it is about ("herd privacy").
LIST_SIZE = 131_072
STATUS_PURPOSE = "revocation"
# How long a verifier may cache a status list (Cache-Control max-age and the list's `ttl`).
LIST_TTL_S = 300


# --- the bitstring -------------------------------------------------------------------------


def encode_bitstring(set_positions: Iterable[int], size: int = LIST_SIZE) -> str:
    """`encodedList`: the bitstring with the given positions set, GZIP-compressed, base64url
    without padding, with the multibase prefix `u`. Position 0 is the most significant bit of
    the first byte (the specification's left-most bit)."""
    bits = bytearray(size // 8)
    for position in set_positions:
        if not 0 <= position < size:
            raise ValueError(f"status list position {position} is outside 0..{size - 1}")
        bits[position // 8] |= 0x80 >> (position % 8)
    # mtime=0: the same list always compresses to the same bytes (stable ETag).
    compressed = gzip.compress(bytes(bits), mtime=0)
    return "u" + base64.urlsafe_b64encode(compressed).decode().rstrip("=")


def decode_bitstring(encoded: str) -> bytes:
    """The raw bitstring of an `encodedList` (what a verifier does)."""
    if not encoded.startswith("u"):
        raise ValueError("encodedList must be multibase base64url (prefix u)")
    body = encoded[1:]
    return gzip.decompress(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def bit_at(bitstring: bytes, position: int) -> bool:
    return bool(bitstring[position // 8] & (0x80 >> (position % 8)))


def list_of(index: int) -> tuple[int, int]:
    """An organisation's running status index -> (list number, position in that list)."""
    return divmod(index, LIST_SIZE)


# --- where things are published --------------------------------------------------------------


@dataclass(frozen=True)
class Urls:
    """The public addresses of one organisation's issuer documents (under the gateway)."""

    base: str
    org_id: str

    @property
    def issuer(self) -> str:
        return f"{self.base.rstrip('/')}/api/v1/certificate/issuers/{self.org_id}"

    @property
    def jwks(self) -> str:
        return f"{self.issuer}/jwks"

    def status_list(self, list_no: int) -> str:
        return f"{self.base.rstrip('/')}/api/v1/certificate/status-lists/{self.org_id}/{list_no}"


# --- keys --------------------------------------------------------------------------------


SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey


def algorithm_for(key: SigningKey) -> str:
    if isinstance(key, rsa.RSAPrivateKey):
        return "RS256"
    if isinstance(key.curve, ec.SECP256R1):
        return "ES256"
    if isinstance(key.curve, ec.SECP384R1):
        return "ES384"
    raise ValueError(f"no JOSE algorithm for curve {key.curve.name}")


def public_jwk(
    key: SigningKey, certificate: x509.Certificate, chain: Iterable[x509.Certificate] = ()
) -> dict[str, Any]:
    """The organisation's public key as a JWK: `kid` is its RFC 7638 thumbprint and `x5c` the
    X.509 chain of the same key (the one that signs the PDFs), so a verifier may also tie it to
    the CA it trusts for the PDFs."""
    public = key.public_key()
    jwk: dict[str, Any]
    if isinstance(public, rsa.RSAPublicKey):
        jwk = jwt.algorithms.RSAAlgorithm.to_jwk(public, as_dict=True)
        members: tuple[str, ...] = ("e", "kty", "n")
    else:
        jwk = jwt.algorithms.ECAlgorithm.to_jwk(public, as_dict=True)
        members = ("crv", "kty", "x", "y")
    required = {k: jwk[k] for k in members}
    digest = hashlib.sha256(json.dumps(required, separators=(",", ":"), sort_keys=True).encode())
    thumbprint = base64.urlsafe_b64encode(digest.digest()).decode().rstrip("=")
    der = [c.public_bytes(serialization.Encoding.DER) for c in (certificate, *chain)]
    return {
        **required,
        "kid": thumbprint,
        "use": "sig",
        "alg": algorithm_for(key),
        "x5c": [base64.b64encode(d).decode() for d in der],
    }


def sign_vc_jwt(credential: dict[str, Any], key: SigningKey, kid: str) -> str:
    """A VC-JWT: the credential as the payload, with the registered claims OB 3.0 §8.2 asks for
    mapped from it (iss, jti, nbf, sub when the subject has an id)."""
    claims: dict[str, Any] = {
        **credential,
        "iss": credential["issuer"]["id"]
        if isinstance(credential["issuer"], dict)
        else credential["issuer"],
        "jti": credential["id"],
        "nbf": int(datetime.fromisoformat(credential["validFrom"]).timestamp()),
    }
    if subject_id := credential["credentialSubject"].get("id"):
        claims["sub"] = subject_id
    return jwt.encode(
        claims,
        key,
        algorithm=algorithm_for(key),
        headers={"kid": kid, "typ": VC_JWT_TYPE, "cty": "vc"},
    )


def iso(at: datetime) -> str:
    """XML Schema dateTime in UTC, second precision, as the VC data model writes it."""
    return at.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


# --- the documents -------------------------------------------------------------------------


def status_list_credential(
    urls: Urls, list_no: int, revoked_positions: Iterable[int], valid_from: datetime
) -> dict[str, Any]:
    url = urls.status_list(list_no)
    return {
        "@context": [VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": urls.issuer,
        "validFrom": iso(valid_from),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": STATUS_PURPOSE,
            "encodedList": encode_bitstring(revoked_positions),
            "ttl": LIST_TTL_S * 1000,
        },
    }


def status_entry(urls: Urls, index: int) -> dict[str, Any]:
    list_no, position = list_of(index)
    url = urls.status_list(list_no)
    return {
        "id": f"{url}#{position}",
        "type": "BitstringStatusListEntry",
        "statusPurpose": STATUS_PURPOSE,
        "statusListIndex": str(position),
        "statusListCredential": url,
    }


@dataclass(frozen=True)
class Holding:
    """What an issued certificate says, as the credential carries it."""

    certificate_id: str
    number: str
    holder_name: str
    id_number: str
    occupation: str
    level: str
    org_name: str
    institution_name: str
    issued_at: datetime
    status_index: int


def identity_hash(value: str, salt: str) -> str:
    """OB 3.0 IdentityObject.identityHash: "sha256$" + hex of SHA-256 over value + salt."""
    return "sha256$" + hashlib.sha256((value + salt).encode()).hexdigest()


def achievement_id(urls: Urls, occupation: str, level: str) -> str:
    digest = hashlib.sha256(f"{occupation}\x1f{level}".encode()).hexdigest()[:16]
    return f"{urls.issuer}/achievements/{digest}"


def open_badge_credential(urls: Urls, holding: Holding, salt: str) -> dict[str, Any]:
    """The certificate as an Open Badges 3.0 OpenBadgeCredential: the achievement is the
    occupation at its level. The holder is named, and identified by the ID number only as a
    salted hash (who knows the ID number can check it; nobody reads it off the credential)."""
    title = f"{holding.occupation}（{holding.level}）"
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": f"urn:uuid:{holding.certificate_id}",
        "type": ["VerifiableCredential", "OpenBadgeCredential"],
        "issuer": {"id": urls.issuer, "type": ["Profile"], "name": holding.org_name},
        "name": f"职业技能等级证书 {title}",
        "description": f"证书编号 {holding.number}；考核站点 {holding.institution_name}",
        "validFrom": iso(holding.issued_at),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": holding.holder_name,
                    "identityType": "name",
                    "hashed": False,
                },
                {
                    "type": "IdentityObject",
                    "identityHash": identity_hash(holding.id_number, salt),
                    "identityType": "nationalIdentityNumber",
                    "hashed": True,
                    "salt": salt,
                },
            ],
            "achievement": {
                "id": achievement_id(urls, holding.occupation, holding.level),
                "type": ["Achievement"],
                "achievementType": "Certificate",
                "name": title,
                "description": f"{holding.occupation} 职业技能等级认定 {holding.level}",
                "criteria": {
                    "narrative": f"通过{holding.occupation}（{holding.level}）职业技能等级认定考核"
                },
                "creator": {"id": urls.issuer, "type": ["Profile"], "name": holding.org_name},
            },
        },
        "credentialStatus": status_entry(urls, holding.status_index),
    }


def issuer_profile(urls: Urls, org_name: str) -> dict[str, Any]:
    return {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": urls.issuer,
        "type": ["Profile"],
        "name": org_name,
    }
