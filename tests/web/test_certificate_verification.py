"""An issued certificate in the browser: its holder exports it from the candidate portal as a
signed Open Badges credential that a verifier accepts (PyJWT against the organisation's
published key, status bit read from the published list); 证书查验: the QR code's address opens
the page with the number filled in, the answer is masked, a wrong ID number looks like an
unknown number, revocation shows with its date and reason (and in the status list), and a
flood of attempts is held (429, in Chinese). The tests run in this order on one certificate.

The certificate is reached over the API with the API journey's steps; the screens of those
steps have their own browser tests."""

from __future__ import annotations

import httpx
import jwt
import pytest
from browser import Platform, Screens, new_page
from journey import Journey, resident_id
from playwright.sync_api import Browser, Page, expect
from staff import in_thread

from certificate.credentials.rules import bit_at, decode_bitstring, identity_hash
from skillcert.pii import mask_id_number
from skillcert_devtools.run import SIMULATOR_PATH

ID_NUMBER = resident_id("19850612", 5)


async def issued_certificate(platform: Platform) -> Journey:
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as client:
        journey = Journey(
            client, platform.staff_password, platform.base_url + SIMULATOR_PATH, id_number=ID_NUMBER
        )
        await journey.staff()
        await journey.organisation_opens_a_plan()
        await journey.candidate_registers()
        await journey.institution_lists_the_candidate()
        await journey.candidate_applies()
        await journey.reviewer_approves()
        await journey.candidate_pays()
        await journey.exam_is_scheduled()
        await journey.organisation_imports_scores()
        await journey.both_sign()
    return journey


@pytest.fixture(scope="module")
def journey(platform: Platform) -> Journey:
    return in_thread(issued_certificate(platform))


def open_from_qr(browser: Browser, platform: Platform, number: str) -> Page:
    page = new_page(browser, platform, {"width": 375, "height": 812})
    page.goto(f"/verify?number={number}")
    expect(page.locator("input[data-test=number], [data-test=number] input")).to_have_value(number)
    return page


def submit(page: Page, id_number: str) -> None:
    page.locator("input[data-test=id-number], [data-test=id-number] input").fill(id_number)
    page.locator("[data-test=verify]").click()


def verified(api: httpx.Client, token: str) -> dict:
    """What a third-party verifier does with a VC-JWT: the issuer's JWK set, the key by kid."""
    claims = jwt.decode(token, options={"verify_signature": False})
    keys = api.get(claims["iss"].removeprefix(str(api.base_url).rstrip("/")) + "/jwks").json()
    kid = jwt.get_unverified_header(token)["kid"]
    (key,) = [k for k in keys["keys"] if k["kid"] == kid]
    return jwt.decode(token, jwt.PyJWK(key), algorithms=["ES256"])


def revoked_bit(api: httpx.Client, credential: dict) -> bool:
    status = credential["credentialStatus"]
    path = status["statusListCredential"].removeprefix(str(api.base_url).rstrip("/"))
    status_list = verified(api, api.get(path).text)
    bits = decode_bitstring(status_list["credentialSubject"]["encodedList"])
    return bit_at(bits, int(status["statusListIndex"]))


def test_the_holder_exports_a_verifiable_credential(
    browser: Browser, platform: Platform, screens: Screens, journey: Journey
):
    number = journey.state["certificate_number"]
    page = new_page(browser, platform, {"width": 375, "height": 812})
    page.goto("/login")
    page.locator("[data-test=login]").fill(journey.phone)
    page.locator("[data-test=password]").fill("Candidate2026")
    page.locator("[data-test=submit]").click()
    page.wait_for_url(lambda url: "/login" not in url)
    page.goto("/candidate/certificates")
    card = page.locator("[data-test=certificate]", has_text=number)
    expect(card).to_contain_text("Open Badges 3.0")
    screens.check(page, "candidate-certificates-375")
    with page.expect_download() as caught:
        card.locator("[data-test=export-credential]").click()
    download = caught.value
    assert download.suggested_filename == f"{number}.jwt"
    token = download.path().read_text(encoding="ascii")
    expect(page.locator(".el-message--success")).to_contain_text("可验证凭证已下载")

    api = platform.client()
    credential = verified(api, token)
    assert credential["type"] == ["VerifiableCredential", "OpenBadgeCredential"]
    assert number in credential["description"]
    hashed = credential["credentialSubject"]["identifier"][1]
    assert hashed["identityHash"] == identity_hash(ID_NUMBER, hashed["salt"])
    assert revoked_bit(api, credential) is False
    journey.state["credential"] = credential


