"""The Jira tracker where real Jira differs from a naive fake (issue 13).

Each behaviour is one the fake Jira learnt: a search that lags behind creates
(Cloud, unless ``reconcileIssues`` names the issue), a bulk-create limit below
50, workflows without a direct To Do -> Done, a ``serverInfo`` anyone may read.
"""

# ruff: noqa: F811 - pytest fixtures are imported by name and then requested as arguments

from __future__ import annotations

import json
import logging
import math
import re
from pathlib import Path

import pytest

from careerconv_core.errors import AdapterError
from careerconv_core.ports import OutcomeStatus
from careerconv_core.views import TicketStatus
from careerconv_plugins.jira.adapter import JiraTracker
from careerconv_plugins.jira.client import JiraClient
from careerconv_plugins.jira.settings import parse_settings
from fakes.fake_jira import Exchange, FakeJira
from fakes.jira_fixtures import (  # noqa: F401 - fixtures used by name
    Sleeps,
    TrackerFactory,
    fake_jira,
    make_tracker,
    sleeps,
    view,
)

LAG = 600.0  # longer than any test: what is not reconciled or read by id stays unseen


def _bulk_posts(fake: FakeJira) -> list[Exchange]:
    return [e for e in fake.requests("POST") if e.path.endswith("/issue/bulk")]


def _searches(fake: FakeJira) -> list[Exchange]:
    return [e for e in fake.requests() if re.search(r"/rest/api/\d/search(/jql)?$", e.path)]


# -- 1. never created is not deleted ---------------------------------------------------


def test_sync_before_any_delivery_reports_nothing_deleted_and_creation_still_happens(
    fake_jira: FakeJira, make_tracker: TrackerFactory, tmp_path: Path
) -> None:
    tracker = make_tracker(state_directory=str(tmp_path))
    keys = [view(n).key for n in range(5)]
    assert dict(tracker.pull_statuses(keys)) == {}  # no ticket was ever made: no status at all
    outcomes = tracker.deliver_tickets([view(n) for n in range(5)])
    assert {o.status for o in outcomes} == {OutcomeStatus.DELIVERED}
    assert len(fake_jira.state.issues) == 5


def test_deletion_is_concluded_only_from_a_404_on_the_known_issue(
    fake_jira: FakeJira, make_tracker: TrackerFactory, tmp_path: Path
) -> None:
    (created,) = make_tracker(state_directory=str(tmp_path)).deliver_tickets([view(1)])
    issue_id = fake_jira.state.issues[str(created.reference)]["id"]
    fake_jira.delete_issue(str(created.reference))
    fake_jira.clear_log()
    later = make_tracker(state_directory=str(tmp_path))  # another process, same record
    assert dict(later.pull_statuses([view(1).key, view(2).key])) == {view(1).key: TicketStatus.DELETED}
    reads = [e for e in fake_jira.requests("GET") if e.path.endswith(f"/issue/{issue_id}")]
    assert [e.status for e in reads] == [404]


# -- 2. Cloud's search is eventually consistent ---------------------------------------


def test_sync_right_after_creation_with_search_lag_deletes_nothing(
    fake_jira: FakeJira, make_tracker: TrackerFactory, tmp_path: Path
) -> None:
    fake_jira.state.search_lag = LAG
    views = [view(n) for n in range(60)]
    make_tracker(state_directory=str(tmp_path)).deliver_tickets(views)
    fake_jira.clear_log()
    pulled = make_tracker(state_directory=str(tmp_path)).pull_statuses([v.key for v in views])
    assert dict(pulled) == {v.key: TicketStatus.OPEN for v in views}
    if fake_jira.state.deployment == "Cloud":
        # The known ids are reconciled into the search: no read by id needed.
        assert all(len(s.body["reconcileIssues"]) <= 50 for s in _searches(fake_jira))
        assert not [e for e in fake_jira.requests("GET") if "/issue/" in e.path]


def test_restart_inside_the_lag_window_never_creates_a_second_ticket(
    fake_jira: FakeJira, make_tracker: TrackerFactory, tmp_path: Path
) -> None:
    fake_jira.state.search_lag = LAG
    views = [view(n) for n in range(12)]
    make_tracker(state_directory=str(tmp_path)).deliver_tickets(views)  # then the process dies
    again = make_tracker(state_directory=str(tmp_path)).deliver_tickets(views)
    assert {o.status for o in again} == {OutcomeStatus.UNCHANGED}
    assert len(fake_jira.state.issues) == 12


