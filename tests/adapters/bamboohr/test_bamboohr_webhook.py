"""The BambooHR webhook WSGI app, served over real HTTP, with signed deliveries."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator, Sequence

import pytest
import requests

from careerconv_core.errors import ConfigurationError
from careerconv_plugins.bamboohr.mapping import EmployeeEvent
from careerconv_plugins.bamboohr.plugin import make_webhook_app
from careerconv_plugins.bamboohr.webhook import BambooHrWebhookApp, MemoryReplayStore
from fakes.fake_bamboohr import event_payload, field_payload, serve, signed_delivery

SECRET = "whsec-test-9d2e7c"  # a test-only secret, planted to check it never leaks
NOW = 1_772_442_000.0  # 2026-03-02T09:00:00Z


class Received(list[Sequence[EmployeeEvent]]):
    """What the app handed to its callback."""

    def __call__(self, events: Sequence[EmployeeEvent]) -> None:
        self.append(events)


@pytest.fixture
def received() -> Received:
    return Received()


@pytest.fixture
def clock() -> list[float]:
    return [NOW]


@pytest.fixture
def app(received: Received, clock: list[float]) -> BambooHrWebhookApp:
    return BambooHrWebhookApp(SECRET.encode(), received, window=300, clock=lambda: clock[0])


@pytest.fixture
def url(app: BambooHrWebhookApp) -> Iterator[str]:
    with serve(app) as base:
        yield base + "/hooks/bamboohr"


def post(url: str, body: bytes, headers: dict[str, str]) -> requests.Response:
    with requests.Session() as session:
        return session.post(url, data=body, headers=headers, timeout=5)


def test_good_signature_calls_back_with_the_employee(url: str, received: Received) -> None:
    body, headers = signed_delivery(SECRET, event_payload("106"), str(int(NOW)))
    response = post(url, body, headers)
    assert response.status_code == 204
    assert received == [[EmployeeEvent("106", "updated", ("supervisorEId",))]]


def test_field_based_payload_lists_every_employee(url: str, received: Received) -> None:
    body, headers = signed_delivery(SECRET, field_payload("104", "105"), str(int(NOW)))
    assert post(url, body, headers).status_code == 204
    assert [e.employee_id for e in received[0]] == ["104", "105"]


def test_iso_timestamp_header_is_accepted(url: str, received: Received) -> None:
    body, headers = signed_delivery(SECRET, event_payload("101"), "2026-03-02T09:01:00+00:00")
    assert post(url, body, headers).status_code == 204
    assert received


@pytest.mark.parametrize(
    "tamper",
    ["bad signature", "missing signature", "missing timestamp", "changed body", "other secret"],
)
def test_bad_or_missing_signature_is_401_with_no_detail(
    url: str, received: Received, tamper: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    body, headers = signed_delivery(SECRET, event_payload("106"), str(int(NOW)))
    if tamper == "bad signature":
        headers["X-BambooHR-Signature"] = "0" * 64
    elif tamper == "missing signature":
        del headers["X-BambooHR-Signature"]
    elif tamper == "missing timestamp":
        del headers["X-BambooHR-Timestamp"]
    elif tamper == "changed body":
        body = body.replace(b"106", b"101")
    else:
        body, headers = signed_delivery("guessed-secret", event_payload("106"), str(int(NOW)))
    response = post(url, body, headers)
    assert response.status_code == 401
    assert response.content == b""
    assert received == []
    assert "refused" in caplog.text
    assert SECRET not in caplog.text
    assert headers.get("X-BambooHR-Signature", "-") not in caplog.text


def test_replayed_delivery_is_refused(url: str, received: Received) -> None:
    body, headers = signed_delivery(SECRET, event_payload("106"), str(int(NOW)))
    assert post(url, body, headers).status_code == 204
    replay = post(url, body, headers)
    assert replay.status_code == 400
    assert replay.content == b""
    assert len(received) == 1


@pytest.mark.parametrize("offset", [-301, 301, -86_400])
def test_timestamp_outside_the_window_is_refused(url: str, received: Received, offset: int) -> None:
    body, headers = signed_delivery(SECRET, event_payload("106"), str(int(NOW) + offset))
    assert post(url, body, headers).status_code == 400
    assert received == []


def test_signed_garbage_and_wrong_method_are_refused(url: str, received: Received) -> None:
    stamp = str(int(NOW))
    for payload in ({"hello": "world"}, [1, 2], {"type": "employee.updated", "data": {}}):
        body, headers = signed_delivery(SECRET, payload, stamp)
        assert post(url, body, headers).status_code == 400
    with requests.Session() as session:
        assert session.get(url, timeout=5).status_code == 405
    assert received == []


def test_failing_callback_is_500_and_logged_without_payload(
    clock: list[float], caplog: pytest.LogCaptureFixture
) -> None:
    def explode(events: Sequence[EmployeeEvent]) -> None:
        raise RuntimeError("employee 106 private detail")

    app = BambooHrWebhookApp(SECRET.encode(), explode, clock=lambda: clock[0])
    body, headers = signed_delivery(SECRET, event_payload("106"), str(int(NOW)))
    with serve(app) as base:
        assert post(base, body, headers).status_code == 500
    assert "RuntimeError" in caplog.text
    assert "private detail" not in caplog.text


def test_replay_store_admits_one_of_two_concurrent_deliveries() -> None:
    store = MemoryReplayStore()
    results: list[bool] = []
    barrier = threading.Barrier(8)

    def deliver() -> None:
        barrier.wait()
        results.append(store.first_time("sig", NOW, 600))

    threads = [threading.Thread(target=deliver) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 7 + [True]
    assert store.first_time("sig", NOW + 601, 600)  # forgotten after the TTL


def test_app_from_settings_reads_the_secret_from_the_environment(
    monkeypatch: pytest.MonkeyPatch, received: Received
) -> None:
    monkeypatch.delenv("CAREERCONV_BAMBOOHR_WEBHOOK_SECRET", raising=False)
    with pytest.raises(ConfigurationError, match="CAREERCONV_BAMBOOHR_WEBHOOK_SECRET"):
        make_webhook_app({}, received)
    monkeypatch.setenv("HOOK_SECRET", SECRET)
    app = make_webhook_app({"webhook_secret_env": "HOOK_SECRET"}, received)
    assert SECRET not in repr(app)
    with pytest.raises(ConfigurationError, match="webhook_window"):
        make_webhook_app({"webhook_secret_env": "HOOK_SECRET", "webhook_window": "0"}, received)
