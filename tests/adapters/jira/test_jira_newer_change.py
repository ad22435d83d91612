"""The later change wins, by time, for fields and statuses alike (issue 13, item 4).

careerconv's time travels with the view (``changed_at``, ``status_changed_at``);
Jira's comes from the issue's changelog, which the fake keeps for every edit and
transition (Cloud: ``POST changelog/bulkfetch``; Data Center: ``expand=changelog``),
checked against Atlassian's description by the ``fake_jira`` fixture. Nothing is a
conflict or a dead letter: the outcome is delivered and says what won.
"""

# ruff: noqa: F811 - pytest fixtures are imported by name and then requested as arguments

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from careerconv_core.ports import OutcomeStatus
from careerconv_core.views import TicketStatus, TicketView
from fakes.fake_jira import FakeJira
from fakes.jira_fixtures import (  # noqa: F401 - fixtures used by name
    TrackerFactory,
    fake_jira,
    make_tracker,
    sleeps,
    view,
)

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def at(hours: float) -> datetime:
    """``hours`` after T0."""
    return T0 + timedelta(hours=hours)


def in_jira_at(fake: FakeJira, hours: float) -> None:
    """What a person does in Jira next happens ``hours`` after T0 (the changelog's time)."""
    fake.state.clock = lambda: at(hours)


def _timed(n: int = 1, *, fields_at: float = 0, status_at: float = 0, **changes: Any) -> TicketView:
    return view(n, changed_at=at(fields_at), status_changed_at=at(status_at), **changes)


def _edits(fake: FakeJira) -> list[dict[str, Any]]:
    return [e.body["fields"] for e in fake.requests("PUT") if "/properties/" not in e.path]


def _status(fake: FakeJira, ref: str) -> str:
    return fake.state.statuses[fake.state.issues[ref]["status"]][0]


def _changelog_reads(fake: FakeJira) -> list[str]:
    """Cloud's bulk changelog requests, or Data Center's issue reads with its changelog."""
    return [
        e.path
        for e in fake.requests()
        if e.path.endswith("/changelog/bulkfetch") or "changelog" in (e.query.get("expand") or [""])[0]
    ]


