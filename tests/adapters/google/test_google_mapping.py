"""The pure half of the Google backend: the event (iCalUID, SEQUENCE), patches, answers, busy cuts."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from attrs import evolve

from careerconv_core.domain.clock import Interval
from careerconv_core.ports import AttendeeAnswer
from careerconv_plugins.google import mapping
from fakes.google_discovery import document, request_problems
from support.invites import MANAGER, REPORT, invite

BASE32HEX = re.compile(r"^[a-v0-9]{5,1024}$")


def test_the_event_carries_the_invites_own_uid_and_sequence_and_no_client_id() -> None:
    view = invite(sequence=3)
    body = mapping.event_body(view)
    assert body["iCalUID"] == view.uid and body["sequence"] == 3
    assert "id" not in body  # the API takes an id or an iCalUID at insert, not both
    props = document()["schemas"]["Event"]["properties"]
    assert "only one of them should be supplied" in props["iCalUID"]["description"]
    assert props["sequence"]["type"] == "integer" and "readOnly" not in props["sequence"]
    assert "iCalUID" in document()["resources"]["events"]["methods"]["list"]["parameters"]


def test_a_patch_raises_the_sequence_to_the_views_and_never_below_what_google_holds() -> None:
    view = invite()
    held = {**mapping.wanted_fields(view), "sequence": 0, "extendedProperties": {}}
    moved = evolve(view, sequence=1, start=view.start + timedelta(hours=1), end=view.end + timedelta(hours=1))
    assert mapping.changed_fields(held, moved)["sequence"] == 1
    assert mapping.changed_fields(held, view) == {}  # unchanged: no write at all
    same_time_later = evolve(view, sequence=2)
    assert set(mapping.changed_fields(held, same_time_later)) == {"sequence", "extendedProperties"}
    ahead = {**held, "sequence": 5}
    assert mapping.changed_fields(ahead, moved)["sequence"] == 5


def test_the_event_body_is_exactly_what_an_invite_may_carry() -> None:
    view = invite()
    body = mapping.event_body(view)
    assert body == {
        "iCalUID": view.uid,
        "sequence": 0,
        "summary": "Career conversation 1: Life story",
        "description": view.description,
        "start": {"dateTime": "2026-12-01T10:00:00+01:00", "timeZone": "Europe/Berlin"},
        "end": {"dateTime": "2026-12-01T11:00:00+01:00", "timeZone": "Europe/Berlin"},
        "attendees": [{"email": REPORT.email, "displayName": REPORT.name}],
        "extendedProperties": {"private": mapping.private_properties(view)},
        "guestsCanModify": False,
        "guestsCanInviteOthers": False,
    }
    assert view.description.startswith("Agenda:\n1. ")
    _, problems = request_problems("POST", "calendars/primary/events", {}, body)
    assert problems == []
    assert document()["schemas"]["Event"]["properties"]["guestsCanModify"]["type"] == "boolean"


def test_the_organizer_is_never_listed_twice_and_addresses_are_one_case() -> None:
    loud = evolve(REPORT, email="Ravi@Example.com")
    view = invite(attendees=(loud, MANAGER, REPORT))
    assert mapping.wanted_fields(view)["attendees"] == [{"email": REPORT.email, "displayName": REPORT.name}]


def _as_google_returns(view_body: dict) -> dict:  # type: ignore[type-arg]
    """The event as Google answers it: UTC offsets, answers, the organizer among attendees."""
    event = dict(view_body)
    for end in ("start", "end"):
        moment = datetime.fromisoformat(event[end]["dateTime"]).astimezone(UTC)
        event[end] = {"dateTime": moment.isoformat().replace("+00:00", "Z"), "timeZone": "Europe/Berlin"}
    event["attendees"] = [
        {"email": MANAGER.email, "organizer": True, "responseStatus": "accepted"},
        *[{**a, "responseStatus": "declined"} for a in event["attendees"]],
    ]
    return event


def test_an_unchanged_event_needs_no_patch_whatever_google_rewrote() -> None:
    view = invite()
    event = _as_google_returns(mapping.event_body(view))
    assert mapping.changed_fields(event, view) == {}
    assert not mapping.edited_elsewhere(event, MANAGER.email)
    assert mapping.answers_of(event, MANAGER.email) == {REPORT.email: AttendeeAnswer.DECLINED}


def test_a_move_patches_both_ends_and_a_new_guest_keeps_the_answers_given() -> None:
    view = invite()
    event = _as_google_returns(mapping.event_body(view))
    later = evolve(view, start=view.start + timedelta(hours=1), end=view.end + timedelta(hours=1))
    assert set(mapping.changed_fields(event, later)) == {"start", "end", "sequence", "extendedProperties"}
    guest = evolve(REPORT, person_id="r2", name="Second", email="second@example.com")
    patch = mapping.changed_fields(event, evolve(view, attendees=(REPORT, guest)))
    assert set(patch) == {"attendees", "sequence", "extendedProperties"}
    assert {a["email"]: a.get("responseStatus") for a in patch["attendees"]} == {
        REPORT.email: "declined",
        "second@example.com": None,
    }


def test_an_edit_by_a_person_is_told_from_an_answer() -> None:
    view = invite()
    event = _as_google_returns(mapping.event_body(view))
    answered = [{**a, "responseStatus": "accepted"} for a in event["attendees"]]
    assert not mapping.edited_elsewhere({**event, "attendees": answered}, MANAGER.email)
    assert mapping.edited_elsewhere({**event, "description": "moved to the pub"}, MANAGER.email)
    assert mapping.edited_elsewhere({**event, "attendees": [*event["attendees"], {"email": "x@y.z"}]}, "")


def test_our_own_time_is_cut_out_of_a_merged_busy_period() -> None:
    t = datetime(2027, 1, 4, 9, tzinfo=UTC)
    merged = [Interval(t, t + timedelta(hours=3))]
    own = [Interval(t + timedelta(hours=1), t + timedelta(hours=2))]
    assert mapping.without(merged, own) == (
        Interval(t, t + timedelta(hours=1)),
        Interval(t + timedelta(hours=2), t + timedelta(hours=3)),
    )
    assert mapping.without(merged, [Interval(t, t + timedelta(hours=3))]) == ()
