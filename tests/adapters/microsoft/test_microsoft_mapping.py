"""The pure half: an invite as Graph's event resource, and what is read back from Graph."""

from __future__ import annotations

import json

import pytest

from careerconv_core.ports import AttendeeAnswer
from careerconv_plugins.microsoft import mapping
from fakes.graph_invites import invite


def test_a_new_event_carries_every_part_the_key_and_the_state() -> None:
    body = mapping.new_event(invite())
    assert set(body) == {
        "subject", "start", "end", "attendees", "body", "transactionId", "showAs",
        "isReminderOn", "allowNewTimeProposals", "singleValueExtendedProperties",
    }  # fmt: skip
    assert body["start"] == {"dateTime": "2026-12-07T09:00:00", "timeZone": "UTC"}
    assert body["body"]["contentType"] == "text"
    assert body["body"]["content"].startswith("Agenda:\n1. Your story so far")
    props = {p["id"]: p["value"] for p in body["singleValueExtendedProperties"]}
    assert props[mapping.KEY_PROPERTY] == "plan-1-life-story"
    state = json.loads(props[mapping.STATE_PROPERTY])
    assert state["seq"] == 0 and set(state) == {"v", "seq", *mapping.PARTS}
    assert body["transactionId"] == mapping.transaction_id("plan-1-life-story")
    assert mapping.transaction_id("plan-1-life-story") != mapping.transaction_id("plan-1-pinnacle")


def test_only_the_parts_that_changed_are_patched() -> None:
    state = json.loads(mapping.state_of(invite()))
    assert mapping.changed_parts(invite(), state) == []
    assert mapping.changed_parts(invite(hours=2), state) == ["time"]
    assert mapping.changed_parts(invite(title="New title"), state) == ["subject"]
    assert mapping.changed_parts(invite(agenda=("Other",)), state) == ["body"]
    patch = mapping.patch_body(invite(hours=2, sequence=1), ["time"])
    assert set(patch) == {"start", "end", "singleValueExtendedProperties"}


def _as_read(**changes: object) -> dict[str, object]:
    """The event as Graph answers a lookup: what careerconv wrote, in Graph's own forms."""
    body = mapping.new_event(invite())
    event = {
        "id": "AAMk1",
        "subject": body["subject"],
        "start": {"dateTime": "2026-12-07T09:00:00.0000000", "timeZone": "UTC"},
        "end": {"dateTime": "2026-12-07T10:00:00.0000000", "timeZone": "UTC"},
        "attendees": [{**a, "status": {"response": "accepted"}} for a in body["attendees"]],
        "singleValueExtendedProperties": body["singleValueExtendedProperties"],
    }
    event.update(changes)
    return event


def test_graphs_own_forms_are_not_taken_for_a_person_s_edit() -> None:
    event = _as_read()
    state = mapping.written_state(event)
    assert state is not None and mapping.edited_parts(event, state) == []


@pytest.mark.parametrize(
    ("changes", "edited"),
    [
        ({"subject": "Lunch"}, ["subject"]),
        ({"start": {"dateTime": "2026-12-07T08:00:00.0000000", "timeZone": "UTC"}}, ["time"]),
        ({"start": {"dateTime": "2026-12-07T09:00:00", "timeZone": "Pacific Standard Time"}}, ["time"]),
        ({"attendees": []}, ["attendees"]),
    ],
)
def test_a_person_s_edit_is_found_in_the_part_edited(changes: dict[str, object], edited: list[str]) -> None:
    event = _as_read(**changes)
    state = mapping.written_state(event)
    assert state is not None and mapping.edited_parts(event, state) == edited


def test_an_event_without_a_readable_state_has_none() -> None:
    assert mapping.written_state({"singleValueExtendedProperties": []}) is None
    broken = [{"id": mapping.STATE_PROPERTY, "value": "{not json"}]
    assert mapping.written_state({"singleValueExtendedProperties": broken}) is None


def test_every_graph_response_type_becomes_an_answer() -> None:
    responses = ["accepted", "tentativelyAccepted", "declined", "none", "notResponded", "organizer"]
    event = {
        "attendees": [
            {"emailAddress": {"address": f"P{n}@Example.com"}, "status": {"response": r}}
            for n, r in enumerate(responses)
        ]
    }
    assert mapping.answers_of(event) == {
        "p0@example.com": AttendeeAnswer.ACCEPTED,
        "p1@example.com": AttendeeAnswer.TENTATIVE,
        "p2@example.com": AttendeeAnswer.DECLINED,
        "p3@example.com": AttendeeAnswer.NEEDS_ACTION,
        "p4@example.com": AttendeeAnswer.NEEDS_ACTION,
        "p5@example.com": AttendeeAnswer.ACCEPTED,
    }


def test_busy_statuses_of_a_schedule() -> None:
    def item(status: str, hour: int) -> dict[str, object]:
        return {
            "status": status,
            "start": {"dateTime": f"2026-12-07T{hour:02}:00:00.0000000", "timeZone": "UTC"},
            "end": {"dateTime": f"2026-12-07T{hour:02}:30:00.0000000", "timeZone": "UTC"},
        }

    schedule = {
        "scheduleItems": [
            item(s, h)
            for h, s in enumerate(["busy", "tentative", "oof", "free", "workingElsewhere", "unknown"], 8)
        ]
    }
    assert [s.start.hour for s in mapping.busy_spans(schedule)] == [8, 9]
    assert [s.start.hour for s in mapping.busy_spans(schedule, away=True)] == [10]  # out of office
