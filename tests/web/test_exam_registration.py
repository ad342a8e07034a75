"""报考管理 in the browser: the institution chooses a plan of a certificate it has a quota for,
sees the quota used and left, downloads the template, imports students (a file over the quota
and naming a stranger is reported line by line and registers nobody), lists them, and deletes
one in bulk, which gives the place back.

The quota comes from the province's decision, `institution.pilot.approved`, published here on
the platform's bus as the institution service would."""

from __future__ import annotations

import asyncio
import io
import random
import re
import zipfile
from datetime import UTC, datetime
from uuid import uuid4

import httpx
from browser import Platform, Screens, new_page
from journey import resident_id
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from staff import file_payload, in_thread, sign_in

from skillcert.bus.base import Message
from skillcert.bus.embedded import EmbeddedBus
from skillcert.clock import china_today
from skillcert.events import PilotApproved
from skillcert_embedded.demo import DEMO_INSTITUTION, DEMO_INSTITUTION_NAME, DEMO_PLAN_TITLE, login

ROSTER_HEADER = "姓名,姓名拼音,证件类型,证件号码,手机号码,就读专业,专业层次,入学年份,考生类型\r\n"
# A file from the template before 参考对象 was added: the demo plan's subjects are for all
# candidates (所有考生), so the column may be left out.
ENTRY_HEADER = "姓名,证件号码\r\n"
NAMES = ["周一", "吴二", "郑三", "王四"]


async def grant_quota(platform: Platform, headcount: int) -> None:
    """The province's decision on the platform's bus, then wait until registration shows it."""
    event = PilotApproved(
        decision_id=uuid4(),
        application_id=uuid4(),
        institution_code=DEMO_INSTITUTION,
        institution_name=DEMO_INSTITUTION_NAME,
        province="450000",
        certificate_code="4-01-02-02",
        certificate_name="电子商务师",
        year=china_today().year,
        approved_headcount=headcount,
        decided_at=datetime.now(UTC),
    )
    bus = EmbeddedBus(platform.data_dir / "bus.db")
    await bus.connect()
    try:
        message = Message(
            message_id=str(event.event_id),
            routing_key=event.type,
            body=event.model_dump_json().encode(),
            headers={"type": event.type},
        )
        assert await bus.publish([message]) == [True]
    finally:
        await bus.close()
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as client:
        headers = await login(client, "inst.admin", platform.staff_password)
        for _ in range(100):
            quotas = (await client.get("/api/v1/registration/quotas", headers=headers)).json()
            if any(q["approved_headcount"] == headcount for q in quotas):
                return
            await asyncio.sleep(0.2)
    raise AssertionError("the quota did not reach registration")


async def put_on_roster(platform: Platform, students: list[tuple[str, str]]) -> None:
    lines = "".join(
        f"{name},ZHOU Yi,居民身份证,{number},1380013{n:04d},电子商务,高职专科,2024,院校考生\r\n"
        for n, (name, number) in enumerate(students)
    )
    async with httpx.AsyncClient(base_url=platform.base_url, timeout=30) as client:
        headers = await login(client, "inst.admin", platform.staff_password)
        response = await client.post(
            "/api/v1/registration/roster/students/import",
            files={"file": ("roster.csv", (ROSTER_HEADER + lines).encode("utf-8-sig"), "text/csv")},
            headers=headers,
        )
        assert response.status_code == 200, response.text
        # 报考 needs each student's checked photo: 小一寸 on red, named by the ID number.
        photos = await client.post(
            "/api/v1/registration/roster/students/photos",
            files={"file": ("photos.zip", photo_zip([n for _, n in students]), "application/zip")},
            headers=headers,
        )
        assert photos.status_code == 200, photos.text


def photo_zip(id_numbers: list[str]) -> bytes:
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


def upload(page: Page, panel: str, lines: list[tuple[str, str]]) -> None:
    content = ENTRY_HEADER + "".join(f"{name},{number}\r\n" for name, number in lines)
    box = page.locator(f"[data-test={panel}]")
    box.locator("[data-test=import-file]").set_input_files(
        file_payload("entries.csv", "text/csv", content.encode("utf-8-sig"))
    )
    box.locator("[data-test=import-submit]").click()


