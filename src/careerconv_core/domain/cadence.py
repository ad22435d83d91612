"""What is due when (M10): check-ins, quarterly reviews, plan updates, the probe.

The values (``DueItem``, ``CheckIn``, ``FollowUp``...) and the plan's own
cadence steps (``CadencePart``, part of ``CareerPlan``): holding a check-in,
placing the follow-ups, and working out what falls due.
"""

from __future__ import annotations

import enum
from datetime import date, datetime
from typing import TYPE_CHECKING, Self

from attrs import evolve, frozen

from careerconv_core.domain.clock import Interval, add_months, require_aware
from careerconv_core.domain.conversations import ConversationKind, ConversationStatus
from careerconv_core.domain.grow import ActionStatus, GrowPlan
from careerconv_core.domain.handoff import Handoff, HandoffState
from careerconv_core.domain.plan_part import PlanPart
from careerconv_core.domain.status import PlanStatus
from careerconv_core.domain.visibility import private
from careerconv_core.errors import InvalidInput


class DueKind(enum.Enum):
    """Kinds of thing that fall due on a plan."""

    CONVERSATION = "conversation"  # one of the three, scheduled and not yet held
    CHECK_IN = "check_in"  # monthly, 5-10 minutes in the regular 1:1 (M10)
    EXTENDED_REVIEW = "extended_review"  # at least quarterly, about 30 minutes (M10)
    PLAN_UPDATE = "plan_update"  # the plan updated quarterly (M10)
    PROBE = "probe"  # 3-4 months without touching the plan (M10)
    HANDOFF_CONSENT = "handoff_consent"  # the report's answer on sharing is awaited (M12)
    ACTION = "action"  # a GROW action still open on its due date (M8)


@frozen
class DueItem:
    """One thing due on one plan on one day."""

    plan_id: str
    report_id: str
    manager_id: str
    kind: DueKind
    due: date


class CheckInKind(enum.Enum):
    """The two kinds of follow-up after the three conversations (M10)."""

    CHECK_IN = "check_in"  # monthly, an agenda item of the regular 1:1, not last
    EXTENDED_REVIEW = "extended_review"  # at least quarterly, about 30 minutes


class FollowUpStatus(enum.Enum):
    """Whether a follow-up meeting is on the calendar."""

    SCHEDULED = "scheduled"
    CANCELLED = "cancelled"


@frozen
class FollowUp:
    """A placed monthly check-in or quarterly extended review (M10).

    ``number`` counts the follow-ups after conversation 3 (1 is the first
    month); ``sequence`` counts real changes to its calendar invite; ``era``
    is the handoff under which it was placed, as for a conversation (M12).
    """

    number: int
    kind: CheckInKind
    start: datetime
    end: datetime
    sequence: int = 0
    status: FollowUpStatus = FollowUpStatus.SCHEDULED
    era: str = ""

    @property
    def interval(self) -> Interval:
        """When it is, as an interval."""
        return Interval(self.start, self.end)


@frozen
class CadenceRules:
    """The follow-up rhythm (M10). Months are calendar months."""

    check_in_months: int = 1
    extended_review_months: int = 3
    plan_update_months: int = 3
    probe_after_months: int = 3  # the method says three to four months

    def __attrs_post_init__(self) -> None:
        for name in ("check_in_months", "extended_review_months", "plan_update_months"):
            if not 1 <= getattr(self, name) <= 12:
                raise InvalidInput(f"cadence.{name}", "1 to 12 months")
        if not 3 <= self.probe_after_months <= 4:
            raise InvalidInput("cadence.probe_after_months", "3 or 4 months (the method's probe point)")


@frozen
class CheckIn:
    """A follow-up held after the three conversations (M10)."""

    kind: CheckInKind
    at: datetime
    on_track: bool | None = None
    notes: str = private(default="")


