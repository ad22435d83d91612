"""The ``microsoft`` calendar backend against the fake Graph, through msal and requests."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from careerconv_core.ports import AttendeeAnswer, OutcomeStatus
from careerconv_core.views import InviteMethod, Participant
from careerconv_plugins.microsoft import mapping
from careerconv_plugins.microsoft.adapter import GraphCalendar
from careerconv_plugins.microsoft.plugin import make_backend
from fakes.fake_graph import FakeGraph
from fakes.graph_invites import MAYA, RAE, START, invite


def test_a_new_event_is_one_lookup_and_one_create_then_nothing(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    [first] = backend.deliver_invites([invite()])
    assert first.status is OutcomeStatus.DELIVERED
    sent = [(e.method, e.path.rsplit("/", 1)[-1], e.batched) for e in graph.requests()]
    # The lookup (a part of one JSON batch), then the create.
    assert sent == [("GET", "events", True), ("POST", "$batch", False), ("POST", "events", False)]
    [event] = graph.events("maya@example.com")
    assert event["transactionId"] == mapping.transaction_id("plan-1-life-story")
    # The organizer is not an attendee of their own event.
    assert [a["emailAddress"]["address"] for a in event["attendees"]] == ["rae@example.com"]
    assert "What drives you" in event["body"]["content"]
    assert first.reference == event["id"]
    graph.log.clear()
    [again] = backend.deliver_invites([invite()])
    assert again.status is OutcomeStatus.UNCHANGED
    assert graph.writes() == [] and len(graph.requests("GET")) == 1


def test_lookups_go_twenty_to_a_batch(graph: FakeGraph, backend: GraphCalendar) -> None:
    views = [invite(f"plan-{n}-life-story", hours=n) for n in range(45)]
    backend.deliver_invites(views)
    assert len(graph.requests("POST", "$batch")) == 3  # 45 lookups: 20 + 20 + 5
    assert len(graph.writes()) == 45 and len(graph.events("maya@example.com")) == 45
    graph.log.clear()
    outcomes = backend.deliver_invites(views)
    assert {o.status for o in outcomes} == {OutcomeStatus.UNCHANGED}
    assert len(graph.log) == 3 + 45 and graph.writes() == []


def test_a_move_is_one_patch_of_the_time_only(graph: FakeGraph, backend: GraphCalendar) -> None:
    backend.deliver_invites([invite()])
    graph.log.clear()
    [moved] = backend.deliver_invites([invite(hours=3, sequence=1)])
    assert moved.status is OutcomeStatus.DELIVERED
    [patch] = graph.writes()
    assert patch.method == "PATCH"
    assert set(patch.body) == {"start", "end", "singleValueExtendedProperties"}
    assert patch.body["start"] == {"dateTime": "2026-12-07T12:00:00", "timeZone": "UTC"}
    [event] = graph.events("maya@example.com")
    assert event["start"]["dateTime"] == "2026-12-07T12:00:00"


def test_an_answer_changes_the_change_key_but_is_no_conflict_and_is_read_back(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    backend.deliver_invites([invite()])
    [event] = graph.events("maya@example.com")
    key_before = event["changeKey"]
    graph.respond("maya@example.com", event["id"], "rae@example.com", "declined")
    assert graph.events("maya@example.com")[0]["changeKey"] != key_before
    [again] = backend.deliver_invites([invite()])
    assert again.status is OutcomeStatus.UNCHANGED
    report = backend.answers(["plan-1-life-story", "never-delivered"])
    assert report.available
    assert report.answers == {"plan-1-life-story": {"rae@example.com": AttendeeAnswer.DECLINED}}
    graph.respond("maya@example.com", event["id"], "rae@example.com", "tentativelyAccepted")
    assert backend.answers(["plan-1-life-story"]).answers["plan-1-life-story"]["rae@example.com"] is (
        AttendeeAnswer.TENTATIVE
    )


def test_an_event_edited_in_outlook_is_a_conflict_and_is_not_overwritten(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    backend.deliver_invites([invite()])
    [event] = graph.events("maya@example.com")
    graph.person_edits("maya@example.com", event["id"], subject="Lunch instead")
    graph.log.clear()
    [outcome] = backend.deliver_invites([invite(hours=2, sequence=1)])
    assert outcome.status is OutcomeStatus.CONFLICT
    assert "changed in the calendar (subject)" in outcome.reason and "Outlook" in outcome.reason
    assert graph.writes() == []
    assert graph.events("maya@example.com")[0]["subject"] == "Lunch instead"


def test_a_change_between_the_read_and_the_write_is_a_conflict(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    backend.deliver_invites([invite()])
    graph.fail(412, match="PATCH", code="ErrorIrresolvableConflict")
    [outcome] = backend.deliver_invites([invite(hours=1, sequence=1)])
    assert outcome.status is OutcomeStatus.CONFLICT


def test_a_deleted_event_is_reported_removed(graph: FakeGraph, backend: GraphCalendar) -> None:
    backend.deliver_invites([invite()])
    [event] = graph.events("maya@example.com")
    graph.person_deletes("maya@example.com", event["id"])
    report = backend.answers(["plan-1-life-story"])
    assert report.removed == ("plan-1-life-story",) and report.answers == {}


def test_a_cancellation_posts_cancel_with_a_comment_once(graph: FakeGraph, backend: GraphCalendar) -> None:
    backend.deliver_invites([invite()])
    graph.log.clear()
    [outcome] = backend.deliver_invites([invite(method=InviteMethod.CANCEL, sequence=1)])
    assert outcome.status is OutcomeStatus.DELIVERED
    [cancel] = graph.writes()
    assert cancel.path.endswith("/cancel") and cancel.body["Comment"]
    assert graph.events("maya@example.com") == [] and graph.cancelled[0]["cancelComment"]
    [again] = backend.deliver_invites([invite(method=InviteMethod.CANCEL, sequence=1)])
    assert again.status is OutcomeStatus.UNCHANGED


def test_several_events_with_one_key_are_found_across_pages_and_refused(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    backend.deliver_invites([invite()])
    graph.page_size = 1
    [event] = graph.events("maya@example.com")
    copy = dict(event, id="AAMkcopy", transactionId="other")
    graph.mailboxes["maya@example.com"].events["AAMkcopy"] = copy
    [outcome] = backend.deliver_invites([invite(hours=1, sequence=1)])
    assert outcome.status is OutcomeStatus.CONFLICT and "2 events" in outcome.reason
    assert any("$skip" in str(e.query) for e in graph.requests("GET"))  # followed @odata.nextLink


def test_free_busy_for_a_team_in_as_few_get_schedule_calls_as_allowed(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    people = [MAYA, RAE]
    for n in range(23):
        address = f"p{n}@example.com"
        graph.add_mailbox(address)
        people.append(Participant(f"p{n}", f"P {n}", address))
    graph.mailboxes["rae@example.com"].busy.append(("2026-12-08T10:00:00", "2026-12-08T11:00:00", "busy"))
    graph.mailboxes["rae@example.com"].busy.append(("2026-12-08T12:00:00", "2026-12-08T13:00:00", "free"))
    backend.deliver_invites([invite()])
    graph.log.clear()
    report = backend.busy(people, START, START + timedelta(days=7))
    assert report.available
    assert len(graph.requests("POST", "getSchedule")) == 2  # 25 people, 20 a request
    assert [(s.start.hour, s.end.hour) for s in report.busy["r1"]] == [(10, 11)]  # free time is not busy
    assert [(s.start, s.end) for s in report.busy["m1"]] == [(START, START + timedelta(hours=1))]


def test_free_busy_of_a_person_outside_the_tenant_names_them(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    stranger = Participant("x9", "Xan", "xan@elsewhere.example")
    report = backend.busy([MAYA, stranger], START, START + timedelta(days=1))
    assert not report.available
    assert (
        "x9" in report.reason
        and "xan@elsewhere.example" in report.reason
        and "working hours" in report.reason
    )


def test_an_event_a_person_deleted_is_not_made_again_until_it_changes(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    backend.deliver_invites([invite()])
    [event] = graph.events("maya@example.com")
    graph.person_deletes("maya@example.com", event["id"])
    graph.log.clear()
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.CONFLICT
    assert "deleted from maya@example.com's calendar by a person" in outcome.reason
    assert graph.writes() == []
    [moved] = backend.deliver_invites([invite(hours=4, sequence=1)])  # the manager moves it: booked anew
    assert moved.status is OutcomeStatus.DELIVERED
    assert len(graph.events("maya@example.com")) == 1


def test_a_new_process_reads_answers_in_the_mailbox_recorded_in_the_state_directory(
    graph: FakeGraph, backend: GraphCalendar, tmp_path: Path
) -> None:
    backend.deliver_invites([invite(), invite("plan-1-pinnacle", hours=24)])
    [first, _second] = graph.events("maya@example.com")
    graph.respond("maya@example.com", first["id"], "rae@example.com", "accepted")
    backend.deliver_invites([invite("plan-1-pinnacle", hours=24, method=InviteMethod.CANCEL, sequence=1)])
    later = make_backend({**graph.settings, "state_directory": str(tmp_path / "state")})
    assert isinstance(later, GraphCalendar)
    report = later.answers(["plan-1-life-story", "plan-1-pinnacle"])
    assert report.answers == {"plan-1-life-story": {"rae@example.com": AttendeeAnswer.ACCEPTED}}
    assert report.removed == ()  # cancelled by careerconv, not deleted by a person
    without_state = make_backend(graph.settings)
    assert isinstance(without_state, GraphCalendar)
    assert without_state.answers(["plan-1-life-story"]).answers == {}  # no mailbox to look in
