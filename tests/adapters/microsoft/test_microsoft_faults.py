"""Limits, faults and bad settings: retried, held in the outbox, or one clear line; never a copy."""

from __future__ import annotations

from datetime import timedelta

import pytest

from careerconv_core.errors import ConfigurationError
from careerconv_core.ports import OutcomeStatus
from careerconv_plugins.microsoft.adapter import GraphCalendar
from careerconv_plugins.microsoft.plugin import make_backend
from fakes.fake_graph import FakeGraph
from fakes.graph_invites import MAYA, START, invite

HELD = 3600.0  # a delivery held back by a wrong setting waits an hour, then is tried again


def test_a_short_retry_after_is_waited_with_jitter_and_passes(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    waits: list[float] = []
    backend.client.sleep = waits.append
    graph.fail(429, times=2, retry_after="2", match="POST /v1.0", code="TooManyRequests")
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.DELIVERED
    assert len(waits) == 2 and all(2 <= w <= 2.5 for w in waits)
    assert len(graph.events("maya@example.com")) == 1


def test_a_long_retry_after_is_left_to_the_outbox(graph: FakeGraph, backend: GraphCalendar) -> None:
    waits: list[float] = []
    backend.client.sleep = waits.append
    graph.fail(503, retry_after="120", match="GET /v1.0")
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.RETRY and outcome.retry_after == 120
    assert waits == [] and graph.writes() == []


def test_server_errors_are_tried_a_few_times_then_retried_later(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    graph.fail(502, times=5, match="GET /v1.0")
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.RETRY and "502" in outcome.reason
    assert len(graph.requests("GET")) == 3  # bounded
    [later] = backend.deliver_invites([invite()])
    assert later.status is OutcomeStatus.DELIVERED


def test_an_expired_token_is_renewed_once(graph: FakeGraph, backend: GraphCalendar) -> None:
    backend.deliver_invites([invite()])
    assert backend.client.token_requests == 1
    graph.expire_tokens()
    [outcome] = backend.deliver_invites([invite(hours=1, sequence=1)])
    assert outcome.status is OutcomeStatus.DELIVERED
    assert backend.client.token_requests == 2


def test_a_token_refused_after_renewal_names_the_secret_setting(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    graph.fail(401, times=2, match="GET /v1.0", code="InvalidAuthenticationToken")
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.RETRY and outcome.retry_after == HELD  # held, not dead
    assert "client_secret_env" in outcome.reason and "\n" not in outcome.reason


def test_a_wrong_secret_names_the_setting_and_the_fix(
    graph: FakeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREERCONV_GRAPH_SECRET", "not-the-secret")
    wrong = make_backend(graph.settings)
    assert isinstance(wrong, GraphCalendar)
    [outcome] = wrong.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.RETRY and outcome.retry_after == HELD  # held, not dead
    assert "client_secret_env" in outcome.reason and "not-the-secret" not in outcome.reason


def test_an_unknown_tenant_names_the_setting(graph: FakeGraph) -> None:
    wrong = make_backend({**graph.settings, "tenant": "nobody"})
    assert isinstance(wrong, GraphCalendar)
    [outcome] = wrong.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.RETRY and outcome.retry_after == HELD
    assert "'tenant'" in outcome.reason


@pytest.mark.parametrize(
    ("state", "said"),
    [
        ("denied", "application access policy"),
        ("no_mailbox", "no Exchange Online mailbox"),
        (None, "does not exist in tenant"),
    ],
)
def test_a_mailbox_graph_refuses_is_named_with_the_fix(
    graph: FakeGraph, backend: GraphCalendar, state: str | None, said: str
) -> None:
    if state is None:
        del graph.mailboxes["maya@example.com"]
    else:
        graph.mailboxes["maya@example.com"].state = state
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED
    assert said in outcome.reason and MAYA.email in outcome.reason
    assert graph.writes() == []


def test_a_lost_answer_to_a_create_makes_no_second_event(graph: FakeGraph, backend: GraphCalendar) -> None:
    graph.drop_next_create = True
    graph.filter_lag = 1  # and the property index has not caught up by the retry
    [lost] = backend.deliver_invites([invite()])
    assert lost.status is OutcomeStatus.RETRY
    [retried] = backend.deliver_invites([invite()])
    assert retried.status is OutcomeStatus.DELIVERED
    assert len(graph.events("maya@example.com")) == 1  # the transactionId dropped the repeat
    [again] = backend.deliver_invites([invite()])
    assert again.status is OutcomeStatus.UNCHANGED


@pytest.mark.parametrize(
    ("settings", "said"),
    [
        ({"tenant": ""}, "'tenant' is missing"),
        ({"client_id": ""}, "'client_id' is missing"),
        ({"client_secret": "x"}, "do not put the client secret"),
        ({"client_secret_env": "abc123-looks-like-a-secret"}, "<the name given>"),
        ({"authority": "http://login.example"}, "'authority' must be an https"),
        ({"schedules_per_request": "500"}, "'schedules_per_request'"),
        ({"timeout": "0"}, "'timeout'"),
    ],
)
def test_bad_settings_are_one_line_naming_the_setting(
    graph: FakeGraph, settings: dict[str, str], said: str
) -> None:
    with pytest.raises(ConfigurationError, match=said) as caught:
        make_backend({**graph.settings, **settings})
    assert "\n" not in str(caught.value)


def test_the_backend_is_registered_by_its_entry_point(graph: FakeGraph) -> None:
    from careerconv_core.hookspecs import AdapterKind
    from careerconv_core.plugins import make_plugin_manager

    host = make_plugin_manager()
    assert "microsoft" in host.adapters(AdapterKind.CALENDAR)
    built = host.create(AdapterKind.CALENDAR, "microsoft", graph.settings)
    assert isinstance(built, GraphCalendar)


def test_a_throttled_part_of_a_batch_is_sent_again_alone(graph: FakeGraph, backend: GraphCalendar) -> None:
    waits: list[float] = []
    backend.client.sleep = waits.append
    graph.fail(429, retry_after="1", match="GET /v1.0/users/maya", code="TooManyRequests")
    views = [invite(f"plan-{n}-life-story", hours=n) for n in range(3)]
    outcomes = backend.deliver_invites(views)
    assert {o.status for o in outcomes} == {OutcomeStatus.DELIVERED}
    batches = graph.requests("POST", "$batch")
    assert [len(b.body["requests"]) for b in batches] == [3, 1]  # only the throttled part again
    assert len(waits) == 1 and 1 <= waits[0] <= 1.25
    assert len(graph.events("maya@example.com")) == 3


def test_an_unset_secret_holds_back_only_this_calendar(
    graph: FakeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CAREERCONV_GRAPH_SECRET")
    built = make_backend(graph.settings)  # building does not fail: other commands still work
    assert isinstance(built, GraphCalendar)
    [outcome] = built.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.RETRY and outcome.retry_after == HELD
    assert "CAREERCONV_GRAPH_SECRET" in outcome.reason and "'client_secret_env'" in outcome.reason
    busy = built.busy([MAYA], START, START + timedelta(days=1))
    assert not busy.available and "CAREERCONV_GRAPH_SECRET" in busy.reason
    assert not built.answers(["plan-1-life-story"]).available
    assert graph.log == []  # not even a sign-in was tried


def test_a_refused_secret_is_asked_once_for_the_whole_batch(
    graph: FakeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAREERCONV_GRAPH_SECRET", "wrong")
    wrong = make_backend(graph.settings)
    assert isinstance(wrong, GraphCalendar)
    outcomes = wrong.deliver_invites([invite(f"plan-{n}-life-story") for n in range(5)])
    assert {o.status for o in outcomes} == {OutcomeStatus.RETRY}
    assert len([e for e in graph.log if e.path.endswith("/token")]) == 1


def test_a_create_that_times_out_is_retried_later_and_makes_no_second_event(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    backend.client.timeout = 0.3
    graph.slow_answers.append(("POST /v1.0/users/maya@example.com/events", 1.0))
    [timed_out] = backend.deliver_invites([invite()])
    assert timed_out.status is OutcomeStatus.RETRY and "timed out" in timed_out.reason
    backend.client.timeout = 10
    [retried] = backend.deliver_invites([invite()])
    assert retried.status in {OutcomeStatus.DELIVERED, OutcomeStatus.UNCHANGED}
    assert len(graph.events("maya@example.com")) == 1


def test_free_busy_waits_out_a_short_throttle_and_gives_up_on_a_long_one(
    graph: FakeGraph, backend: GraphCalendar
) -> None:
    graph.fail(429, retry_after="1", match="getSchedule", code="TooManyRequests")
    assert backend.busy([MAYA], START, START + timedelta(days=1)).available
    graph.fail(429, retry_after="600", match="getSchedule", code="TooManyRequests")
    report = backend.busy([MAYA], START, START + timedelta(days=1))
    assert not report.available and "429" in report.reason and "working hours" in report.reason
