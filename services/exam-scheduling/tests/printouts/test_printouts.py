"""Room printouts (考场打印件) for the institution running the site, checked as printed."""

from __future__ import annotations

import io
import zipfile
from uuid import uuid4

import pytest

from exam_scheduling.printouts.rules import file_name
from skillcert.auth import Role
from skillcert.pdf_testing import ink_pixels, pdf_fonts, pdf_text, render_page
from skillcert.testing import ServiceHarness, assert_problem

from ..factories import API, scheduled_plan
from ..tickets.test_tickets import (
    OTHER_INST,
    candidate,
    filed,
    institution,
    jpeg,
    rooms,
    seat,
    sites,
)


async def site0(harness: ServiceHarness) -> dict:
    [site] = [s for s in await sites(harness) if s["name"] == "考点0"]
    return site


def words(pdf: bytes) -> str:
    return pdf_text(pdf).replace(" ", "")


class TestSignInSheet:
    async def test_lists_every_candidate_with_counts_and_blank_invigilator_lines(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (3,))
        seated = [await seat(harness, plan, name) for name in ("张三", "李四")]
        room = (await rooms(harness, (await site0(harness))["id"]))[0]
        response = await harness.client.get(
            f"{API}/rooms/{room['id']}/printouts/sign-in-sheet.pdf", headers=institution(harness)
        )
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/pdf"
        pdf = response.content
        assert all(f.embedded and f.subset for f in pdf_fonts(pdf))
        text = words(pdf)
        for expected in (
            "考场签到表",
            "2026-05-1609:00–11:00",
            "1号机房",
            "北京市海淀区示例路1号实训楼3层301室",
            "监考人员：________________",
            "巡考人员：",
            "张三",
            "李四",
            "110101********4514",
            "示例职业技术学院",
            "考生签名",
            "应考2人",
            "实考______人",
            "缺考______人",
        ):
            assert expected in text, expected
        for _, ticket in seated:
            assert ticket["ticket_number"] in text
        assert "110101199003074514" not in text

    async def test_prints_the_candidates_photo(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (3,))
        app = uuid4()
        key = f"applications/{app}/photo.jpg"
        await harness.ctx.storage.put(key, jpeg(), "image/jpeg")
        await harness.deliver(filed(app, key))
        await seat(harness, plan, application_id=app)
        room = (await rooms(harness, (await site0(harness))["id"]))[0]
        url = f"{API}/rooms/{room['id']}/printouts/sign-in-sheet.pdf"
        with_photo = (await harness.client.get(url, headers=institution(harness))).content
        # The photo cell of the first row: below the header block, second column.
        cell = (36 + 34 + 6, 842 - 36 - 132 - 48, 36 + 34 + 40, 842 - 36 - 132 - 4)
        assert ink_pixels(render_page(with_photo), cell) > 400

    async def test_many_candidates_go_over_several_pages_counts_on_the_last(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (20,))
        for i in range(14):
            await seat(harness, plan, f"考生{i:02d}")
        room = (await rooms(harness, (await site0(harness))["id"]))[0]
        pdf = (
            await harness.client.get(
                f"{API}/rooms/{room['id']}/printouts/sign-in-sheet.pdf",
                headers=institution(harness),
            )
        ).content
        pages = pdf_text(pdf).split("\f")
        assert "第1/2页" in pages[0].replace(" ", "") and "应考" not in pages[0]
        assert "应考14人" in pages[1].replace(" ", "")


class TestLabels:
    @pytest.mark.parametrize("kind", ["desk-labels", "door-label"])
    async def test_labels_name_the_room_and_candidates(self, harness: ServiceHarness, kind: str):
        plan = await scheduled_plan(harness, (3,))
        numbers = [(await seat(harness, plan, n))[1]["ticket_number"] for n in ("张三", "李四")]
        room = (await rooms(harness, (await site0(harness))["id"]))[0]
        response = await harness.client.get(
            f"{API}/rooms/{room['id']}/printouts/{kind}.pdf",
            headers=institution(harness, role=Role.INSTITUTION_HEAD),
        )
        assert response.status_code == 200
        text = words(response.content)
        assert "1号机房" in text
        if kind == "desk-labels":
            assert all(n in text for n in numbers) and "张三" in text and "01" in text
        else:
            assert f"{min(numbers)}—{max(numbers)}" in text and "应考2人" in text

    async def test_an_empty_room_still_gives_a_page(self, harness: ServiceHarness):
        await scheduled_plan(harness, (3,))
        room = (await rooms(harness, (await site0(harness))["id"]))[0]
        response = await harness.client.get(
            f"{API}/rooms/{room['id']}/printouts/door-label.pdf", headers=institution(harness)
        )
        assert "暂无已排考的考生" in words(response.content)


class TestSiteZip:
    async def test_one_zip_with_three_printouts_per_room_in_use(self, harness: ServiceHarness):
        plan = await scheduled_plan(harness, (1, 1, 1))
        for name in ("甲", "乙"):
            await seat(harness, plan, name)
        site = await site0(harness)
        response = await harness.client.get(
            f"{API}/sites/{site['id']}/printouts.zip", headers=institution(harness)
        )
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        assert sorted(archive.namelist()) == [
            "01-1号机房-桌贴.pdf",
            "01-1号机房-签到表.pdf",
            "01-1号机房-门贴.pdf",
            "02-2号机房-桌贴.pdf",
            "02-2号机房-签到表.pdf",
            "02-2号机房-门贴.pdf",
        ]
        assert "甲" in words(archive.read("01-1号机房-签到表.pdf"))
        assert "乙" in words(archive.read("02-2号机房-签到表.pdf"))


class TestFromTheOtherSide:
    async def test_another_institution_a_candidate_and_anonymous_are_refused(
        self, harness: ServiceHarness
    ):
        plan = await scheduled_plan(harness, (3,))
        approval, _ = await seat(harness, plan)
        site = await site0(harness)
        room = (await rooms(harness, site["id"]))[0]
        urls = [
            f"{API}/rooms/{room['id']}/printouts/sign-in-sheet.pdf",
            f"{API}/sites/{site['id']}/printouts.zip",
        ]
        for url in urls:
            assert_problem(
                await harness.client.get(url, headers=institution(harness, OTHER_INST)),
                404,
                slug="not-found",
            )
            assert_problem(
                await harness.client.get(url, headers=candidate(harness, approval.candidate_id)),
                403,
            )
            assert_problem(
                await harness.client.get(
                    url, headers=harness.headers(Role.ORG_ADMIN, org_id="ORG-DEMO")
                ),
                403,
            )
            assert_problem(await harness.client.get(url), 401)

    async def test_an_unknown_kind_or_room_is_refused(self, harness: ServiceHarness):
        response = await harness.client.get(
            f"{API}/rooms/{uuid4()}/printouts/poster.pdf", headers=institution(harness)
        )
        assert_problem(response, 422, "path.kind")
        response = await harness.client.get(
            f"{API}/rooms/{uuid4()}/printouts/door-label.pdf", headers=institution(harness)
        )
        assert_problem(response, 404, slug="not-found")


def test_file_names_are_safe_and_sort_by_room():
    assert file_name(3, "3号 机房/东", "签到表") == "03-3号_机房_东-签到表.pdf"
    assert file_name(12, "///", "门贴") == "12-room-门贴.pdf"
