"""The certification journey, driven over HTTP through the gateway only: the same steps for the
distribution (one process per service) and embedded mode."""

from __future__ import annotations

import asyncio
import io
import random
import time
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import httpx
import jwt
from PIL import Image
from stdnum.cn import ric

from certificate.pdf.render import (
    HEAD_SIGNATURE_FIELD,
    ORG_SIGNATURE_FIELD,
    SIGNATURE_FIELD_BOXES,
)
from skillcert.clock import CHINA
from skillcert.pdf_testing import ink_pixels, pdf_fonts, pdf_text, read_qr_codes, render_page
from skillcert.testing import assert_problem
from skillcert_embedded.demo import DEMO_INSTITUTION, STAFF, create_open_plan, login

T = TypeVar("T")

CONSUMING_SERVICES = (
    "gateway",
    "registration",
    "review",
    "exam-scheduling",
    "payment",
    "scoring",
    "certificate",
    "notification",
)

#: 广西南宁市兴宁区 (GB/T 2260)
NANNING_ADDRESS = {
    "province": "450000",
    "city": "450100",
    "county": "450102",
    "address": "民族大道100号",
}


def application_steps(
    phone: str, id_number: str, birth_date: str
) -> list[tuple[str, dict[str, Any]]]:
    """The four form steps of a social candidate (社会人员) applying for level 1 from level 2
    plus four years: (path, body) in order. The benchmark fills its candidates the same way."""
    return [
        (
            "basic-info",
            {
                "name": "王小明",
                "gender": "male",
                "birth_date": birth_date,
                "ethnic_group": "汉族",
                "education": "本科",
                "mobile": phone,
                "email": "wang@example.com",
                "postal_code": "530000",
                "political_status": "群众",
                "candidate_source": "社会人员",
            },
        ),
        ("identity", {"identity": "employee"}),
        (
            "registration-info",
            {
                "id_type": "resident_id",
                "id_number": id_number,
                "registering_unit": "南宁示例电子商务有限公司",
                "work_unit": "南宁示例电子商务有限公司",
                "years_worked": 11,
                "enterprise_type": "私营企业",
                "hukou": {"province": "450000", "city": "450100", "county": "450102"},
                "residence": NANNING_ADDRESS,
                "work_unit_address": NANNING_ADDRESS,
                "work_history": [
                    {
                        "from_month": "2014-07",
                        "to_month": "2017-12",
                        "unit": "桂林示例商贸有限公司",
                        "post": "网店运营",
                        "referee": "李经理",
                        "referee_phone": "13800138000",
                    },
                    {
                        "from_month": "2018-01",
                        "unit": "南宁示例电子商务有限公司",
                        "post": "电子商务主管",
                        "referee": "张总",
                        "referee_phone": "13700137000",
                    },
                ],
            },
        ),
        (
            "condition",
            {
                "condition_code": "L2_PLUS_4Y",
                "prior_certificate": {
                    "occupation_code": "4-01-02-02",
                    "level": 2,
                    "certificate_number": "S000045000001193000123",
                    "issued_on": "2019-06-30",
                },
            },
        ),
    ]


async def eventually(
    probe: Callable[[], Awaitable[T | None]], what: str, timeout_s: float = 30.0
) -> T:
    deadline = time.monotonic() + timeout_s
    last: Any = None
    while time.monotonic() < deadline:
        last = await probe()
        if last:
            return last
        await asyncio.sleep(0.2)
    raise AssertionError(f"journey step not reached in {timeout_s}s: {what} (last: {last!r})")


def resident_id(birth: str = "19850612", gender_digit: int = 3) -> str:
    """A resident ID number with a valid GB 11643 check digit (odd sequence digit = male)."""
    body = f"110101{birth}01{gender_digit}"
    return body + ric.calc_check_digit(body + "0")  # it expects a placeholder check digit


