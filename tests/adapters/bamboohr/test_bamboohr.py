"""BambooHR source and summary writer against the stateful fake in tests/fakes."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import date

import pytest

from careerconv_core.domain.org import ManagerChange, OrgInvalid, apply_snapshot, diff_org
from careerconv_core.errors import AdapterError, ConfigurationError, InvalidInput
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.plugins import make_plugin_manager
from careerconv_core.ports import HrisRecordWriter, HrisSource, OutcomeStatus
from careerconv_core.views import HrisSummaryView
from careerconv_plugins.bamboohr.client import BambooHrClient
from careerconv_plugins.bamboohr.hris_source_adapter import BambooHrSource
from careerconv_plugins.bamboohr.hris_writer_adapter import BambooHrSummaryWriter
from careerconv_plugins.bamboohr.mapping import file_name, render_summary
from fakes.fake_bamboohr import (
    API_KEY,
    CATEGORY_ID,
    COMPANY,
    NO_ACCESS_KEY,
    READ_ONLY_KEY,
    Employee,
    FakeBambooHr,
    serve,
)

ORG = [
    ("101", "Helena", "Brandt", None),
    ("102", "Maya", "Okafor", "101"),
    ("103", "Daniel", "Reyes", "101"),
    ("104", "Jonas", "Weber", "102"),
    ("105", "Priya", "Natarajan", "102"),
    ("106", "Hannah", "Kim", "102"),
]


@pytest.fixture
def fake() -> FakeBambooHr:
    state = FakeBambooHr()
    for pid, first, last, boss in ORG:
        state.add(Employee(pid, first, last, f"{first.lower()}@example.com", boss))
    return state


@pytest.fixture
def base_url(fake: FakeBambooHr) -> Iterator[str]:
    with serve(fake) as url:
        yield url


_clients: list[BambooHrClient] = []


@pytest.fixture(autouse=True)
def _close_clients() -> Iterator[None]:
    yield
    while _clients:
        _clients.pop().close()


def client(base_url: str, key: str = API_KEY) -> BambooHrClient:
    made = BambooHrClient(base_url, COMPANY, key, key_env="TEST_BAMBOO_KEY", timeout=5)
    _clients.append(made)
    return made


def summary(person: str = "106", goal: str | None = "Staff engineer in five years") -> HrisSummaryView:
    return HrisSummaryView(
        external_id=f"careerconv:plan:{person}",
        person_id=person,
        goal=goal,
        focus_competencies=("System design", "Mentoring"),
        plan_started=date(2026, 2, 2),
        last_updated=date(2026, 3, 1),
        next_review=date(2026, 6, 1),
    )


# --- source --------------------------------------------------------------


def test_full_read_joins_directory_and_reporting_to(fake: FakeBambooHr, base_url: str) -> None:
    fake.terminate("105")
    source = BambooHrSource(client(base_url), time_zone="Europe/Berlin")
    snapshot = source.read_people()
    by_id = {p.id: p for p in snapshot.people}
    assert set(by_id) == {"101", "102", "103", "104", "106"}
    assert by_id["106"].manager_id == "102"
    assert by_id["106"].name == "Hannah Kim"
    assert by_id["106"].email == "hannah@example.com"
    assert by_id["106"].time_zone == "Europe/Berlin"
    assert snapshot.removed == ("105",)
    assert snapshot.cursor == "2026-03-02T09:00:07+00:00"  # the server's Date header
    assert source.client.requests_sent == 2


def test_poll_returns_the_manager_change_only(fake: FakeBambooHr, base_url: str) -> None:
    source = BambooHrSource(client(base_url))
    first = source.read_people()
    assert first.cursor is not None
    fake.set_supervisor("106", "103")
    poll = source.read_people(first.cursor)
    assert [p.id for p in poll.people] == ["106"]
    merged = apply_snapshot(first.people, poll.people, poll.removed)
    assert diff_org(first.people, merged).manager_changes == (ManagerChange("106", "102", "103"),)
    sent = source.client.requests_sent
    assert poll.cursor is not None
    quiet = source.read_people(poll.cursor)
    assert (quiet.people, quiet.removed) == ((), ())
    assert source.client.requests_sent - sent == 1


def test_poll_reports_deleted_and_terminated_people(fake: FakeBambooHr, base_url: str) -> None:
    source = BambooHrSource(client(base_url))
    first = source.read_people()
    assert first.cursor is not None
    fake.delete("104")
    fake.terminate("105")
    poll = source.read_people(first.cursor)
    assert poll.removed == ("104", "105")
    assert poll.people == ()


def test_reporting_to_nobody_is_refused(fake: FakeBambooHr, base_url: str) -> None:
    fake.set_supervisor("104", "999")
    with pytest.raises(OrgInvalid) as caught:
        BambooHrSource(client(base_url)).read_people()
    assert caught.value.field == "BambooHR employee 104: manager"


def test_reporting_cycle_is_refused(fake: FakeBambooHr, base_url: str) -> None:
    fake.set_supervisor("101", "106")
    with pytest.raises(OrgInvalid, match="reporting cycle"):
        BambooHrSource(client(base_url)).read_people()


def test_missing_work_email_is_named(fake: FakeBambooHr, base_url: str) -> None:
    fake.employees["105"].work_email = ""
    with pytest.raises(OrgInvalid) as caught:
        BambooHrSource(client(base_url)).read_people()
    assert caught.value.field == "BambooHR employee 105: workEmail"


def test_an_empty_directory_is_refused(fake: FakeBambooHr, base_url: str) -> None:
    fake.employees.clear()
    with pytest.raises(AdapterError, match="no active employees"):
        BambooHrSource(client(base_url)).read_people()


def test_bad_cursor_sends_nothing(base_url: str) -> None:
    source = BambooHrSource(client(base_url))
    with pytest.raises(InvalidInput):
        source.read_people("2026-01-01&since=1970")
    assert source.client.requests_sent == 0


def test_key_without_access_is_a_clear_error(base_url: str, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    with pytest.raises(AdapterError) as caught:
        BambooHrSource(client(base_url, NO_ACCESS_KEY)).read_people()
    assert "HTTP 403" in str(caught.value)
    assert "$TEST_BAMBOO_KEY" in str(caught.value)
    assert NO_ACCESS_KEY not in str(caught.value) + caplog.text
    with pytest.raises(AdapterError, match="HTTP 401"):
        BambooHrSource(client(base_url, "not-a-key")).read_people()


def test_unavailable_is_retryable_with_retry_after(fake: FakeBambooHr, base_url: str) -> None:
    fake.fail_next(503, "12")
    with pytest.raises(AdapterError) as caught:
        BambooHrSource(client(base_url)).read_people()
    assert (caught.value.retryable, caught.value.retry_after) == (True, 12.0)
    assert "planted failure" not in str(caught.value)


# --- writer --------------------------------------------------------------


def test_summary_is_uploaded_once_and_replaced_when_it_changes(fake: FakeBambooHr, base_url: str) -> None:
    writer = BambooHrSummaryWriter(client(base_url), str(CATEGORY_ID))
    (outcome,) = writer.deliver_summaries([summary()])
    assert outcome.status is OutcomeStatus.DELIVERED
    (stored,) = fake.summary_files("106")
    assert outcome.reference == stored.id
    assert stored.content == render_summary(summary())
    assert b"Goal: Staff engineer in five years" in stored.content
    assert b"Focus competencies: System design, Mentoring" in stored.content
    assert stored.share == "yes"

    posts = sum(1 for method, _ in fake.requests if method == "POST")
    (again,) = writer.deliver_summaries([summary()])
    assert again.status is OutcomeStatus.UNCHANGED
    assert sum(1 for method, _ in fake.requests if method == "POST") == posts
    assert len(fake.summary_files("106")) == 1

    (changed,) = writer.deliver_summaries([summary(goal="Engineering manager")])
    assert changed.status is OutcomeStatus.DELIVERED
    (replaced,) = fake.summary_files("106")
    assert replaced.id != stored.id
    assert b"Engineering manager" in replaced.content


def test_goal_not_shared_stays_out_of_the_file(fake: FakeBambooHr, base_url: str) -> None:
    writer = BambooHrSummaryWriter(client(base_url), str(CATEGORY_ID))
    writer.deliver_summaries([summary(goal=None)])
    (stored,) = fake.summary_files("106")
    assert b"Goal: (not shared)" in stored.content
    assert b"Staff engineer" not in b"".join(fake.bodies)


def test_each_summary_gets_its_own_outcome(fake: FakeBambooHr, base_url: str) -> None:
    fake.delete("104")  # left the company mid-handoff
    writer = BambooHrSummaryWriter(client(base_url), str(CATEGORY_ID))
    gone, kept = writer.deliver_summaries([summary("104"), summary("105")])
    assert (gone.key, gone.status) == ("careerconv:plan:104", OutcomeStatus.FAILED)
    assert "HTTP 404" in gone.reason
    assert kept.status is OutcomeStatus.DELIVERED
    assert fake.summary_files("104") == []


def test_refusals_become_outcomes_without_secrets(fake: FakeBambooHr, base_url: str) -> None:
    writer = BambooHrSummaryWriter(client(base_url, READ_ONLY_KEY), str(CATEGORY_ID))
    (refused,) = writer.deliver_summaries([summary()])
    assert refused.status is OutcomeStatus.FAILED
    assert "HTTP 403" in refused.reason
    assert READ_ONLY_KEY not in refused.reason
    fake.fail_next(429, "30")
    (later,) = BambooHrSummaryWriter(client(base_url), str(CATEGORY_ID)).deliver_summaries([summary()])
    assert (later.status, later.retry_after) == (OutcomeStatus.RETRY, 30.0)


# --- plugin --------------------------------------------------------------


def test_plugin_builds_source_and_writer(
    base_url: str, monkeypatch: pytest.MonkeyPatch, fake: FakeBambooHr
) -> None:
    monkeypatch.setenv("ACME_BAMBOO_KEY", API_KEY)
    host = make_plugin_manager()
    common = {"company": COMPANY, "base_url": base_url, "api_key_env": "ACME_BAMBOO_KEY"}
    source = host.create(AdapterKind.HRIS_SOURCE, "bamboohr", common)
    _clients.append(source.client)
    assert isinstance(source, HrisSource)
    assert len(source.read_people().people) == len(ORG)
    writer = host.create(AdapterKind.HRIS_WRITER, "bamboohr", {**common, "file_category": str(CATEGORY_ID)})
    _clients.append(writer.client)
    assert isinstance(writer, HrisRecordWriter)
    assert writer.deliver_summaries([summary()])[0].ok
    with pytest.raises(ConfigurationError, match="file_category"):
        host.create(AdapterKind.HRIS_WRITER, "bamboohr", common)
    with pytest.raises(ConfigurationError, match="time_zone"):
        host.create(AdapterKind.HRIS_SOURCE, "bamboohr", {**common, "time_zone": "Berlin"})
    with pytest.raises(ConfigurationError, match="https"):
        host.create(AdapterKind.HRIS_SOURCE, "bamboohr", {**common, "base_url": "http://example.com"})
    monkeypatch.delenv("ACME_BAMBOO_KEY")
    with pytest.raises(ConfigurationError, match="ACME_BAMBOO_KEY") as caught:
        host.create(AdapterKind.HRIS_SOURCE, "bamboohr", common)
    assert API_KEY not in str(caught.value)


def test_summary_file_golden() -> None:
    assert render_summary(summary()).decode() == (
        "Career plan summary\n"
        "(what the employee agreed to share with HR)\n"
        "\n"
        "Goal: Staff engineer in five years\n"
        "Focus competencies: System design, Mentoring\n"
        "Plan started: 2026-02-02\n"
        "Last updated: 2026-03-01\n"
        "Next review: 2026-06-01\n"
        "Reference: careerconv:plan:106\n"
    )
    assert file_name(summary(), render_summary(summary())).startswith("careerconv-plan-careerconv_plan_106-")
