from review.base import Base
from review.main import build_spec  # noqa: F401  (registers every table on Base)
from skillcert.migrations import run_env

run_env(Base.metadata)