def test_scan_verify_then_revocation_shows(
    browser: Browser, platform: Platform, screens: Screens, journey: Journey
):
    number = journey.state["certificate_number"]
    page = open_from_qr(browser, platform, number)
    submit(page, ID_NUMBER.lower())
    result = page.locator("[data-test=verification]")
    expect(result.locator("[data-test=status]")).to_have_text("有效")
    expect(result).to_contain_text(number)
    masked = mask_id_number(ID_NUMBER)
    assert masked is not None
    expect(result).to_contain_text(masked)
    expect(result).not_to_contain_text(ID_NUMBER)
    screens.check(page, "verify-valid-375")

    # A wrong ID number gets exactly what an unknown number gets.
    submit(page, resident_id("19850612", 1))
    wrong_id = page.get_by_role("alert").inner_text()
    page.locator("input[data-test=number], [data-test=number] input").fill("2026NOSUCH0001")
    submit(page, ID_NUMBER)
    expect(page.get_by_role("alert")).to_have_text(wrong_id)
    expect(page.locator("[data-test=verification]")).to_have_count(0)

    # The organisation revokes it: the page says so, with the date and the reason.
    api = platform.client()
    org = journey.headers["org_admin"]
    mine = api.get("/api/v1/certificate/certificates/mine", headers=journey.headers["candidate"])
    (cert,) = [c for c in mine.json() if c["number"] == number]
    revoked = api.post(
        f"/api/v1/certificate/certificates/{cert['id']}/revoke",
        json={"reason": "考核材料不实"},
        headers=org,
    )
    assert revoked.status_code == 200, revoked.text
    page = open_from_qr(browser, platform, number)
    submit(page, ID_NUMBER)
    result = page.locator("[data-test=verification]")
    expect(result.locator("[data-test=status]")).to_have_text("已撤销")
    expect(result).to_contain_text("证书已撤销")
    expect(result).to_contain_text("考核材料不实")
    expect(result).to_contain_text("撤销日期")
    screens.check(page, "verify-revoked-375")
    # The credential the holder exported earlier now reads as revoked in the status list.
    assert revoked_bit(api, journey.state["credential"]) is True


def test_a_flood_of_attempts_is_held_in_chinese(
    browser: Browser, platform: Platform, screens: Screens, journey: Journey
):
    number = journey.state["certificate_number"]
    api = platform.client()
    # Guesses at one holder's ID number from many addresses (each its own per-address budget,
    # so the other tests' budget on 127.0.0.1 stays whole): the certificate's own budget ends.
    statuses = [
        api.post(
            "/api/v1/certificate/verify",
            json={"number": number, "id_number": resident_id("19900101", n % 10)},
            headers={"X-Forwarded-For": f"198.51.100.{n}"},
        ).status_code
        for n in range(40)
    ]
    assert statuses[0] == 404 and statuses[-1] == 429, statuses
    held = api.post(
        "/api/v1/certificate/verify",
        json={"number": number, "id_number": ID_NUMBER},
        headers={"X-Forwarded-For": "198.51.100.200"},
    )
    assert held.status_code == 429 and int(held.headers["Retry-After"]) >= 1
    assert held.headers["content-type"].startswith("application/problem+json")
    page = open_from_qr(browser, platform, number)
    submit(page, ID_NUMBER)
    expect(page.locator("[data-test=problem]")).to_contain_text("请求过于频繁")
    screens.check(page, "verify-held-375")
