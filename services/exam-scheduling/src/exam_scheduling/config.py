from __future__ import annotations

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from skillcert.settings import Profile, ServiceSettings


class ExamSchedulingSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="EXAM_SCHEDULING_", extra="ignore")

    service_name: str = "exam-scheduling"
    database_url: str = "sqlite+aiosqlite:///var/exam-scheduling.db"
    # Display names of the certifying organisations (培训评价组织) by org_id; the gateway owns
    # accounts, not organisation master data, so the names published with a plan come from here.
    org_names: dict[str, str] = Field(default_factory=lambda: {"ORG-DEMO": "示例培训评价组织"})
    # The ES256 (P-256) key that signs admission tickets' QR codes, and the kid it is published
    # under (GET /api/v1/exam-scheduling/ticket-keys). Required in prod; dev and test generate
    # one and keep it in the database (tickets.models.TicketSigningKey).
    ticket_signing_key_pem: SecretStr | None = None
    ticket_signing_key_id: str = "ticket-1"
    # How often the job looks for rooms' sessions to close (checkin.jobs).
    session_close_interval_s: float = 300.0

    @model_validator(mode="after")
    def _ticket_key_required_in_prod(self) -> ExamSchedulingSettings:
        if self.profile is Profile.PROD and self.ticket_signing_key_pem is None:
            raise ValueError(
                "EXAM_SCHEDULING_TICKET_SIGNING_KEY_PEM is required in the prod profile"
            )
        return self
