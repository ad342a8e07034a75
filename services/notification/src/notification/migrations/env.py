import notification.main  # noqa: F401  (registers every model on Base.metadata)
from notification.base import Base
from skillcert.migrations import run_env

run_env(Base.metadata)
