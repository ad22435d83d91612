"""Build the views adapters see from a plan (ARCHITECTURE section 4).

This is the one place where plan fields become outgoing data, so it is the
one place to read when asking "can this note leave the process?". It reads
only fields whose visibility allows the purpose: schedules and agendas for
invites; the action, owner, dates and (with consent) the goal for tickets;
the summary the report agreed to for the HRIS.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timedelta

from careerconv_core.domain.agendas import AGENDAS, MENTORING_NOTE
from careerconv_core.domain.cadence import DueKind, FollowUpStatus
from careerconv_core.domain.conversations import ConversationKind, ConversationStatus
from careerconv_core.domain.grow import ActionStatus
from careerconv_core.domain.meetings import MeetingKind
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.tickets import ticket_key
from careerconv_core.views import (
    HrisSummaryView,
    InviteKind,
    InviteMethod,
    InviteView,
    Participant,
    TicketStatus,
    TicketView,
)

UID_DOMAIN = "careerconv"

_FOLLOW_UP_TITLES = {
    "check_in": "Career plan check-in (in your 1:1)",
    "extended_review": "Quarterly career review",
}
_MEETING_TITLES = {
    MeetingKind.ABBREVIATED_SESSION: "Getting to know you: life and dreams (60 min)",
    MeetingKind.MANAGER_LIFE_STORY: "Your manager's life story",
}
_HANDOFF_TITLE = "Handing over your career plan"


def participant(person: Person) -> Participant:
    """The adapter-facing form of a person: id, name, address, time zone."""
    return Participant(person.id, person.name, person.email, person.time_zone)


def invite_uid(plan_id: str, what: str, era: str = "") -> str:
    """A stable calendar UID for one meeting of one plan, placed by the manager of ``era``.

    The first manager's meetings keep the plain form; a later manager's carry
    the handoff's id, so their meetings are new events with their own SEQUENCE
    and never updates of an event another organizer sent (M12, RFC 5546).
    """
    return f"{plan_id}-{what}{'-' + era if era else ''}@{UID_DOMAIN}"


def summary_id(plan_id: str) -> str:
    """A stable HRIS external id for one plan's summary."""
    return f"careerconv-plan-{plan_id}"


def _invite(  # noqa: PLR0917 - one meeting's fields, each named at the call sites
    uid: str,
    sequence: int,
    cancelled: bool,
    kind: InviteKind,
    title: str,
    start: datetime,
    end: datetime,
    organizer: Person,
    attendees: tuple[Person, ...],
) -> InviteView:
    agenda = AGENDAS[kind.value]
    coaching = kind in (
        InviteKind.LIFE_STORY,
        InviteKind.PINNACLE,
        InviteKind.GROW_REVIEW,
        InviteKind.EXTENDED_REVIEW,
        InviteKind.ABBREVIATED_SESSION,
    )
    return InviteView(
        uid=uid,
        sequence=sequence,
        method=InviteMethod.CANCEL if cancelled else InviteMethod.REQUEST,
        kind=kind,
        title=title,
        start=start,
        end=end,
        time_zone=organizer.time_zone,
        organizer=participant(organizer),
        attendees=tuple(participant(p) for p in attendees),
        agenda=agenda.items,
        coaching_questions=agenda.questions,
        mentoring_note=MENTORING_NOTE if coaching else "",
    )


def invites(plan: CareerPlan, people: Mapping[str, Person]) -> dict[str, InviteView]:
    """Every calendar event the plan implies now, by uid (cancelled ones as CANCEL)."""
    out: dict[str, InviteView] = {}
    report = people.get(plan.report_id)
    if report is None:
        return out  # the report left: there is nobody to invite (colleagues)

    def organizer(era: str) -> Person | None:
        # Who placed it updates and cancels it; one who left the org has no calendar to send from,
        # and an event nobody still here can send is left out (colleagues).
        return people.get(plan.manager_in(era)) or people.get(plan.manager_id)

    for conv in plan.conversations:
        if conv.start is None or conv.end is None:
            continue
        if conv.status not in (ConversationStatus.SCHEDULED, ConversationStatus.CANCELLED):
            continue  # a held conversation's invite stays as it was
        uid = invite_uid(plan.id, conv.kind.value, conv.era)
        host = organizer(conv.era)
        if host is None:
            continue
        out[uid] = _invite(
            uid,
            conv.sequence,
            conv.status is ConversationStatus.CANCELLED,
            InviteKind(conv.kind.value),
            conv.kind.title,
            conv.start,
            conv.end,
            host,
            (host, report),
        )
    for f in plan.follow_ups:
        uid = invite_uid(plan.id, f"followup-{f.number}", f.era)
        host = organizer(f.era)
        if host is None:
            continue
        out[uid] = _invite(
            uid,
            f.sequence,
            f.status is FollowUpStatus.CANCELLED,
            InviteKind(f.kind.value),
            _FOLLOW_UP_TITLES[f.kind.value],
            f.start,
            f.end,
            host,
            (host, report),
        )
    for m in plan.meetings:
        uid = invite_uid(plan.id, m.kind, m.era)
        host = organizer(m.era)
        if host is None:
            continue
        out[uid] = _invite(
            uid,
            m.sequence,
            m.cancelled,
            InviteKind(m.kind.value),
            _MEETING_TITLES[m.kind],
            m.start,
            m.end,
            host,
            (host, report),
        )
    for h in plan.handoffs:
        if h.meeting_start is None or h.meeting_end is None:
            continue
        uid = invite_uid(plan.id, f"handoff-{h.id}")
        old, new = people.get(h.old_manager_id), people.get(h.new_manager_id)
        attendees = tuple(p for p in (report, old, new) if p is not None)
        placer = people.get(h.meeting_organizer_id or h.old_manager_id) or old or new
        if placer is None:
            continue
        out[uid] = _invite(
            uid,
            h.meeting_sequence,
            not (h.is_open or h.consented),
            InviteKind.THREE_WAY_HANDOFF,
            _HANDOFF_TITLE,
            h.meeting_start,
            h.meeting_end,
            placer,
            attendees,
        )
    return out


