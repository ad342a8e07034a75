"""考生管理 in the browser, for an institution admin: import students, import a zip of their
photos and read the report per file, see the thumbnail, confirm a student's identity by hand
(人工确认) with a reason, and export the roster for 批量修改 (full ID numbers)."""

from __future__ import annotations

import io
import random
import zipfile

import openpyxl
from browser import Platform, Screens
from journey import resident_id
from PIL import Image
from playwright.sync_api import Browser, Page, expect
from staff import file_payload, sign_in

HEADER = "姓名,姓名拼音,证件类型,证件号码,手机号码,就读专业,专业层次,入学年份,考生类型\r\n"


def photo(background: tuple[int, int, int] = (215, 20, 25), seed: int = 1) -> bytes:
    """A 295×413 小一寸-like JPEG: a plain background and a noisy "person" clear of its edges."""
    image = Image.new("RGB", (295, 413), background)
    rnd = random.Random(seed)
    person = Image.frombytes("RGB", (147, 331), rnd.randbytes(147 * 331 * 3))
    image.paste(person, (74, 82))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def masked(id_number: str) -> str:
    return f"{id_number[:6]}{'*' * 8}{id_number[-4:]}"


def import_students(page: Page, *students: tuple[str, str, str]) -> None:
    lines = "".join(
        f"{name},{pinyin},居民身份证,{id_number},1380013{n:04d},物流管理,高职专科,2023,院校考生\r\n"
        for n, (name, pinyin, id_number) in enumerate(students)
    )
    page.locator("[data-test=import-file]").set_input_files(
        file_payload("roster.csv", "text/csv", (HEADER + lines).encode("utf-8-sig"))
    )
    page.locator("[data-test=import-submit]").click()
    expect(page.locator(".el-message--success", has_text="导入完成").last).to_be_visible()


def unique_ids(count: int) -> list[str]:
    """Resident IDs no other test of the session uses (the platform lives for the session)."""
    rnd = random.Random()
    ids: list[str] = []
    # Distinct once masked too, so one file's report rows never share a masked ID.
    while len(ids) < count:
        candidate = resident_id(
            f"{rnd.randint(1995, 2006)}{rnd.randint(1, 12):02d}{rnd.randint(1, 28):02d}",
            rnd.choice((1, 3, 5, 7, 9)),
        )
        if masked(candidate) not in {masked(i) for i in ids}:
            ids.append(candidate)
    return ids


class TestRosterPhotosAndIdentity:
    def test_photos_are_matched_per_file_shown_and_the_identity_confirmed(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "inst.admin")
        first, second, stranger = unique_ids(3)
        import_students(page, ("陈红", "CHEN Hong", first), ("周亮", "ZHOU Liang", second))
        # Masked IDs of other tests' students may coincide (first six and last four digits):
        # the name narrows the row to this student.
        row = page.locator("[data-test=roster] .el-table__row", has_text=masked(first)).filter(
            has_text="陈红"
        )
        expect(row.locator("[data-test=photo-missing]")).to_have_text("未导入照片")

        content = zip_of(
            {
                f"{first}.jpg": photo(),
                f"{second}.jpg": photo(background=(255, 255, 255)),
                f"{stranger}.jpg": photo(),
                "说明.txt": b"not a photo",
            }
        )
        page.locator("[data-test=photo-zip]").set_input_files(
            file_payload("photos.zip", "application/zip", content)
        )
        page.locator("[data-test=photo-submit]").click()
        report = page.locator("[data-test=photo-report]")
        expect(report).to_contain_text(f"{masked(first)}.jpg")
        expect(report.locator(".el-table__row", has_text=masked(first))).to_contain_text("已匹配")
        refused = report.locator(".el-table__row", has_text=masked(second))
        expect(refused).to_contain_text("非红色底")
        expect(refused).to_contain_text("照片底色须为红色")
        expect(refused).to_contain_text("周亮")
        expect(report.locator(".el-table__row", has_text=masked(stranger))).to_contain_text(
            "无此考生"
        )
        expect(report.locator(".el-table__row", has_text="说明.txt")).to_contain_text(
            "文件名不正确"
        )
        expect(page.locator(".el-message--success", has_text="照片导入完成")).to_contain_text(
            "匹配 1 张，未通过 3 张"
        )
        # The thumbnail is the stored photo, fetched with its presigned link.
        thumb = row.locator("[data-test=photo-thumb] img")
        expect(thumb).to_be_visible()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth === 295",
            arg=thumb.element_handle(),
        )
        screens.check(page, "institution-roster-photos")

        # 人工确认: a reason of one character is refused at its field, then confirmed.
        row.locator("[data-test=confirm-identity]").click()
        dialog = page.get_by_role("dialog")
        dialog.locator("[data-test=confirm-reason]").fill("好")
        dialog.locator("[data-test=confirm-save]").click()
        item = dialog.locator(".el-form-item", has=page.locator("[data-test=confirm-reason]"))
        expect(item.locator(".el-form-item__error")).to_be_visible()
        screens.check(page, "institution-roster-confirm")
        dialog.locator("[data-test=confirm-reason]").fill("已核对身份证原件，照片为本人")
        dialog.locator("[data-test=confirm-save]").click()
        expect(dialog).to_be_hidden()
        expect(row.locator("[data-test=identity-status]")).to_have_text("已人工确认")
        expect(row.locator("[data-test=identity-confirmation]")).to_contain_text(
            "已核对身份证原件，照片为本人"
        )
        expect(row.locator("[data-test=confirm-identity]")).to_have_count(0)

    def test_a_file_that_is_not_a_zip_is_refused_at_the_file(
        self, browser: Browser, platform: Platform
    ):
        page = sign_in(browser, platform, "inst.admin")
        page.locator("[data-test=photo-submit]").click()
        expect(page.locator("[data-test=photo-error]")).to_have_text("请先选择压缩包")
        page.locator("[data-test=photo-zip]").set_input_files(
            file_payload("photos.zip", "application/zip", photo())
        )
        page.locator("[data-test=photo-submit]").click()
        expect(page.locator("[data-test=photo-error]")).to_have_text("文件不是有效的ZIP压缩包")


class TestRosterExport:
    def test_the_export_is_the_template_with_full_id_numbers(
        self, browser: Browser, platform: Platform, screens: Screens
    ):
        page = sign_in(browser, platform, "inst.admin", {"width": 375, "height": 812})
        [id_number] = unique_ids(1)
        import_students(page, ("吴敏", "WU Min", id_number))
        # the list masks, the export does not
        expect(page.locator("[data-test=roster]")).to_contain_text(masked(id_number))
        expect(page.locator("[data-test=roster]")).not_to_contain_text(id_number)
        screens.check(page, "institution-roster-375")
        with page.expect_download() as info:
            page.locator("[data-test=export-xlsx]").click()
        assert info.value.suggested_filename == "考生信息.xlsx"
        sheet = openpyxl.load_workbook(io.BytesIO(info.value.path().read_bytes())).worksheets[0]
        lines = [[c.value for c in line] for line in sheet.iter_rows()]
        assert lines[0][:4] == ["姓名", "姓名拼音", "证件类型", "证件号码"]
        assert ["吴敏", "WU Min", "居民身份证", id_number] in [line[:4] for line in lines]
        expect(page.locator(".el-message--success", has_text="已导出")).to_be_visible()
