import payment.main  # noqa: F401  (imports every feature's models, registering their tables)
from payment.base import Base
from skillcert.migrations import run_env

run_env(Base.metadata)
