from __future__ import annotations

import asyncio
import io
import time

import pytest
from certificate_testkit import flip_byte_in_page_content
from pyhanko.pdf_utils import generic
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign.general import SigningError

from certificate.pdf import (
    HEAD_SIGNATURE_FIELD,
    ORG_SIGNATURE_FIELD,
    PdfVerificationError,
    SigningIdentity,
    generate_identity,
    sign_pdf,
    verify_pdf,
)

HEAD_CN = "王站长"
ORG_CN = "北京市某某职业技能培训评价有限公司"


@pytest.fixture(scope="module")
def dev_ca() -> SigningIdentity:
    return generate_identity("Skillcert Dev Root CA", "Skillcert Dev")


@pytest.fixture(scope="module")
def head(dev_ca: SigningIdentity) -> SigningIdentity:
    return generate_identity(HEAD_CN, "北京市第一职业技能考核站", issuer=dev_ca)


@pytest.fixture(scope="module")
def org(dev_ca: SigningIdentity) -> SigningIdentity:
    return generate_identity(ORG_CN, ORG_CN, issuer=dev_ca)


@pytest.fixture(scope="module")
def signed_twice(certificate_pdf: bytes, head: SigningIdentity, org: SigningIdentity) -> bytes:
    once = sign_pdf(certificate_pdf, head, HEAD_SIGNATURE_FIELD, "考核站点负责人签署", "北京")
    return sign_pdf(once, org, ORG_SIGNATURE_FIELD, "培训评价组织签发")


def test_sign_twice_both_valid_and_trusted(signed_twice: bytes, dev_ca: SigningIdentity) -> None:
    checks = verify_pdf(signed_twice, [dev_ca.certificate])

    assert [(c.field_name, c.signer_common_name) for c in checks] == [
        (HEAD_SIGNATURE_FIELD, HEAD_CN),
        (ORG_SIGNATURE_FIELD, ORG_CN),
    ]
    for check in checks:
        assert check.intact and check.valid and check.trusted, check
        assert not check.modified_after_signing, check
        assert check.ok
        assert check.signing_time is not None
    first, second = checks
    # The second signature is an allowed form-filling update on top of the first revision.
    assert first.coverage == "ENTIRE_REVISION"
    assert first.modification_level == "FORM_FILLING"
    assert second.coverage == "ENTIRE_FILE"
    assert second.modification_level == "NONE"


def test_first_signature_survives_second_as_incremental_update(
    certificate_pdf: bytes, signed_twice: bytes
) -> None:
    assert signed_twice.startswith(certificate_pdf)


def test_one_changed_content_byte_breaks_both_signatures(
    signed_twice: bytes, dev_ca: SigningIdentity
) -> None:
    tampered = flip_byte_in_page_content(signed_twice)
    assert tampered != signed_twice

    checks = verify_pdf(tampered, [dev_ca.certificate])

    assert len(checks) == 2
    for check in checks:
        assert not check.intact, check
        assert not check.ok


def test_content_appended_after_signing_is_reported_as_modification(
    signed_twice: bytes, dev_ca: SigningIdentity
) -> None:
    writer = IncrementalPdfFileWriter(io.BytesIO(signed_twice))
    # A red box over the holder name: the kind of edit a forger would append.
    overlay = generic.StreamObject(stream_data=b"q 1 0 0 rg 230 400 200 30 re f Q")
    writer.add_stream_to_page(0, writer.add_object(overlay))
    out = io.BytesIO()
    writer.write(out)

    checks = verify_pdf(out.getvalue(), [dev_ca.certificate])

    assert len(checks) == 2
    for check in checks:
        assert check.intact and check.valid and check.trusted, check
        assert check.modified_after_signing, check
        assert not check.ok


