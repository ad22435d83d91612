"""The Jira tracker against the fake Jira, through the real ``jira`` client."""

# ruff: noqa: F811 - pytest fixtures are imported by name and then requested as arguments

from __future__ import annotations

import json
import math
import re

import pytest
from attrs import evolve

from careerconv_core.ports import OutcomeStatus, TicketTracker
from careerconv_core.views import TicketStatus
from careerconv_plugins.jira.mapping import PROPERTY_KEY, label_for
from fakes.fake_jira import Exchange, FakeJira
from fakes.jira_fixtures import (  # noqa: F401 - fixtures used by name
    GHOST,
    MAX,
    Sleeps,
    TrackerFactory,
    fake_jira,
    make_tracker,
    sleeps,
    view,
)


def _bulk_posts(fake: FakeJira) -> list[object]:
    return [e for e in fake.requests("POST") if e.path.endswith("/issue/bulk")]


def _searches(fake: FakeJira) -> list[Exchange]:
    return [e for e in fake.requests() if re.search(r"/rest/api/\d/search(/jql)?$", e.path)]


def _jql(search: Exchange) -> str:
    """The JQL of a search: in the body on Cloud (POST), in the query on Data Center (GET)."""
    return str(search.body["jql"]) if search.body else search.query["jql"][0]


def test_tracker_implements_the_port(make_tracker: TrackerFactory) -> None:
    assert isinstance(make_tracker(), TicketTracker)


