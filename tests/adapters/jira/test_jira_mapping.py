"""The pure half of the Jira adapter: settings, labels, JQL and what goes into a ticket."""

from __future__ import annotations

import json
from types import ModuleType

import pytest
import requests
from hypothesis import given
from hypothesis import strategies as st

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.plugins import make_plugin_manager
from careerconv_core.ports import OutcomeStatus, TicketTracker
from careerconv_plugins.http import retry_after_seconds
from careerconv_plugins.jira import mapping, plugin
from careerconv_plugins.jira.client import RetryPolicy
from careerconv_plugins.jira.settings import JiraSettings, parse_settings
from fakes.fake_jira import parse_label_jql
from fakes.jira_fixtures import view

TOKEN = "tok-0123456789-secret"
ENV = {"JIRA_API_TOKEN": TOKEN}
BASE = {"url": "https://acme.atlassian.net/", "project": "CAREER", "deployment": "cloud",
        "email": "bot@example.com"}  # fmt: skip


def settings(**changes: str) -> JiraSettings:
    return parse_settings({**BASE, **changes}, ENV)


# -- settings ------------------------------------------------------------------------


def test_defaults() -> None:
    s = settings()
    assert s.url == "https://acme.atlassian.net"
    assert (s.issue_type, s.api_version, s.due_field, s.label_prefix) == (
        "Task", "3", "duedate", "careerconv-")  # fmt: skip
    assert s.assignee_by == "accountId"
    dc = settings(deployment="datacenter")
    assert (dc.api_version, dc.assignee_by) == ("2", "name")


@pytest.mark.parametrize(
    ("changes", "named"),
    [
        ({"url": ""}, "'url'"),
        ({"url": "acme.atlassian.net"}, "'url'"),
        ({"url": "https://acme.atlassian.net/rest/api/3"}, "'url'"),
        ({"project": "career plans"}, "'project'"),
        ({"deployment": "onprem"}, "'deployment'"),
        ({"email": ""}, "'email'"),
        ({"token_env": TOKEN}, "'token_env'"),
        ({"token_env": "MISSING_VAR"}, "MISSING_VAR"),
        ({"label_prefix": "career conv"}, "'label_prefix'"),
        ({"epic": "not a key"}, "'epic'"),
        ({"done_when_field": "Done when"}, "'done_when_field'"),
        ({"due_field": "due date"}, "'due_field'"),
        ({"timeout": "soon"}, "'timeout'"),
        ({"timeout": "0"}, "'timeout'"),
        ({"api_version": "4"}, "'api_version'"),
        ({"deployment": "datacenter", "api_version": "3"}, "'api_version'"),
        ({"projekt": "CAREER"}, "'projekt'"),
    ],
)
def test_bad_settings_name_the_setting_and_the_fix(changes: dict[str, str], named: str) -> None:
    with pytest.raises(ConfigurationError) as caught:
        settings(**changes)
    message = str(caught.value)
    assert named in message
    assert "Fix:" in message
    assert TOKEN not in message


def test_token_is_not_in_repr() -> None:
    assert TOKEN not in repr(settings())


def test_forgiving_spelling_and_numbers_from_toml() -> None:
    raw: dict[str, object] = {**BASE, "deployment": "Server", "project": "career", "timeout": 5}
    s = parse_settings(raw, ENV)  # type: ignore[arg-type]
    assert (s.deployment, s.project, s.timeout) == ("datacenter", "CAREER", 5.0)


def test_datacenter_needs_no_email() -> None:
    s = parse_settings({**BASE, "deployment": "datacenter", "email": ""}, ENV)
    assert s.deployment == "datacenter"


# -- labels and JQL ------------------------------------------------------------------


def test_plain_keys_become_readable_labels() -> None:
    assert mapping.label_for("careerconv-", "cc-plan1-a-7") == "careerconv-cc-plan1-a-7"