def team_life_story(
    manager: Person, team: tuple[Person, ...], start: datetime, minutes: int, sequence: int = 0
) -> InviteView:
    """The 15-minute team "life story" segment (M14): the manager's team meeting, everyone invited."""
    uid = f"team-{manager.id}-{start:%Y%m%dT%H%M}@{UID_DOMAIN}"
    return _invite(
        uid,
        sequence,
        False,
        InviteKind.TEAM_LIFE_STORY,
        "Team life story (15 minutes)",
        start,
        start + timedelta(minutes=minutes),
        manager,
        (manager, *team),
    )


def tickets(
    plan: CareerPlan, people: Mapping[str, Person], link_base: str | None = None
) -> dict[str, TicketView]:
    """Every GROW action as a ticket view, by key. The goal only with the report's consent."""
    if plan.grow is None:
        return {}
    report = people.get(plan.report_id)
    if report is None:
        return {}  # the report left: their actions go with them (colleagues)
    goal = plan.grow.goal.statement if plan.consent.share_goal_on_tickets else None
    out: dict[str, TicketView] = {}
    for act in plan.grow.actions:
        if act.due is None:
            continue
        key = ticket_key(plan.id, act.id)
        # An owner who left hands the action to the report, whose plan it is (colleagues).
        owner = people.get(act.owner_id, report)
        out[key] = TicketView(
            key=key,
            plan_key=plan.id,
            title=act.title,
            due=act.due,
            owner=participant(owner),
            done_when=act.done_when,
            status=(
                TicketStatus.DELETED
                if act.ticket_deleted
                else TicketStatus.DONE
                if act.status is ActionStatus.DONE
                else TicketStatus.OPEN
            ),
            link=f"{link_base.rstrip('/')}/plans/{plan.id}/actions/{act.id}" if link_base else None,
            goal=goal or None,
            changed_at=act.changed_at,
            status_changed_at=act.status_changed_at,
        )
    return out


def summary(plan: CareerPlan) -> HrisSummaryView | None:
    """The HR record the report agreed to, or None when they did not (never notes or ratings).

    ``last_updated`` is the day the plan last moved on: the latest of the GROW
    plan's revision, conversation 3 (when the plan started) and the check-ins
    held since, so it is never before ``plan_started``.
    """
    if not plan.consent.summary_to_hris or plan.grow is None or plan.grow_updated_at is None:
        return None
    focus_names = {c.competency_id: c.name for c in plan.pinnacle.competencies}
    reviews = [i.due for i in plan.due_items() if i.kind is DueKind.EXTENDED_REVIEW]
    review = plan.conversation(ConversationKind.GROW_REVIEW)
    moments = [plan.grow_updated_at, *(c.at for c in plan.check_ins)]
    if review.held_at is not None:
        moments.append(review.held_at)
    return HrisSummaryView(
        external_id=summary_id(plan.id),
        person_id=plan.report_id,
        goal=plan.grow.goal.statement if plan.consent.goal_in_summary else None,
        focus_competencies=tuple(focus_names.get(c, c) for c in plan.pinnacle.focus),
        plan_started=review.held_at.date() if review.held_at else None,
        last_updated=max(moments).date(),
        next_review=min(reviews) if reviews else None,
    )


def retraction(sent: HrisSummaryView, on: date) -> HrisSummaryView:
    """What replaces a summary the report no longer agrees to share: remove it (section 4)."""
    return HrisSummaryView(
        external_id=sent.external_id,
        person_id=sent.person_id,
        goal=None,
        focus_competencies=(),
        plan_started=None,
        last_updated=on,
        next_review=None,
        withdrawn=True,
    )
