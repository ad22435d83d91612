"""Fixtures for the Google Calendar tests: a running fake and backends built from settings."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from careerconv_plugins.google.adapter import GoogleCalendar
from careerconv_plugins.google.auth import SCOPES
from careerconv_plugins.google.plugin import make_backend
from fakes.fake_google import FakeGoogle, running

USERS = {"mara@example.com", "ravi@example.com", "maya@example.com", "rae@example.com", "sam@example.com"}
SA = "careers@careers-test.iam.gserviceaccount.com"


@pytest.fixture
def fake() -> Iterator[FakeGoogle]:
    """A fake Google whose every exchange must fit the discovery document."""
    with running() as google:
        google.state.users |= USERS
        google.state.granted_scopes |= set(SCOPES)
        yield google


class Sleeps(list[float]):
    """Records the waits the client asked for instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


Build = Callable[..., GoogleCalendar]


@pytest.fixture
def sleeps() -> Sleeps:
    """The retry waits of this test."""
    return Sleeps()


@pytest.fixture
def key(fake: FakeGoogle) -> dict[str, Any]:
    """A service account key made for this test (a fresh RSA key)."""
    return fake.add_service_account(SA)


@pytest.fixture
def build(fake: FakeGoogle, key: dict[str, Any], sleeps: Sleeps) -> Iterator[Build]:
    """Backends from settings, with the service account key in an environment variable."""
    made: list[GoogleCalendar] = []

    def make(credentials: dict[str, Any] | None = None, **settings: str) -> GoogleCalendar:
        raw = {
            "credentials_env": "CC_TEST_GOOGLE",
            "api_url": fake.api_url,
            "token_uri": fake.token_uri,
            "timeout": "5",
            **settings,
        }
        env = {"CC_TEST_GOOGLE": json.dumps(credentials or key)}
        backend = make_backend(raw, environ=env)
        assert isinstance(backend, GoogleCalendar)
        backend.client.sleep = sleeps
        backend.client.jitter = lambda: 0.5
        made.append(backend)
        return backend

    yield make
    for backend in made:
        backend.close()
