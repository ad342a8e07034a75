import pytest


@pytest.fixture(autouse=True)
def _clean_database(clean: None) -> None:
    """Every test here starts from empty tables."""
