import pytest


@pytest.fixture(autouse=True)
def clean() -> None:
    """Replaces the service's database reset: timetabling is pure code and needs none."""
