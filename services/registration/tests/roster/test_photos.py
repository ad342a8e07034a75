"""批量导入考生照片 over HTTP: a zip matched file by file, stored in the real S3 server, each
file reported; the photo viewable by its institution only (presigned GET)."""

from __future__ import annotations

from uuid import uuid4

import httpx
import pytest
from sqlalchemy import update

from registration.roster.models import RosterStudent
from skillcert.auth import Role
from skillcert.testing import ServiceHarness, assert_problem
from tests.roster.support import (
    OTHER_SCHOOL,
    ROSTER,
    client,
    csv_file,
    listed,
    masked,
    photo,
    row,
    school,
    stored,
    student_id,
    upload,
    upload_photos,
    zip_of,
)


async def roster_of(harness: ServiceHarness, *numbers: int, org_id: str = "INST-001") -> None:
    response = await upload(harness, csv_file(*(row(n) for n in numbers)), org_id=org_id)
    assert response.status_code == 200, response.text


def outcomes(body: dict[str, object]) -> list[tuple[str, str]]:
    files = body["files"]
    assert isinstance(files, list)
    return [(f["file"], f["outcome"]) for f in files]


class TestImport:
    async def test_each_file_is_matched_checked_and_reported(self, harness: ServiceHarness):
        await roster_of(harness, 1, 2, 3, 4, 5, 6)
        content = zip_of(
            [
                (f"照片/{student_id(1)}.jpg", photo()),
                (f"{student_id(2)}.jpg", photo(image_format="PNG")),  # a PNG named .jpg
                (f"{student_id(9)}.jpg", photo()),  # nobody of that number on the roster
                (f"{student_id(3)}.jpg", photo(size=(358, 441))),
                (f"{student_id(4)}.jpg", photo(background=(255, 255, 255))),
                (f"{student_id(5)}.jpg", b"GIF89a not really"),
                ("张三.jpg", photo()),
                (f"../{student_id(6)}.jpg", photo()),
            ]
        )
        response = await upload_photos(harness, content)
        assert response.status_code == 200, response.text
        body = response.json()
        assert (body["matched"], body["refused"]) == (2, 6)
        assert outcomes(body) == [
            (f"照片/{masked(student_id(1))}.jpg", "matched"),
            (f"{masked(student_id(2))}.jpg", "matched"),
            (f"{masked(student_id(9))}.jpg", "no_student"),
            (f"{masked(student_id(3))}.jpg", "wrong_size"),
            (f"{masked(student_id(4))}.jpg", "not_red"),
            (f"{masked(student_id(5))}.jpg", "not_image"),
            ("张三.jpg", "bad_name"),
            (f"../{masked(student_id(6))}.jpg", "bad_name"),
        ]
        messages = [(f["outcome_label"], f["message"]) for f in body["files"]]
        assert messages[2:6] == [
            ("无此考生", "考生名单中没有此证件号码"),
            ("像素不符", "照片像素应为295×413（当前 358×441）"),
            ("非红色底", "照片底色须为红色"),
            ("不是图片", "文件不是JPG或PNG图片"),
        ]
        assert body["files"][0]["student_name"] == "学生1"
        assert body["files"][3]["student_name"] == "学生3"  # refused, but whose it was is known

        by_number = {s.id_number: s for s in await stored(harness)}
        first, second = by_number[student_id(1)], by_number[student_id(2)]
        assert (first.photo_status, first.photo_content_type) == ("checked", "image/jpeg")
        assert (second.photo_status, second.photo_content_type) == ("checked", "image/png")
        assert [by_number[student_id(n)].photo_status for n in (3, 4, 5, 6)] == ["missing"] * 4
        assert first.photo_key is not None
        assert await harness.ctx.storage.get(first.photo_key) == photo()

        statuses = {
            i["name"]: (i["photo_status"], i["photo_status_label"]) for i in await listed(harness)
        }
        assert statuses["学生1"] == ("checked", "照片已通过检查")
        assert statuses["学生3"] == ("missing", "未导入照片")

    async def test_two_photos_of_one_student_are_both_refused(self, harness: ServiceHarness):
        await roster_of(harness, 1)
        content = zip_of(
            [(f"{student_id(1)}.jpg", photo()), (f"{student_id(1)}.png", photo(image_format="PNG"))]
        )
        body = (await upload_photos(harness, content)).json()
        assert [o for _, o in outcomes(body)] == ["duplicate", "duplicate"]
        assert body["files"][0]["message"] == "压缩包中有该考生的多张照片，请只保留一张"
        assert (await stored(harness))[0].photo_status == "missing"

    async def test_a_new_photo_replaces_the_old_and_a_bad_one_keeps_it(
        self, harness: ServiceHarness
    ):
        await roster_of(harness, 1)
        await upload_photos(harness, zip_of({f"{student_id(1)}.jpg": photo(seed=1)}))
        await upload_photos(harness, zip_of({f"{student_id(1)}.jpg": photo(seed=2)}))
        [student] = await stored(harness)
        assert student.photo_key is not None
        assert await harness.ctx.storage.get(student.photo_key) == photo(seed=2)
        refused = await upload_photos(
            harness, zip_of({f"{student_id(1)}.jpg": photo(background=(255, 255, 255))})
        )
        assert outcomes(refused.json()) == [(f"{masked(student_id(1))}.jpg", "not_red")]
        [student] = await stored(harness)
        assert student.photo_status == "checked"
        assert await harness.ctx.storage.get(student.photo_key) == photo(seed=2)

    async def test_another_institutions_students_are_not_matched(self, harness: ServiceHarness):
        await roster_of(harness, 1)
        response = await upload_photos(
            harness, zip_of({f"{student_id(1)}.jpg": photo()}), org_id=OTHER_SCHOOL
        )
        assert outcomes(response.json()) == [(f"{masked(student_id(1))}.jpg", "no_student")]
        assert (await stored(harness))[0].photo_status == "missing"

    @pytest.mark.parametrize(
        ("content", "message"),
        [
            (b"not a zip at all", "文件不是有效的ZIP压缩包"),
            (zip_of({"照片/": b""}), "压缩包中没有照片"),
        ],
    )
    async def test_a_bad_zip_is_422_at_the_file(
        self, harness: ServiceHarness, content: bytes, message: str
    ):
        response = await upload_photos(harness, content)
        assert_problem(response, 422, "file", messages={"file": message})

    async def test_other_roles_and_anonymous_are_refused(self, harness: ServiceHarness):
        await roster_of(harness, 1)
        content = zip_of({f"{student_id(1)}.jpg": photo()})
        for role, org_id in (
            (Role.CANDIDATE, None),
            (Role.ORG_ADMIN, "ORG-DEMO"),
            (Role.PROVINCE_ADMIN, "370000"),
        ):
            response = await upload_photos(harness, content, headers=harness.headers(role, org_id))
            assert_problem(response, 403)
        assert_problem(await upload_photos(harness, content, headers={}), 401)
        assert (await stored(harness))[0].photo_status == "missing"


