import scoring.main  # noqa: F401  (imports every model, so the metadata is complete)
from scoring.base import Base
from skillcert.migrations import run_env

run_env(Base.metadata)
