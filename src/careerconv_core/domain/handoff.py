"""A report's move to a new manager (M12, M13): consent first, then share, then meet.

The states are explicit so that nothing about the plan can reach the new
manager before the report said yes:

    CONSENT_ASKED -> CONSENT_GRANTED -> SHARED -> MEETING_SCHEDULED -> PATH_CHOSEN
                  -> CONSENT_REFUSED    (nothing shared; old manager's access ends)
                  -> CONSENT_EXPIRED    (no answer by the deadline: same as refused)
    any open state -> SUPERSEDED       (the manager changed again, or the report left)
"""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import evolve, frozen

from careerconv_core.domain.clock import require_aware
from careerconv_core.errors import RuleViolation


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


OPEN_STATES = frozenset(
    {
        HandoffState.CONSENT_ASKED,
        HandoffState.CONSENT_GRANTED,
        HandoffState.SHARED,
        HandoffState.MEETING_SCHEDULED,
    }
)


class NewManagerPath(enum.Enum):
    """How the new manager and the report go on (M13)."""

    FULL_CONVERSATIONS = "full_conversations"  # all three conversations again
    ABBREVIATED_SESSION = "abbreviated_session"  # one 60-minute session on life and dreams
    CONTINUE_PLAN = "continue_plan"  # work with the plan, monthly check-ins


@frozen
class Handoff:
    """One manager change on one plan."""

    id: str
    old_manager_id: str
    new_manager_id: str
    state: HandoffState
    asked_at: datetime
    answer_by: datetime
    answered_at: datetime | None = None
    meeting_start: datetime | None = None
    meeting_end: datetime | None = None
    meeting_sequence: int = 0
    path: NewManagerPath | None = None

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

    def meeting(self, start: datetime, end: datetime) -> Handoff:
        """The three-way meeting (report, old and new manager) is placed."""
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
        )

    def path_chosen(self, path: NewManagerPath) -> Handoff:
        """The new manager and the report picked how to go on (M13)."""
        self._require(
            HandoffState.SHARED, HandoffState.MEETING_SCHEDULED, step="choose how to go on"
        )
        return evolve(self, state=HandoffState.PATH_CHOSEN, path=path)

    def superseded(self) -> Handoff:
        """Called off: the manager changed again, or the report left."""
        return evolve(self, state=HandoffState.SUPERSEDED)