def test_an_edit_in_jira_after_a_pending_careerconv_change_is_kept_and_said_once(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([_timed()])
    ref = str(created.reference)
    # careerconv renames the action at +1h (not delivered yet); a person renames it at +2h.
    in_jira_at(fake_jira, 2)
    fake_jira.edit_as_person(ref, summary="Run the design review with Sam")
    fake_jira.clear_log()
    pending = _timed(fields_at=1, title="Chair the design review")
    (outcome,) = tracker.deliver_tickets([pending])
    assert outcome.status is OutcomeStatus.DELIVERED, outcome
    assert (
        "kept the edit of summary made in Jira at 2027-02-01 11:00:00 UTC, later than "
        "careerconv's change at 2027-02-01 10:00:00 UTC" in outcome.reason
    )
    assert "Chair" not in outcome.reason and "Sam" not in outcome.reason  # names, never values
    assert fake_jira.state.issues[ref]["fields"]["summary"] == "Run the design review with Sam"
    # The description (careerconv's alone) is written; the summary is not.
    assert [sorted(f) for f in _edits(fake_jira)] == [["description"]]
    assert len(_changelog_reads(fake_jira)) == 1
    fake_jira.clear_log()
    (again,) = tracker.deliver_tickets([pending])
    assert again.status is OutcomeStatus.UNCHANGED  # said once
    assert fake_jira.writes() == [] and _changelog_reads(fake_jira) == []


def test_a_careerconv_change_after_an_edit_in_jira_is_written_and_said(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([_timed()])
    ref = str(created.reference)
    in_jira_at(fake_jira, 1)
    fake_jira.edit_as_person(ref, summary="Run the design review with Sam")
    fake_jira.clear_log()
    (outcome,) = tracker.deliver_tickets([_timed(fields_at=2, title="Chair the design review")])
    assert outcome.status is OutcomeStatus.DELIVERED, outcome
    assert "updated description, summary" in outcome.reason
    assert (
        "wrote summary over an older edit made in Jira at 2027-02-01 10:00:00 UTC "
        "(careerconv's change at 2027-02-01 11:00:00 UTC)" in outcome.reason
    )
    assert fake_jira.state.issues[ref]["fields"]["summary"] == "Chair the design review"


def test_equal_times_go_to_careerconv(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([_timed()])
    ref = str(created.reference)
    in_jira_at(fake_jira, 1)
    fake_jira.edit_as_person(ref, summary="Run the design review with Sam")
    (outcome,) = tracker.deliver_tickets([_timed(fields_at=1, title="Chair the design review")])
    assert "wrote summary over an older edit" in outcome.reason
    assert fake_jira.state.issues[ref]["fields"]["summary"] == "Chair the design review"


def _closed_by_careerconv(fake: FakeJira, tracker: Any) -> str:
    """A ticket careerconv made at T0 and closed at +1h (delivered)."""
    (created,) = tracker.deliver_tickets([_timed()])
    ref = str(created.reference)
    in_jira_at(fake, 1)
    (closed,) = tracker.deliver_tickets([_timed(status=TicketStatus.DONE, status_at=1)])
    assert closed.status is OutcomeStatus.DELIVERED and _status(fake, ref) == "Done"
    return ref


def test_a_close_in_careerconv_after_a_reopen_in_jira_closes_it_again(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    ref = _closed_by_careerconv(fake_jira, tracker)
    in_jira_at(fake_jira, 2)
    fake_jira.set_status(ref, "To Do")  # a person reopens it at +2h
    # careerconv reopens and closes the action again at +3h, both before one delivery.
    in_jira_at(fake_jira, 3)
    (outcome,) = tracker.deliver_tickets([_timed(status=TicketStatus.DONE, status_at=3)])
    assert outcome.status is OutcomeStatus.DELIVERED, outcome
    assert _status(fake_jira, ref) == "Done"
    assert (
        "closed over the status open set in Jira at 2027-02-01 11:00:00 UTC, older than "
        "careerconv's close at 2027-02-01 12:00:00 UTC" in outcome.reason
    )


def test_a_reopen_in_careerconv_older_than_a_close_in_jira_keeps_jira(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    ref = _closed_by_careerconv(fake_jira, tracker)
    # careerconv reopens the action at +2h (pending); in Jira a person reopens the ticket at
    # +3h and closes it again at +4h: Jira's close is the later change.
    in_jira_at(fake_jira, 3)
    fake_jira.set_status(ref, "To Do")
    in_jira_at(fake_jira, 4)
    fake_jira.set_status(ref, "Done")
    fake_jira.clear_log()
    pending = _timed(status=TicketStatus.OPEN, status_at=2)
    (outcome,) = tracker.deliver_tickets([pending])
    assert outcome.status is OutcomeStatus.DELIVERED, outcome
    assert _status(fake_jira, ref) == "Done"
    assert not [e for e in fake_jira.writes() if e.path.endswith("/transitions")]
    assert (
        "kept the status done set in Jira at 2027-02-01 13:00:00 UTC, later than careerconv's "
        "reopen at 2027-02-01 11:00:00 UTC" in outcome.reason
    )
    # Said once; the read-back then brings Jira's status into the plan.
    (again,) = tracker.deliver_tickets([pending])
    assert again.status is OutcomeStatus.UNCHANGED
    assert tracker.pull_statuses([pending.key]) == {pending.key: TicketStatus.DONE}
    # The plan follows at +5h; its time is recorded though nothing moves, so a reopen in
    # Jira after it is never compared with it (a host clock ahead of Jira's cannot undo it).
    followed = _timed(status=TicketStatus.DONE, status_at=5)
    (recorded,) = tracker.deliver_tickets([followed])
    assert recorded.status is OutcomeStatus.DELIVERED
    prop = fake_jira.state.issues[ref]["properties"]["careerconv.ticket"]
    assert prop["status_at"] == at(5).isoformat()
    in_jira_at(fake_jira, 4.5)  # Jira's clock behind this host's
    fake_jira.set_status(ref, "To Do")
    (edit,) = tracker.deliver_tickets([_timed(status=TicketStatus.DONE, status_at=5, fields_at=6,
                                              title="Chair the design review")])  # fmt: skip
    assert "moved" not in edit.reason and _status(fake_jira, ref) == "To Do"


def test_a_reopen_in_careerconv_after_a_close_in_jira_reopens_it(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([_timed()])
    ref = str(created.reference)
    in_jira_at(fake_jira, 1)
    fake_jira.set_status(ref, "Done")  # a person closes it at +1h
    # careerconv closes and reopens the action at +2h, both before one delivery: careerconv
    # asks "open" as it did last time, yet its change is the later one.
    (outcome,) = tracker.deliver_tickets([_timed(status=TicketStatus.OPEN, status_at=2)])
    assert outcome.status is OutcomeStatus.DELIVERED, outcome
    assert _status(fake_jira, ref) == "To Do"
    assert "reopened over the status done set in Jira at 2027-02-01 10:00:00 UTC" in outcome.reason


def test_a_ticket_moved_in_jira_while_careerconv_changed_nothing_is_left_for_the_read_back(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    ref = _closed_by_careerconv(fake_jira, tracker)
    in_jira_at(fake_jira, 5)
    fake_jira.set_status(ref, "To Do")
    fake_jira.clear_log()
    # The same status time as delivered: careerconv's close is not a new change.
    (outcome,) = tracker.deliver_tickets([_timed(status=TicketStatus.DONE, status_at=1, fields_at=6,
                                                 title="Chair the design review")])  # fmt: skip
    assert outcome.status is OutcomeStatus.DELIVERED and "moved" not in outcome.reason
    assert _status(fake_jira, ref) == "To Do"
    assert _changelog_reads(fake_jira) == []  # nothing to compare: no changelog read


def test_a_batch_reads_the_changelogs_it_needs_at_once_on_cloud_and_each_on_data_center(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    created = tracker.deliver_tickets([_timed(n) for n in range(1, 6)])
    in_jira_at(fake_jira, 2)
    for outcome in created:
        fake_jira.edit_as_person(str(outcome.reference), summary="Run it with Sam")
    fake_jira.state.changelog_page = 2  # several pages of histories
    fake_jira.clear_log()
    # Odd actions changed in careerconv before the edit (+1h), even ones after it (+3h).
    later = [_timed(n, fields_at=1 + 2 * (n % 2 == 0), title=f"Chair review {n}") for n in range(1, 6)]
    outcomes = tracker.deliver_tickets(later)
    assert [o.status for o in outcomes] == [OutcomeStatus.DELIVERED] * 5
    kept = [n for n, o in zip(range(1, 6), outcomes, strict=True) if "kept the edit of summary" in o.reason]
    wrote = [n for n, o in zip(range(1, 6), outcomes, strict=True) if "wrote summary over" in o.reason]
    assert (kept, wrote) == ([1, 3, 5], [2, 4])
    reads = _changelog_reads(fake_jira)
    assert len(reads) == (3 if fake_jira.state.deployment == "Cloud" else 5)  # 5 histories, 2 a page


def test_a_custom_field_has_its_time_on_both_deployments(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    # Data Center's changelog names a custom field by its display name ("Done when"): told
    # apart by the site's field list.
    tracker = make_tracker(done_when_field="customfield_10042")
    (created,) = tracker.deliver_tickets([_timed()])
    ref = str(created.reference)
    in_jira_at(fake_jira, 1)
    fake_jira.edit_as_person(ref, customfield_10042="the checklist is in the wiki")
    (outcome,) = tracker.deliver_tickets([_timed(fields_at=2, done_when="two teams use it")])
    assert outcome.status is OutcomeStatus.DELIVERED, outcome
    assert "wrote customfield_10042 over an older edit made in Jira" in outcome.reason
    assert fake_jira.state.issues[ref]["fields"]["customfield_10042"] == "two teams use it"
    in_jira_at(fake_jira, 4)
    fake_jira.edit_as_person(ref, customfield_10042="three teams")
    (kept,) = tracker.deliver_tickets([_timed(fields_at=3, done_when="four teams")])
    assert "kept the edit of customfield_10042 made in Jira at 2027-02-01 13:00:00 UTC" in kept.reason
    assert fake_jira.state.issues[ref]["fields"]["customfield_10042"] == "three teams"
