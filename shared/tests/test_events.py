from datetime import UTC, datetime
from uuid import uuid4

import pytest
from pydantic import ValidationError

from skillcert.events import ALL_EVENT_TYPES, AccountRegistered, OrderPaid, parse_event


class TestParseEvent:
    def test_round_trip_returns_the_typed_event(self):
        event = OrderPaid(
            order_id=uuid4(),
            application_id=uuid4(),
            candidate_id=uuid4(),
            plan_id=uuid4(),
            amount_fen=30000,
            provider_transaction_id="42000001",
            paid_at=datetime.now(UTC),
        )
        parsed = parse_event(event.model_dump_json())
        assert isinstance(parsed, OrderPaid)
        assert parsed == event

    def test_unknown_type_is_rejected(self):
        body = AccountRegistered(account_id=uuid4(), phone=None, name="x", role="candidate")
        raw = body.model_dump_json().replace("identity.account.registered.v1", "nope.v1")
        with pytest.raises(ValidationError):
            parse_event(raw)

    def test_every_type_is_versioned_dotted_and_past_tense(self):
        # <service>.<entity>.<verb>.v1; the certificate service's own entity is implied
        # (certificate.issued.v1), as DESIGN.md names them.
        for event_type in ALL_EVENT_TYPES:
            *names, verb, version = event_type.split(".")
            assert version == "v1"
            assert 1 <= len(names) <= 2
            assert verb.endswith(("ed", "en", "wn")) or verb in {"paid"}, verb
