from sqlalchemy.ext.asyncio import AsyncSession

from scoring.scores.service import ScoringService
from skillcert.events import SessionAbsenteesRecorded


async def on_session_absentees_recorded(
    session: AsyncSession, event: SessionAbsenteesRecorded
) -> None:
    """缺考 from check-in: those candidates' subject is marked absent and cannot be scored."""
    await ScoringService(session).record_absentees(event)
