"""``sync-tickets`` pushes careerconv's pending changes before it reads statuses (issue 13, item 4).

Driven as a user would: the CLI on a home whose ``careerconv.toml`` names the
fake Jira. An action closed or reopened in careerconv and still in the outbox is
newer than the ticket's status, so the pull must not set it back.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from careerconv.app import App
from careerconv_core.outbox import Channel, OutboxStatus
from fakes.fake_jira import FakeJira
from fakes.jira_spec import require_spec
from resilience.test_faults import ICS_TABLE, JIRA_ENV, LATER, cli, entries, fill, jira_table, write_home


@pytest.fixture
def jira(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeJira]:
    require_spec()
    with FakeJira("Cloud") as fake:
        fake.add_user("Rae Report", "rae@example.com", "acc-rae", "rae")
        monkeypatch.setenv(JIRA_ENV, fake.state.token)
        yield fake


def _action_status(home: Path) -> str:
    app = App.load(home)
    try:
        (plan,) = app.store.find_plans()
        assert plan.grow is not None
        return plan.grow.action("a1").status.value
    finally:
        app.close()


def _home(
    tmp_path: Path, jira: FakeJira, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = write_home(tmp_path / "home", ICS_TABLE, jira_table(jira, state_directory="jira"), attempts=5)
    fill(home)
    code, out = cli(capsys, monkeypatch, home, LATER, "dispatch")
    assert code == 0 and "jira       delivered 1" in out
    return home


def test_a_done_not_yet_delivered_is_pushed_before_the_pull_and_not_undone(
    tmp_path: Path, jira: FakeJira, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _home(tmp_path, jira, capsys, monkeypatch)
    code, _ = cli(capsys, monkeypatch, home, LATER, "action", "done", "r1:a1")
    assert code == 0  # queued in the outbox; the ticket is still To Do in Jira
    code, out = cli(capsys, monkeypatch, home, LATER, "sync-tickets")
    assert code == 0
    assert "jira: pushed careerconv's changes first: delivered 1" in out
    assert "jira: 1 ticket(s) read, 0 deleted" in out
    assert _action_status(home) == "done"
    [issue] = jira.state.issues.values()
    assert jira.state.statuses[issue["status"]][1] == "done"  # the push closed the ticket
    assert all(e.status is OutboxStatus.DELIVERED for e in entries(home, Channel.TRACKER))


def test_a_change_jira_will_not_take_yet_keeps_its_ticket_unread(
    tmp_path: Path, jira: FakeJira, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _home(tmp_path, jira, capsys, monkeypatch)
    code, _ = cli(capsys, monkeypatch, home, LATER, "action", "done", "r1:a1")
    jira.fail(429, times=1000, retry_after="900", match="/transitions")
    code, out = cli(capsys, monkeypatch, home, LATER, "sync-tickets")
    assert code == 0, out
    assert "retrying 1" in out
    assert "1 ticket(s) not read: careerconv's change to them is not delivered yet" in out
    assert "jira: 0 ticket(s) read, 0 deleted" in out
    assert _action_status(home) == "done"  # not set back to open by the ticket's To Do
    [ticket] = [e for e in entries(home, Channel.TRACKER) if e.status is OutboxStatus.PENDING]
    assert ticket.next_attempt_at >= LATER


def test_a_close_then_reopen_in_jira_is_followed_and_never_closed_again_by_careerconv(
    tmp_path: Path, jira: FakeJira, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _home(tmp_path, jira, capsys, monkeypatch)
    [key] = jira.state.issues
    jira.set_status(key, "Done")
    code, _ = cli(capsys, monkeypatch, home, LATER, "sync-tickets")
    assert code == 0 and _action_status(home) == "done"
    jira.set_status(key, "To Do")  # a person reopens it in Jira
    code, out = cli(capsys, monkeypatch, home, LATER, "sync-tickets")
    assert code == 0 and "pushed" not in out
    assert _action_status(home) == "open"
    assert jira.state.statuses[jira.state.issues[key]["status"]][0] == "To Do"
    code, out = cli(capsys, monkeypatch, home, LATER, "dispatch")
    assert jira.state.statuses[jira.state.issues[key]["status"]][0] == "To Do"


def _in_jira_at(jira: FakeJira, moment: datetime) -> None:
    jira.state.clock = lambda: moment


def test_a_done_older_than_a_reopen_in_jira_keeps_the_reopen_says_so_and_dead_letters_nothing(
    tmp_path: Path, jira: FakeJira, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _home(tmp_path, jira, capsys, monkeypatch)
    [key] = jira.state.issues
    code, _ = cli(capsys, monkeypatch, home, LATER, "action", "done", "r1:a1")  # pending
    assert code == 0
    # Meanwhile a person closes the ticket and reopens it: Jira's reopen is the later change.
    _in_jira_at(jira, LATER + timedelta(hours=1))
    jira.set_status(key, "Done")
    _in_jira_at(jira, LATER + timedelta(hours=2))
    jira.set_status(key, "To Do")
    code, out = cli(capsys, monkeypatch, home, LATER + timedelta(hours=3), "sync-tickets")
    assert code == 0, out
    assert jira.state.statuses[jira.state.issues[key]["status"]][0] == "To Do"
    said = [line for line in out.splitlines() if "kept the status open set in Jira" in line]
    assert len(said) == 1, out
    assert "later than careerconv's close" in said[0]
    assert _action_status(home) == "open"  # the read-back brought Jira's reopen into the plan
    assert not [e for e in entries(home, Channel.TRACKER) if e.status is OutboxStatus.FAILED]
    # Said once: nothing more to say on the next run.
    code, out = cli(capsys, monkeypatch, home, LATER + timedelta(hours=4), "sync-tickets")
    assert code == 0 and "kept the status" not in out


def test_a_done_later_than_a_close_and_reopen_in_jira_closes_the_ticket(
    tmp_path: Path, jira: FakeJira, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    home = _home(tmp_path, jira, capsys, monkeypatch)
    [key] = jira.state.issues
    _in_jira_at(jira, LATER + timedelta(hours=1))
    jira.set_status(key, "Done")
    _in_jira_at(jira, LATER + timedelta(hours=2))
    jira.set_status(key, "To Do")
    code, _ = cli(capsys, monkeypatch, home, LATER + timedelta(hours=3), "action", "done", "r1:a1")
    assert code == 0
    _in_jira_at(jira, LATER + timedelta(hours=4))
    code, out = cli(capsys, monkeypatch, home, LATER + timedelta(hours=4), "sync-tickets")
    assert code == 0, out
    assert jira.state.statuses[jira.state.issues[key]["status"]][0] == "Done"
    assert _action_status(home) == "done"
    assert not [e for e in entries(home, Channel.TRACKER) if e.status is OutboxStatus.FAILED]
