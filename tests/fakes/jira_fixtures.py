"""Pytest fixtures for the Jira tests: a running fake Jira and trackers wired to it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest

from careerconv_core.views import Participant, TicketView
from careerconv_plugins.jira.adapter import JiraTracker
from careerconv_plugins.jira.client import JiraClient, RetryPolicy
from careerconv_plugins.jira.settings import parse_settings
from fakes.fake_jira import FakeJira
from fakes.jira_spec import require_spec, violations

ANA = Participant("p-ana", "Ana Report", "ana@example.com")
MAX = Participant("p-max", "Max Manager", "max@example.com")
GHOST = Participant("p-ghost", "Nobody", "ghost@example.com")


def view(n: int, plan: str = "plan1", **changes: Any) -> TicketView:
    """A ticket view for action ``n`` of ``plan``."""
    base: dict[str, Any] = {
        "key": f"cc-{plan}-a-{n}",
        "plan_key": plan,
        "title": f"Lead the design review {n}",
        "due": date(2027, 3, 1 + n % 28),
        "owner": ANA,
        "done_when": "the team adopted the review checklist",
        "link": f"https://careers.example.com/plans/{plan}#a-{n}",
    }
    base.update(changes)
    return TicketView(**base)


class Sleeps(list[float]):
    """Records the waits a retry policy asked for, instead of waiting."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.fixture(params=["Cloud", "Server"], ids=["cloud", "datacenter"])
def fake_jira(request: pytest.FixtureRequest) -> Iterator[FakeJira]:
    """A fake Jira (Cloud, then Data Center) whose every exchange must match the spec."""
    require_spec()
    with FakeJira(request.param) as fake:
        yield fake
        problems = violations(fake.requests())
        assert not problems, "\n".join(problems[:20])


@pytest.fixture
def sleeps() -> Sleeps:
    """The waits asked for by retries in this test."""
    return Sleeps()


TrackerFactory = Callable[..., JiraTracker]


@pytest.fixture
def make_tracker(fake_jira: FakeJira, sleeps: Sleeps) -> Iterator[TrackerFactory]:
    """Build trackers against the fake; extra settings override the defaults."""
    made: list[JiraTracker] = []

    def build(**overrides: str) -> JiraTracker:
        cloud = fake_jira.state.deployment == "Cloud"
        raw = {
            "url": fake_jira.url,
            "project": "CAREER",
            "issue_type": "Task",
            "deployment": "cloud" if cloud else "datacenter",
            "email": "bot@example.com",
            "token_env": "CC_TEST_JIRA_TOKEN",
            "timeout": "2",
        }
        raw.update(overrides)
        env = {"CC_TEST_JIRA_TOKEN": fake_jira.state.token}
        settings = parse_settings(raw, env)
        retry = RetryPolicy(
            max_attempts=settings.max_attempts,
            max_wait=settings.max_retry_wait,
            sleep=sleeps,
            jitter=lambda: 0.75,
        )
        tracker = JiraTracker(settings, JiraClient(settings, retry))
        made.append(tracker)
        return tracker

    yield build
    for tracker in made:
        tracker.close()