class CadencePart(PlanPart):
    """The plan's follow-up steps and what falls due on it (M10); part of ``CareerPlan``."""

    __slots__ = ()

    if TYPE_CHECKING:  # what these steps read of the plan besides what every part does
        check_ins: tuple[CheckIn, ...]
        grow: GrowPlan | None
        follow_ups: tuple[FollowUp, ...]
        grow_updated_at: datetime | None
        more_conversation_declined_at: datetime | None

        @property
        def current_handoff(self) -> Handoff | None: ...

        @property
        def era(self) -> str: ...

    def check_in(
        self,
        kind: CheckInKind,
        at: datetime,
        *,
        on_track: bool | None = None,
        notes: str = "",
        declines_more_conversation: bool = False,
    ) -> Self:
        """A monthly check-in or a quarterly extended review was held (M10).

        ``declines_more_conversation`` records that the report does not want
        longer career conversations now: the library stops proposing them and
        suggests talking to others.
        """
        require_aware(at, "at")
        self._require_active("check in")
        self._require_held(ConversationKind.GROW_REVIEW, "check in on the plan")
        plan = self._changed(
            check_ins=(*self.check_ins, CheckIn(kind, at, on_track, notes)),
            last_touched_at=at,
        )
        if declines_more_conversation:
            plan = plan._changed(more_conversation_declined_at=at)._cancel_reviews()
        elif kind is CheckInKind.EXTENDED_REVIEW:
            plan = plan._changed(more_conversation_declined_at=None)
        return plan

    def place_follow_ups(self, follow_ups: tuple[FollowUp, ...], at: datetime) -> Self:
        """Put the monthly check-ins and quarterly reviews on the calendar (M10)."""
        require_aware(at, "at")
        self._require_active("schedule check-ins")
        self._require_held(ConversationKind.GROW_REVIEW, "schedule check-ins")
        if self.more_conversation_declined_at is not None:
            follow_ups = tuple(f for f in follow_ups if f.kind is CheckInKind.CHECK_IN)
        old = {f.number: f for f in self.follow_ups}
        placed = []
        for given in follow_ups:
            new = evolve(given, era=self.era, status=FollowUpStatus.SCHEDULED)
            prev = old.get(new.number)
            if prev is None or prev.era != new.era:  # a new organizer's follow-up is a new event
                placed.append(evolve(new, sequence=0))
            elif (prev.start, prev.end, prev.kind, prev.status) != (new.start, new.end, new.kind, new.status):
                # moved, or placed again after a cancellation: the same event, one revision on
                placed.append(evolve(new, sequence=prev.sequence + 1))
            else:
                placed.append(prev)
        return self._changed(follow_ups=tuple(placed))

    def due_items(self, rules: CadenceRules = CadenceRules()) -> tuple[DueItem, ...]:
        """What falls due on this plan, and when (M10, M12, M16)."""
        items: list[DueItem] = []

        def due(kind: DueKind, day: date) -> None:
            items.append(DueItem(self.id, self.report_id, self.manager_id, kind, day))

        handoff = self.current_handoff
        if handoff is not None and handoff.state is HandoffState.CONSENT_ASKED:
            due(DueKind.HANDOFF_CONSENT, handoff.answer_by.date())
        if self.status is not PlanStatus.ACTIVE:
            return tuple(items)
        for conv in self.conversations:
            if conv.status is ConversationStatus.SCHEDULED and conv.start is not None:
                due(DueKind.CONVERSATION, conv.start.date())
                break
        review = self.conversation(ConversationKind.GROW_REVIEW)
        if review.held_at is None:
            return tuple(items)
        anchor = review.held_at.date()
        if self.grow is not None:
            for action in self.grow.actions:
                if action.status is ActionStatus.OPEN and action.due is not None:
                    due(DueKind.ACTION, action.due)
        last_any = max([anchor, *(c.at.date() for c in self.check_ins)])
        placed = self.next_follow_up(last_any)
        # A placed check-in is the one date: its invite and ``due`` name the same day.
        due(DueKind.CHECK_IN, placed.start.date() if placed else add_months(last_any, rules.check_in_months))
        declined = self.more_conversation_declined_at is not None
        if not declined:
            last_review = max(
                [
                    anchor,
                    *(c.at.date() for c in self.check_ins if c.kind is CheckInKind.EXTENDED_REVIEW),
                ]
            )
            placed = self.next_follow_up(last_review, CheckInKind.EXTENDED_REVIEW)
            due(
                DueKind.EXTENDED_REVIEW,
                placed.start.date() if placed else add_months(last_review, rules.extended_review_months),
            )
            touched = (self.last_touched_at or review.held_at).date()
            due(DueKind.PROBE, add_months(touched, rules.probe_after_months))
        updated = (self.grow_updated_at or review.held_at).date()
        due(DueKind.PLAN_UPDATE, add_months(updated, rules.plan_update_months))
        return tuple(items)

    def next_follow_up(self, after: date, kind: CheckInKind | None = None) -> FollowUp | None:
        """The first scheduled follow-up (of ``kind``, or any) on a day after ``after``."""
        later = [
            f
            for f in self.follow_ups
            if f.status is FollowUpStatus.SCHEDULED
            and f.start.date() > after
            and (kind is None or f.kind is kind)
        ]
        return min(later, key=lambda f: f.start, default=None)

    def _cancel_reviews(self) -> Self:
        follow = tuple(
            evolve(f, status=FollowUpStatus.CANCELLED, sequence=f.sequence + 1)
            if f.status is FollowUpStatus.SCHEDULED and f.kind is CheckInKind.EXTENDED_REVIEW
            else f
            for f in self.follow_ups
        )
        return self._changed(follow_ups=follow)
