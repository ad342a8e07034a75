from pydantic import Field
from pydantic_settings import SettingsConfigDict

from skillcert.settings import ServiceSettings


class ExamSchedulingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EXAM_SCHEDULING_", extra="ignore")

    service_name: str = "exam-scheduling"
    database_url: str = "sqlite+aiosqlite:///var/exam-scheduling.db"
    # Display names of the certifying organisations (培训评价组织) by org_id; the gateway owns
    # accounts, not organisation master data, so the names published with a plan come from here.
    org_names: dict[str, str] = Field(default_factory=lambda: {"ORG-DEMO": "示例培训评价组织"})
