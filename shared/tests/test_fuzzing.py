"""The API fuzzing (`skillcert.fuzzing`) itself: on the sample service, it reports the two
routes that break their document and nothing else."""

from skillcert.fuzzing import fuzz_operations
from skillcert.testing import ServiceHarness


async def test_it_finds_a_crash_and_an_undeclared_status_and_nothing_else(
    clean: ServiceHarness,
):
    findings = await fuzz_operations(clean, max_examples=3)
    assert {(f.operation, f.mode) for f in findings} == {
        ("GET /api/v1/sample/bait/teapot", "positive"),
        ("GET /api/v1/sample/bait/crash", "positive"),
    }, "\n\n".join(map(str, findings))
    teapot = next(f for f in findings if f.operation.endswith("teapot"))
    assert "Undocumented status code" in teapot.message and "418" in teapot.message
    crash = next(f for f in findings if f.operation.endswith("crash"))
    assert "Server error" in crash.message or "500" in crash.message, crash.message
