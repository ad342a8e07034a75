"""Every operation against its own OpenAPI: no 5xx, no undeclared status (`make test`'s fuzz
step; `skillcert.fuzzing`)."""

import pytest

from skillcert.fuzzing import fuzz_operations
from skillcert.testing import ServiceHarness

pytestmark = pytest.mark.fuzz


async def test_every_operation_answers_only_what_it_declares(harness: ServiceHarness):
    findings = await fuzz_operations(harness)
    assert not findings, "\n\n".join(map(str, findings))
