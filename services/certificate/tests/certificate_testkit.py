"""Test helpers shared by the certificate tests (a module, so tests can import it)."""

import io
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from uuid import NAMESPACE_URL, UUID, uuid4, uuid5

import httpx
from PIL import Image, ImageDraw
from pyhanko.pdf_utils.reader import PdfFileReader
from sqlalchemy import select

from certificate.certificates.models import Certificate
from certificate.stamps.models import Stamp
from skillcert.auth import Role
from skillcert.events import ExamPlanPublished, PlanSubject, ResultDetermined, SubjectScore
from skillcert.testing import ServiceHarness

ORG = "ORG-DEMO"
ORG_NAME = "示例培训评价组织"
INST = "INST-DEMO"
INST_NAME = "示例职业技术学院"
ID_NUMBER = "110101199003074514"

API = "/api/v1/certificate"


def head_account(institution_id: str) -> UUID:
    return uuid5(NAMESPACE_URL, f"head:{institution_id}")


def stamp_png(size: int = 95, *, background: tuple[int, int, int, int] = (0, 0, 0, 0)) -> bytes:
    """A red round seal on a transparent background, as the seed asks for."""
    image = Image.new("RGBA", (size, size), background)
    ImageDraw.Draw(image).ellipse((4, 4, size - 5, size - 5), outline=(200, 20, 20, 255), width=5)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


