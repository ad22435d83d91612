"""A signed BambooHR webhook starts the consent-first handoff (M12), end to end.

The fake BambooHR (tests/fakes/fake_bamboohr.py) serves the API; the
project's WSGI webhook receiver is served on 127.0.0.1 with the on_change
callback the HRIS docs show (App.sync_org); careerconv is driven by its CLI.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from email import message_from_bytes
from pathlib import Path

import pytest
import requests

from careerconv.app import App
from careerconv_plugins.bamboohr.mapping import EmployeeEvent
from careerconv_plugins.bamboohr.plugin import make_webhook_app
from fakes.fake_bamboohr import (
    API_KEY,
    COMPANY,
    Employee,
    FakeBambooHr,
    event_payload,
    serve,
    signed_delivery,
)
from support.cli import Cli

KEY_ENV, SECRET_ENV, SECRET = "TEST_BHR_KEY", "TEST_BHR_HOOK_SECRET", "hook-secret-for-tests"


@pytest.fixture
def bamboo() -> Iterator[tuple[FakeBambooHr, str]]:
    fake = FakeBambooHr()
    fake.add(Employee("1", "Helena", "Brandt", "helena@example.com"))
    fake.add(Employee("2", "Maya", "Okafor", "maya@example.com", "1"))
    fake.add(Employee("3", "Daniel", "Reyes", "daniel@example.com", "1"))
    fake.add(Employee("4", "Jonas", "Weber", "jonas@example.com", "2"))
    with serve(fake) as url:
        yield fake, url


def test_a_signed_webhook_starts_the_handoff_and_a_forged_one_does_nothing(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    bamboo: tuple[FakeBambooHr, str],
) -> None:
    fake, url = bamboo
    monkeypatch.setenv(KEY_ENV, API_KEY)
    monkeypatch.setenv(SECRET_ENV, SECRET)
    cli = Cli(tmp_path / "home", capsys, monkeypatch)
    cli("init")
    config = cli.home / "careerconv.toml"
    config.write_text(
        config.read_text().replace(
            '[hris_source]\nadapter = "orgfile"',
            f'[hris_source]\nadapter = "bamboohr"\n'
            f'settings = {{ base_url = "{url}", company = "{COMPANY}", api_key_env = "{KEY_ENV}", '
            f'time_zone = "Europe/Berlin" }}',
        )
    )
    assert "4 added" in cli("org", "sync")
    cli("propose", "4")
    cli("accept", "4", "--as", "4")
    cli("ready", "4", "--as", "2")
    cli("schedule", "4", "--start", "2027-01-05")

    seen: list[Sequence[EmployeeEvent]] = []

    def on_change(events: Sequence[EmployeeEvent]) -> None:
        seen.append(events)
        app = App.load(cli.home)
        try:
            app.sync_org()
        finally:
            app.close()

    receiver = make_webhook_app({"webhook_secret_env": SECRET_ENV}, on_change)
    fake.set_supervisor("4", "3")
    with serve(receiver) as hook:
        body, headers = signed_delivery("not-the-secret", event_payload("4"), str(int(time.time())))
        assert requests.post(hook, data=body, headers=headers, timeout=10).status_code == 401
        assert seen == []
        assert "no manager change" in cli("handoff", "status", "4")
        body, headers = signed_delivery(SECRET, event_payload("4"), str(int(time.time())))
        assert requests.post(hook, data=body, headers=headers, timeout=10).status_code == 204
        assert requests.post(hook, data=body, headers=headers, timeout=10).status_code == 400  # replay
    assert [e.employee_id for batch in seen for e in batch] == ["4"]
    assert "consent_asked (2 -> 3)" in cli("handoff", "status", "4")
    cli("dispatch")
    consent = [message_from_bytes(p.read_bytes()) for p in (cli.home / "mail").glob("*consent_request*.eml")]
    assert len(consent) == 1
    assert "jonas@example.com" in str(consent[0]["To"])
    assert "May your career plan go to your new manager?" in str(consent[0]["Subject"])
    # Nothing reaches the new manager before the report says yes.
    assert not any("daniel@example.com" in p.read_text() for p in (cli.home / "mail").glob("*.eml"))