class TestDelete:
    async def test_the_photo_goes_with_the_student(self, harness: ServiceHarness):
        await roster_of(harness, 1)
        await upload_photos(harness, zip_of({f"{student_id(1)}.jpg": photo()}))
        [student] = await stored(harness)
        assert student.photo_key is not None
        assert await harness.ctx.storage.stat(student.photo_key) is not None
        response = await client(harness).delete(f"{ROSTER}/{student.id}", headers=school(harness))
        assert response.status_code == 204
        assert await harness.ctx.storage.stat(student.photo_key) is None


class TestPhotoUrl:
    async def test_the_institution_sees_its_students_photo(self, harness: ServiceHarness):
        await roster_of(harness, 1)
        await upload_photos(harness, zip_of({f"{student_id(1)}.jpg": photo()}))
        [student] = await listed(harness)
        response = await client(harness).get(
            f"{ROSTER}/{student['id']}/photo", headers=school(harness)
        )
        assert response.status_code == 200, response.text
        assert response.json()["expires_in_s"] == 300
        async with httpx.AsyncClient() as s3:
            fetched = await s3.get(response.json()["url"])
        assert fetched.status_code == 200
        assert fetched.content == photo()

    async def test_without_a_photo_is_404(self, harness: ServiceHarness):
        await roster_of(harness, 1)
        [student] = await listed(harness)
        response = await client(harness).get(
            f"{ROSTER}/{student['id']}/photo", headers=school(harness)
        )
        assert_problem(response, 404, detail="该考生尚未导入照片")

    async def test_another_institution_and_other_roles_cannot_see_it(self, harness: ServiceHarness):
        await roster_of(harness, 1)
        await upload_photos(harness, zip_of({f"{student_id(1)}.jpg": photo()}))
        [student] = await listed(harness)
        url = f"{ROSTER}/{student['id']}/photo"
        other = await client(harness).get(url, headers=school(harness, OTHER_SCHOOL))
        assert_problem(other, 404, detail="考生不存在")
        for role, org_id in ((Role.CANDIDATE, None), (Role.ORG_ADMIN, "ORG-DEMO")):
            assert_problem(
                await client(harness).get(url, headers=harness.headers(role, org_id)), 403
            )
        assert_problem(await client(harness).get(url), 401)
        unknown = await client(harness).get(f"{ROSTER}/{uuid4()}/photo", headers=school(harness))
        assert_problem(unknown, 404)


class TestExamReadiness:
    async def test_photo_statuses_by_id_number_for_exam_registration(self, harness: ServiceHarness):
        from registration.roster.repository import RosterRepository

        await roster_of(harness, 1, 2)
        await upload_photos(harness, zip_of({f"{student_id(1)}.jpg": photo()}))
        async with harness.ctx.sessionmaker() as session:
            statuses = await RosterRepository(session).photo_statuses(
                "INST-001", [student_id(1), student_id(2), student_id(3)]
            )
            other = await RosterRepository(session).photo_statuses(OTHER_SCHOOL, [student_id(1)])
        assert statuses == {student_id(1): "checked", student_id(2): "missing"}
        assert other == {}

    async def test_a_new_photo_sends_a_confirmed_identity_back_to_unchecked(
        self, harness: ServiceHarness
    ):
        await roster_of(harness, 1)
        async with harness.ctx.sessionmaker() as session:
            await session.execute(update(RosterStudent).values(identity_status="confirmed"))
            await session.commit()
        await upload_photos(harness, zip_of({f"{student_id(1)}.jpg": photo()}))
        assert (await stored(harness))[0].identity_status == "unchecked"
