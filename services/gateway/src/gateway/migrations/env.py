import gateway.main  # noqa: F401  (importing the app registers every table on Base.metadata)
from gateway.base import Base
from skillcert.migrations import run_env

run_env(Base.metadata)
