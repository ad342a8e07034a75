from certificate.base import Base
from certificate.main import MIGRATIONS as _MIGRATIONS  # noqa: F401  (registers every table)
from skillcert.migrations import run_env

run_env(Base.metadata)
