"""The use cases, grouped the way the method is.

Each group is a module with one class of steps; ``Services`` joins them
into the one object a host or the facade holds:

- ``optin``: proposing, the double opt-in, declining, pausing, the trust gate (M1, M2)
- ``conversations``: placing and recording the three conversations, ratings, focus, GROW (M3-M9)
- ``cadence``: check-ins, quarterly reviews, what is due, nudges (M10)
- ``team``: scheduling a whole team in one month, moving a conversation (M4, M11)
- ``handoff``: a manager change, consent first, the new manager's path, reciprocity (M12-M14)
- ``org``: the org from the HRIS, people who left
- ``feedback``: the 0-10 feedback and its aggregates (M16)
- ``tickets``: GROW actions and their tickets
- ``answers``: attendees' answers read back from calendars, a decline told to the manager
- ``rights``: a person's export and erasure, and retention

``base`` holds what they share: the settings, the step report, and the one
way a step commits its plan with its side effects to the outbox.
"""

from __future__ import annotations

from careerconv_core.domain.roles import NotAParticipant
from careerconv_core.services.answers import AnswersSyncReport, AnswerSteps
from careerconv_core.services.base import (
    Clock,
    IdFactory,
    Settings,
    StepReport,
    safe_message,
)
from careerconv_core.services.cadence import CadenceSteps
from careerconv_core.services.feedback import FeedbackSteps
from careerconv_core.services.optin import OptInSteps
from careerconv_core.services.org import OrgSync, OrgSyncReport
from careerconv_core.services.rights import RightsSteps
from careerconv_core.services.team import TeamScheduleReport, TeamScheduling
from careerconv_core.services.tickets import TicketSteps

__all__ = [
    "AnswersSyncReport",
    "Clock",
    "IdFactory",
    "NotAParticipant",
    "OrgSyncReport",
    "Services",
    "Settings",
    "StepReport",
    "TeamScheduleReport",
    "safe_message",
]


class Services(
    OptInSteps, TeamScheduling, CadenceSteps, OrgSync, FeedbackSteps, TicketSteps, AnswerSteps, RightsSteps
):
    """Every use case, bound to a store, a clock, an id source and an event sink."""

    __slots__ = ()
