"""Invites for the ``microsoft`` backend's tests: one life-story conversation, moved at will."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from attrs import evolve

from careerconv_core.views import InviteKind, InviteMethod, InviteView, Participant

MAYA = Participant("m1", "Maya Manager", "maya@example.com", "Europe/Berlin")
RAE = Participant("r1", "Rae Report", "rae@example.com", "Europe/Berlin")
START = datetime(2026, 12, 7, 9, tzinfo=UTC)


def invite(
    uid: str = "plan-1-life-story", *, hours: int = 0, sequence: int = 0, **changes: object
) -> InviteView:
    view = InviteView(
        uid=uid,
        sequence=sequence,
        method=InviteMethod.REQUEST,
        kind=InviteKind.LIFE_STORY,
        title="Career conversation 1: Life story",
        start=START + timedelta(hours=hours),
        end=START + timedelta(hours=hours + 1),
        time_zone="Europe/Berlin",
        organizer=MAYA,
        attendees=(MAYA, RAE),
        agenda=("Your story so far", "What drives you"),
        coaching_questions=("What moments made you proud?",),
    )
    return evolve(view, **changes)  # type: ignore[arg-type]