@given(st.text(min_size=1, max_size=400))
def test_any_key_gives_a_label_jira_accepts_and_jql_can_hold(key: str) -> None:
    label = mapping.label_for("careerconv-", key)
    assert 0 < len(label) <= 255
    assert set(label) <= set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
    assert parse_label_jql(mapping.jql_for_labels([label])) == {label}


@given(st.text(min_size=1, max_size=50), st.text(min_size=1, max_size=50))
def test_different_keys_never_share_a_label(a: str, b: str) -> None:
    if a != b:
        assert mapping.label_for("p-", a) != mapping.label_for("p-", b)


@pytest.mark.parametrize("bad", ['x" OR project = HR', "a b", "x)", "", "ü"])
def test_jql_refuses_anything_but_checked_labels(bad: str) -> None:
    with pytest.raises(ValueError, match=r"label|no labels"):
        mapping.jql_for_labels([bad] if bad else [])


def test_jql_golden() -> None:
    assert mapping.jql_for_labels(["b-2", "a-1", "a-1"]) == ('labels in ("a-1", "b-2") ORDER BY key ASC')


# -- what goes into a ticket -----------------------------------------------------------

GOLDEN_DC = {
    "fields": {
        "assignee": {"name": "ana"},
        "description": "Lead the design review 3\n\nDone when: the team adopted the review "
        "checklist\n\nPlan: https://careers.example.com/plans/plan1#a-3\n\nKept in sync by "
        "careerconv (action cc-plan1-a-3).",
        "duedate": "2027-03-04",
        "issuetype": {"name": "Task"},
        "labels": ["careerconv-cc-plan1-a-3"],
        "project": {"key": "CAREER"},
        "security": {"id": "10001"},
        "summary": "Lead the design review 3",
    },
    "properties": [
        {
            "key": "careerconv.ticket",
            "value": {
                "fields": {
                    "assignee": "c12d7fb2890bc86c",
                    "description": "62b1e575a0a540ae",
                    "duedate": "85698ce05b7c5f39",
                    "security": "3b0295c3ee3c9bbe",
                    "summary": "c5f3e46e9617c172",
                },
                "key": "cc-plan1-a-3",
                "plan": "plan1",
                "status": "open",
                "v": 1,
            },
        }
    ],
}


def test_create_payload_golden_datacenter() -> None:
    s = settings(deployment="datacenter", security_level="10001")
    payload = mapping.create_payload(view(3), s, "careerconv-cc-plan1-a-3", "ana")
    assert payload == GOLDEN_DC


def test_create_payload_cloud_uses_adf_and_account_id() -> None:
    s = settings(security_level="10001")
    payload = mapping.create_payload(view(3), s, "careerconv-cc-plan1-a-3", "acc-ana")
    fields = payload["fields"]
    assert fields["assignee"] == {"accountId": "acc-ana"}
    assert fields["description"]["type"] == "doc"
    texts = [p["content"][0]["text"] for p in fields["description"]["content"]]
    assert texts == [
        "Lead the design review 3",
        "Done when: the team adopted the review checklist",
        "Plan: https://careers.example.com/plans/plan1#a-3",
        "Kept in sync by careerconv (action cc-plan1-a-3).",
    ]
    dc_fields = dict(GOLDEN_DC["fields"])  # type: ignore[call-overload]
    for name in ("summary", "duedate", "labels", "project", "issuetype", "security"):
        assert fields[name] == dc_fields[name]


def test_by_default_no_goal_and_nothing_but_the_view() -> None:
    payload = json.dumps(mapping.create_payload(view(1), settings(), "l", "u"))
    assert "Goal" not in payload
    shared = json.dumps(mapping.create_payload(view(1, goal="Staff engineer"), settings(), "l", "u"))
    assert "Goal (shared by the report): Staff engineer" in shared


def test_done_when_field_moves_done_when_out_of_the_description() -> None:
    s = settings(done_when_field="customfield_10042")
    fields = mapping.desired_fields(view(1, done_when="x" * 400), s)
    assert len(fields["customfield_10042"]) == 255
    assert "Done when" not in json.dumps(fields["description"])


