"""What the Jira adapter sends and what the fake Jira answers, against Atlassian's spec.

Two independent checks: a JSON-schema check of every recorded exchange
(``tests/fakes/jira_spec.py``), and Prism (``@stoplight/prism-cli``) as a
validating proxy in front of the fake, which fails any request or response
that does not match the OpenAPI description.
"""

# ruff: noqa: F811 - pytest fixtures are imported by name and then requested as arguments

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from attrs import evolve

from careerconv_core.ports import OutcomeStatus
from careerconv_core.views import TicketStatus
from careerconv_plugins.jira.adapter import JiraTracker
from careerconv_plugins.jira.client import JiraClient, RetryPolicy
from careerconv_plugins.jira.settings import parse_settings
from fakes import jira_spec
from fakes.fake_jira import FakeJira
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

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _spec_present() -> None:
    """Every test here reads Atlassian's description: skip, naming it, where it is absent."""
    jira_spec.require_spec()


USED_RESOURCES = {
    "serverInfo", "field", "project/{projectIdOrKey}", "issue/bulk", "issue",
    "issue/{issueIdOrKey}", "issue/{issueIdOrKey}/properties/{propertyKey}",
    "issue/{issueIdOrKey}/transitions", "search", "search/jql", "user/search",
    "changelog/bulkfetch",
}  # fmt: skip
INSTALL = "bash .ci/setup-jira.sh  (npm install --prefix .ci/node @stoplight/prism-cli@5.14)"


def scenario(tracker: JiraTracker, fake: FakeJira) -> None:
    """Everything the adapter does, once: create, re-sync, edit, close, pull, failures."""
    views = [view(n) for n in range(12)] + [view(99, owner=GHOST)]
    first = tracker.deliver_tickets(views)
    assert sum(o.status is OutcomeStatus.DELIVERED for o in first) == 12
    assert {o.status for o in tracker.deliver_tickets(views[:12])} == {OutcomeStatus.UNCHANGED}
    changed = [
        evolve(views[0], title='New "title"\nwith a newline'),
        evolve(views[1], owner=MAX, due=views[1].due.replace(year=2028)),
        evolve(views[2], status=TicketStatus.DONE),
    ]
    updated = tracker.deliver_tickets(changed)
    assert all(o.ok for o in updated), [o.reason for o in updated]
    fake.delete_issue(str(first[3].reference))
    pulled = tracker.pull_statuses([v.key for v in views[:5]])
    assert pulled[views[2].key] is TicketStatus.DONE
    assert pulled[views[3].key] is TicketStatus.DELETED
    # Both sides changed a ticket: its changelog says which change is the later one.
    t = datetime(2027, 2, 1, tzinfo=UTC)
    ref = str(first[4].reference)
    fake.state.clock = lambda: t + timedelta(hours=2)
    fake.edit_as_person(ref, summary="Edited in Jira")
    fake.set_status(ref, "Done")
    both = evolve(views[4], title="Renamed", changed_at=t + timedelta(hours=1), status_changed_at=t)
    (decided,) = tracker.deliver_tickets([both])
    assert "kept the edit of summary made in Jira at" in decided.reason, decided
    assert "kept the status done set in Jira at" in decided.reason, decided


def test_checker_flags_a_bad_request_and_a_bad_response() -> None:
    bad_request = jira_spec.check_request("POST", "/rest/api/3/search/jql", {}, {"jql": 5, "startAt": 0})
    assert any("jql" in p for p in bad_request)
    assert any("startAt" in p for p in bad_request)
    bad_query = jira_spec.check_request("GET", "/rest/api/2/user/search", {"email": ["x"]}, None)
    assert any("unknown query parameter 'email'" in p for p in bad_query)
    bad_response = jira_spec.check_response("GET", "/rest/api/3/serverInfo", 200, {"versionNumbers": "9.1"})
    assert any("versionNumbers" in p for p in bad_response)
    assert jira_spec.check_response("GET", "/rest/api/3/serverInfo", 418, None)
    assert jira_spec.check_request("GET", "/rest/api/3/no/such/thing", {}, None)


