"""Invite views for calendar and mail tests: a manager, a report, three conversations."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from attrs import evolve

from careerconv_core.views import InviteKind, InviteMethod, InviteView, Participant

BERLIN = ZoneInfo("Europe/Berlin")

MANAGER = Participant("m1", "Mara Manager", "mara@example.com", "Europe/Berlin")
REPORT = Participant("r1", "Ravi Report", "ravi@example.com", "America/New_York")

AGENDA = (
    "What brought you here: the turns in your life so far",
    "What you value most in your work",
)
QUESTIONS = ("What did you enjoy most in that role?", "What would you like more of?")


def invite(
    uid: str = "cc-plan1-conv1",
    *,
    start: datetime | None = None,
    minutes: int = 60,
    sequence: int = 0,
    method: InviteMethod = InviteMethod.REQUEST,
    title: str = "Career conversation 1: Life story",
    organizer: Participant = MANAGER,
    attendees: tuple[Participant, ...] = (REPORT,),
    kind: InviteKind = InviteKind.LIFE_STORY,
) -> InviteView:
    """An invite for ``uid``; defaults give conversation 1 on 2026-12-01 10:00 Berlin."""
    begin = start or datetime(2026, 12, 1, 10, 0, tzinfo=BERLIN)
    return InviteView(
        uid=uid,
        sequence=sequence,
        method=method,
        kind=kind,
        title=title,
        start=begin,
        end=begin + timedelta(minutes=minutes),
        time_zone=organizer.time_zone,
        organizer=organizer,
        attendees=attendees,
        agenda=AGENDA,
        coaching_questions=QUESTIONS,
        mentoring_note="Mentoring: the manager shares their own experience here.",
    )


def moved(view: InviteView, hours: int = 24) -> InviteView:
    """The same invite moved later by ``hours``, one sequence higher."""
    return evolve(
        view,
        start=view.start + timedelta(hours=hours),
        end=view.end + timedelta(hours=hours),
        sequence=view.sequence + 1,
    )


def cancelled(view: InviteView) -> InviteView:
    """The same invite cancelled, one sequence higher."""
    return evolve(view, method=InviteMethod.CANCEL, sequence=view.sequence + 1)


def team(reports: int = 8, check_ins: int = 12) -> list[InviteView]:
    """Invites for a manager's team: three conversations and monthly check-ins per report."""
    views: list[InviteView] = []
    first = datetime(2027, 1, 4, 9, 0, tzinfo=BERLIN)
    for n in range(reports):
        person = Participant(f"r{n}", f"Report {n}", f"report{n}@example.com", "Europe/Berlin")
        day = first + timedelta(days=n)
        for conv, minutes in ((1, 90), (2, 60), (3, 60)):
            views.append(
                invite(
                    f"cc-plan{n}-conv{conv}",
                    start=day + timedelta(days=7 * (conv - 1)),
                    minutes=minutes,
                    attendees=(person,),
                    title=f"Career conversation {conv}",
                )
            )
        for month in range(check_ins):
            views.append(
                invite(
                    f"cc-plan{n}-checkin{month + 1}",
                    start=day + timedelta(days=35 + 30 * month, hours=3),
                    minutes=10,
                    attendees=(person,),
                    title="Career check-in (1:1 agenda item)",
                    kind=InviteKind.CHECK_IN,
                )
            )
    return views