def choose_demo_plan(page: Page) -> None:
    page.locator("[data-test=entry-plan]").click()
    page.get_by_role("option", name=DEMO_PLAN_TITLE, exact=True).first.click()


class TestExamRegistration:
    def test_register_within_quota_report_bad_lines_and_delete(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        students = [
            (name, resident_id(f"2004{random.randint(1, 12):02d}{random.randint(10, 28)}", digit))
            for name, digit in zip(NAMES, (1, 3, 5, 7), strict=True)
        ]
        in_thread(put_on_roster(platform, students))
        in_thread(grant_quota(platform, 3))

        page = sign_in(browser, platform, "inst.admin")
        page.goto("/institution/exam-entries")
        choose_demo_plan(page)
        quota = page.locator("[data-test=entry-quota]")
        expect(quota.locator("[data-test=quota-approved]")).to_have_text("3")
        used_before = int(quota.locator("[data-test=quota-used]").inner_text())
        expect(page.locator("[data-test=entry-plan-subject]").first).to_contain_text(
            "理论知识（参考对象：所有考生）"
        )
        screens.check(page, "institution-exam-entries-1280")

        with page.expect_download() as downloaded:
            page.locator("[data-test=entry-template-csv]").click()
        assert downloaded.value.suggested_filename == "按证书报考模板.csv"
        template = downloaded.value.path().read_bytes().decode("utf-8-sig")
        assert template.splitlines()[0] == "姓名,证件号码,参考对象"

        # Four students and a stranger against three places: every bad line, nobody registered.
        stranger = ("陌生人", resident_id("19990101", 9))
        upload(page, "entry-import", [*students, stranger])
        report = page.locator("[data-test=entry-import] [data-test=row-errors]")
        expect(report).to_contain_text("超出指标")
        expect(report).to_contain_text("考生名单中没有")
        screens.check(page, "institution-exam-entries-row-errors")
        expect(quota.locator("[data-test=quota-used]")).to_have_text(str(used_before))

        upload(page, "entry-import", students[:2])
        expect(page.locator(".el-message--success")).to_contain_text("新报考 2 人")
        expect(quota.locator("[data-test=quota-used]")).to_have_text(str(used_before + 2))
        table = page.locator("[data-test=exam-entries]")
        first_masked = f"{students[0][1][:6]}{'*' * 8}{students[0][1][-4:]}"
        expect(table).to_contain_text(first_masked)
        expect(table).to_contain_text("理论知识")
        expect(table.locator("th", has_text="参考对象")).to_be_visible()

        delete_button = page.locator("[data-test=entry-delete] [data-test=import-submit]")
        expect(delete_button).to_have_text("删除这些报考")
        upload(page, "entry-delete", students[:1])
        expect(page.locator(".el-message--success").last).to_contain_text("删除报考 1 人")
        expect(quota.locator("[data-test=quota-used]")).to_have_text(str(used_before + 1))
        expect(table).not_to_contain_text(first_masked)
        screens.check(page, "institution-exam-entries-deleted")

    def test_the_head_sees_the_page_on_a_phone(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "inst.head", {"width": 375, "height": 812})
        page.goto("/institution/exam-entries")
        expect(page.locator("h1")).to_have_text("报考管理")
        expect(page.locator("[data-test=loading]")).to_have_count(0)
        screens.check(page, "institution-exam-entries-375")


class TestDemoPilotInstitution:
    def test_the_demo_pilot_institution_has_its_quota_for_the_demo_plan(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = new_page(browser, platform, {"width": 1280, "height": 800})
        page.goto("/login")
        page.locator("[data-test=login]").fill("pilot.admin")
        page.locator("[data-test=password]").fill(platform.staff_password)
        page.locator("[data-test=submit]").click()
        page.wait_for_url(re.compile(r"^(?!.*login).*$"))
        page.goto("/institution/exam-entries")
        choose_demo_plan(page)
        quota = page.locator("[data-test=entry-quota]")
        expect(quota).to_contain_text("电子商务师")
        expect(quota.locator("[data-test=quota-approved]")).to_have_text("40")
        screens.check(page, "institution-exam-entries-pilot-demo")
