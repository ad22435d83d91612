"""A report's move to a new manager (M12, M13): consent first, then share, then meet.

``Handoff`` is one manager change; ``HandoffPart`` are the plan's steps
through it (``CareerPlan`` takes them from here), so the whole of M12 and
M13 on the plan's side is in this module.

The states are explicit so that nothing about the plan can reach the new
manager before the report said yes:

    CONSENT_ASKED -> CONSENT_GRANTED -> SHARED -> MEETING_SCHEDULED -> PATH_CHOSEN
                  -> CONSENT_REFUSED    (nothing shared; old manager's access ends)
                  -> CONSENT_EXPIRED    (no answer by the deadline: same as refused)
    any open state -> SUPERSEDED       (the manager changed again, or the report left)
"""

from __future__ import annotations

import enum
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Self

from attrs import evolve, field, frozen

from careerconv_core.domain.clock import require_aware
from careerconv_core.domain.conversations import fresh_conversations
from careerconv_core.domain.ids import id_field
from careerconv_core.domain.plan_part import PlanPart
from careerconv_core.domain.roles import AccessEnded, Actor, NotSharedYet
from careerconv_core.domain.status import EndReason, PlanStatus
from careerconv_core.errors import InvalidInput, RuleViolation


class HandoffState(enum.Enum):
    """Where a handoff stands."""

    CONSENT_ASKED = "consent_asked"
    CONSENT_GRANTED = "consent_granted"
    CONSENT_REFUSED = "consent_refused"
    CONSENT_EXPIRED = "consent_expired"
    SHARED = "shared"
    MEETING_SCHEDULED = "meeting_scheduled"
    PATH_CHOSEN = "path_chosen"
    SUPERSEDED = "superseded"


SHARED_STATES = frozenset({HandoffState.SHARED, HandoffState.MEETING_SCHEDULED, HandoffState.PATH_CHOSEN})
"""The plan went over to the new manager in these states."""

OPEN_STATES = frozenset(
    {
        HandoffState.CONSENT_ASKED,
        HandoffState.CONSENT_GRANTED,
        HandoffState.SHARED,
        HandoffState.MEETING_SCHEDULED,
    }
)


WALK_THROUGH_DAYS = 30
"""How long after the report's yes the old manager may still read the shared plan (M12).

The old manager walks the new one through the plan in the three-way meeting,
so they keep read access until that meeting has ended; when no meeting is
held, this deadline ends it. They never act on the plan again.
"""


class NewManagerPath(enum.Enum):
    """How the new manager and the report go on (M13)."""

    FULL_CONVERSATIONS = "full_conversations"  # all three conversations again
    ABBREVIATED_SESSION = "abbreviated_session"  # one 60-minute session on life and dreams
    CONTINUE_PLAN = "continue_plan"  # work with the plan, monthly check-ins


@frozen
class Handoff:
    """One manager change on one plan."""

    id: str = field(validator=id_field)
    old_manager_id: str = field(validator=id_field)
    new_manager_id: str = field(validator=id_field)
    state: HandoffState
    asked_at: datetime
    answer_by: datetime
    answered_at: datetime | None = None
    meeting_start: datetime | None = None
    meeting_end: datetime | None = None
    meeting_sequence: int = 0
    path: NewManagerPath | None = None
    meeting_organizer_id: str | None = None  # whoever placed the three-way meeting

    @property
    def is_open(self) -> bool:
        """True while the handoff still waits for a step."""
        return self.state in OPEN_STATES

    @property
    def consented(self) -> bool:
        """True once the report said yes (and it was not superseded before sharing)."""
        return self.state in (
            HandoffState.CONSENT_GRANTED,
            HandoffState.SHARED,
            HandoffState.MEETING_SCHEDULED,
            HandoffState.PATH_CHOSEN,
        )

    def _require(self, *states: HandoffState, step: str) -> None:
        if self.state not in states:
            wanted = " or ".join(s.value for s in states)
            raise RuleViolation(
                "M12",
                f"cannot {step}: the handoff is {self.state.value}",
                f"this step needs the handoff to be {wanted}",
            )

    def answered(self, granted: bool, at: datetime) -> Handoff:
        """The report's answer to "may your plan be shared with your new manager?"."""
        require_aware(at, "answered_at")
        self._require(HandoffState.CONSENT_ASKED, step="record the report's answer")
        if at > self.answer_by:
            return evolve(self, state=HandoffState.CONSENT_EXPIRED, answered_at=None)
        state = HandoffState.CONSENT_GRANTED if granted else HandoffState.CONSENT_REFUSED
        return evolve(self, state=state, answered_at=at)

    def expired(self, now: datetime) -> Handoff:
        """No answer by the deadline counts as no (M12). Unchanged before the deadline."""
        require_aware(now, "now")
        if self.state is HandoffState.CONSENT_ASKED and now > self.answer_by:
            return evolve(self, state=HandoffState.CONSENT_EXPIRED)
        return self

    def shared(self) -> Handoff:
        """The plan was shared with the new manager; only after consent."""
        self._require(HandoffState.CONSENT_GRANTED, step="share the plan")
        return evolve(self, state=HandoffState.SHARED)

    def meeting(self, start: datetime, end: datetime, organizer_id: str | None = None) -> Handoff:
        """The three-way meeting (report, old and new manager) is placed.

        Its organizer is whoever placed it first; a move keeps that organizer,
        since an event is only ever updated by its own organizer (RFC 5546).
        """
        require_aware(start, "meeting.start")
        require_aware(end, "meeting.end")
        self._require(
            HandoffState.SHARED,
            HandoffState.MEETING_SCHEDULED,
            step="schedule the three-way meeting",
        )
        moved = self.state is HandoffState.MEETING_SCHEDULED
        return evolve(
            self,
            state=HandoffState.MEETING_SCHEDULED,
            meeting_start=start,
            meeting_end=end,
            meeting_sequence=self.meeting_sequence + 1 if moved else 0,
            meeting_organizer_id=self.meeting_organizer_id if moved else organizer_id,
        )

    def path_chosen(self, path: NewManagerPath) -> Handoff:
        """The new manager and the report picked how to go on (M13)."""
        self._require(HandoffState.SHARED, HandoffState.MEETING_SCHEDULED, step="choose how to go on")
        return evolve(self, state=HandoffState.PATH_CHOSEN, path=path)

    def walk_through_until(self) -> datetime | None:
        """Until when the old manager may read the shared plan (M12); None: not at all.

        The end of the three-way meeting, or ``WALK_THROUGH_DAYS`` after the
        report's yes, whichever comes first.
        """
        if self.state not in SHARED_STATES or self.answered_at is None:
            return None
        deadline = self.answered_at + timedelta(days=WALK_THROUGH_DAYS)
        if self.meeting_end is not None:
            return min(self.meeting_end, deadline)
        return deadline

    def superseded(self) -> Handoff:
        """Called off: the manager changed again, or the report left."""
        return evolve(self, state=HandoffState.SUPERSEDED)


