import exam_scheduling.main  # noqa: F401  (imports every feature's tables onto Base.metadata)
from exam_scheduling.base import Base
from skillcert.migrations import run_env

run_env(Base.metadata)