def test_every_exchange_of_a_full_sync_matches_the_spec(
    fake_jira: FakeJira, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker(security_level="10001", done_when_field="customfield_10042")
    scenario(tracker, fake_jira)
    fake_jira.fail(429, retry_after="1", match="/search")
    tracker.deliver_tickets([view(1)])
    exchanges = fake_jira.requests()
    used = {jira_spec.operation(e.method, e.path)[0] for e in exchanges}  # type: ignore[index]
    assert {"/rest/api/3/issue/bulk", "/rest/api/3/issue/{issueIdOrKey}/transitions"} <= used
    assert jira_spec.violations(exchanges) == []


def test_fake_rejects_what_jira_rejects(fake_jira: FakeJira) -> None:
    status, body, _ = fake_jira.dispatch(
        "POST",
        "/rest/api/2/issue/bulk",
        {},
        {"issueUpdates": [{"fields": {"project": {"key": "CAREER"}, "summary": "a\nb"}}]},
        {"Authorization": "Bearer " + fake_jira.state.token},
    )
    if fake_jira.state.deployment != "Cloud":
        assert status == 400
        assert set(body["errors"][0]["elementErrors"]["errors"]) == {"summary", "issuetype"}
        assert jira_spec.check_response("POST", "/rest/api/2/issue/bulk", status, body) == []


# -- Prism ------------------------------------------------------------------------


def prism_bin() -> str:
    """The prism executable, or fail (CI) / skip (a dev machine) saying how to install it."""
    for candidate in (
        os.environ.get("PRISM_BIN", ""),
        str(ROOT / ".ci" / "node" / "node_modules" / ".bin" / "prism"),
        shutil.which("prism") or "",
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    message = f"Prism is not installed; run {INSTALL} or set PRISM_BIN"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def prism_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, FakeJira]]:
    """One Prism validating every exchange between the adapter and a fake Jira.

    Data Center has only v2 paths, documented with the v3 shapes, so Prism gets
    a temporary copy of the description holding each used path under both names.
    Yields Prism's URL, its log file and the fake behind it.
    """
    jira_spec.require_spec()
    binary = prism_bin()
    tmp = tmp_path_factory.mktemp("prism")
    document = json.loads(jira_spec.spec_path().read_text(encoding="utf-8"))
    # Only the resources the adapter and the fake use (Prism starts much faster),
    # each under its v3 and its v2 name; their definitions are Atlassian's, unchanged.
    paths = {}
    for path, item in document["paths"].items():
        rest = path.removeprefix("/rest/api/3/")
        if rest in USED_RESOURCES:
            paths[path] = paths["/rest/api/2/" + rest] = item
    document["paths"] = paths
    spec = tmp / "jira-v2-and-v3.openapi.json"
    spec.write_text(json.dumps(document), encoding="utf-8")
    port = _free_port()
    log_path = tmp / "prism.log"
    with FakeJira() as fake, log_path.open("w") as log:
        proc = subprocess.Popen(
            [binary, "proxy", str(spec), fake.url, "--errors", "-h", "127.0.0.1",
             "-p", str(port)],
            stdout=log, stderr=subprocess.STDOUT, cwd=tmp,
        )  # fmt: skip
        url = f"http://127.0.0.1:{port}"
        # A valid request as the readiness probe, so the log holds no error of ours.
        probe = urllib.request.Request(  # noqa: S310 - a local URL
            f"{url}/rest/api/2/serverInfo", headers={"Authorization": "Basic eDp5"}
        )
        try:
            deadline = time.monotonic() + 90
            while True:
                try:
                    urllib.request.urlopen(probe, timeout=1)  # noqa: S310
                    break
                except urllib.error.HTTPError:
                    break  # Prism answered (an error is fine: it is listening)
                except OSError:
                    if proc.poll() is not None or time.monotonic() > deadline:
                        pytest.fail("Prism did not start:\n" + log_path.read_text()[-2000:])
                    time.sleep(0.2)
            yield url, log_path, fake
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.mark.servers
@pytest.mark.parametrize("deployment", ["Cloud", "Server"], ids=["cloud", "datacenter"])
def test_prism_finds_no_violation_in_the_adapters_traffic(
    deployment: str, prism_proxy: tuple[str, Path, FakeJira], sleeps: Sleeps
) -> None:
    url, log_path, fake_jira = prism_proxy
    fake_jira.reset(deployment)
    time.sleep(0.3)  # let Prism flush the log of the previous case
    started = len(log_path.read_text())
    cloud = fake_jira.state.deployment == "Cloud"
    raw = {"url": url, "project": "CAREER", "deployment": "cloud" if cloud else "datacenter",
           "email": "bot@example.com", "token_env": "T", "timeout": "10",
           "security_level": "10001", "done_when_field": "customfield_10042"}  # fmt: skip
    settings = parse_settings(raw, {"T": fake_jira.state.token})
    retry = RetryPolicy(sleep=sleeps, jitter=lambda: 0.75)
    tracker = JiraTracker(settings, JiraClient(settings, retry))
    try:
        scenario(tracker, fake_jira)
    finally:
        tracker.close()
    log = log_path.read_text()[started:]
    assert "VIOLATIONS" not in log, log[-3000:]
    assert "NO_PATH_MATCHED" not in log, log[-3000:]
    # Everything went through Prism to the fake: it saw the whole scenario.
    assert len(fake_jira.requests()) >= 15
    assert not [e for e in fake_jira.requests() if e.status >= 500]
    # And Prism does fail what the spec forbids (so the silence above means something).
    version = "3" if fake_jira.state.deployment == "Cloud" else "2"
    path = "search/jql" if version == "3" else "search"
    request = urllib.request.Request(  # noqa: S310 - a local URL
        f"{url}/rest/api/{version}/{path}",
        data=json.dumps({"jql": 5, "unknownField": True}).encode(),
        headers={"Content-Type": "application/json", "Authorization": "Bearer x"},
        method="POST",
    )
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(request, timeout=10)  # noqa: S310
    assert caught.value.code in (401, 422)
    assert b"prism" in caught.value.read().lower()