class HandoffPart(PlanPart):
    """The plan's steps through a manager change (M12, M13); part of ``CareerPlan``."""

    __slots__ = ()

    if TYPE_CHECKING:  # what these steps read of the plan besides what every part does
        handoffs: tuple[Handoff, ...]

        ended_reason: EndReason | None

        def decline(self, by: Actor, at: datetime) -> Self: ...

    @property
    def current_handoff(self) -> Handoff | None:
        """The latest handoff, if any."""
        return self.handoffs[-1] if self.handoffs else None

    @property
    def era(self) -> str:
        """The handoff through which the current manager holds the plan; "" for its first manager.

        Every meeting placed records the era it was placed in: its organizer
        and UID follow from it (``manager_in``), so the new manager's meetings
        are new events and the old manager's are cancelled by the old manager.
        """
        for handoff in reversed(self.handoffs):
            if handoff.state in SHARED_STATES:
                return handoff.id
        return ""

    def manager_in(self, era: str) -> str:
        """The manager who held the plan in ``era``: the organizer of what was placed then."""
        if era:
            for handoff in self.handoffs:
                if handoff.id == era:
                    return handoff.new_manager_id
        return self.handoffs[0].old_manager_id if self.handoffs else self.manager_id

    def former_managers(self) -> frozenset[str]:
        """Managers who handed this plan over with the report's consent."""
        return frozenset(h.old_manager_id for h in self.handoffs if h.state in SHARED_STATES) - {
            self.manager_id
        }

    def access_refusal(self, person_id: str) -> RuleViolation | None:
        """Why ``person_id`` may not see or act on this plan because of a manager change (M12).

        None when a handoff has nothing to say about them (the report, the
        current manager, or a stranger, whom ``actor_of`` refuses under M1).
        """
        if person_id == self.report_id:
            return None
        ended = self.status is PlanStatus.ENDED and self.ended_reason in (
            EndReason.HANDOFF_REFUSED,
            EndReason.HANDOFF_EXPIRED,
        )
        if (ended and person_id == self.manager_id) or person_id in self.former_managers():
            return AccessEnded(person_id, self.id)
        current = self.current_handoff
        if (
            current is not None
            and person_id == current.new_manager_id
            and person_id != self.manager_id
            and not current.consented
        ):
            return NotSharedYet(person_id, self.id, current.state)
        return None

    def reads_for_walk_through(self, person_id: str, at: datetime) -> bool:
        """Whether ``person_id`` is the old manager who may still read the plan (M12).

        Only through the latest handoff, only while the plan is open, and only
        until the three-way meeting has ended or its deadline passed.
        """
        require_aware(at, "at")
        current = self.current_handoff
        if current is None or person_id != current.old_manager_id or not self.status.is_open:
            return False
        until = current.walk_through_until()
        return until is not None and at < until

    def start_handoff(self, handoff_id: str, new_manager_id: str, at: datetime, answer_by: datetime) -> Self:
        """The report got a new manager: ask the report first (M12). Nothing is shared yet.

        A handoff still waiting for consent is superseded; the plan's holder
        (the old manager) stays the same until the report says yes.
        """
        require_aware(at, "at")
        require_aware(answer_by, "answer_by")
        if answer_by <= at:
            raise InvalidInput("answer_by", "a deadline after now", answer_by.isoformat())
        if not self.status.is_open:
            raise RuleViolation(
                "M12",
                f"the plan is {self.status.value}; there is nothing to hand over",
                "the new manager may propose Career Conversations afresh (M1)",
            )
        if new_manager_id == self.report_id:
            raise InvalidInput("new_manager_id", "someone other than the report", new_manager_id)
        handoffs = list(self.handoffs)
        current = self.current_handoff
        if current is not None and current.is_open:
            if current.new_manager_id == new_manager_id:
                return self
            handoffs[-1] = current.superseded()
        if new_manager_id == self.manager_id:
            return self._changed(handoffs=tuple(handoffs))  # changed back: nothing to hand over
        handoffs.append(
            Handoff(
                handoff_id,
                self.manager_id,
                new_manager_id,
                HandoffState.CONSENT_ASKED,
                at,
                answer_by,
            )
        )
        return self._changed(handoffs=tuple(handoffs))

    def manager_changed(
        self, handoff_id: str, new_manager_id: str, at: datetime, answer_by: datetime
    ) -> Self:
        """The org moved the report to ``new_manager_id`` (M12).

        A proposal the report has not accepted lapses with the old manager:
        there is nothing to hand over. Any other open plan asks the report
        first (``start_handoff``); nothing reaches the new manager before a yes.
        """
        if self.status is PlanStatus.PROPOSED:
            return self.decline(Actor.MANAGER, at)
        return self.start_handoff(handoff_id, new_manager_id, at, answer_by)

    def _with_handoff(self, handoff: Handoff) -> Self:
        return self._changed(handoffs=(*self.handoffs[:-1], handoff))

    def _require_handoff(self) -> Handoff:
        handoff = self.current_handoff
        if handoff is None:
            raise RuleViolation("M12", "no manager change is under way", "start a handoff first")
        return handoff

    def answer_handoff(self, granted: bool, by: Actor, at: datetime) -> Self:
        """The report answers whether the plan may be shared (M12). Only the report answers."""
        if by is not Actor.REPORT:
            raise RuleViolation(
                "M12",
                "only the report can consent to sharing the plan",
                "ask the report; nothing is shared until they say yes",
            )
        handoff = self._require_handoff().answered(granted, at)
        plan = self._with_handoff(handoff)
        if handoff.state in (HandoffState.CONSENT_REFUSED, HandoffState.CONSENT_EXPIRED):
            plan = plan._end_access(handoff.state, at)
        return plan

    def expire_handoff(self, now: datetime) -> Self:
        """No answer by the deadline is a no (M12): nothing is shared, the old manager's access ends."""
        handoff = self.current_handoff
        if handoff is None:
            return self
        expired = handoff.expired(now)
        if expired is handoff:
            return self
        return self._with_handoff(expired)._end_access(expired.state, now)

    def _end_access(self, state: HandoffState, at: datetime) -> Self:
        reason = (
            EndReason.HANDOFF_REFUSED if state is HandoffState.CONSENT_REFUSED else EndReason.HANDOFF_EXPIRED
        )
        return self._cancel_scheduled()._changed(status=PlanStatus.ENDED, ended_at=at, ended_reason=reason)

    def share_with_new_manager(self, at: datetime) -> Self:
        """After consent only: the new manager becomes the plan's manager (M12).

        Meetings still on the calendar were the old manager's; they are
        cancelled, and the new manager places what the chosen path needs (M13).
        """
        require_aware(at, "at")
        handoff = self._require_handoff()
        shared = handoff.shared()
        return (
            self._cancel_scheduled()
            ._with_handoff(shared)
            ._changed(
                manager_id=handoff.new_manager_id,
                last_touched_at=at,
            )
        )

    def schedule_handoff_meeting(
        self, start: datetime, end: datetime, organizer_id: str | None = None
    ) -> Self:
        """The three-way meeting: report, old and new manager (M12); its organizer is who placed it."""
        return self._with_handoff(self._require_handoff().meeting(start, end, organizer_id))

    def choose_path(self, path: NewManagerPath, by: Actor, at: datetime) -> Self:
        """The new manager and the report pick how to go on (M13)."""
        require_aware(at, "at")
        if by is not Actor.MANAGER:
            raise RuleViolation(
                "M13", "the new manager records the path you agreed on", "record it as the manager"
            )
        handoff = self._require_handoff().path_chosen(path)
        plan = self._with_handoff(handoff)
        if path is NewManagerPath.FULL_CONVERSATIONS:
            # A new start with the new manager: both gates are asked again.
            plan = plan._cancel_scheduled()._changed(
                conversations=fresh_conversations(),
                readiness=None,
                life_story_opt_in=False,
            )
        return plan
