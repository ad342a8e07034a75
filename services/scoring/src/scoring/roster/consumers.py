from sqlalchemy.ext.asyncio import AsyncSession

from scoring.roster.repository import RosterRepository
from skillcert.events import CandidateScheduled


async def on_candidate_scheduled(session: AsyncSession, event: CandidateScheduled) -> None:
    await RosterRepository(session).remember(event)
