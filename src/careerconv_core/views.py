"""The only data an adapter ever sees (ARCHITECTURE section 4).

Adapters never receive a plan. Each purpose gets a view that carries only
what that purpose is allowed: an invite carries the agenda and no notes, a
ticket carries the action and no goal unless the report allowed it, an HRIS
record carries the summary the report agreed to. Views are built by the
services when a side effect is recorded in the outbox, so what is stored
for delivery is already filtered.
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from attrs import frozen

from careerconv_core.domain.clock import require_aware
from careerconv_core.domain.notices import NoticeKind


@frozen
class Participant:
    """A person as an adapter may see them: id, name, address and time zone."""

    person_id: str
    name: str
    email: str
    time_zone: str = "UTC"


class InviteMethod(enum.Enum):
    """What an invite asks of the calendar: add or update it, or remove it."""

    REQUEST = "REQUEST"
    CANCEL = "CANCEL"


class InviteKind(enum.Enum):
    """Which meeting an invite is for."""

    LIFE_STORY = "life_story"
    PINNACLE = "pinnacle"
    GROW_REVIEW = "grow_review"
    CHECK_IN = "check_in"
    EXTENDED_REVIEW = "extended_review"
    THREE_WAY_HANDOFF = "three_way_handoff"
    ABBREVIATED_SESSION = "abbreviated_session"
    MANAGER_LIFE_STORY = "manager_life_story"
    TEAM_LIFE_STORY = "team_life_story"


@frozen
class InviteView:
    """One calendar event: a career conversation, a check-in or a handoff meeting.

    ``uid`` is stable for the meeting (derived from plan and conversation), so a
    re-delivery updates the same event. ``sequence`` goes up by one for each
    real change (RFC 5545). The agenda and coaching questions are the method's
    own texts (M15); no notes are ever in a view.
    """

    uid: str
    sequence: int
    method: InviteMethod
    kind: InviteKind
    title: str
    start: datetime
    end: datetime
    time_zone: str
    organizer: Participant
    attendees: tuple[Participant, ...]
    agenda: tuple[str, ...]
    coaching_questions: tuple[str, ...] = ()
    mentoring_note: str = ""

    def __attrs_post_init__(self) -> None:
        require_aware(self.start, "invite.start")
        require_aware(self.end, "invite.end")

    @property
    def description(self) -> str:
        """Plain text for the event body: agenda, then coaching questions, then the mentoring note."""
        lines = ["Agenda:"]
        lines += [f"{n}. {item}" for n, item in enumerate(self.agenda, 1)]
        if self.coaching_questions:
            lines += ["", "Coaching questions:"]
            lines += [f"- {q}" for q in self.coaching_questions]
        if self.mentoring_note:
            lines += ["", self.mentoring_note]
        return "\n".join(lines)


class TicketStatus(enum.Enum):
    """A ticket's state as the plan understands it."""

    OPEN = "open"
    DONE = "done"
    DELETED = "deleted"


@frozen
class TicketView:
    """One GROW "Will" action as a tracker may see it (M8).

    By default: the action, its due date, its owner, its "done when" and a link
    back. ``goal`` is set only when the report chose to share the goal.
    ``key`` is deterministic from plan and action, so a re-sync finds the ticket.
    ``changed_at`` and ``status_changed_at`` say when careerconv last changed the
    action's fields and its status: where a person changed the ticket too, the
    later change wins (None: not known, as in views stored before they were kept).
    """

    key: str
    plan_key: str
    title: str
    due: date
    owner: Participant
    done_when: str
    status: TicketStatus = TicketStatus.OPEN
    link: str | None = None
    goal: str | None = None
    changed_at: datetime | None = None
    status_changed_at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        if self.changed_at is not None:
            require_aware(self.changed_at, "ticket.changed_at")
        if self.status_changed_at is not None:
            require_aware(self.status_changed_at, "ticket.status_changed_at")


@frozen
class HrisSummaryView:
    """What the report agreed may reach the HR system: never notes, never ratings.

    ``external_id`` is deterministic from the plan, so writing twice updates.
    ``withdrawn`` says the report took their consent back: the writer removes
    the record, and such a view carries nothing else.
    """

    external_id: str
    person_id: str
    goal: str | None
    focus_competencies: tuple[str, ...]
    plan_started: date | None
    last_updated: date
    next_review: date | None
    withdrawn: bool = False


@frozen
class NoticeView:
    """A message to one person (mail by default): a nudge, a consent request, a notice.

    Subject and body are built from the method's templates and ids; they never
    quote anyone's notes.
    """

    key: str
    kind: NoticeKind
    recipient: Participant
    subject: str
    body: str
    due: date | None = None
