from __future__ import annotations

import pytest

from skillcert_devtools.wechatpay import DevKeySet, generate_test_keys


@pytest.fixture(scope="session")
def keys() -> DevKeySet:
    # RSA-2048 generation is the slow part of these tests; one set serves them all.
    return generate_test_keys()


@pytest.fixture(scope="session")
def other_keys() -> DevKeySet:
    """An unrelated key set, for "signed by the wrong party" cases."""
    return generate_test_keys(use_public_key_id=False)