def test_first_sync_bulk_creates_with_label_property_and_assignee(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    views = [view(n) for n in range(120)]
    outcomes = tracker.deliver_tickets(views)
    assert [o.key for o in outcomes] == [v.key for v in views]
    assert {o.status for o in outcomes} == {OutcomeStatus.DELIVERED}
    assert len({o.reference for o in outcomes}) == 120
    assert len(fake_jira.state.issues) == 120
    assert len(_bulk_posts(fake_jira)) == math.ceil(120 / 50)
    assert len(_searches(fake_jira)) == math.ceil(120 / 50)
    issue = fake_jira.by_label(label_for("careerconv-", "cc-plan1-a-7"))[0]
    assert issue["properties"][PROPERTY_KEY]["key"] == "cc-plan1-a-7"
    cloud = fake_jira.state.deployment == "Cloud"
    assert issue["fields"]["assignee"] == ({"accountId": "acc-ana"} if cloud else {"name": "ana"})
    assert issue["fields"]["duedate"] == "2027-03-08"
    description = issue["fields"]["description"]
    text = json.dumps(description) if cloud else description
    assert isinstance(description, dict if cloud else str)
    assert "Done when: the team adopted the review checklist" in text
    assert "https://careers.example.com/plans/plan1#a-7" in text


def test_resync_unchanged_sends_no_write(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    views = [view(n) for n in range(60)]
    make_tracker().deliver_tickets(views)
    fake_jira.clear_log()
    second = make_tracker()
    outcomes = second.deliver_tickets(views)
    assert {o.status for o in outcomes} == {OutcomeStatus.UNCHANGED}
    assert fake_jira.writes() == []
    assert second.client.stats["write"] == 0
    assert len(_searches(fake_jira)) == 2


def test_only_changed_fields_are_written(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    tracker = make_tracker()
    views = [view(n) for n in range(5)]
    tracker.deliver_tickets(views)
    fake_jira.clear_log()
    changed = [views[0], evolve(views[1], due=views[1].due.replace(year=2028)), *views[2:]]
    outcomes = tracker.deliver_tickets(changed)
    statuses = {o.key: o.status for o in outcomes}
    assert statuses["cc-plan1-a-1"] is OutcomeStatus.DELIVERED
    assert [s for k, s in statuses.items() if k != "cc-plan1-a-1"] == [OutcomeStatus.UNCHANGED] * 4
    edits = [e for e in fake_jira.writes() if e.method == "PUT" and "/properties/" not in e.path]
    assert len(edits) == 1
    assert edits[0].body == {"fields": {"duedate": "2028-03-02"}}
    props = [e for e in fake_jira.writes() if "/properties/" in e.path]
    assert len(props) == 1
    # and the property now says so: a third run writes nothing
    fake_jira.clear_log()
    tracker.deliver_tickets(changed)
    assert fake_jira.writes() == []


def test_owner_change_reassigns(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    tracker = make_tracker()
    tracker.deliver_tickets([view(1)])
    fake_jira.clear_log()
    (outcome,) = tracker.deliver_tickets([view(1, owner=MAX)])
    assert outcome.status is OutcomeStatus.DELIVERED
    edit = next(e for e in fake_jira.writes() if e.method == "PUT" and "/properties/" not in e.path)
    assert set(edit.body["fields"]) == {"assignee"}


def test_goal_only_when_shared(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    tracker = make_tracker()
    tracker.deliver_tickets([view(1), view(2, goal="GOAL-MARKER-4711 become staff engineer")])
    sent = json.dumps([e.body for e in fake_jira.requests()])
    assert sent.count("GOAL-MARKER-4711") == 1
    shared = fake_jira.by_label(label_for("careerconv-", "cc-plan1-a-2"))[0]
    assert "GOAL-MARKER-4711" in json.dumps(shared["fields"]["description"])


def test_security_level_epic_and_done_when_field(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    fake_jira.state.issues["CAREER-900"] = {
        "id": "9900",
        "key": "CAREER-900",
        "project": "CAREER",
        "fields": {"summary": "Epic"},
        "status": "10000",
        "properties": {},
    }
    tracker = make_tracker(security_level="10001", epic="CAREER-900", done_when_field="customfield_10042")
    outcomes = tracker.deliver_tickets([view(n) for n in range(3)])
    assert all(o.ok for o in outcomes)
    for n in range(3):
        issue = fake_jira.by_label(label_for("careerconv-", f"cc-plan1-a-{n}"))[0]
        assert issue["fields"]["security"] == {"id": "10001"}
        assert issue["fields"]["parent"] == {"key": "CAREER-900"}
        assert issue["fields"]["customfield_10042"] == "the team adopted the review checklist"
        assert "Done when" not in json.dumps(issue["fields"]["description"])


@pytest.mark.parametrize(
    "title",
    [
        'labels = "x" OR project = SECRET',
        'He said "ship it" \\ and left',
        "line one\nline two\r\n\tline three",
        "x" * 5000,
        "emoji \U0001f680 and \u202e bidi",
    ],
    ids=["jql", "quotes", "newlines", "long", "unicode"],
)
def test_awkward_titles_create_once_and_never_reach_jql(
    fake_jira: FakeJira, make_tracker: TrackerFactory, title: str
) -> None:
    tracker = make_tracker()
    views = [view(1, title=title)]
    (first,) = tracker.deliver_tickets(views)
    assert first.status is OutcomeStatus.DELIVERED
    (second,) = tracker.deliver_tickets(views)
    assert second.status is OutcomeStatus.UNCHANGED
    assert len(fake_jira.state.issues) == 1
    summary = next(iter(fake_jira.state.issues.values()))["fields"]["summary"]
    assert "\n" not in summary
    assert len(summary) <= 255
    for search in _searches(fake_jira):
        assert _jql(search) == 'labels in ("careerconv-cc-plan1-a-1") ORDER BY key ASC'


def test_keys_with_odd_characters_get_distinct_safe_labels(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    views = [view(1, key='cc-p"x-a-1'), view(2, key="cc-p x-a-1"), view(3, key="cc-p)x-a-1")]
    outcomes = tracker.deliver_tickets(views)
    assert {o.status for o in outcomes} == {OutcomeStatus.DELIVERED}
    labels = [i["fields"]["labels"][0] for i in fake_jira.state.issues.values()]
    assert len(set(labels)) == 3
    assert all(
        set(lb) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") for lb in labels
    )
    assert {o.status for o in tracker.deliver_tickets(views)} == {OutcomeStatus.UNCHANGED}


def test_unknown_project_is_held_back_naming_the_setting(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    outcomes = make_tracker(project="NOPE").deliver_tickets([view(1)])
    assert outcomes[0].status is OutcomeStatus.RETRY
    assert "'project'" in outcomes[0].reason
    assert "NOPE" in outcomes[0].reason
    assert fake_jira.state.issues == {}


def test_unknown_issue_type_lists_the_known_ones(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    outcomes = make_tracker(issue_type="Storyy").deliver_tickets([view(1)])
    assert outcomes[0].status is OutcomeStatus.RETRY
    assert "'issue_type'" in outcomes[0].reason
    assert "Task" in outcomes[0].reason


def test_unknown_custom_field_is_named(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    outcomes = make_tracker(done_when_field="customfield_99999").deliver_tickets([view(1)])
    assert outcomes[0].status is OutcomeStatus.RETRY
    assert "done_when_field" in outcomes[0].reason


def test_owner_without_jira_account_fails_alone(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    outcomes = make_tracker().deliver_tickets([view(1), view(2, owner=GHOST)])
    assert outcomes[0].status is OutcomeStatus.DELIVERED
    assert outcomes[1].status is OutcomeStatus.FAILED
    assert "p-ghost" in outcomes[1].reason
    assert "ghost@example.com" not in outcomes[1].reason
    assert len(fake_jira.state.issues) == 1


def test_refused_field_names_the_setting_without_echoing_jira(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    outcomes = make_tracker(security_level="77777").deliver_tickets([view(1)])
    assert outcomes[0].status is OutcomeStatus.FAILED
    assert "security_level" in outcomes[0].reason
    assert "Security level is not valid" not in outcomes[0].reason


def test_done_action_transitions_to_done(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    tracker = make_tracker()
    tracker.deliver_tickets([view(1)])
    (outcome,) = tracker.deliver_tickets([view(1, status=TicketStatus.DONE)])
    assert outcome.status is OutcomeStatus.DELIVERED
    assert tracker.pull_statuses(["cc-plan1-a-1"]) == {"cc-plan1-a-1": TicketStatus.DONE}
    fake_jira.clear_log()
    (again,) = tracker.deliver_tickets([view(1, status=TicketStatus.DONE)])
    assert again.status is OutcomeStatus.UNCHANGED
    assert fake_jira.writes() == []


def test_workflow_without_done_status_is_reported(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    fake_jira.state.transitions = [t for t in fake_jira.state.transitions if t[1] != "Done"]
    tracker = make_tracker()
    tracker.deliver_tickets([view(1)])
    (outcome,) = tracker.deliver_tickets([view(1, status=TicketStatus.DONE)])
    assert outcome.status is OutcomeStatus.FAILED
    assert "no transition to a done status" in outcome.reason
    assert "done_transition" in outcome.reason


def test_named_done_transition_must_exist(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    tracker = make_tracker(done_transition="Resolve")
    tracker.deliver_tickets([view(1)])
    (outcome,) = tracker.deliver_tickets([view(1, status=TicketStatus.DONE)])
    assert outcome.status is OutcomeStatus.FAILED
    assert "'Resolve'" in outcome.reason
    assert "Done" in outcome.reason


def test_done_action_without_ticket_creates_nothing(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    (outcome,) = make_tracker().deliver_tickets([view(1, status=TicketStatus.DONE)])
    assert outcome.status is OutcomeStatus.UNCHANGED
    assert fake_jira.state.issues == {}


def test_pull_done_reopened_and_deleted(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    tracker = make_tracker()
    outcomes = tracker.deliver_tickets([view(n) for n in range(3)])
    refs = [o.reference for o in outcomes]
    fake_jira.set_status(refs[0], "Done")
    fake_jira.set_status(refs[1], "In Progress")
    fake_jira.delete_issue(refs[2])
    keys = [f"cc-plan1-a-{n}" for n in range(3)]
    assert tracker.pull_statuses(keys) == {
        keys[0]: TicketStatus.DONE,
        keys[1]: TicketStatus.OPEN,
        keys[2]: TicketStatus.DELETED,
    }
    fake_jira.set_status(refs[0], "To Do")  # reopened in Jira
    assert tracker.pull_statuses(keys[:1]) == {keys[0]: TicketStatus.OPEN}


def test_deleted_ticket_is_reported_not_recreated(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([view(1)])
    assert created.reference is not None
    fake_jira.delete_issue(created.reference)
    (outcome,) = tracker.deliver_tickets([view(1, status=TicketStatus.DELETED)])
    assert outcome.status is OutcomeStatus.FAILED
    assert outcome.reason.startswith("ticket deleted in Jira; it is not recreated")
    assert "careerconv action resync" in outcome.reason
    assert fake_jira.state.issues == {}


def test_cloned_issue_with_copied_label_is_not_taken_for_ours(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([view(1)])
    original = fake_jira.state.issues[str(created.reference)]
    fake_jira.state.issues["CAREER-500"] = {
        "id": "99500",
        "key": "CAREER-500",
        "project": "CAREER",
        "fields": json.loads(json.dumps(original["fields"])),
        "status": "10001",
        "properties": {},
    }
    (outcome,) = tracker.deliver_tickets([view(1, title="Renamed")])
    assert outcome.reference == created.reference
    assert fake_jira.state.issues["CAREER-500"]["fields"]["summary"] != "Renamed"
    assert tracker.pull_statuses(["cc-plan1-a-1"]) == {"cc-plan1-a-1": TicketStatus.OPEN}


def test_label_only_issue_is_adopted_and_repaired(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([view(1)])
    fake_jira.state.issues[str(created.reference)]["properties"].clear()
    (outcome,) = tracker.deliver_tickets([view(1)])
    assert outcome.status is OutcomeStatus.DELIVERED
    assert outcome.reference == created.reference
    assert len(fake_jira.state.issues) == 1
    assert PROPERTY_KEY in fake_jira.state.issues[str(created.reference)]["properties"]


def test_two_label_only_claimants_are_a_conflict(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    label = label_for("careerconv-", "cc-plan1-a-1")
    for n in (1, 2):
        fake_jira.state.issues[f"CAREER-{n}"] = {
            "id": str(n),
            "key": f"CAREER-{n}",
            "project": "CAREER",
            "fields": {"summary": "x", "labels": [label]},
            "status": "10000",
            "properties": {},
        }
    (outcome,) = make_tracker().deliver_tickets([view(1)])
    assert outcome.status is OutcomeStatus.CONFLICT
    assert "CAREER-1, CAREER-2" in outcome.reason
    assert len(fake_jira.state.issues) == 2


def test_search_pages_are_followed(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    fake_jira.state.page_size = 7
    views = [view(n) for n in range(20)]
    make_tracker().deliver_tickets(views)
    fake_jira.clear_log()
    outcomes = make_tracker().deliver_tickets(views)
    assert {o.status for o in outcomes} == {OutcomeStatus.UNCHANGED}
    assert len(_searches(fake_jira)) == 3
    assert len(fake_jira.state.issues) == 20


def test_duplicate_key_in_one_delivery_fails(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    outcomes = make_tracker().deliver_tickets([view(1), view(1, title="other"), view(2)])
    assert [o.status for o in outcomes] == [
        OutcomeStatus.FAILED,
        OutcomeStatus.FAILED,
        OutcomeStatus.DELIVERED,
    ]
    assert len(fake_jira.state.issues) == 1


def test_empty_delivery_and_pull_ask_nothing(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    tracker = make_tracker()
    assert list(tracker.deliver_tickets([])) == []
    assert dict(tracker.pull_statuses([])) == {}
    assert fake_jira.requests() == []


def test_cloud_search_asks_to_reconcile_what_this_process_created(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    created = tracker.deliver_tickets([view(1), view(2)])
    fake_jira.clear_log()
    tracker.deliver_tickets([view(1), view(2)])
    (search,) = _searches(fake_jira)
    if fake_jira.state.deployment == "Cloud":
        ids = {fake_jira.state.issues[str(o.reference)]["id"] for o in created}
        assert {str(i) for i in search.body["reconcileIssues"]} == ids
    else:
        assert search.method == "GET"


def test_refused_edit_names_the_field_and_setting(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    tracker = make_tracker(security_level="10001")
    tracker.deliver_tickets([view(1)])
    fake_jira.state.security_levels = {"10002": "Another level"}  # the scheme changed in Jira
    (outcome,) = make_tracker(security_level="Manager and report").deliver_tickets([view(1)])
    assert outcome.status is OutcomeStatus.FAILED
    assert "security" in outcome.reason
    assert "'security_level'" in outcome.reason
    assert "Security level is not valid" not in outcome.reason


def test_a_failing_create_does_not_hide_updates_in_the_same_batch(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    tracker.deliver_tickets([view(1)])
    fake_jira.fail(500, match="/issue/bulk")
    updated, new = tracker.deliver_tickets([view(1, title="changed"), view(2)])
    assert updated.status is OutcomeStatus.DELIVERED
    assert new.status is OutcomeStatus.RETRY
    assert "HTTP 500" in new.reason
