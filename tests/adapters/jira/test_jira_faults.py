"""The Jira tracker when Jira fails: rate limits, errors, slow answers, wrong credentials or sites."""

# ruff: noqa: F811 - pytest fixtures are imported by name and then requested as arguments

from __future__ import annotations

import json
import logging
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from careerconv_core.ports import OutcomeStatus
from careerconv_plugins.jira.mapping import label_for
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


def test_429_retry_after_is_honoured(
    fake_jira: FakeJira, make_tracker: TrackerFactory, sleeps: Sleeps
) -> None:
    tracker = make_tracker()
    tracker.deliver_tickets([view(1)])  # connect first
    fake_jira.fail(429, retry_after="7", match="/issue/bulk")
    outcomes = tracker.deliver_tickets([view(2)])
    assert outcomes[0].status is OutcomeStatus.DELIVERED
    assert sleeps == [7.0]
    assert len(fake_jira.state.issues) == 2


def test_persistent_503_becomes_retry_with_bounded_jittered_backoff(
    fake_jira: FakeJira, make_tracker: TrackerFactory, sleeps: Sleeps
) -> None:
    tracker = make_tracker()
    tracker.deliver_tickets([view(1)])
    fake_jira.fail(503, times=10, match="/search")
    outcomes = tracker.deliver_tickets([view(1), view(2)])
    assert {o.status for o in outcomes} == {OutcomeStatus.RETRY}
    assert sleeps == [0.75, 1.5]  # base 1 s doubled, times the injected jitter 0.75; 3 tries
    assert "HTTP 503" in outcomes[0].reason
    assert len(fake_jira.state.issues) == 1


def test_long_retry_after_goes_back_to_the_outbox(
    fake_jira: FakeJira, make_tracker: TrackerFactory, sleeps: Sleeps
) -> None:
    tracker = make_tracker(max_retry_wait="5")
    fake_jira.fail(429, retry_after="120", match="/serverInfo")
    (outcome,) = tracker.deliver_tickets([view(1)])
    assert outcome.status is OutcomeStatus.RETRY
    assert outcome.retry_after == 120.0
    assert sleeps == []


def test_slow_answer_times_out_and_a_create_is_not_repeated(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker(timeout="0.3")
    tracker.deliver_tickets([view(1)])
    fake_jira.slow(0.8, match="/issue/bulk")
    (outcome,) = tracker.deliver_tickets([view(2)])
    assert outcome.status is OutcomeStatus.RETRY
    assert "timed out" in outcome.reason
    deadline = time.monotonic() + 5
    while len(_bulk_posts(fake_jira)) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)  # the fake finishes the slow create after the client gave up
    time.sleep(0.1)
    assert len(_bulk_posts(fake_jira)) == 2  # not repeated within the delivery
    # The slow create did happen; the next delivery finds it instead of creating again.
    (again,) = tracker.deliver_tickets([view(2)])
    assert again.status is OutcomeStatus.UNCHANGED
    assert len(fake_jira.by_label(label_for("careerconv-", "cc-plan1-a-2"))) == 1


def test_500_on_edit_is_retried_later_not_now(
    fake_jira: FakeJira, make_tracker: TrackerFactory, sleeps: Sleeps
) -> None:
    tracker = make_tracker()
    tracker.deliver_tickets([view(1)])
    fake_jira.fail(500, match="/issue/CAREER-1")
    (outcome,) = tracker.deliver_tickets([view(1, title="changed")])
    assert outcome.status is OutcomeStatus.RETRY
    assert sleeps == []
    (outcome,) = tracker.deliver_tickets([view(1, title="changed")])
    assert outcome.status is OutcomeStatus.DELIVERED


def test_bad_token_names_the_variable_not_the_token(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker()
    fake_jira.state.token = "the-real-one"
    (outcome,) = tracker.deliver_tickets([view(1)])
    assert outcome.status is OutcomeStatus.RETRY
    assert "CC_TEST_JIRA_TOKEN" in outcome.reason
    assert "HTTP 401" in outcome.reason
    assert "test-token-not-secret" not in outcome.reason


def test_nothing_private_in_logs_or_reasons(
    fake_jira: FakeJira, make_tracker: TrackerFactory, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tracker = make_tracker()
    marker = "PRIVATE-TITLE-MARKER"
    fake_jira.fail(503, times=5, match="/search")
    outcomes = list(tracker.deliver_tickets([view(1, title=marker, owner=GHOST)]))
    outcomes += tracker.deliver_tickets([view(1, title=marker, owner=GHOST)])
    text = caplog.text + json.dumps([o.reason for o in outcomes])
    for secret in (marker, fake_jira.state.token, "ghost@example.com", "injected fault"):
        assert secret not in text


def test_wrong_context_path_says_to_fix_url(fake_jira: FakeJira, make_tracker: TrackerFactory) -> None:
    (outcome,) = make_tracker(url=fake_jira.url + "/jira").deliver_tickets([view(1)])
    assert outcome.status is OutcomeStatus.RETRY
    assert "no Jira REST API (HTTP 404)" in outcome.reason
    assert "url" in outcome.reason
    fake_jira.clear_log()  # the wrong path is not Jira's: nothing to check against the spec


def test_a_site_that_is_not_jira_is_named_not_crashed_on(make_tracker: TrackerFactory) -> None:
    class Html(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b"<html>PRIVATE-PAGE-MARKER</html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Html)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}"
        (outcome,) = make_tracker(url=url).deliver_tickets([view(1)])
    finally:
        server.shutdown()
        server.server_close()
    assert outcome.status is OutcomeStatus.RETRY
    assert "not what Jira sends" in outcome.reason
    assert "PRIVATE-PAGE-MARKER" not in outcome.reason