def id_photo(target_kb: tuple[int, int] = (45, 75)) -> bytes:
    """A white-background JPEG in the 40–80 KB the photo rule asks for."""
    rng = random.Random(7)
    image = Image.new("RGB", (358, 441), (255, 255, 255))
    pixels = image.load()
    assert pixels is not None
    for x in range(100, 260):  # a noisy "head" in the middle so the file has some size
        for y in range(80, 380):
            shade = rng.randint(0, 255)
            pixels[x, y] = (shade, shade // 2, 255 - shade)
    for quality in range(95, 20, -5):
        buffer = io.BytesIO()
        image.save(buffer, "JPEG", quality=quality)
        data = buffer.getvalue()
        if target_kb[0] * 1024 <= len(data) <= target_kb[1] * 1024:
            return data
    raise AssertionError("could not make a photo of the right size")


#: the certificate of the pilot journey: the one exam plans of the demo are opened for
PILOT_CERTIFICATE = "4-01-02-02"
#: the province approves fewer places than the institution planned
PILOT_QUOTA = 2


def stamp_png() -> bytes:
    """The head's 签名章 as seed 003 §3.1 wants it: a square transparent PNG, 95×95 px."""
    image = Image.new("RGBA", (95, 95), (0, 0, 0, 0))
    for x in range(10, 85):
        for y in range(40, 55):
            image.putpixel((x, y), (200, 20, 20, 255))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def red_photos(id_numbers: list[str]) -> bytes:
    """A zip of 小一寸 roster photos (295×413, red background) named by ID number."""
    image = Image.new("RGB", (295, 413), (215, 20, 25))
    person = Image.frombytes("RGB", (147, 331), random.Random(1).randbytes(147 * 331 * 3))
    image.paste(person, (74, 82))
    jpeg = io.BytesIO()
    image.save(jpeg, "JPEG", quality=90)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for number in id_numbers:
            archive.writestr(f"{number}.jpg", jpeg.getvalue())
    return buffer.getvalue()


async def upload(
    client: httpx.AsyncClient, target: dict[str, Any], data: bytes, ctype: str
) -> None:
    # Presigned links point at the object store, not the gateway: absolute URLs.
    async with httpx.AsyncClient(timeout=30) as raw:
        if target["method"] == "POST":
            response = await raw.post(
                target["url"],
                data=target.get("fields") or {},
                files={"file": ("photo.jpg", data, ctype)},
            )
        else:
            response = await raw.put(target["url"], content=data, headers=target.get("headers"))
    assert response.is_success, (response.status_code, response.text)


def windows_in(plan: dict[str, Any], phase: str) -> dict[str, str]:
    """The plan's windows moved so that now is in `phase`: "scores" (the exam is over, 登记
    open), "publicity" (公示 open) or "locked" (登记 and 公示 are over). The platform runs in
    real time, and scoring only takes scores in 登记 and locks after 公示 (seed 003 §2.2.10)."""
    now = datetime.now(UTC).replace(microsecond=0)
    hour = timedelta(hours=1)
    scores_open, scores_close, publicity_close = {
        "scores": (now - 2 * hour, now + hour, now + 2 * hour),
        "publicity": (now - 4 * hour, now - 3 * hour, now + 2 * hour),
        "locked": (now - 4 * hour, now - 3 * hour, now - timedelta(seconds=1)),
    }[phase]
    before_exam = (now - 6 * hour).isoformat()
    return {
        "registration_opens_at": plan["registration_opens_at"],
        "registration_closes_at": before_exam,
        "scheduling_opens_at": plan["registration_opens_at"],
        "scheduling_closes_at": before_exam,
        "exam_starts_at": (now - 5 * hour).isoformat(),
        "exam_ends_at": (now - 4 * hour).isoformat(),
        "scores_open_at": scores_open.isoformat(),
        "scores_close_at": scores_close.isoformat(),
        "publicity_opens_at": scores_close.isoformat(),
        "publicity_closes_at": publicity_close.isoformat(),
        "withdrawal_closes_at": before_exam,
    }


def ok(response: httpx.Response, *statuses: int) -> Any:
    expected = statuses or (200, 201, 202, 204)
    assert response.status_code in expected, (
        response.request.method,
        str(response.request.url),
        response.status_code,
        response.text[:2000],
    )
    return response.json() if response.content else None


#: where the certificate prints the holder's photo (PDF points from the bottom-left)
CERTIFICATE_PHOTO_BOX = (480, 320, 560, 430)


def verify_ticket_offline(token: str, key_set: dict[str, Any]) -> dict[str, Any]:
    """What a check-in device does with no network: the ticket's ES256 signature checked
    against the key set it downloaded with the roster."""
    kid = jwt.get_unverified_header(token)["kid"]
    [key] = [k for k in key_set["keys"] if k["kid"] == kid]
    public = jwt.PyJWK(key).key
    claims: dict[str, Any] = jwt.decode(
        token, public, algorithms=["ES256"], audience="skillcert-admission-ticket"
    )
    return claims


def red_pixels(image: Image.Image, box: tuple[float, float, float, float], dpi: int) -> int:
    """Stamp-red pixels in `box` (PDF points from the bottom-left) of a rendered page."""
    scale = dpi / 72
    x0, y0, x1, y1 = box
    crop = image.crop(
        (
            int(x0 * scale),
            int(image.height - y1 * scale),
            int(x1 * scale),
            int(image.height - y0 * scale),
        )
    ).convert("RGB")
    return sum(1 for r, g, b in crop.getdata() if r > 150 and g < 90 and b < 90)


@dataclass
class Journey:
    client: httpx.AsyncClient
    staff_password: str
    #: the WeChat Pay simulator standing in for the payer (its controls take an ops token)
    simulator_url: str
    phone: str = field(default_factory=lambda: f"139{random.randint(10_000_000, 99_999_999)}")
    id_number: str = field(default_factory=resident_id)
    headers: dict[str, dict[str, str]] = field(default_factory=dict)
    state: dict[str, Any] = field(default_factory=dict)
    #: called between steps, e.g. to stop and start the broker in the middle of the journey
    between: dict[str, Callable[[], Awaitable[None]]] = field(default_factory=dict)
    #: the bus was made for this journey alone: it must end with no dead letter anywhere
    fresh_bus: bool = False

    async def _hook(self, name: str) -> None:
        if name in self.between:
            await self.between[name]()

    async def staff(self) -> None:
        for role, username in STAFF.items():
            self.headers[role] = await login(self.client, username, self.staff_password)

    async def organisation_opens_a_plan(self) -> None:
        plan = await create_open_plan(
            self.client,
            self.headers["org_admin"],
            self.headers["institution_admin"],
            title=f"旅程测试计划 {self.phone}",
        )
        self.state["plan_id"] = plan["id"]

    async def candidate_registers(self) -> None:
        ok(
            await self.client.post(
                "/api/v1/gateway/sms-codes", json={"phone": self.phone, "purpose": "register"}
            ),
            202,
        )

        async def code() -> str | None:
            # The development outbox shows anyone's codes: only to ops.
            response = await self.client.get(
                "/api/v1/notification/dev/sms",
                params={"phone": self.phone},
                headers=self.headers["ops"],
            )
            messages = ok(response, 200)
            for message in messages:
                digits = "".join(c for c in message["body"] if c.isdigit())
                if message["template_code"] == "sms_code" and len(digits) >= 6:
                    return digits[:6]
            return None

        sms_code = await eventually(code, "SMS code in the notification dev outbox")
        account = ok(
            await self.client.post(
                "/api/v1/gateway/accounts",
                json={
                    "phone": self.phone,
                    "code": sms_code,
                    "password": "Candidate2026",
                    "name": "王小明",
                },
                headers={"Idempotency-Key": f"register-{self.phone}"},
            ),
            201,
        )
        self.headers["candidate"] = {"Authorization": f"Bearer {account['access_token']}"}
        self.state["candidate_id"] = account.get("account_id")

    async def institution_lists_the_candidate(self) -> None:
        """The demo institution puts the candidate on its student roster (考生管理) as a social
        trainee (社会考生), so the application is filed under it."""
        template = (
            "姓名,姓名拼音,证件类型,证件号码,手机号码,就读专业,专业层次,入学年份,考生类型\r\n"
            f"王小明,WANG Xiaoming,居民身份证,{self.id_number},{self.phone},,,,社会考生\r\n"
        )
        imported = ok(
            await self.client.post(
                "/api/v1/registration/roster/students/import",
                files={"file": ("roster.csv", template.encode("utf-8-sig"), "text/csv")},
                headers=self.headers["institution_admin"],
            ),
            200,
        )
        assert imported["created"] + imported["updated"] == 1, imported

    async def institution_requests_payment(self) -> None:
        """The institution's payment request (缴费申请单) finds its own approved student: the
        roster institution went registration → review → payment over the broker. The draft is
        deleted again, so the candidate pays by WeChat Pay in the next step."""
        school = self.headers["institution_admin"]
        sheet = f"身份证号,姓名\r\n{self.id_number},王小明\r\n".encode("utf-8-sig")

        async def created() -> dict[str, Any] | None:
            response = await self.client.post(
                "/api/v1/payment/requests",
                data={"plan_id": self.state["plan_id"], "mode": "certificate"},
                files={"file": ("request.csv", sheet, "text/csv")},
                headers=school,
            )
            # 422 until payment has heard of the approval.
            return response.json() if response.status_code == 201 else None

        request = await eventually(created, "institution payment request for its student")
        assert (request["institution_id"], request["student_count"]) == (DEMO_INSTITUTION, 1)
        assert request["total_fen"] == 30000
        ok(
            await self.client.delete(
                f"/api/v1/payment/requests/{request['request_id']}", headers=school
            ),
            204,
        )

    async def candidate_applies(self) -> None:
        me = self.headers["candidate"]
        plan_id = self.state["plan_id"]

        async def plan_open() -> bool:
            page = ok(await self.client.get("/api/v1/registration/plans", headers=me), 200)
            return any(p["plan_id"] == plan_id for p in page["items"])

        await eventually(plan_open, "plan visible to candidates")
        application = ok(
            await self.client.post(
                "/api/v1/registration/applications",
                json={"plan_id": plan_id},
                headers={**me, "Idempotency-Key": f"apply-{self.phone}"},
            ),
            201,
        )
        app_id = application["id"]
        self.state["application_id"] = app_id
        base = f"/api/v1/registration/applications/{app_id}"
        for step, body in application_steps(self.phone, self.id_number, "1985-06-12"):
            ok(await self.client.put(f"{base}/{step}", json=body, headers=me))
        photo = id_photo()
        document = ok(
            await self.client.post(
                f"{base}/documents",
                json={"kind": "photo", "content_type": "image/jpeg", "size": len(photo)},
                headers=me,
            ),
            201,
        )
        await upload(self.client, document["upload"], photo, "image/jpeg")
        ok(
            await self.client.post(
                f"{base}/documents/{document['document_id']}/confirm", headers=me
            ),
            200,
        )
        submitted = ok(await self.client.post(f"{base}/submit", headers=me), 200)
        assert submitted["status"] == "submitted"

    async def reviewer_approves(self) -> None:
        reviewer = self.headers["reviewer"]
        app_id = self.state["application_id"]

        async def case() -> dict[str, Any] | None:
            response = await self.client.get(
                f"/api/v1/review/cases/by-application/{app_id}", headers=reviewer
            )
            return response.json() if response.status_code == 200 else None

        found = await eventually(case, "review case created from the submission")
        # The automatic pre-checks agree with what registration collected: nothing fails, and
        # the eligibility rules of the plan's condition were actually evaluated.
        outcomes = {f["code"]: f["outcome"] for f in found["findings"]}
        assert "failed" not in outcomes.values(), outcomes
        for code in ("prior_certificate_level", "prior_certificate_occupation", "years_worked"):
            assert outcomes.get(code) == "passed", (code, outcomes)
        case_id = found["case_id"] if "case_id" in found else found["id"]
        ok(await self.client.post(f"/api/v1/review/cases/{case_id}/claim", headers=reviewer))
        await self._hook("before_approve")
        ok(
            await self.client.post(
                f"/api/v1/review/cases/{case_id}/approve",
                json={"comment": "材料齐全"},
                headers=reviewer,
            )
        )
        await self._hook("after_approve")

    async def _application(self) -> dict[str, Any]:
        response = await self.client.get(
            f"/api/v1/registration/applications/{self.state['application_id']}",
            headers=self.headers["candidate"],
        )
        result: dict[str, Any] = ok(response, 200)
        return result

    async def wait_status(self, *statuses: str, timeout_s: float = 30.0) -> dict[str, Any]:
        async def reached() -> dict[str, Any] | None:
            application = await self._application()
            return application if application["status"] in statuses else None

        return await eventually(reached, f"application status {statuses}", timeout_s)

    async def candidate_pays(self) -> None:
        await self.wait_status("approved", timeout_s=60)
        me = self.headers["candidate"]

        async def order() -> dict[str, Any] | None:
            response = await self.client.post(
                "/api/v1/payment/orders",
                json={"application_id": self.state["application_id"]},
                headers={**me, "Idempotency-Key": f"order-{self.phone}"},
            )
            return response.json() if response.status_code in (200, 201) else None

        created = await eventually(order, "payment order created")
        assert created["amount_fen"] == 30000 and created["code_url"]
        self.state["order_id"] = created["order_id"]
        # The payer scans the QR code: the simulator, reached as WeChat Pay is, not through the
        # gateway; it pays only for an ops account.
        async with httpx.AsyncClient(base_url=self.simulator_url, timeout=30) as provider:
            ok(
                await provider.post(
                    "/simulator/scan-and-pay",
                    json={"out_trade_no": created["out_trade_no"]},
                    headers=self.headers["ops"],
                )
            )

        async def paid() -> bool:
            response = await self.client.get(
                f"/api/v1/payment/orders/{created['order_id']}", headers=me
            )
            return ok(response, 200)["status"] == "paid"

        await eventually(paid, "order marked paid by the signed webhook")

    async def exam_is_scheduled(self) -> None:
        me = self.headers["candidate"]

        async def ticket() -> dict[str, Any] | None:
            tickets = ok(
                await self.client.get("/api/v1/exam-scheduling/tickets/mine", headers=me), 200
            )
            return tickets[0] if tickets else None

        found = await eventually(ticket, "admission ticket allocated", timeout_s=60)
        # The journey's plan is its own, on a fresh site whose first room is 第一考场, and this
        # candidate is the only one in it: the first seat of the first room, and the ticket
        # number ends with site 001, room 01, seat 001.
        assert (found["plan_id"], found["room_name"], found["seat_number"]) == (
            self.state["plan_id"],
            "第一考场",
            1,
        ), found
        assert found["ticket_number"].endswith("00101001"), found
        self.state["ticket_number"] = found["ticket_number"]
        await self.wait_status("scheduled")

    async def _invigilator_in_the_room(self) -> dict[str, str]:
        """The demo institution, whose site holds the plan's rooms, makes an invigilator (the
        first password goes out by SMS) and puts them in 第一考场 for each of the plan's
        sessions; the invigilator signed in."""
        school = self.headers["institution_admin"]
        plan_id = self.state["plan_id"]
        phone = f"137{random.randint(10_000_000, 99_999_999)}"
        username = f"inv{random.randint(10_000, 99_999)}"
        made = ok(
            await self.client.post(
                "/api/v1/gateway/invigilators",
                json={"username": username, "name": "王监考", "phone": phone},
                headers=school,
            ),
            201,
        )
        credentials = await eventually(
            lambda: self._sms(phone, "account_credentials"), "the invigilator's password"
        )
        password = credentials.split("初始密码：")[1].split("，")[0]

        api = "/api/v1/exam-scheduling"
        room = None
        for site in ok(await self.client.get(f"{api}/sites", headers=school)):
            rooms = ok(await self.client.get(f"{api}/sites/{site['id']}/rooms", headers=school))
            for sitting in rooms["plans"]:
                if sitting["plan_id"] == plan_id:
                    room = next(r for r in sitting["rooms"] if r["name"] == "第一考场")
                    site_id = site["id"]
        assert room is not None, "the journey's room"
        sessions = [
            s
            for s in ok(await self.client.get(f"{api}/sites/{site_id}/sessions", headers=school))
            if s["plan_id"] == plan_id
        ]
        assert {s["subject_code"] for s in sessions} == {"T01", "P01"}, sessions

        async def assigned(session_id: str) -> bool:
            response = await self.client.post(
                f"{api}/rooms/{room['id']}/invigilators",
                json={"session_id": session_id, "account_id": made["account_id"]},
                headers=school,
            )
            # The gateway's new account reaches exam-scheduling by event: until then, 422.
            return response.status_code == 201

        for session in sessions:
            await eventually(
                lambda sid=session["session_id"]: assigned(sid), "the invigilator assigned"
            )
        invigilator = await login(self.client, username, password)
        self.headers["invigilator"] = invigilator
        duties = ok(await self.client.get(f"{api}/duties/mine", headers=invigilator))
        assert len(duties) == 2, duties
        self.state["duties"] = duties
        return invigilator

    async def invigilator_checks_in_offline(self) -> None:
        """入场签到 (seed 003 §2.2.9): the invigilator's device downloads the roster with the
        ticket keys, checks the candidate's ticket QR code with no network (the signature
        against the downloaded key), marks them present and syncs; a second sync of the same
        marks changes nothing."""
        invigilator = await self._invigilator_in_the_room()
        api = "/api/v1/exam-scheduling"
        ticket = self.state["ticket_number"]
        ticket_pdf = await self.client.get(
            f"{api}/tickets/{ticket}.pdf", headers=self.headers["candidate"]
        )
        assert ticket_pdf.status_code == 200, ticket_pdf.text
        [token] = await asyncio.to_thread(
            lambda: read_qr_codes(render_page(ticket_pdf.content, dpi=200))
        )
        for duty in self.state["duties"]:
            path = f"{api}/rooms/{duty['room_id']}/sessions/{duty['session']['session_id']}"
            roster = ok(await self.client.get(f"{path}/roster", headers=invigilator))
            assert ticket in {c["ticket_number"] for c in roster["candidates"]}
            # Offline from here: the ticket is checked against the downloaded key alone.
            claims = verify_ticket_offline(token, roster["keys"])
            assert ticket in claims.values(), claims
            marks = {
                "device_id": "journey-device-1",
                "records": [
                    {
                        "id": str(uuid4()),
                        "ticket_number": ticket,
                        "status": "present",
                        "marked_at": datetime.now(UTC).isoformat(),
                    }
                ],
            }
            sync = f"{path}/check-ins"
            synced = ok(await self.client.post(sync, json=marks, headers=invigilator))
            again = ok(await self.client.post(sync, json=marks, headers=invigilator))
            assert (synced["present"], again["present"]) == (1, 1), (synced, again)

    async def invigilators_close_the_sessions(self, present: int = 1, absent: int = 0) -> None:
        """After the exam each session is closed; whoever was not checked in is recorded
        absent (缺考) and scoring is told."""
        invigilator = self.headers["invigilator"]
        for duty in self.state["duties"]:
            path = (
                f"/api/v1/exam-scheduling/rooms/{duty['room_id']}"
                f"/sessions/{duty['session']['session_id']}"
            )
            closed = ok(await self.client.post(f"{path}/close", headers=invigilator))
            assert (closed["present"], closed["absent"]) == (present, absent), closed

    async def organisation_confirms_the_payment_request(self) -> None:
        """The money arrived offline: the organisation confirms the institution's payment
        request, and its students are paid and get their seats."""
        request = self.state["payment_request"]
        ok(
            await self.client.post(
                f"/api/v1/payment/requests/{request['request_id']}/confirm",
                json={"request_no": request["request_no"]},
                headers=self.headers["org_admin"],
            )
        )

    async def absent_students_reach_scoring(self) -> None:
        """The pilot institution's students never came: after the exam the invigilator closes
        both sessions with them absent (缺考), and scoring refuses a score for them."""
        org = self.headers["org_admin"]
        plan_id = self.state["plan_id"]

        async def rostered() -> list[dict[str, Any]] | None:
            response = await self.client.get(f"/api/v1/scoring/plans/{plan_id}/scores", headers=org)
            rows = ok(response)["items"] if response.status_code == 200 else []
            return rows if len(rows) >= PILOT_QUOTA else None

        rows = await eventually(rostered, "the registered students on the scoring roster")
        await self._invigilator_in_the_room()
        await self.the_clock_moves_to("scores")
        await self.invigilators_close_the_sessions(present=0, absent=PILOT_QUOTA)
        ticket = rows[0]["ticket_number"]

        async def recorded() -> bool:
            response = await self.client.get(f"/api/v1/scoring/plans/{plan_id}/scores", headers=org)
            missed = {r["ticket_number"]: r["absent_subjects"] for r in ok(response)["items"]}
            return all(missed.get(r["ticket_number"]) == ["P01", "T01"] for r in rows)

        await eventually(recorded, "scoring told who missed both subjects (缺考)")
        response = await self.client.post(
            f"/api/v1/scoring/plans/{plan_id}/subjects/T01/scores",
            json={"scores": [{"ticket_number": ticket, "score": 70}]},
            headers=org,
        )
        body = assert_problem(response, 422, "scores.0.score")
        assert "缺考" in body["errors"][0]["message"], body

    async def the_clock_moves_to(self, phase: str) -> None:
        """The plan's windows move so that now is in `phase` (windows_in), and scoring's plan
        copy follows."""
        org = self.headers["org_admin"]
        plan_id = self.state["plan_id"]
        plan = ok(await self.client.get(f"/api/v1/exam-scheduling/plans/{plan_id}", headers=org))
        windows = windows_in(plan, phase)
        ok(
            await self.client.put(
                f"/api/v1/exam-scheduling/plans/{plan_id}/windows", json=windows, headers=org
            )
        )
        expected = datetime.fromisoformat(windows["scores_open_at"])

        async def moved() -> bool:
            response = await self.client.get(f"/api/v1/scoring/plans/{plan_id}", headers=org)
            opens = response.json().get("scores_open_at") if response.status_code == 200 else None
            return opens is not None and datetime.fromisoformat(opens) == expected

        await eventually(moved, f"scoring's plan copy in {phase}")

    async def organisation_imports_scores(self) -> None:
        org = self.headers["org_admin"]
        plan_id = self.state["plan_id"]

        async def rostered() -> bool:
            response = await self.client.get(f"/api/v1/scoring/plans/{plan_id}", headers=org)
            return response.status_code == 200 and response.json()["rostered"] >= 1

        await eventually(rostered, "candidate on the scoring roster")
        await self.the_clock_moves_to("scores")
        if "duties" in self.state:
            await self.invigilators_close_the_sessions()
        for subject, score in (("T01", 86), ("P01", 78)):
            ok(
                await self.client.post(
                    f"/api/v1/scoring/plans/{plan_id}/subjects/{subject}/scores",
                    json={
                        "scores": [{"ticket_number": self.state["ticket_number"], "score": score}]
                    },
                    headers=org,
                ),
                200,
            )
        await self.the_clock_moves_to("locked")
        response = await self.client.post(f"/api/v1/scoring/plans/{plan_id}/lock", headers=org)
        if response.status_code == 409:
            # 公示 is over, so the automatic lock (scoring's job) may have come first.
            rows = ok(await self.client.get(f"/api/v1/scoring/plans/{plan_id}/scores", headers=org))
            assert [r["result"] for r in rows["items"]] == ["pass"], rows
        else:
            assert ok(response)["passed"] == 1

    async def head_has_a_stamp(self) -> None:
        """The head reads and accepts the 授权委托书, then uploads a stamp: no stamp, no
        signature (seed 003 §3.1)."""
        head = self.headers["institution_head"]
        base = "/api/v1/certificate/stamps"
        if (await self.client.get(f"{base}/mine", headers=head)).status_code == 200:
            return
        agreement = ok(await self.client.get(f"{base}/agreement", headers=head))
        if agreement["accepted_at"] is None:
            ok(
                await self.client.post(
                    f"{base}/agreement/acceptances",
                    json={"version": agreement["version"]},
                    headers=head,
                )
            )
        target = ok(await self.client.post(f"{base}/upload-url", headers=head))
        await upload(self.client, target["upload"], stamp_png(), "image/png")
        body = {"object_key": target["object_key"]}
        preview = await self.client.post(f"{base}/preview", json=body, headers=head)
        assert preview.status_code == 200 and preview.content.startswith(b"%PDF"), preview.text
        ok(await self.client.post(base, json=body, headers=head))

    async def organisation_has_a_seal(self) -> None:
        """The organisation's seal (公章), printed beside its signature: uploaded once."""
        org = self.headers["org_admin"]
        base = "/api/v1/certificate/stamps"
        if (await self.client.get(f"{base}/mine", headers=org)).status_code == 200:
            return
        target = ok(await self.client.post(f"{base}/upload-url", headers=org))
        await upload(self.client, target["upload"], stamp_png(), "image/png")
        ok(await self.client.post(base, json={"object_key": target["object_key"]}, headers=org))

    async def both_sign(self) -> None:
        head = self.headers["institution_head"]
        org = self.headers["org_admin"]
        app_id = self.state["application_id"]

        async def record() -> dict[str, Any] | None:
            page = ok(
                await self.client.get(
                    "/api/v1/certificate/certificates",
                    params={"status": "pending_head_signature"},
                    headers=head,
                ),
                200,
            )
            return next((c for c in page["items"] if c["application_id"] == app_id), None)

        pending = await eventually(record, "certificate awaiting the head's signature")
        cert_id = pending["id"]
        await self.head_has_a_stamp()
        await self.organisation_has_a_seal()
        signed = ok(
            await self.client.post(f"/api/v1/certificate/certificates/{cert_id}/sign", headers=head)
        )
        assert signed["status"] == "pending_org_signature"
        issued = ok(
            await self.client.post(f"/api/v1/certificate/certificates/{cert_id}/sign", headers=org)
        )
        assert issued["status"] == "issued" and issued["number"]
        self.state["certificate_number"] = issued["number"]

    async def anyone_verifies(self) -> dict[str, Any]:
        number = self.state["certificate_number"]
        verification = ok(
            await self.client.post(
                "/api/v1/certificate/verify",
                json={"number": number, "id_number": self.id_number},
            ),
            200,
        )
        assert verification["valid"] is True, verification
        assert len(verification["signatures"]) == 2
        assert all(s["valid"] and s["trusted"] for s in verification["signatures"])
        wrong = await self.client.post(
            "/api/v1/certificate/verify",
            json={"number": number, "id_number": resident_id("19900101", 5)},
        )
        assert wrong.status_code == 404
        async with httpx.AsyncClient(timeout=30) as raw:
            pdf = await raw.get(verification["download_url"])
        assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
        await asyncio.to_thread(self._certificate_reads_anywhere, pdf.content, number)
        return verification

    def _certificate_reads_anywhere(self, pdf: bytes, number: str) -> None:
        """The issued PDF as a reader on a machine without Chinese fonts sees it: every font
        embedded, the holder's name and number as text, the photo printed, and a QR code that
        leads to the verification page for this number."""
        fonts = pdf_fonts(pdf)
        assert fonts and all(f.embedded for f in fonts), fonts
        text = pdf_text(pdf)
        assert "王小明" in text and number in text, text
        page = render_page(pdf, dpi=150)
        # The photo is printed in its box; a missing one leaves an outline and a word in it.
        assert ink_pixels(page, CERTIFICATE_PHOTO_BOX, dpi=150) > 5_000
        # Both stamps, red on the paper, in their signature boxes.
        for signer in (HEAD_SIGNATURE_FIELD, ORG_SIGNATURE_FIELD):
            assert red_pixels(page, SIGNATURE_FIELD_BOXES[signer], dpi=150) > 300, signer
        [link] = read_qr_codes(page)
        url = urlsplit(link)
        assert url.path == "/verify" and parse_qs(url.query) == {"number": [number]}, link

    async def candidate_was_told_each_step(self) -> list[str]:
        await self.wait_status("certified")
        me = self.headers["candidate"]
        expected = {
            "application_submitted",
            "application_approved",
            "order_paid",
            "candidate_scheduled",
            "result_determined",
            "certificate_issued",
        }

        async def inbox() -> list[str] | None:
            page = ok(await self.client.get("/api/v1/notification/inbox?limit=50", headers=me), 200)
            codes = [item["template_code"] for item in page["items"]]
            return codes if expected <= set(codes) else None

        return await eventually(inbox, "an inbox message for every step")

    async def candidate_withdraws_and_is_refunded(self) -> None:
        """退考: the paid, seated candidate withdraws before the plan's withdrawal deadline;
        payment refunds through the provider, the seat goes back, and the candidate sees the
        refund on the application and in the inbox."""
        me = self.headers["candidate"]
        app_id = self.state["application_id"]
        base = f"/api/v1/registration/applications/{app_id}"
        # Only the candidate withdraws: the organisation's staff are refused.
        refused = await self.client.post(f"{base}/withdraw", headers=self.headers["org_admin"])
        assert_problem(refused, 403, slug="forbidden")
        withdrawn = ok(
            await self.client.post(
                f"{base}/withdraw", json={"reason": "工作调动，无法参加考试"}, headers=me
            ),
            200,
        )
        assert withdrawn["status"] == "withdrawn", withdrawn

        async def refunded() -> bool:
            response = await self.client.get(
                f"/api/v1/payment/orders/{self.state['order_id']}", headers=me
            )
            return ok(response, 200)["status"] == "refunded"

        await eventually(refunded, "order refunded through the provider", timeout_s=60)

        async def recorded() -> dict[str, Any] | None:
            application = await self._application()
            return application if application["refund"] is not None else None

        application = await eventually(recorded, "refund recorded on the application")
        assert application["status"] == "withdrawn", application["status"]
        assert application["refund"]["amount_fen"] == 30000, application["refund"]

        async def released() -> bool:
            tickets = ok(
                await self.client.get("/api/v1/exam-scheduling/tickets/mine", headers=me), 200
            )
            return tickets == []

        await eventually(released, "seat released and admission ticket gone")

        async def told() -> bool:
            page = ok(await self.client.get("/api/v1/notification/inbox?limit=50", headers=me), 200)
            return "order_refunded" in {item["template_code"] for item in page["items"]}

        await eventually(told, "the candidate told of the refund")

    async def ops_reads_dead_letters(self) -> None:
        """Ops reads every consuming service's dead letters through the gateway."""
        for service in CONSUMING_SERVICES:
            listed = ok(
                await self.client.get(
                    f"/api/v1/{service}/ops/dead-letters", headers=self.headers["ops"]
                ),
                200,
            )
            assert listed["service"] == service
            if self.fresh_bus:
                assert listed["items"] == [], (service, listed["items"])

    async def institution_signs_up(self) -> None:
        """注册账号 (seed 003 §1.1.2): province and city, an institution of the official list,
        a phone with an SMS code; the head's login name is answered, its password comes by SMS,
        and the head then creates a business admin of the institution."""
        listed = ok(
            await self.client.get(
                "/api/v1/institution/directory",
                params={"province": "450000", "city": "450100", "name": "广西大学"},
            ),
            200,
        )
        [entry] = listed["items"]
        phone = self.phone
        ok(
            await self.client.post(
                "/api/v1/gateway/sms-codes", json={"phone": phone, "purpose": "register"}
            ),
            202,
        )
        sms_code = await eventually(lambda: self._sms(phone, "sms_code"), "the sign-up code")
        proof = ok(
            await self.client.post(
                "/api/v1/gateway/phone-proofs",
                json={"phone": phone, "code": "".join(c for c in sms_code if c.isdigit())[:6]},
            ),
            200,
        )["phone_proof"]
        body = {
            "province": "450000",
            "city": "450100",
            "institution_code": entry["code"],
            "institution_name": entry["name"],
            "phone_proof": proof,
        }
        signed_up = ok(await self.client.post("/api/v1/institution/sign-ups", json=body), 201)
        again = await self.client.post("/api/v1/institution/sign-ups", json=body)
        assert again.status_code == 409, again.text  # one head per institution

        credentials = await eventually(
            lambda: self._sms(phone, "account_credentials"), "the head's login name and password"
        )
        assert f"账号：{signed_up['username']}" in credentials, credentials
        password = credentials.split("初始密码：")[1].split("，")[0]
        head = await login(self.client, signed_up["username"], password)
        me = ok(await self.client.get("/api/v1/gateway/me", headers=head), 200)
        assert (me["role"], me["org_id"]) == ("institution_head", entry["code"]), me
        admin = ok(
            await self.client.post(
                "/api/v1/gateway/institution-admins",
                json={
                    "username": f"gxu.{phone[-4:]}",
                    "name": "院校管理员",
                    "password": "Admin2026x",
                },
                headers=head,
            ),
            201,
        )
        assert admin["org_id"] == entry["code"]
        self.headers["new_institution_head"] = head
        self.headers["new_institution_admin"] = await login(
            self.client, admin["username"], "Admin2026x"
        )
        self.state["new_institution"] = entry

    async def institution_applies_for_a_pilot(self) -> None:
        """证书试点申报 (seed 003 §1.1.3–1.2.4): the head completes the base info; the province
        opens this year's applications for the certificate (its plan of the year, or a new
        batch of it); the head applies for the certificate and submits."""
        head = self.headers["new_institution_head"]
        ok(
            await self.client.put(
                "/api/v1/institution/base-info",
                json={
                    "type": "本科院校",
                    "credit_code": "91110000600037341L",
                    "website": "https://www.gxu.edu.cn",
                    "education_department": "广西壮族自治区教育厅",
                    "address": {
                        "province": "450000",
                        "city": "450100",
                        "county": "450102",
                        "street": "大学东路100号",
                    },
                    "contact_name": "李老师",
                    "contact_phone": "17600086571",
                    "contact_email": "li@example.edu.cn",
                },
                headers=head,
            ),
            200,
        )
        province = self.headers["province_admin"]
        now = datetime.now(UTC).replace(microsecond=0)
        year = now.astimezone(CHINA).year
        batch = {
            "name": f"旅程批次 {self.phone}",
            "opens_at": (now - timedelta(hours=1)).isoformat(),
            "closes_at": (now + timedelta(days=7)).isoformat(),
            "certificate_codes": [PILOT_CERTIFICATE],
            "majors_required": False,
            "city_review_first": False,
        }
        plans = ok(
            await self.client.get(
                "/api/v1/institution/pilot/plans", params={"year": year}, headers=province
            ),
            200,
        )
        if plans:
            plan = ok(
                await self.client.post(
                    f"/api/v1/institution/pilot/plans/{plans[0]['id']}/batches",
                    json=batch,
                    headers=province,
                ),
                201,
            )
        else:
            plan = ok(
                await self.client.post(
                    "/api/v1/institution/pilot/plans",
                    json={"year": year, "title": f"{year}年证书试点申报计划", "batches": [batch]},
                    headers=province,
                ),
                201,
            )
        [opened] = [b for b in plan["batches"] if b["name"] == batch["name"]]
        application = ok(
            await self.client.post(
                "/api/v1/institution/pilot/applications",
                json={
                    "batch_id": opened["id"],
                    "certificate_code": PILOT_CERTIFICATE,
                    "planned_headcount": 3,
                    "teachers": "<p>专任教师 6 人</p>",
                    "venue": "<p>电子商务实训室 2 间</p>",
                },
                headers=head,
            ),
            201,
        )
        submitted = ok(
            await self.client.post(
                f"/api/v1/institution/pilot/applications/{application['id']}/submit",
                json={"confirmed": True},
                headers=head,
            ),
            200,
        )
        assert submitted["status"] == "province_review", submitted
        self.state["pilot_application_id"] = application["id"]

    async def province_approves_the_quota(self) -> None:
        """The province approves fewer students than planned: the quota (指标) registration
        will hold the institution to, reaching it over the broker."""
        decided = ok(
            await self.client.post(
                f"/api/v1/institution/pilot/applications/{self.state['pilot_application_id']}"
                "/decisions",
                json={"outcome": "approved", "approved_headcount": PILOT_QUOTA},
                headers=self.headers["province_admin"],
            ),
            200,
        )
        assert decided["status"] == "approved", decided

        async def quota() -> dict[str, Any] | None:
            response = await self.client.get(
                "/api/v1/registration/quotas", headers=self.headers["new_institution_admin"]
            )
            found = [q for q in ok(response, 200) if q["certificate_code"] == PILOT_CERTIFICATE]
            return found[0] if found else None

        held = await eventually(quota, "the approved quota in registration")
        assert (held["approved_headcount"], held["used"]) == (PILOT_QUOTA, 0), held

    async def pilot_institution_registers_students(self) -> None:
        """报考 (seed 003 §2.2.7): the pilot institution puts students with their photos on its
        roster and registers them for the organisation's plan; one more than the quota is
        refused line by line and nothing written, then the quota's worth is registered, and
        the institution's payment request (缴费申请单) covers them without any review."""
        school = self.headers["new_institution_admin"]
        students = [
            (name, resident_id(f"2004{month:02d}15", digit))
            for name, month, digit in (("赵一", 3, 1), ("钱二", 4, 3), ("孙三", 5, 5))
        ]
        lines = "".join(
            f"{name},ZHAO Yi,居民身份证,{number},1390000{n:04d},电子商务,本科,2023,院校考生\r\n"
            for n, (name, number) in enumerate(students)
        )
        header = "姓名,姓名拼音,证件类型,证件号码,手机号码,就读专业,专业层次,入学年份,考生类型\r\n"
        ok(
            await self.client.post(
                "/api/v1/registration/roster/students/import",
                files={"file": ("roster.csv", (header + lines).encode("utf-8-sig"), "text/csv")},
                headers=school,
            ),
            200,
        )
        photos = ok(
            await self.client.post(
                "/api/v1/registration/roster/students/photos",
                files={
                    "file": ("photos.zip", red_photos([n for _, n in students]), "application/zip")
                },
                headers=school,
            ),
            200,
        )
        assert photos, photos
        plan_id = self.state["plan_id"]

        async def offered() -> dict[str, Any] | None:
            response = await self.client.get(
                "/api/v1/registration/exam-entries/plans", headers=school
            )
            found = [p for p in ok(response, 200) if p["plan_id"] == plan_id]
            return found[0] if found else None

        plan = await eventually(offered, "the plan offered for 报考 with the quota")
        assert plan["window_open"] and plan["quota"]["remaining"] == PILOT_QUOTA, plan

        def entries(rows: list[tuple[str, str]]) -> bytes:
            text = "姓名,证件号码\r\n" + "".join(f"{n},{i}\r\n" for n, i in rows)
            return text.encode("utf-8-sig")

        async def register(rows: list[tuple[str, str]]) -> httpx.Response:
            return await self.client.post(
                "/api/v1/registration/exam-entries/import",
                data={"plan_id": plan_id, "mode": "certificate"},
                files={"file": ("entries.csv", entries(rows), "text/csv")},
                headers=school,
            )

        over = await register(students)
        body = assert_problem(over, 422, "rows[4].id_number")
        assert f"剩余 {PILOT_QUOTA} 人" in body["errors"][0]["message"], body
        registered = ok(await register(students[:PILOT_QUOTA]), 200)
        assert registered["registered"] == PILOT_QUOTA, registered
        assert registered["quota"]["remaining"] == 0, registered

        sheet = "身份证号,姓名\r\n" + "".join(f"{i},{n}\r\n" for n, i in students[:PILOT_QUOTA])

        async def requested() -> dict[str, Any] | None:
            response = await self.client.post(
                "/api/v1/payment/requests",
                data={"plan_id": plan_id, "mode": "certificate"},
                files={"file": ("request.csv", sheet.encode("utf-8-sig"), "text/csv")},
                headers=school,
            )
            # 422 until payment has heard of the registrations.
            return response.json() if response.status_code == 201 else None

        request = await eventually(requested, "the payment request covering the registrations")
        self.state["payment_request"] = request
        entry = self.state["new_institution"]
        assert (request["institution_id"], request["student_count"]) == (
            entry["code"],
            PILOT_QUOTA,
        ), request

    async def _sms(self, phone: str, template_code: str) -> str | None:
        """The newest SMS of a template to a phone in the development outbox (ops only)."""
        response = await self.client.get(
            "/api/v1/notification/dev/sms", params={"phone": phone}, headers=self.headers["ops"]
        )
        bodies = [m["body"] for m in ok(response, 200) if m["template_code"] == template_code]
        return bodies[-1] if bodies else None

    async def run_institution_sign_up(self) -> None:
        """An institution of the official list signs up its head, who makes an admin; it
        applies for a certificate pilot, the province approves a quota, and it registers its
        students for an exam within the quota (报考), which its payment request covers."""
        await self.staff()
        await self.organisation_opens_a_plan()
        await self.institution_signs_up()
        await self.institution_applies_for_a_pilot()
        await self.province_approves_the_quota()
        await self.pilot_institution_registers_students()
        await self.organisation_confirms_the_payment_request()
        await self.absent_students_reach_scoring()
        await self.ops_reads_dead_letters()

    async def run_withdrawal(self) -> None:
        """A paid candidate who withdraws instead of sitting the exam."""
        await self.staff()
        await self.organisation_opens_a_plan()
        await self.candidate_registers()
        await self.candidate_applies()
        await self.reviewer_approves()
        await self.candidate_pays()
        await self.exam_is_scheduled()
        await self.candidate_withdraws_and_is_refunded()
        await self.ops_reads_dead_letters()

    async def run(self) -> None:
        await self.staff()
        await self.organisation_opens_a_plan()
        await self.candidate_registers()
        await self.institution_lists_the_candidate()
        await self.candidate_applies()
        await self.reviewer_approves()
        await self.institution_requests_payment()
        await self.candidate_pays()
        await self.exam_is_scheduled()
        await self.invigilator_checks_in_offline()
        await self.organisation_imports_scores()
        await self.both_sign()
        await self.anyone_verifies()
        await self.candidate_was_told_each_step()
        await self.ops_reads_dead_letters()