def test_summary_is_one_line_and_bounded() -> None:
    v = view(1, title="  a\nb\r\n\tc \x00 d " + "e" * 400)
    summary = mapping.summary_of(v)
    assert summary.startswith("a b c d e")
    assert len(summary) == 255
    assert summary.endswith("\u2026")


def test_adf_keeps_lines_as_hard_breaks() -> None:
    doc = mapping.adf(["one", "two", "", "three"])
    assert doc["content"][0]["content"] == [
        {"type": "text", "text": "one"},
        {"type": "hardBreak"},
        {"type": "text", "text": "two"},
    ]
    assert len(doc["content"]) == 2


def test_only_changed_fingerprints_are_fields_to_write() -> None:
    s = settings()
    before = mapping.field_prints(view(1), s)
    after = mapping.field_prints(view(1, due=view(1).due.replace(year=2030)), s)
    stored = mapping.property_value(view(1), before)
    assert mapping.changed_fields(after, stored) == ["duedate"]
    assert mapping.changed_fields(before, stored) == []
    assert mapping.changed_fields(before, None) == sorted(before)


def test_explain_field_errors_names_settings_not_values() -> None:
    reason = mapping.explain_field_errors(["issuetype", "customfield_1", "evil value!"], settings())
    assert "'issue_type'" in reason
    assert "evil value" not in reason


# -- plugin ----------------------------------------------------------------------------


def test_plugin_registers_a_tracker_that_implements_the_port(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    host = make_plugin_manager(load_entry_points=False, plugins=[plugin])
    spec = host.adapter_spec(AdapterKind.TRACKER, "jira")
    assert "token_env" in spec.settings
    monkeypatch.setenv("JIRA_API_TOKEN", TOKEN)
    tracker = host.create(AdapterKind.TRACKER, "jira", BASE)
    assert isinstance(tracker, TicketTracker)
    monkeypatch.delenv("JIRA_API_TOKEN")
    # An unset token stops this tracker only: it is built, holds deliveries back, refuses to pull.
    held = host.create(AdapterKind.TRACKER, "jira", BASE)
    (outcome,) = held.deliver_tickets([view(1)])
    assert outcome.status is OutcomeStatus.RETRY
    assert "JIRA_API_TOKEN" in outcome.reason
    with pytest.raises(ConfigurationError, match="JIRA_API_TOKEN"):
        held.pull_statuses(["cc-plan1-a-1"])
    with pytest.raises(ConfigurationError, match="'project'"):
        host.create(AdapterKind.TRACKER, "jira", {**BASE, "project": "not a key"})


def test_plugin_is_a_module_with_only_the_tracker_hook() -> None:
    assert isinstance(plugin, ModuleType)
    hooks = [name for name in dir(plugin) if name.startswith("careerconv_")]
    assert hooks == ["careerconv_ticket_trackers"]


def test_retry_policy_honours_retry_after_and_caps_jittered_backoff() -> None:
    policy = RetryPolicy(base_delay=1.0, max_wait=10.0, jitter=lambda: 0.5)
    assert policy.delay(1, 3.0) == 3.0
    assert policy.delay(1, 500.0) == 10.0
    assert [policy.delay(n, None) for n in (1, 2, 3, 5)] == [0.5, 1.0, 2.0, 5.0]


def test_retry_after_reads_a_requests_response_in_both_forms() -> None:
    response = requests.Response()  # case-insensitive headers, as the client sees them
    response.headers["retry-after"] = "12"
    assert retry_after_seconds(response.headers) == 12.0
    response.headers["Retry-After"] = "Wed, 21 Oct 2015 07:28:00 GMT"
    assert retry_after_seconds(response.headers) == 0.0  # in the past: go now
    response.headers["Retry-After"] = "soon"
    assert retry_after_seconds(response.headers) is None
