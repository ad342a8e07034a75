"""The holder's photo: kept from registration's events, printed on the issued certificate."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from uuid import UUID, uuid4

from certificate_testkit import ID_NUMBER, World
from PIL import Image, ImageDraw
from sqlalchemy import func, select, text

from certificate.photos.models import HolderPhoto
from skillcert.events import (
    ApplicationResubmitted,
    ApplicationSubmitted,
    EntryRegistered,
    SubmittedDocument,
)
from skillcert.pdf_testing import ink_pixels, pdf_text, render_page
from skillcert.testing import eventually

# The photo box on the certificate page (points from the bottom-left), see pdf.render.
PHOTO_BOX = (480, 320, 560, 430)


def _jpeg() -> bytes:
    img = Image.new("RGB", (295, 413), (255, 255, 255))
    ImageDraw.Draw(img).rectangle((40, 60, 255, 413), fill=(30, 30, 80))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=85)
    return out.getvalue()


def filed(
    application_id: UUID,
    key: str,
    *,
    revision: int = 1,
    resubmitted: bool = False,
    with_photo: bool = True,
) -> ApplicationSubmitted | ApplicationResubmitted:
    documents = [
        SubmittedDocument(
            kind="id_front", object_key=f"{key}-id", content_type="image/jpeg", size=50_000
        )
    ]
    if with_photo:
        documents.append(
            SubmittedDocument(kind="photo", object_key=key, content_type="image/jpeg", size=50_000)
        )
    fields = {
        "application_id": application_id,
        "candidate_id": uuid4(),
        "plan_id": uuid4(),
        "org_id": "ORG-DEMO",
        "revision": revision,
        "candidate_name": "张三丰",
        "id_type": "resident_id",
        "id_number": ID_NUMBER,
        "phone": None,
        "condition_code": None,
        "documents": documents,
        "submitted_at": datetime.now(UTC),
    }
    if resubmitted:
        return ApplicationResubmitted(**fields)  # type: ignore[arg-type]
    return ApplicationSubmitted(**fields)  # type: ignore[arg-type]


def registered(photo_key: str | None) -> EntryRegistered:
    """An institution's 报考 of a roster student (no application of their own)."""
    return EntryRegistered(
        entry_id=uuid4(),
        plan_id=uuid4(),
        institution_id="INST-001",
        student_id=uuid4(),
        student_name="张三丰",
        id_number=ID_NUMBER,
        subject_codes=["T1"],
        registered_at=datetime.now(UTC),
        photo_key=photo_key,
        photo_content_type="image/jpeg" if photo_key else None,
    )


async def kept(world: World, application_id: UUID) -> HolderPhoto | None:
    async with world.harness.ctx.sessionmaker() as session:
        return await session.get(HolderPhoto, application_id)


async def count(world: World) -> int:
    async with world.harness.ctx.sessionmaker() as session:
        return int(
            (await session.execute(select(func.count()).select_from(HolderPhoto))).scalar_one()
        )


