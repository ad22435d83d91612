"""What the scheduler returns: placements in UTC, blockers, and a team's whole result."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

from attrs import evolve, field, frozen

from careerconv_core.domain.cadence import FollowUp
from careerconv_core.domain.clock import Interval
from careerconv_core.domain.conversations import ORDER, ConversationKind
from careerconv_core.domain.scheduling.validity import Timed


@frozen
class ConversationSlot:
    """One conversation's place in time."""

    kind: ConversationKind
    interval: Interval


@frozen
class Placement:
    """The three conversations of one report, in UTC, and the window they must stay in."""

    report_id: str
    life_story: Interval
    pinnacle: Interval
    grow_review: Interval
    window: Interval

    @property
    def slots(self) -> tuple[ConversationSlot, ...]:
        """The three slots in order."""
        return tuple(ConversationSlot(kind, self.interval(kind)) for kind in ORDER)

    @property
    def timed(self) -> tuple[Timed, ...]:
        """The three as the M4 check sees them."""
        return (
            Timed(ConversationKind.LIFE_STORY, self.life_story),
            Timed(ConversationKind.PINNACLE, self.pinnacle),
            Timed(ConversationKind.GROW_REVIEW, self.grow_review),
        )

    def interval(self, kind: ConversationKind | str) -> Interval:
        """The interval of ``kind`` (a ``ConversationKind`` or its value)."""
        kind = ConversationKind(kind)
        return {
            ConversationKind.LIFE_STORY: self.life_story,
            ConversationKind.PINNACLE: self.pinnacle,
            ConversationKind.GROW_REVIEW: self.grow_review,
        }[kind]

    def __getitem__(self, kind: ConversationKind | str) -> Interval:
        return self.interval(kind)

    def moved(self, kind: ConversationKind, new: Interval) -> Placement:
        """A copy with ``kind`` at ``new`` (nothing checked)."""
        if kind is ConversationKind.LIFE_STORY:
            return evolve(self, life_story=new)
        if kind is ConversationKind.PINNACLE:
            return evolve(self, pinnacle=new)
        return evolve(self, grow_review=new)

    @property
    def span_minutes(self) -> int:
        """Minutes from the start of the life story to the end of the GROW review."""
        return int((self.grow_review.end - self.life_story.start).total_seconds() // 60)


@frozen
class Blocker:
    """Why a report could not be placed: a ``constraint`` code and a human sentence.

    Codes: ``no_common_hours``, ``homework_gap`` (the window cannot hold the
    sequence with its gaps), ``busy``, ``manager_time`` (the manager's
    fitting time went to other reports), ``weekly_cap``, ``follow_up``.
    """

    report_id: str
    constraint: str
    reason: str
    fix: str

    def __str__(self) -> str:
        return f"{self.report_id}: {self.reason}. Fix: {self.fix}"


def _frozen_map(value: Mapping[str, object]) -> Mapping[str, object]:
    return MappingProxyType(dict(value))


@frozen
class TeamSchedule:
    """The result for one manager's team: who is placed where, who is not and why.

    Every report given is in exactly one of ``placements`` and ``unplaced``.
    ``minutes_per_week`` is the manager's career-conversation minutes per ISO
    week (``"2026-W48"``), booked ones included. ``follow_ups`` are the same
    values the plan stores (M10). ``proven_optimal`` is true when the branch
    and bound finished (small teams; see docs/scheduler.md) or CP-SAT proved
    the schedule optimal. ``exact_status`` is CP-SAT's status in the exact
    mode ("OPTIMAL", "FEASIBLE", "UNKNOWN"), empty otherwise.
    """

    manager_id: str
    window: Interval
    placements: Mapping[str, Placement] = field(converter=_frozen_map)
    unplaced: Mapping[str, Blocker] = field(converter=_frozen_map)
    minutes_per_week: Mapping[str, int] = field(converter=_frozen_map)
    follow_ups: Mapping[str, tuple[FollowUp, ...]] = field(converter=_frozen_map)
    follow_up_blockers: Mapping[str, Blocker] = field(converter=_frozen_map)
    proven_optimal: bool = False
    exact_status: str = ""

    @property
    def total_span_minutes(self) -> int:
        """Sum over placed reports of the minutes from the start of 1 to the end of 3."""
        return sum(p.span_minutes for p in self.placements.values())
