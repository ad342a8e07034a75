"""State machines: each service keeps its own table of allowed transitions in its rules.py;
this is the one way to read it and to refuse what it does not allow.

A table maps (from, action) to the status it leads to. Where a status is simply set, the
action is the target itself: `StateMachine.of_targets({PENDING: {PAID, EXPIRED}, ...})`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from skillcert.errors import AppError, Conflict

S = TypeVar("S")
A = TypeVar("A")


def _refused(current: object, action: object) -> str:
    return f"当前状态（{current}）不允许此操作"


@dataclass(frozen=True)
class StateMachine(Generic[S, A]):
    """`transition(current, action)` is the status `action` leads to, or the service's refusal
    (409 Conflict by default) in words the user understands, from `refusal(current, action)`."""

    table: Mapping[tuple[S, A], S]
    refusal: Callable[[S, A], str] = field(default=_refused)
    error: type[AppError] = Conflict

    @classmethod
    def of_targets(
        cls,
        allowed: Mapping[S, Iterable[S]],
        refusal: Callable[[S, S], str] = _refused,
        error: type[AppError] = Conflict,
    ) -> StateMachine[S, S]:
        table: dict[tuple[S, S], S] = {
            (src, dst): dst for src, targets in allowed.items() for dst in targets
        }
        return StateMachine(table, refusal, error)

    def next(self, current: S, action: A) -> S | None:
        """The status after `action`, or None when the table does not allow it."""
        return self.table.get((current, action))

    def allows(self, current: S, action: A) -> bool:
        return (current, action) in self.table

    def transition(self, current: S, action: A) -> S:
        target = self.table.get((current, action))
        if target is None:
            raise self.error(self.refusal(current, action))
        return target

    def sources(self, action: A) -> frozenset[S]:
        """The statuses `action` may start from (for a guarded bulk UPDATE ... WHERE status IN)."""
        return frozenset(src for (src, act) in self.table if act == action)

    def target(self, action: A) -> S:
        """The one status `action` leads to, wherever it starts."""
        targets = {dst for (_, act), dst in self.table.items() if act == action}
        if len(targets) != 1:
            raise ValueError(f"{action!r} leads to {len(targets)} statuses, not one")
        (only,) = targets
        return only