class TestKeptFromRegistration:
    async def test_submission_keeps_the_photo_and_redelivery_changes_nothing(self, world: World):
        app = uuid4()
        event = filed(app, "applications/a/photo.jpg")
        await world.harness.deliver(event)
        await world.harness.deliver(event)
        photo = await kept(world, app)
        assert photo is not None and (photo.object_key, photo.revision) == (
            "applications/a/photo.jpg",
            1,
        )
        assert await count(world) == 1

    async def test_resubmission_replaces_it_and_a_late_older_revision_does_not(self, world: World):
        app = uuid4()
        await world.harness.deliver(filed(app, "k1"))
        await world.harness.deliver(filed(app, "k2", revision=2, resubmitted=True))
        await world.harness.deliver(filed(app, "k1-late", revision=1))
        photo = await kept(world, app)
        assert photo is not None and (photo.object_key, photo.revision) == ("k2", 2)

    async def test_an_institutions_registration_brings_the_roster_photo(self, world: World):
        event = registered("registration/roster/s1/photo")
        await world.harness.deliver(event)
        await world.harness.deliver(event)
        photo = await kept(world, event.entry_id)
        assert photo is not None
        assert (photo.object_key, photo.content_type, photo.revision) == (
            "registration/roster/s1/photo",
            "image/jpeg",
            1,
        )
        assert await count(world) == 1

    async def test_a_registration_without_a_photo_keeps_nothing(self, world: World):
        await world.harness.deliver(registered(None))
        assert await count(world) == 0

    async def test_a_failing_registration_is_retried_then_dead_lettered_and_replay_works(
        self, world: World
    ):
        harness = world.harness
        event = registered("registration/roster/s-dead/photo")
        async with harness.ctx.sessionmaker() as session:
            await session.execute(text("ALTER TABLE holder_photos RENAME TO holder_photos_away"))
            await session.commit()
        try:
            await harness.publish(event)

            async def parked():
                letters = await harness.ctx.bus.dead_letters("certificate")
                return [d for d in letters if d.message_id == str(event.event_id)]

            letters = await eventually(parked, timeout_s=20)
            assert letters[0].attempts == 3
        finally:
            async with harness.ctx.sessionmaker() as session:
                await session.execute(
                    text("ALTER TABLE holder_photos_away RENAME TO holder_photos")
                )
                await session.commit()
        assert await kept(world, event.entry_id) is None
        assert await harness.ctx.bus.replay_dead_letters("certificate") >= 1
        photo = await eventually(lambda: kept(world, event.entry_id))
        assert photo.object_key == "registration/roster/s-dead/photo"

    async def test_an_application_without_photo_keeps_nothing(self, world: World):
        await world.harness.deliver(filed(uuid4(), "k", with_photo=False))
        assert await count(world) == 0

    async def test_arrives_through_rabbitmq(self, world: World):
        app = uuid4()
        await world.harness.publish(filed(app, "k-bus"))
        photo = await eventually(lambda: kept(world, app))
        assert photo.object_key == "k-bus"

    async def test_a_failing_handler_is_retried_then_dead_lettered_and_replay_works(
        self, world: World
    ):
        harness = world.harness
        app = uuid4()
        event = filed(app, "k-dead")
        async with harness.ctx.sessionmaker() as session:
            await session.execute(text("ALTER TABLE holder_photos RENAME TO holder_photos_away"))
            await session.commit()
        try:
            await harness.publish(event)

            async def parked():
                letters = await harness.ctx.bus.dead_letters("certificate")
                return [d for d in letters if d.message_id == str(event.event_id)]

            letters = await eventually(parked, timeout_s=20)
            assert letters[0].attempts == 3
        finally:
            async with harness.ctx.sessionmaker() as session:
                await session.execute(
                    text("ALTER TABLE holder_photos_away RENAME TO holder_photos")
                )
                await session.commit()
        assert await kept(world, app) is None
        assert await harness.ctx.bus.replay_dead_letters("certificate") >= 1
        photo = await eventually(lambda: kept(world, app))
        assert photo.object_key == "k-dead"


class TestPrintedOnTheCertificate:
    async def test_the_issued_certificate_shows_the_applications_photo(self, world: World):
        app = uuid4()
        key = f"applications/{app}/photo.jpg"
        await world.harness.ctx.storage.put(key, _jpeg(), "image/jpeg")
        await world.harness.deliver(filed(app, key))
        with_photo = await world.issued(application_id=app)
        without = await world.issued()

        async def page(number: str | None):
            return await world.harness.ctx.storage.get(f"certificates/{number}.pdf")

        shown = ink_pixels(render_page(await page(with_photo.number)), PHOTO_BOX)
        empty_pdf = await page(without.number)
        assert shown > 4 * ink_pixels(render_page(empty_pdf), PHOTO_BOX)
        assert "照片" in pdf_text(empty_pdf)

    async def test_a_photo_gone_from_storage_still_issues_with_an_empty_box(self, world: World):
        app = uuid4()
        await world.harness.deliver(filed(app, f"applications/{app}/missing.jpg"))
        cert = await world.issued(application_id=app)
        assert cert.status == "issued"