def test_signature_from_other_ca_is_untrusted(
    certificate_pdf: bytes, dev_ca: SigningIdentity
) -> None:
    rogue_ca = generate_identity("Rogue Root CA", "Rogue")
    rogue = generate_identity("冒名负责人", "Rogue", issuer=rogue_ca)
    signed = sign_pdf(certificate_pdf, rogue, HEAD_SIGNATURE_FIELD, "伪造")

    [check] = verify_pdf(signed, [dev_ca.certificate])

    assert check.intact and check.valid
    assert not check.trusted
    assert not check.ok
    # Same document is fine once its own root is trusted: the failure is about trust only.
    [trusted_check] = verify_pdf(signed, [rogue_ca.certificate])
    assert trusted_check.ok


def test_self_signed_leaf_is_untrusted(certificate_pdf: bytes, dev_ca: SigningIdentity) -> None:
    self_signed = generate_identity("自签名", "Nobody")
    signed = sign_pdf(certificate_pdf, self_signed, HEAD_SIGNATURE_FIELD, "自签")

    [check] = verify_pdf(signed, [dev_ca.certificate])

    assert not check.trusted


def test_unsigned_pdf_has_no_signatures(certificate_pdf: bytes, dev_ca: SigningIdentity) -> None:
    assert verify_pdf(certificate_pdf, [dev_ca.certificate]) == []


def test_garbage_is_not_a_pdf(dev_ca: SigningIdentity) -> None:
    with pytest.raises(PdfVerificationError):
        verify_pdf(b"not a pdf at all", [dev_ca.certificate])


def test_signing_an_already_signed_field_is_refused(
    signed_twice: bytes, head: SigningIdentity
) -> None:
    with pytest.raises(SigningError):
        sign_pdf(signed_twice, head, HEAD_SIGNATURE_FIELD, "再次签署")


def test_identity_pem_round_trip(
    certificate_pdf: bytes, dev_ca: SigningIdentity, head: SigningIdentity
) -> None:
    loaded = SigningIdentity.from_pem(
        head.key_pem(password=b"s3cret"), head.cert_pem(), password=b"s3cret"
    )
    assert loaded.certificate == head.certificate
    assert loaded.chain == (dev_ca.certificate,)
    assert loaded.root == dev_ca.certificate
    assert loaded.common_name == HEAD_CN

    [check] = verify_pdf(
        sign_pdf(certificate_pdf, loaded, HEAD_SIGNATURE_FIELD, "PEM"), [dev_ca.certificate]
    )
    assert check.ok


def test_from_pem_rejects_mismatched_key(head: SigningIdentity, org: SigningIdentity) -> None:
    with pytest.raises(ValueError, match="does not match"):
        SigningIdentity.from_pem(org.key_pem(), head.cert_pem())


def test_leaf_cannot_issue(head: SigningIdentity) -> None:
    with pytest.raises(ValueError, match="not a CA"):
        generate_identity("下级", "X", issuer=head)


async def test_usable_from_async_code_via_thread(
    signed_twice: bytes, dev_ca: SigningIdentity
) -> None:
    # pyHanko's sync API calls asyncio.run(), which is only legal off the event loop thread.
    checks = await asyncio.to_thread(verify_pdf, signed_twice, [dev_ca.certificate])
    assert all(c.ok for c in checks)


def test_sign_and_verify_are_fast(
    certificate_pdf: bytes, head: SigningIdentity, dev_ca: SigningIdentity
) -> None:
    start = time.perf_counter()
    signed = sign_pdf(certificate_pdf, head, HEAD_SIGNATURE_FIELD, "计时")
    verify_pdf(signed, [dev_ca.certificate])
    assert time.perf_counter() - start < 1.5


def test_empty_trust_roots_trust_nothing(signed_twice: bytes) -> None:
    # An empty list must not fall back to the OS trust store or to roots embedded in the CMS.
    checks = verify_pdf(signed_twice, [])
    assert [c.trusted for c in checks] == [False, False]
    assert all(c.intact and c.valid for c in checks)
