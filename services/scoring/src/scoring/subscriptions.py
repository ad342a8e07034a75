"""Every event the scoring service listens to, and its handler: the one list."""

from scoring.plans import consumers as plans
from scoring.roster import consumers as roster
from scoring.scores import consumers as scores
from skillcert.events import (
    CandidateScheduled,
    Event,
    ExamPlanPublished,
    ExamPlanWindowsChanged,
    SessionAbsenteesRecorded,
)
from skillcert.inbox import EventHandler

HANDLERS: dict[type[Event], EventHandler] = {
    ExamPlanPublished: plans.on_plan_published,
    ExamPlanWindowsChanged: plans.on_windows_changed,
    CandidateScheduled: roster.on_candidate_scheduled,
    SessionAbsenteesRecorded: scores.on_session_absentees_recorded,
}
