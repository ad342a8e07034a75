"""A minimal service used to test the shared library end to end (routes, outbox, inbox)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from uuid import UUID, uuid4

from fastapi import Depends, Query, Response, UploadFile
from pydantic import BaseModel, Field
from sqlalchemy import String, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from skillcert.auth import Principal, Role, require_roles
from skillcert.db import new_metadata
from skillcert.errors import Conflict
from skillcert.events import AccountRegistered, Event
from skillcert.http import DbSession, service_router
from skillcert.inbox import EventHandler
from skillcert.outbox import record
from skillcert.paging import Keyset, Page
from skillcert.service import ServiceSpec
from skillcert.settings import ServiceSettings


class Base(DeclarativeBase):
    metadata = new_metadata()


class Widget(Base):
    __tablename__ = "widgets"

    id: Mapped[UUID] = mapped_column(primary_key=True, default=uuid4)
    name: Mapped[str] = mapped_column(String(50), unique=True)


class Seen(Base):
    __tablename__ = "seen_accounts"

    account_id: Mapped[UUID] = mapped_column(primary_key=True)


class WidgetCreate(BaseModel):
    name: str = Field(min_length=2, max_length=50)


class WidgetOut(BaseModel):
    id: UUID
    name: str


router = service_router("/api/v1/sample")
Staff = Annotated[Principal, Depends(require_roles(Role.ORG_ADMIN))]


@router.post("/widgets", status_code=201)
async def create_widget(body: WidgetCreate, session: DbSession, _: Staff) -> WidgetOut:
    if body.name == "boom":
        # Written first, then the request fails: the framework must roll it back.
        session.add(Widget(name="half-written"))
        await session.flush()
        raise Conflict("boom")
    widget = Widget(name=body.name)
    session.add(widget)
    await session.flush()
    await record(
        session,
        AccountRegistered(account_id=widget.id, phone=None, name=widget.name, role="candidate"),
    )
    return WidgetOut(id=widget.id, name=widget.name)


BY_NAME = Keyset(Widget.name, Widget.id)


@router.get("/widgets")
async def list_widgets(
    session: DbSession, cursor: str | None = None, limit: Annotated[int, Query(ge=1, le=100)] = 20
) -> Page[WidgetOut]:
    rows = await BY_NAME.fetch(session, select(Widget), cursor, limit)
    return rows.page(lambda w: WidgetOut(id=w.id, name=w.name))


@router.post("/widgets/import")
async def import_widgets(file: UploadFile, session: DbSession, _: Staff) -> dict[str, int]:
    return {"bytes": len(await file.read())}


# Two routes that break the contract on purpose, for the test of the fuzzing itself.
@router.get("/bait/teapot")
async def teapot() -> Response:
    return Response(status_code=418)  # the document declares only 200


@router.get("/bait/crash")
async def crash() -> dict[str, str]:
    raise RuntimeError("bait")


@router.get("/widgets/count")
async def count_widgets(session: DbSession) -> dict[str, int]:
    result = await session.execute(select(func.count()).select_from(Widget))
    return {"count": int(result.scalar_one())}


FAILURES: dict[str, int] = {}


async def on_account_registered(session: AsyncSession, event: AccountRegistered) -> None:
    # Names starting with "flaky" fail that many times before succeeding.
    remaining = FAILURES.get(event.name, 0)
    if remaining:
        FAILURES[event.name] = remaining - 1
        raise RuntimeError("flaky handler")
    session.add(Seen(account_id=event.account_id))
    await session.flush()


HANDLERS: dict[type[Event], EventHandler] = {AccountRegistered: on_account_registered}


def build_spec() -> ServiceSpec[ServiceSettings]:
    return ServiceSpec(
        name="sample",
        title="sample",
        settings=ServiceSettings(service_name="sample"),
        metadata=Base.metadata,
        migrations=Path(__file__).parent / "migrations",
        routers=[router],
        handlers=HANDLERS,
    )
