"""`skillcert-ops dead-letters list|replay` against the real broker."""

import asyncio
import json
from collections.abc import Iterator

import pytest

from skillcert.bus.base import Message, PermanentFailure, Subscription
from skillcert.bus.rabbit import RabbitBus
from skillcert.ops import main
from skillcert.testing import AMQP_URL, eventually, unique


def park_one_dead_letter(exchange: str) -> str:
    async def run() -> str:
        bus = RabbitBus(AMQP_URL, exchange)
        await bus.connect()

        async def refuse(_: Message) -> None:
            raise PermanentFailure("cannot handle 110101198506120136")

        await bus.subscribe(Subscription("svc", ("sample.#",), refuse))
        message = Message(
            message_id=unique("m"),
            routing_key="sample.thing.happened.v1",
            body=b'{"id_number": "110101198506120136"}',
        )
        await bus.publish([message])
        await eventually(lambda: bus.dead_letters("svc"))
        await bus.close()
        return message.message_id

    return asyncio.run(run())


@pytest.fixture
def exchange() -> Iterator[str]:
    name = f"{unique('ops')}.events"
    yield name
    asyncio.run(RabbitBus(AMQP_URL, name).delete_topology(["svc"]))


def test_list_then_replay(
    exchange: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
):
    monkeypatch.setenv("SKILLCERT_AMQP_URL", AMQP_URL)
    monkeypatch.setenv("SKILLCERT_EXCHANGE", exchange)
    message_id = park_one_dead_letter(exchange)

    assert main(["dead-letters", "list", "svc"]) == 0
    [line] = capsys.readouterr().out.strip().splitlines()
    letter = json.loads(line)
    assert letter["message_id"] == message_id
    assert letter["type"] == "sample.thing.happened.v1"
    assert "110101********0136" in letter["body"]  # personal data masked in ops output
    assert "110101198506120136" not in line

    assert main(["dead-letters", "replay", "svc", "--id", message_id]) == 0
    assert "replayed 1" in capsys.readouterr().out
    assert main(["dead-letters", "list", "svc"]) == 0
    assert capsys.readouterr().out.strip() == ""
