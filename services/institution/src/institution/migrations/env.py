import institution.main  # noqa: F401  (registers every model on Base.metadata)
from institution.base import Base
from skillcert.migrations import run_env

run_env(Base.metadata)