def test_same_process_in_the_lag_window_finds_what_it_made(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    fake_jira.state.search_lag = LAG
    tracker = make_tracker()  # no state directory: known for the tracker's life
    tracker.deliver_tickets([view(1), view(2)])
    assert {o.status for o in tracker.deliver_tickets([view(1), view(2)])} == {OutcomeStatus.UNCHANGED}
    assert dict(tracker.pull_statuses([view(1).key])) == {view(1).key: TicketStatus.OPEN}
    assert len(fake_jira.state.issues) == 2


# -- 3. a bulk-create limit below 50 ----------------------------------------------------


def test_a_site_bulk_limit_below_50_is_learnt_and_nothing_fails(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    fake_jira.state.bulk_limit = 10
    tracker = make_tracker()
    outcomes = tracker.deliver_tickets([view(n) for n in range(120)])
    assert {o.status for o in outcomes} == {OutcomeStatus.DELIVERED}
    assert len(fake_jira.state.issues) == 120
    posts = _bulk_posts(fake_jira)
    assert [p.status for p in posts].count(400) == 1  # refused once, then split and remembered
    assert all(len(p.body["issueUpdates"]) <= 10 for p in posts if p.status == 201)
    assert len([p for p in posts if p.status == 201]) == math.ceil(120 / 10)
    assert tracker.client.bulk_limit == 10


def test_a_refusal_that_names_fields_is_not_taken_for_a_limit(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    outcomes = make_tracker(security_level="77777").deliver_tickets([view(n) for n in range(4)])
    assert {o.status for o in outcomes} == {OutcomeStatus.FAILED}
    assert len(_bulk_posts(fake_jira)) == 1


# -- 5. workflows without a direct To Do -> Done ---------------------------------------


def test_done_walks_the_shortest_path_and_reopen_walks_back(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    fake_jira.stepwise_workflow()
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([view(1)])
    (done,) = tracker.deliver_tickets([view(1, status=TicketStatus.DONE)])
    assert done.status is OutcomeStatus.DELIVERED
    assert done.reason == "moved through Start Progress -> Done"
    assert fake_jira.state.issues[str(created.reference)]["status"] == "10001"
    (again,) = tracker.deliver_tickets([view(1, status=TicketStatus.DONE)])
    assert again.status is OutcomeStatus.UNCHANGED
    (reopened,) = tracker.deliver_tickets([view(1)])  # reopened in careerconv
    assert reopened.reason == "moved through Reopen"
    assert tracker.pull_statuses([view(1).key]) == {view(1).key: TicketStatus.OPEN}


def test_done_transition_is_a_step_on_the_path(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    fake_jira.stepwise_workflow()
    tracker = make_tracker(done_transition="Done")
    tracker.deliver_tickets([view(1)])
    (done,) = tracker.deliver_tickets([view(1, status=TicketStatus.DONE)])
    assert done.status is OutcomeStatus.DELIVERED, done.reason
    assert done.reason == "moved through Start Progress -> Done"


def test_a_ticket_closed_in_jira_is_not_reopened_by_an_older_open(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([view(1)])
    fake_jira.set_status(str(created.reference), "Done")  # closed in Jira after careerconv wrote
    (outcome,) = tracker.deliver_tickets([view(1, title="Renamed in careerconv")])
    assert outcome.status is OutcomeStatus.DELIVERED
    assert fake_jira.state.issues[str(created.reference)]["status"] == "10001"


# -- 6. a configuration error is one error -------------------------------------------


def test_a_configuration_error_is_reported_once_and_entries_are_held(
    fake_jira: FakeJira, make_tracker: TrackerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.ERROR, logger="careerconv_plugins.jira")
    outcomes = make_tracker(project="NOPE").deliver_tickets([view(n) for n in range(120)])
    assert {o.status for o in outcomes} == {OutcomeStatus.RETRY}  # pending, not dead-lettered
    assert all("'project'" in o.reason and o.retry_after for o in outcomes)
    assert len([r for r in caplog.records if "NOPE" in r.getMessage()]) == 1
    assert fake_jira.state.issues == {}


@pytest.mark.parametrize("deployment", ["Cloud", "Server"], ids=["cloud-site", "datacenter-site"])
def test_a_mismatched_deployment_is_named_from_server_info(deployment: str) -> None:
    with FakeJira(deployment) as fake:
        wrong = "datacenter" if deployment == "Cloud" else "cloud"
        raw = {"url": fake.url, "project": "CAREER", "deployment": wrong,
               "email": "bot@example.com", "token_env": "T"}  # fmt: skip
        settings = parse_settings(raw, {"T": fake.state.token})
        tracker = JiraTracker(settings, JiraClient(settings))
        try:
            (outcome,) = tracker.deliver_tickets([view(1)])
        finally:
            tracker.close()
    assert outcome.status is OutcomeStatus.RETRY
    assert "'deployment'" in outcome.reason
    assert ("is Jira Cloud" if deployment == "Cloud" else "not cloud") in outcome.reason
    assert "credentials" not in outcome.reason and "no Jira REST API" not in outcome.reason


# -- 8. links ------------------------------------------------------------------------


def test_the_plan_link_is_url_encoded(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    link = 'https://careers.example.com/plans/p1/actions/x AND y"\nz%'
    (created,) = make_tracker().deliver_tickets([view(1, link=link)])
    text = json.dumps(fake_jira.state.issues[str(created.reference)]["fields"]["description"])
    assert "https://careers.example.com/plans/p1/actions/x%20AND%20y%22%0Az%25" in text
    assert "x AND y" not in text


# -- 10. no private attributes of the jira client ----------------------------------------


def test_the_adapter_uses_no_private_attribute_of_the_jira_client() -> None:
    folder = Path(__file__).resolve().parents[3] / "src" / "careerconv_plugins" / "jira"
    source = "\n".join(p.read_text(encoding="utf-8") for p in sorted(folder.glob("*.py")))
    assert not re.search(r"\b(client|jira|self\.jira|_jira)\._[a-z]", source)
    assert "._session" not in source and "._get_url" not in source


# -- 7. a long Retry-After holds for the rest of the run ---------------------------------


def test_a_long_retry_after_is_honoured_for_the_rest_of_the_run(
    fake_jira: FakeJira, make_tracker: TrackerFactory, sleeps: Sleeps
) -> None:
    tracker = make_tracker(max_retry_wait="5")
    tracker.deliver_tickets([view(1)])  # connected
    fake_jira.fail(429, retry_after="600", match="/issue/bulk")
    fake_jira.clear_log()
    outcomes = tracker.deliver_tickets([view(n) for n in range(100, 220)])  # three batches
    assert {o.status for o in outcomes} == {OutcomeStatus.RETRY}
    assert all(o.retry_after and o.retry_after > 590 for o in outcomes)
    asked = len(fake_jira.requests())
    assert len(_bulk_posts(fake_jira)) == 1  # the later batches did not go out at once
    again = tracker.deliver_tickets([view(2)])  # the dispatcher's next claim in the same run
    assert again[0].status is OutcomeStatus.RETRY and "600 s" in again[0].reason
    with pytest.raises(AdapterError, match="Retry-After"):
        tracker.pull_statuses([view(1).key])
    assert len(fake_jira.requests()) == asked
    assert sleeps == []


def test_a_ticket_reopened_in_jira_is_not_closed_again_by_an_older_done(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    (created,) = tracker.deliver_tickets([view(1)])
    tracker.deliver_tickets([view(1, status=TicketStatus.DONE)])  # closed by careerconv
    fake_jira.set_status(str(created.reference), "To Do")  # reopened in Jira afterwards
    (outcome,) = tracker.deliver_tickets([view(1, status=TicketStatus.DONE, title="Renamed")])
    assert outcome.status is OutcomeStatus.DELIVERED and "moved" not in outcome.reason
    assert fake_jira.state.issues[str(created.reference)]["status"] == "10000"
    assert tracker.pull_statuses([view(1).key]) == {view(1).key: TicketStatus.OPEN}


def test_without_state_directory_missing_tickets_are_named_once_not_deleted(
    fake_jira: FakeJira, make_tracker: TrackerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="careerconv_plugins.jira")
    (created,) = make_tracker().deliver_tickets([view(1)])
    fake_jira.delete_issue(str(created.reference))
    later = make_tracker()  # another process, and nothing recorded
    assert dict(later.pull_statuses([view(n).key for n in range(120)])) == {}
    warned = [r for r in caplog.records if "state_directory" in r.getMessage()]
    assert len(warned) == 1


def test_a_deleted_ticket_is_not_resurrected_before_the_plan_knows_and_a_resync_recreates_it(
    fake_jira: FakeJira, make_tracker: TrackerFactory, tmp_path: Path
) -> None:
    tracker = make_tracker(state_directory=str(tmp_path))
    (created,) = tracker.deliver_tickets([view(1)])
    fake_jira.delete_issue(str(created.reference))
    # An edit in careerconv before sync-tickets noticed the deletion: no new issue.
    (edited,) = make_tracker(state_directory=str(tmp_path)).deliver_tickets([view(1, title="Renamed")])
    assert edited.status is OutcomeStatus.FAILED and "sync-tickets" in edited.reason
    assert fake_jira.state.issues == {}
    later = make_tracker(state_directory=str(tmp_path))
    assert dict(later.pull_statuses([view(1).key])) == {view(1).key: TicketStatus.DELETED}
    (held,) = later.deliver_tickets([view(1, status=TicketStatus.DELETED)])
    assert held.status is OutcomeStatus.FAILED
    # 'careerconv action resync' clears the mark: the next view is open, and it is created.
    (again,) = make_tracker(state_directory=str(tmp_path)).deliver_tickets([view(1)])
    assert again.status is OutcomeStatus.DELIVERED and again.reference != created.reference
    assert len(fake_jira.state.issues) == 1
    assert dict(make_tracker(state_directory=str(tmp_path)).pull_statuses([view(1).key])) == {
        view(1).key: TicketStatus.OPEN
    }


def test_a_long_running_tracker_learns_issues_another_process_made_before_it_reads_back(
    fake_jira: FakeJira, make_tracker: TrackerFactory, tmp_path: Path
) -> None:
    listening = make_tracker(state_directory=str(tmp_path))  # a webhook receiver, started first
    assert dict(listening.pull_statuses([view(1).key])) == {}
    (created,) = make_tracker(state_directory=str(tmp_path)).deliver_tickets([view(1)])  # a dispatch
    fake_jira.delete_issue(str(created.reference))
    assert dict(listening.pull_statuses([view(1).key])) == {view(1).key: TicketStatus.DELETED}
