"""Keyset pagination: the query side on a real database through the sample service's list,
the cursor side on its own."""

from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from sqlalchemy import DateTime, String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from skillcert.auth import Role
from skillcert.errors import InvalidInput
from skillcert.paging import Keyset, encode_cursor
from skillcert.testing import ServiceHarness, assert_problem

WIDGETS = "/api/v1/sample/widgets"


class _Base(DeclarativeBase):
    pass


class _Row(_Base):
    __tablename__ = "rows"
    id: Mapped[UUID] = mapped_column(Uuid, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    name: Mapped[str] = mapped_column(String(10))


NEWEST_FIRST = Keyset(_Row.at, _Row.id, descending=True)


async def make(harness: ServiceHarness, *names: str) -> None:
    for name in names:
        response = await harness.client.post(
            WIDGETS, json={"name": name}, headers=harness.headers(Role.ORG_ADMIN)
        )
        assert response.status_code == 201, response.text


class TestPages:
    async def test_every_row_once_in_order_across_pages(self, clean: ServiceHarness):
        names = [f"w{i:02}" for i in range(7)]
        await make(clean, *reversed(names))
        seen: list[str] = []
        cursor = None
        pages = 0
        while True:
            params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
            response = await clean.client.get(WIDGETS, params=params)
            assert response.status_code == 200, response.text
            page = response.json()
            seen += [w["name"] for w in page["items"]]
            pages += 1
            cursor = page["next_cursor"]
            if cursor is None:
                break
        assert seen == names
        assert pages == 3

    async def test_a_full_last_page_has_no_next_cursor(self, clean: ServiceHarness):
        await make(clean, "aa", "bb")
        page = (await clean.client.get(WIDGETS, params={"limit": 2})).json()
        assert [w["name"] for w in page["items"]] == ["aa", "bb"]
        assert page["next_cursor"] is None

    @pytest.mark.parametrize(
        "cursor",
        [
            "not-base64!",
            encode_cursor({"c": "2026-01-01T00:00:00+00:00", "i": str(uuid4())}),
            encode_cursor({"k": ["aa"]}),
            encode_cursor({"k": ["aa", "not-a-uuid"]}),
            encode_cursor({"k": [1, str(uuid4())]}),
            encode_cursor({"k": "aa"}),
        ],
    )
    async def test_a_cursor_not_made_by_this_list_is_a_field_error(
        self, clean: ServiceHarness, cursor: str
    ):
        response = await clean.client.get(WIDGETS, params={"cursor": cursor})
        assert_problem(response, 422, "cursor", slug="invalid-input")


class TestCursor:
    def test_round_trip_keeps_the_types_of_the_columns(self):
        at, id_ = datetime(2026, 11, 23, 8, 0, 0, 123456, tzinfo=UTC), uuid4()
        assert NEWEST_FIRST.decode(NEWEST_FIRST.encode(at, id_)) == (at, id_)
        assert NEWEST_FIRST.decode(None) is None
        assert NEWEST_FIRST.decode("") is None

    def test_a_time_without_zone_was_not_written_by_us(self):
        with pytest.raises(InvalidInput) as caught:
            NEWEST_FIRST.decode(encode_cursor({"k": ["2026-11-23T08:00:00", str(uuid4())]}))
        assert [e.field for e in caught.value.errors] == ["cursor"]

    def test_descending_order_starts_strictly_after_the_position(self):
        from sqlalchemy import select

        query = NEWEST_FIRST.apply(select(_Row), (datetime.now(UTC), uuid4()), 5)
        sql = str(query)
        assert "rows.at < :at_1 OR rows.at = :at_2 AND rows.id < :id_1" in sql
        assert "ORDER BY rows.at DESC, rows.id DESC" in sql
        assert query._limit == 6  # one more than asked: whether a next page exists
