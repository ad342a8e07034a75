from pydantic import Field
from pydantic_settings import SettingsConfigDict

from skillcert.settings import ServiceSettings


class ReviewSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="REVIEW_", extra="ignore")

    service_name: str = "review"
    database_url: str = "sqlite+aiosqlite:///var/review.db"
    claim_lease_minutes: int = Field(
        default=15, ge=1, description="how long a claim (领取) keeps a case for one reviewer"
    )
    review_working_days: int = Field(
        default=2, ge=1, description="working days from submission until the review is due"
    )
    download_link_minutes: int = Field(
        default=5, ge=1, description="lifetime of a presigned document download link"
    )
