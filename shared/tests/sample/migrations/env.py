from sample.app import Base

from skillcert.migrations import run_env

run_env(Base.metadata)
