"""Which institution lists an ID number: the lookup and the scalar subquery the application
submit path can put in its UPDATE."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from registration.applications.models import Application
from registration.roster.models import RosterStudent
from registration.roster.repository import institution_for_id_number
from skillcert.crypto import blind_index
from skillcert.testing import ServiceHarness
from tests.conftest import seed_application
from tests.roster.support import OTHER_SCHOOL, SCHOOL, csv_file, row, student_id, upload

THIRD_SCHOOL = "INST-003"


async def put_on_rosters(harness: ServiceHarness, id_number: str, *listed: tuple[str, int]) -> None:
    """Roster rows for `id_number`: (institution, days ago it was imported) each."""
    now = datetime.now(UTC)
    async with harness.ctx.sessionmaker() as session:
        for institution_id, days_ago in listed:
            at = now - timedelta(days=days_ago)
            session.add(
                RosterStudent(
                    institution_id=institution_id,
                    student_type="institution",
                    name="张三",
                    name_pinyin="ZHANG San",
                    id_type="resident_id",
                    id_number=id_number,
                    phone="13812345678",
                    major="物流管理",
                    major_level="高职专科",
                    enrolment_year=2023,
                    imported_at=at,
                    updated_at=at,
                )
            )
        await session.commit()


async def institution_of(harness: ServiceHarness, id_number: str) -> str | None:
    async with harness.ctx.sessionmaker() as session:
        found: str | None = (
            await session.execute(select(institution_for_id_number(blind_index(id_number))))
        ).scalar()
        return found


class TestInstitutionOf:
    async def test_the_latest_of_several_rosters(self, harness: ServiceHarness):
        await put_on_rosters(
            harness, student_id(1), (SCHOOL, 400), (OTHER_SCHOOL, 3), (THIRD_SCHOOL, 30)
        )
        await put_on_rosters(harness, student_id(2), (SCHOOL, 1))
        assert await institution_of(harness, student_id(1)) == OTHER_SCHOOL
        assert await institution_of(harness, student_id(2)) == SCHOOL

    async def test_none_when_on_no_roster(self, harness: ServiceHarness):
        await put_on_rosters(harness, student_id(1), (SCHOOL, 1))
        assert await institution_of(harness, student_id(2)) is None

    async def test_a_reimport_does_not_make_an_institution_the_latest(
        self, harness: ServiceHarness
    ):
        await upload(harness, csv_file(row(1)), org_id=SCHOOL)
        await upload(harness, csv_file(row(1)), org_id=OTHER_SCHOOL)
        # 批量修改 at the first school: an update, not a new enrolment
        response = await upload(harness, csv_file(row(1, 手机号码="13912345678")), org_id=SCHOOL)
        assert response.json()["updated"] == 1
        assert await institution_of(harness, student_id(1)) == OTHER_SCHOOL


class TestInstitutionForIdNumber:
    async def test_fills_the_application_in_its_own_update(self, harness: ServiceHarness):
        listed = await seed_application(harness)
        unlisted = await seed_application(harness)
        async with harness.ctx.sessionmaker() as session:
            await session.execute(
                update(Application)
                .where(Application.id == unlisted.id)
                # A Core update: the blind index is the caller's to set.
                .values(id_number=student_id(9), id_number_hash=blind_index(student_id(9)))
            )
            await session.commit()
        assert listed.id_number is not None
        await put_on_rosters(harness, listed.id_number, (SCHOOL, 10), (OTHER_SCHOOL, 2))
        async with harness.ctx.sessionmaker() as session:
            await session.execute(
                update(Application)
                .where(Application.id.in_([listed.id, unlisted.id]))
                .values(institution_id=institution_for_id_number(Application.id_number_hash))
            )
            await session.commit()
            result = await session.execute(select(Application.id, Application.institution_id))
            filled = {r.id: r.institution_id for r in result}
        assert filled == {listed.id: OTHER_SCHOOL, unlisted.id: None}

    async def test_usable_as_a_column_of_a_select(self, harness: ServiceHarness):
        application = await seed_application(harness)
        assert application.id_number is not None
        await put_on_rosters(harness, application.id_number, (SCHOOL, 1))
        async with harness.ctx.sessionmaker() as session:
            found = await session.scalar(
                select(institution_for_id_number(Application.id_number_hash)).where(
                    Application.id == application.id
                )
            )
        assert found == SCHOOL