def test_fake_serves_the_real_jira_client_on_every_resource(fake_jira: FakeJira) -> None:
    """The parts the adapter does not call itself, through the ``jira`` client's own methods."""
    from jira import JIRA

    cloud = fake_jira.state.deployment == "Cloud"
    auth: dict[str, object] = (
        {"basic_auth": (fake_jira.state.email, fake_jira.state.token)}
        if cloud
        else {"token_auth": fake_jira.state.token}
    )
    client = JIRA(
        fake_jira.url,
        options={"rest_api_version": "3" if cloud else "2"},
        max_retries=0,
        **auth,  # type: ignore[arg-type]
    )
    try:
        assert client.server_info()["deploymentType"] == fake_jira.state.deployment
        assert any(f["id"] == "customfield_10042" for f in client.fields())
        summary = "Made by the jira client"
        description: object = {"type": "doc", "version": 1, "content": []} if cloud else "plain text"
        issue = client.create_issue(
            fields={
                "project": {"key": "CAREER"},
                "issuetype": {"name": "Task"},
                "summary": summary,
                "description": description,
                "labels": ["careerconv-x"],
            }
        )
        assert client.issue(issue.key).fields.summary == summary
        client.add_issue_property(issue.key, "careerconv.ticket", {"key": "x"})
        assert client.issue_property(issue.key, "careerconv.ticket").value.key == "x"
        assert {t["name"] for t in client.transitions(issue.key)} == {"In Progress", "Done"}
        client.transition_issue(issue.key, "31")
        users = (
            client.search_users(query="ana@example.com")
            if cloud
            else client.search_users(user="ana@example.com")
        )
        assert [u.displayName for u in users] == ["Ana Report"]
        issue.delete()
        assert fake_jira.state.issues == {}
    finally:
        client.close()
    # Only the answers are checked here: the client's own requests are not the adapter's
    # (its transition_issue sends the id as a number where the spec says string, and its
    # user search adds includeActive/includeInactive, which v3 does not document).
    assert jira_spec.violations(fake_jira.requests(), requests=False) == []
    fake_jira.clear_log()
