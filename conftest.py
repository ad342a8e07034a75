"""Every test run is the test profile: generated secrets are allowed, and no development
convenience (demo data, the SMS outbox) exists unless a test switches it on. The platform's own
default is production."""

import os

os.environ["SKILLCERT_PROFILE"] = "test"
