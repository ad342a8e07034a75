"""The status list bitstring and the credential documents, without I/O."""

from datetime import UTC, datetime

import pytest

from certificate.credentials.rules import (
    LIST_SIZE,
    Holding,
    Urls,
    bit_at,
    decode_bitstring,
    encode_bitstring,
    identity_hash,
    list_of,
    open_badge_credential,
    status_entry,
)

URLS = Urls("https://skillcert.example.cn/", "ORG-DEMO")


class TestBitstring:
    def test_position_zero_is_the_leftmost_bit_and_the_list_is_16_kib(self):
        encoded = encode_bitstring([0, 9, LIST_SIZE - 1])
        assert encoded.startswith("u") and "=" not in encoded
        bits = decode_bitstring(encoded)
        assert len(bits) == LIST_SIZE // 8 == 16 * 1024
        assert bits[0] == 0b1000_0000 and bits[1] == 0b0100_0000 and bits[-1] == 0b0000_0001
        assert [bit_at(bits, i) for i in (0, 1, 9, 10, LIST_SIZE - 1)] == [
            True,
            False,
            True,
            False,
            True,
        ]

    def test_the_same_list_encodes_to_the_same_text(self):
        assert encode_bitstring([5, 3]) == encode_bitstring([3, 5])

    def test_a_position_outside_the_list_is_refused(self):
        with pytest.raises(ValueError):
            encode_bitstring([LIST_SIZE])

    def test_not_multibase_is_refused(self):
        with pytest.raises(ValueError):
            decode_bitstring("H4sI")

    def test_index_runs_over_into_the_next_list(self):
        assert list_of(LIST_SIZE + 3) == (1, 3)
        entry = status_entry(URLS, LIST_SIZE + 3)
        assert entry["statusListCredential"].endswith("/status-lists/ORG-DEMO/1")
        assert entry["statusListIndex"] == "3" and entry["id"].endswith("/1#3")


def test_open_badge_credential_names_the_achievement_and_hashes_the_id_number():
    holding = Holding(
        certificate_id="3f0c4a5e-0000-4000-8000-000000000001",
        number="2026ORGDEMO100000001",
        holder_name="张三丰",
        id_number="110101199003074514",
        occupation="电子商务师",
        level="一级/高级技师",
        org_name="示例培训评价组织",
        institution_name="示例职业技术学院",
        issued_at=datetime(2026, 7, 1, 8, 30, 15, 123, tzinfo=UTC),
        status_index=7,
    )
    vc = open_badge_credential(URLS, holding, salt="s417")
    assert vc["@context"] == [
        "https://www.w3.org/ns/credentials/v2",
        "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json",
    ]
    assert vc["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert vc["issuer"]["id"] == "https://skillcert.example.cn/api/v1/certificate/issuers/ORG-DEMO"
    assert vc["validFrom"] == "2026-07-01T08:30:15Z"
    achievement = vc["credentialSubject"]["achievement"]
    assert achievement["name"] == "电子商务师（一级/高级技师）"
    assert achievement["type"] == ["Achievement"] and achievement["criteria"]["narrative"]
    hashed = vc["credentialSubject"]["identifier"][1]
    assert hashed["identityType"] == "nationalIdentityNumber" and hashed["hashed"] is True
    assert hashed["identityHash"] == identity_hash("110101199003074514", "s417")
    assert "110101199003074514" not in str(vc)
    assert vc["credentialStatus"]["statusListIndex"] == "7"
