"""The state-machine helper: reads a service's table, refuses what it does not allow."""

from __future__ import annotations

from enum import StrEnum

import pytest

from skillcert.errors import Conflict, RuleViolation
from skillcert.states import StateMachine


class Door(StrEnum):
    OPEN = "open"
    CLOSED = "closed"
    LOCKED = "locked"


class Move(StrEnum):
    CLOSE = "close"
    LOCK = "lock"
    OPEN = "open"


DOOR = StateMachine(
    {
        (Door.OPEN, Move.CLOSE): Door.CLOSED,
        (Door.CLOSED, Move.OPEN): Door.OPEN,
        (Door.CLOSED, Move.LOCK): Door.LOCKED,
    },
    refusal=lambda current, action: f"门已{current}，不能{action}",
)


class TestActions:
    def test_an_allowed_action_leads_to_its_status(self) -> None:
        assert DOOR.transition(Door.CLOSED, Move.LOCK) is Door.LOCKED
        assert DOOR.next(Door.OPEN, Move.CLOSE) is Door.CLOSED
        assert DOOR.allows(Door.CLOSED, Move.OPEN)

    def test_a_missing_action_is_refused_with_the_services_words(self) -> None:
        assert DOOR.next(Door.OPEN, Move.LOCK) is None
        assert not DOOR.allows(Door.LOCKED, Move.OPEN)
        with pytest.raises(Conflict) as refused:
            DOOR.transition(Door.LOCKED, Move.OPEN)
        assert str(refused.value) == "门已locked，不能open"
        assert refused.value.status_code == 409

    def test_sources_and_target_of_an_action(self) -> None:
        assert DOOR.sources(Move.LOCK) == {Door.CLOSED}
        assert DOOR.target(Move.CLOSE) is Door.CLOSED

    def test_target_refuses_an_action_with_several_outcomes(self) -> None:
        machine = StateMachine({(1, "x"): 2, (2, "x"): 3})
        with pytest.raises(ValueError):
            machine.target("x")


class TestTargets:
    MACHINE = StateMachine.of_targets(
        {Door.OPEN: {Door.CLOSED}, Door.CLOSED: {Door.OPEN, Door.LOCKED}, Door.LOCKED: set()},
        error=RuleViolation,
    )

    def test_a_listed_target_is_allowed(self) -> None:
        assert self.MACHINE.transition(Door.CLOSED, Door.LOCKED) is Door.LOCKED
        assert self.MACHINE.allows(Door.OPEN, Door.CLOSED)

    def test_an_unlisted_target_raises_the_chosen_error_in_chinese(self) -> None:
        with pytest.raises(RuleViolation, match="当前状态（locked）不允许此操作"):
            self.MACHINE.transition(Door.LOCKED, Door.OPEN)
