"""The scheduler (M3, M4, M10, M11): the three conversations of a team, moves, follow-ups.

Pure domain code: people, busy time and a start date come in, UTC intervals
come out. One idea per module:

- ``rules``: the numbers (``SchedulingRules``), each checked when set;
- ``time``: the minute grid, working spans, a pair's free time (``PairCalendar``);
- ``candidates``: one report's candidate triples and the bounds that prune them;
- ``search``, ``phases``, ``optimise``: the team search over the candidates;
- ``exact``: the optional CP-SAT mode (the ``optimal`` extra);
- ``validity``: the one M4 check every path that places something asks;
- ``results``: placements, blockers and a team's result;
- ``blockers``: why a report could not be placed;
- ``team``: ``schedule_team``, ``first_fit``, ``schedule_report``;
- ``moves``: ``reschedule``, ``reschedule_later``;
- ``follow_up_slots``: the monthly check-ins and quarterly reviews (M10).
"""

from __future__ import annotations

from careerconv_core.domain.cadence import FollowUp
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.scheduling.follow_up_slots import follow_ups
from careerconv_core.domain.scheduling.moves import reschedule, reschedule_later
from careerconv_core.domain.scheduling.results import (
    Blocker,
    ConversationSlot,
    Placement,
    TeamSchedule,
)
from careerconv_core.domain.scheduling.rules import SchedulingRules
from careerconv_core.domain.scheduling.team import (
    first_fit,
    schedule_report,
    schedule_team,
    schedule_team_exact,
)
from careerconv_core.domain.scheduling.validity import (
    Check,
    Problem,
    Timed,
    within_working_hours,
)

__all__ = [
    "Blocker",
    "Check",
    "ConversationKind",
    "ConversationSlot",
    "FollowUp",
    "Placement",
    "Problem",
    "SchedulingRules",
    "TeamSchedule",
    "Timed",
    "first_fit",
    "follow_ups",
    "reschedule",
    "reschedule_later",
    "schedule_report",
    "schedule_team",
    "schedule_team_exact",
    "within_working_hours",
]
