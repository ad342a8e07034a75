"""Admission ticket PDFs (准考证): the candidate's own, a room's or a site's for the
institution; the signed QR code checked against the published JWK set, as a device would."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime
from typing import Any
from uuid import UUID, uuid4

import jwt
import pytest
from PIL import Image, ImageDraw
from sqlalchemy import text

from exam_scheduling.config import ExamSchedulingSettings
from exam_scheduling.tickets.document import PHOTO_BOX
from exam_scheduling.tickets.models import CandidatePhoto
from exam_scheduling.tickets.rules import TICKET_AUDIENCE, TICKET_ISSUER, exam_address
from skillcert.auth import Role, SigningKey
from skillcert.events import ApplicationResubmitted, ApplicationSubmitted, SubmittedDocument
from skillcert.pdf_testing import ink_pixels, pdf_fonts, pdf_text, read_qr_codes, render_page
from skillcert.testing import ServiceHarness, assert_problem, eventually

from ..factories import API, INST, approved, count, paid, scheduled_plan

OTHER_INST = "INST-OTHER"


def institution(harness: ServiceHarness, org_id: str = INST, role: Role = Role.INSTITUTION_ADMIN):
    return harness.headers(role, org_id=org_id)


def candidate(harness: ServiceHarness, account_id: UUID) -> dict[str, str]:
    return harness.headers(Role.CANDIDATE, account_id=account_id)


async def seat(harness: ServiceHarness, plan: dict, name: str = "张三", **kw: Any):
    approval = approved(plan["id"], candidate_name=name, **kw)
    await harness.deliver(approval)
    await harness.deliver(paid(approval))
    tickets = await harness.client.get(
        f"{API}/tickets/mine", headers=candidate(harness, approval.candidate_id)
    )
    [ticket] = tickets.json()
    return approval, ticket


async def sites(harness: ServiceHarness) -> list[dict]:
    response = await harness.client.get(f"{API}/sites", headers=institution(harness))
    assert response.status_code == 200
    return response.json()


async def rooms(harness: ServiceHarness, site_id: str) -> list[dict]:
    """The rooms set up for the (one) plan the site serves, by number."""
    response = await harness.client.get(
        f"{API}/sites/{site_id}/rooms", headers=institution(harness)
    )
    assert response.status_code == 200, response.text
    [plan] = response.json()["plans"]
    return sorted(plan["rooms"], key=lambda r: r["number"])


def jpeg() -> bytes:
    img = Image.new("RGB", (295, 413), (255, 255, 255))
    ImageDraw.Draw(img).rectangle((40, 60, 255, 413), fill=(30, 30, 80))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def filed(application_id: UUID, key: str, revision: int = 1, resubmitted: bool = False):
    fields: dict[str, Any] = {
        "application_id": application_id,
        "candidate_id": uuid4(),
        "plan_id": uuid4(),
        "org_id": "ORG-DEMO",
        "revision": revision,
        "candidate_name": "张三",
        "id_type": "resident_id",
        "id_number": "110101199003074514",
        "phone": None,
        "condition_code": None,
        "documents": [
            SubmittedDocument(kind="photo", object_key=key, content_type="image/jpeg", size=5000)
        ],
        "submitted_at": datetime.now(UTC),
    }
    return ApplicationResubmitted(**fields) if resubmitted else ApplicationSubmitted(**fields)


async def verify_offline(
    harness: ServiceHarness, token: str, *, check_expiry: bool = True
) -> dict[str, Any]:
    """What a check-in device does: the JWK set loaded once (no login), then a local check."""
    keys = await harness.client.get(f"{API}/ticket-keys")
    assert keys.status_code == 200
    jwks = jwt.PyJWKSet.from_dict(keys.json())
    kid = jwt.get_unverified_header(token)["kid"]
    [key] = [k for k in jwks.keys if k.key_id == kid]
    return jwt.decode(
        token,
        key.key,
        algorithms=["ES256"],
        audience=TICKET_AUDIENCE,
        issuer=TICKET_ISSUER,
        options={"verify_exp": check_expiry},
    )


class TestCandidateTicket:
    async def test_downloads_own_ticket_with_everything_printed(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (30,))
        approval, ticket = await seat(harness, plan)
        response = await harness.client.get(
            f"{API}/tickets/{ticket['ticket_number']}.pdf",
            headers=candidate(harness, approval.candidate_id),
        )
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        assert "attachment" in response.headers["content-disposition"]
        pdf = response.content
        assert all(f.embedded and f.subset for f in pdf_fonts(pdf))
        words = pdf_text(pdf).replace(" ", "")
        for expected in (
            ticket["ticket_number"],
            "张三",
            "110101********4514",
            # The room's own address (考场地址), not only the site's.
            "北京市海淀区示例路1号实训楼3层301室",
            "1号机房",
            "理论知识",
            "专业能力",
            "机考",
            "实操",
            "2026-05-1609:00–11:00",
            "考场规则",
            "贴照片处",
        ):
            assert expected in words, expected
        assert "110101199003074514" not in words

    async def test_the_qr_code_is_signed_and_checks_offline(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (30,))
        approval, ticket = await seat(harness, plan)
        pdf = (
            await harness.client.get(
                f"{API}/tickets/{ticket['ticket_number']}.pdf",
                headers=candidate(harness, approval.candidate_id),
            )
        ).content
        [token] = read_qr_codes(render_page(pdf, dpi=200))
        # The factory's exam (May 2026) is over: the device refuses the ticket as expired...
        with pytest.raises(jwt.ExpiredSignatureError):
            await verify_offline(harness, token)
        # ...which it was until a day after the exam ended; everything else checks.
        claims = await verify_offline(harness, token, check_expiry=False)
        ends = datetime.fromisoformat(plan["exam_ends_at"])
        assert claims["exp"] == int(ends.timestamp()) + 86400
        assert claims["sub"] == ticket["ticket_number"]
        assert (claims["name"], claims["idm"]) == ("张三", "110101********4514")
        assert (claims["room"], claims["seat"], claims["plan"]) == ("1号机房", 1, plan["id"])

        # A ticket edited by hand (another seat) no longer checks.
        head, body, signature = token.split(".")
        forged = json.loads(jwt.utils.base64url_decode(body))
        forged["seat"] = 9
        forged_body = jwt.utils.base64url_encode(json.dumps(forged).encode()).decode()
        with pytest.raises(jwt.InvalidSignatureError):
            await verify_offline(harness, f"{head}.{forged_body}.{signature}", check_expiry=False)

    async def test_the_published_key_is_the_same_on_every_request(self, harness: ServiceHarness):
        first = (await harness.client.get(f"{API}/ticket-keys")).json()
        second = (await harness.client.get(f"{API}/ticket-keys")).json()
        assert first == second
        [key] = first["keys"]
        assert (key["kty"], key["crv"], key["alg"], key["use"]) == ("EC", "P-256", "ES256", "sig")
        assert "d" not in key

    async def test_another_candidates_ticket_is_not_found(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (30,))
        _, ticket = await seat(harness, plan)
        response = await harness.client.get(
            f"{API}/tickets/{ticket['ticket_number']}.pdf", headers=candidate(harness, uuid4())
        )
        assert_problem(response, 404, slug="not-found")

    async def test_anonymous_and_staff_are_refused(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (30,))
        _, ticket = await seat(harness, plan)
        url = f"{API}/tickets/{ticket['ticket_number']}.pdf"
        assert_problem(await harness.client.get(url), 401)
        assert_problem(await harness.client.get(url, headers=institution(harness)), 403)

    async def test_a_malformed_ticket_number_names_the_field(self, harness: ServiceHarness):
        response = await harness.client.get(
            f"{API}/tickets/abc.pdf", headers=candidate(harness, uuid4())
        )
        assert_problem(response, 422, "path.ticket_number")


class TestInstitutionDownloads:
    async def test_a_rooms_tickets_in_one_file_one_page_each(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (2, 2))
        numbers = [(await seat(harness, plan, name))[1]["ticket_number"] for name in "甲乙丙"]
        [site] = [s for s in await sites(harness) if s["name"] == "考点0"]
        first_room = (await rooms(harness, site["id"]))[0]
        response = await harness.client.get(
            f"{API}/rooms/{first_room['id']}/tickets.pdf",
            params={"plan_id": plan["id"]},
            headers=institution(harness, role=Role.INSTITUTION_HEAD),
        )
        assert response.status_code == 200
        text_ = pdf_text(response.content)
        assert text_.count("\f") == 2  # one page per seated candidate of the room
        assert numbers[0] in text_ and numbers[1] in text_ and numbers[2] not in text_

    async def test_a_sites_tickets_cover_its_rooms(self, harness: ServiceHarness):
        # 甲 and 乙 fill the two rooms of 考点0, 丙 goes to 考点1.
        plan = await scheduled_plan(harness, (1, 1), (2,))
        numbers = [(await seat(harness, plan, name))[1]["ticket_number"] for name in "甲乙丙"]
        [site] = [s for s in await sites(harness) if s["name"] == "考点0"]
        response = await harness.client.get(
            f"{API}/sites/{site['id']}/tickets.pdf", headers=institution(harness)
        )
        assert response.status_code == 200
        text_ = pdf_text(response.content)
        assert all(n in text_ for n in numbers[:2]) and numbers[2] not in text_
        assert text_.count("\f") == 2

    async def test_another_institution_candidate_and_anonymous_are_refused(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (2,))
        approval, _ = await seat(harness, plan)
        site = (await sites(harness))[0]
        for url in (
            f"{API}/sites/{site['id']}/tickets.pdf",
            f"{API}/rooms/{(await rooms(harness, site['id']))[0]['id']}/tickets.pdf",
        ):
            assert_problem(
                await harness.client.get(url, headers=institution(harness, OTHER_INST)),
                404,
                slug="not-found",
            )
            assert_problem(
                await harness.client.get(url, headers=candidate(harness, approval.candidate_id)),
                403,
            )
            assert_problem(await harness.client.get(url), 401)

    async def test_an_unknown_room_is_not_found(self, harness: ServiceHarness):
        response = await harness.client.get(
            f"{API}/rooms/{uuid4()}/tickets.pdf", headers=institution(harness)
        )
        assert_problem(response, 404, slug="not-found")


class TestPhoto:
    async def test_the_applications_photo_is_printed(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (30,))
        application_id = uuid4()
        key = f"applications/{application_id}/photo.jpg"
        await harness.ctx.storage.put(key, jpeg(), "image/jpeg")
        await harness.deliver(filed(application_id, key))
        approval, ticket = await seat(harness, plan, application_id=application_id)
        pdf = (
            await harness.client.get(
                f"{API}/tickets/{ticket['ticket_number']}.pdf",
                headers=candidate(harness, approval.candidate_id),
            )
        ).content
        x, y, w, h = PHOTO_BOX
        assert ink_pixels(render_page(pdf), (x + 4, y + 4, x + w - 4, y + h - 4)) > 0.5 * w * h
        assert "贴照片处" not in pdf_text(pdf)

    async def test_resubmission_replaces_it_late_older_revision_does_not_and_redelivery_is_idle(
        self, harness: ServiceHarness
    ):
        app = uuid4()
        first = filed(app, "k1")
        await harness.deliver(first)
        await harness.deliver(first)
        await harness.deliver(filed(app, "k2", revision=2, resubmitted=True))
        await harness.deliver(filed(app, "k1-late", revision=1))
        async with harness.ctx.sessionmaker() as session:
            photo = await session.get(CandidatePhoto, app)
        assert photo is not None and (photo.object_key, photo.revision) == ("k2", 2)
        assert await count(harness, CandidatePhoto) == 1

    async def test_a_failing_handler_is_retried_then_dead_lettered_and_replay_works(
        self, harness: ServiceHarness
    ):
        app = uuid4()
        event = filed(app, "k-dead")

        async def kept():
            async with harness.ctx.sessionmaker() as session:
                return await session.get(CandidatePhoto, app)

        async with harness.ctx.sessionmaker() as session:
            await session.execute(text("ALTER TABLE candidate_photos RENAME TO candidate_photos_x"))
            await session.commit()
        try:
            await harness.publish(event)

            async def parked():
                letters = await harness.ctx.bus.dead_letters("exam-scheduling")
                return [d for d in letters if d.message_id == str(event.event_id)]

            letters = await eventually(parked, timeout_s=20)
            assert letters[0].attempts == 3
        finally:
            async with harness.ctx.sessionmaker() as session:
                await session.execute(
                    text("ALTER TABLE candidate_photos_x RENAME TO candidate_photos")
                )
                await session.commit()
        assert await kept() is None
        assert await harness.ctx.bus.replay_dead_letters("exam-scheduling") >= 1
        photo = await eventually(kept)
        assert photo.object_key == "k-dead"


class TestRules:
    def test_a_rooms_own_address_wins_over_the_sites(self):
        assert exam_address("北京市昌平区分校区3号楼", "北京市海淀区示例路1号") == (
            "北京市昌平区分校区3号楼"
        )
        assert exam_address(None, "北京市海淀区示例路1号") == "北京市海淀区示例路1号"
        assert exam_address("  ", "北京市海淀区示例路1号") == "北京市海淀区示例路1号"

    def test_prod_refuses_to_start_without_a_ticket_key(self):
        with pytest.raises(ValueError, match="TICKET_SIGNING_KEY_PEM"):
            ExamSchedulingSettings(profile="prod", s3_secret_key="s")  # type: ignore[arg-type]
        pem = SigningKey.generate().to_pem().decode()
        settings = ExamSchedulingSettings(
            profile="prod",
            s3_secret_key="s",
            ticket_signing_key_pem=pem,  # type: ignore[arg-type]
        )
        assert settings.ticket_signing_key_pem is not None
