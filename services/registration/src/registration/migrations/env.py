import registration.main  # noqa: F401  (registers every table on Base.metadata)
from registration.base import Base
from skillcert.migrations import run_env

run_env(Base.metadata)
