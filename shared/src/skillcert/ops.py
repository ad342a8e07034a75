"""`skillcert-ops`: operator commands.

    skillcert-ops dead-letters list registration
    skillcert-ops dead-letters replay registration [--id MESSAGE_ID ...]
    skillcert-ops migrate registration review ...    (Alembic upgrade head, from env settings)

Broker and database settings come from the same environment variables the services read
(SKILLCERT_AMQP_URL, SKILLCERT_EXCHANGE, <SERVICE>_DATABASE_URL, ...).
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import sys
from collections.abc import Sequence

from skillcert import crypto
from skillcert.bus.base import MessageBus
from skillcert.deadletters import DeadLetterOut
from skillcert.migrations import upgrade
from skillcert.service import build_bus
from skillcert.settings import ServiceSettings, StorageKind


def _module(service: str) -> str:
    return service.replace("-", "_")


async def _with_bus(action: str, service: str, ids: Sequence[str] | None, limit: int) -> int:
    # Only the broker matters here: no object store, so no S3 secret to require.
    bus: MessageBus = build_bus(ServiceSettings(storage=StorageKind.LOCAL))
    await bus.connect()
    try:
        if action == "list":
            for letter in await bus.dead_letters(service, limit):
                print(DeadLetterOut.of(letter).model_dump_json())
            return 0
        replayed = await bus.replay_dead_letters(service, ids)
        print(f"replayed {replayed} message(s) to {service}")
        return 0
    finally:
        await bus.close()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="skillcert-ops", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    dead = sub.add_parser("dead-letters", help="inspect and replay a service's dead letters")
    dead.add_argument("action", choices=["list", "replay"])
    dead.add_argument("service")
    dead.add_argument("--id", dest="ids", action="append", help="replay only these ids")
    dead.add_argument("--limit", type=int, default=100)
    migrate = sub.add_parser("migrate", help="upgrade services' databases to the latest schema")
    migrate.add_argument("services", nargs="+")
    args = parser.parse_args(argv)

    if args.command == "dead-letters":
        return asyncio.run(_with_bus(args.action, args.service, args.ids, args.limit))
    for service in args.services:
        main_module = importlib.import_module(f"{_module(service)}.main")
        spec = main_module.build_spec()
        # Data migrations encrypt personal values: with this service's keys.
        crypto.configure(crypto.keyring_from_settings(spec.settings))
        upgrade(spec.settings.database_url, spec.migrations)
        print(f"{service}: migrated")
    return 0


if __name__ == "__main__":
    sys.exit(main())