class World:
    """Builds the situations the tests need through the service's own entry points."""

    def __init__(self, harness: ServiceHarness) -> None:
        self.harness = harness
        self.client = harness.client
        self.candidate_id = uuid4()

    def head(self, institution_id: str = INST) -> dict[str, str]:
        # One head per institution (seed 003), always the same account: what the head accepted
        # or confirmed in one request is theirs in the next.
        return self.harness.headers(
            Role.INSTITUTION_HEAD, org_id=institution_id, account_id=head_account(institution_id)
        )

    async def accept_agreement(self, headers: dict[str, str]) -> None:
        current = await self.client.get(f"{API}/stamps/agreement", headers=headers)
        assert current.status_code == 200, current.text
        accepted = await self.client.post(
            f"{API}/stamps/agreement/acceptances",
            json={"version": current.json()["version"]},
            headers=headers,
        )
        assert accepted.status_code == 200, accepted.text

    async def upload_stamp(self, data: bytes, headers: dict[str, str]) -> str:
        response = await self.client.post(f"{API}/stamps/upload-url", headers=headers)
        assert response.status_code == 200, response.text
        body = response.json()
        async with httpx.AsyncClient() as client:
            put = await client.put(
                body["upload"]["url"], content=data, headers=body["upload"]["headers"]
            )
        assert put.status_code == 200, put.text
        return str(body["object_key"])

    async def give_head_stamp(self, institution_id: str = INST) -> None:
        """The head accepts the agreement and uploads a valid stamp, as the screen does."""
        headers = self.head(institution_id)
        await self.accept_agreement(headers)
        key = await self.upload_stamp(stamp_png(), headers)
        confirmed = await self.client.post(
            f"{API}/stamps", json={"object_key": key}, headers=headers
        )
        assert confirmed.status_code == 200, confirmed.text

    def org(self, org_id: str = ORG) -> dict[str, str]:
        return self.harness.headers(Role.ORG_ADMIN, org_id=org_id)

    def candidate(self, account_id: UUID | None = None) -> dict[str, str]:
        return self.harness.headers(Role.CANDIDATE, account_id=account_id or self.candidate_id)

    async def plan(self, org_id: str = ORG, org_name: str = ORG_NAME) -> ExamPlanPublished:
        now = datetime.now(UTC)
        event = ExamPlanPublished(
            plan_id=uuid4(),
            org_id=org_id,
            org_name=org_name,
            title="2026年电子商务师一级考试计划",
            occupation_code="4-01-02-02",
            occupation_name="电子商务师",
            level=1,
            level_name="一级/高级技师",
            registration_opens_at=now - timedelta(days=60),
            registration_closes_at=now - timedelta(days=30),
            exam_starts_at=now - timedelta(days=10),
            exam_ends_at=now - timedelta(days=9),
            fee_fen=30000,
            subjects=[PlanSubject(code="T1", name="理论知识", method="computer")],
        )
        await self.harness.deliver(event)
        return event

    def result(
        self,
        plan: ExamPlanPublished,
        *,
        result: str = "pass",
        institution_id: str = INST,
        institution_name: str = INST_NAME,
        candidate_id: UUID | None = None,
        id_number: str = ID_NUMBER,
        application_id: UUID | None = None,
    ) -> ResultDetermined:
        return ResultDetermined(
            application_id=application_id or uuid4(),
            candidate_id=candidate_id or self.candidate_id,
            plan_id=plan.plan_id,
            ticket_number="2026000100010001",
            candidate_name="张三丰",
            id_number=id_number,
            institution_id=institution_id,
            institution_name=institution_name,
            result=result,  # type: ignore[arg-type]
            subject_scores=[SubjectScore(subject_code="T1", score=Decimal("88"), passed=True)],
            determined_at=datetime.now(UTC),
        )

    async def has_head_stamp(self, institution_id: str) -> bool:
        async with self.harness.ctx.sessionmaker() as session:
            return await session.get(Stamp, institution_id) is not None

    async def store_head_stamp(self, institution_id: str) -> None:
        """A stamp in place without the upload dance (tests about signing, not stamps)."""
        key = f"stamps/{institution_id}/{uuid4().hex}.png"
        data = stamp_png()
        await self.harness.ctx.storage.put(key, data, "image/png")
        async with self.harness.ctx.sessionmaker() as session, session.begin():
            session.add(
                Stamp(
                    institution_id=institution_id,
                    object_key=key,
                    size=len(data),
                    width=95,
                    height=95,
                    uploaded_by=head_account(institution_id),
                    uploaded_at=datetime.now(UTC),
                )
            )

    async def pending(
        self, plan: ExamPlanPublished | None = None, *, head_stamp: bool = True, **kwargs: object
    ) -> UUID:
        """A certificate waiting for signatures; returns its id. The head has a stamp unless
        `head_stamp` is False."""
        institution_id = str(kwargs.get("institution_id", INST))
        if head_stamp and not await self.has_head_stamp(institution_id):
            await self.store_head_stamp(institution_id)
        plan = plan or await self.plan()
        event = self.result(plan, **kwargs)  # type: ignore[arg-type]
        await self.harness.deliver(event)
        cert = await self.by_application(event.application_id)
        assert cert is not None
        return cert.id

    async def by_application(self, application_id: UUID) -> Certificate | None:
        async with self.harness.ctx.sessionmaker() as session:
            return (
                await session.execute(
                    select(Certificate).where(Certificate.application_id == application_id)
                )
            ).scalar_one_or_none()

    async def get(self, certificate_id: UUID) -> Certificate:
        async with self.harness.ctx.sessionmaker() as session:
            cert = await session.get(Certificate, certificate_id)
        assert cert is not None
        return cert

    async def sign(self, certificate_id: UUID, headers: dict[str, str]):
        return await self.client.post(f"{API}/certificates/{certificate_id}/sign", headers=headers)

    async def issued(self, plan: ExamPlanPublished | None = None, **kwargs: object) -> Certificate:
        certificate_id = await self.pending(plan, **kwargs)
        head = kwargs.get("institution_id", INST)
        assert (await self.sign(certificate_id, self.head(str(head)))).status_code == 200
        response = await self.sign(certificate_id, self.org(plan.org_id if plan else ORG))
        assert response.status_code == 200, response.text
        return await self.get(certificate_id)


def flip_byte_in_page_content(pdf: bytes) -> bytes:
    """One byte of the page's content stream changed: what a forger editing the text does."""
    page = PdfFileReader(io.BytesIO(pdf)).root["/Pages"]["/Kids"][0]
    contents_ref = page.raw_get("/Contents")
    obj_start = pdf.index(b"\n%d 0 obj" % contents_ref.idnum)
    data_start = pdf.index(b"stream", obj_start) + len(b"stream\n")
    pos = data_start + 40
    tampered = bytearray(pdf)
    # Swap between two ASCII85 digits so the file still parses and only the hash differs.
    tampered[pos] = ord("A") if tampered[pos] != ord("A") else ord("B")
    return bytes(tampered)
