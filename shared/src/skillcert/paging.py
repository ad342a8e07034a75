"""Keyset (cursor) pagination, both sides: the repository's query and the API's cursor.

A list is ordered by one sort column and the row's id as tie-breaker. A repository declares
that order once as a `Keyset` and hands it the query; the keyset decodes the caller's cursor,
adds the WHERE clause that starts after it, the ORDER BY and LIMIT n + 1 (the extra row says
whether there is a next page), and returns a `Slice` whose `next_cursor` encodes the last row's
position. Routers map the slice's rows to response items with `Slice.page(...)`. The cursor is
opaque to everyone else, so no router or service needs to know which columns order a list.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Generic, TypeVar, overload

from pydantic import BaseModel
from sqlalchemy import Select, and_, or_
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from skillcert.errors import FieldError, InvalidInput

T = TypeVar("T")
U = TypeVar("U")


class Page(BaseModel, Generic[T]):
    """A page of a list; pass `next_cursor` back as `cursor` for the next page."""

    items: list[T]
    next_cursor: str | None = None


@dataclass(frozen=True)
class Slice(Generic[T]):
    """Rows of one page as a repository returns them, with the cursor of the next page."""

    items: list[T] = field(default_factory=list)
    next_cursor: str | None = None

    def map(self, convert: Callable[[T], U]) -> Slice[U]:
        return Slice([convert(item) for item in self.items], self.next_cursor)

    @overload
    def page(self) -> Page[T]: ...
    @overload
    def page(self, convert: Callable[[T], U]) -> Page[U]: ...
    def page(self, convert: Callable[[T], Any] | None = None) -> Page[Any]:
        """The API page, each row converted to its response item (rows that already are
        response items as they are)."""
        items = self.items if convert is None else [convert(item) for item in self.items]
        return Page(items=items, next_cursor=self.next_cursor)


def encode_cursor(values: dict[str, Any]) -> str:
    raw = json.dumps(values, default=str, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def bad_cursor() -> InvalidInput:
    return InvalidInput(
        "分页游标无效",
        errors=[FieldError(field="cursor", message="分页游标无效，请不带游标从第一页重新查询")],
    )


def decode_cursor(cursor: str | None) -> dict[str, Any] | None:
    """The values a cursor carries; a cursor that is not ours is bad input on `cursor`."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        value = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, json.JSONDecodeError) as exc:
        raise bad_cursor() from exc
    if not isinstance(value, dict):
        raise bad_cursor()
    return value


def _encode_value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _decode_value(python_type: type[Any], raw: Any) -> Any:
    if python_type is datetime:
        value = datetime.fromisoformat(raw)
        if value.tzinfo is None:  # we only write aware times; a naive one was made up
            raise ValueError("naive time in cursor")
        return value
    if python_type is date:
        return date.fromisoformat(raw)
    if python_type is uuid.UUID:
        return uuid.UUID(raw)
    if python_type is int and isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    if python_type is str and isinstance(raw, str):
        return raw
    raise ValueError(f"cursor value {raw!r} is not a {python_type.__name__}")


class Keyset:
    """The order of one list: `sort`, then `tiebreak` (a unique column, usually the id),
    both ascending or both descending."""

    def __init__(
        self,
        sort: InstrumentedAttribute[Any],
        tiebreak: InstrumentedAttribute[Any],
        *,
        descending: bool = False,
    ) -> None:
        self.columns = (sort, tiebreak)
        self.descending = descending
        self._types: tuple[type[Any], ...] = tuple(c.type.python_type for c in self.columns)

    def decode(self, cursor: str | None) -> tuple[Any, Any] | None:
        """The position a cursor of this list points after; bad input on `cursor` otherwise."""
        raw = decode_cursor(cursor)
        if raw is None:
            return None
        try:
            sort_raw, tiebreak_raw = raw["k"]
            return (
                _decode_value(self._types[0], sort_raw),
                _decode_value(self._types[1], tiebreak_raw),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise bad_cursor() from exc

    def encode(self, sort_value: Any, tiebreak_value: Any) -> str:
        return encode_cursor({"k": [_encode_value(sort_value), _encode_value(tiebreak_value)]})

    def apply(self, query: Select[Any], after: tuple[Any, Any] | None, limit: int) -> Select[Any]:
        """`query` from just after `after`, in this order, with one row more than `limit`."""
        sort, tiebreak = self.columns
        if after is not None:
            sort_value, tiebreak_value = after
            if self.descending:
                query = query.where(
                    or_(sort < sort_value, and_(sort == sort_value, tiebreak < tiebreak_value))
                )
            else:
                query = query.where(
                    or_(sort > sort_value, and_(sort == sort_value, tiebreak > tiebreak_value))
                )
        if self.descending:
            query = query.order_by(sort.desc(), tiebreak.desc())
        else:
            query = query.order_by(sort, tiebreak)
        return query.limit(limit + 1)

    async def fetch(
        self, session: AsyncSession, query: Select[Any], cursor: str | None, limit: int
    ) -> Slice[Any]:
        """One page of `query`: its rows (the one entity, or a tuple when the query selects
        several) and the cursor of the next page, None on the last."""
        after = self.decode(cursor)
        width = len(query.column_descriptions)
        # The sort values ride along as extra columns, so the cursor never reads attributes
        # off whatever the query selects.
        statement = self.apply(query.add_columns(*self.columns), after, limit)
        rows = (await session.execute(statement)).all()
        items = [row[0] if width == 1 else tuple(row[:width]) for row in rows[:limit]]
        next_cursor = None
        if len(rows) > limit:
            last = rows[limit - 1]
            next_cursor = self.encode(last[width], last[width + 1])
        return Slice(items, next_cursor)
