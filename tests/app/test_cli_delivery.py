"""The CLI's delivery: dispatch, status and retry, adapters side by side, the clock they stamp with."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from support.cli import Cli
from support.example_team import example_home, ready_team, record_jonas


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return example_home(tmp_path, capsys, monkeypatch)


def test_dispatch_status_and_retry(cli: Cli) -> None:
    ready_team(cli)
    cli("schedule", "jonas", "--start", "2027-01-05")
    assert "pending" in cli("status")
    invites = cli.home / "invites"
    blocked = invites / "people"
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("")  # a file where a folder goes: no write there passes, even as root
    assert "retrying" in cli("dispatch")
    blocked.unlink()
    assert "queued again" in cli("retry")
    cli.now("2027-01-05T08:00:00+00:00")
    cli("dispatch")
    assert "0 pending, 0 failed" in cli("status")
    assert list((invites).rglob("*.ics"))


def test_mail_date_and_ics_dtstamp_come_from_the_application_clock(cli: Cli) -> None:
    cli("propose", "jonas")
    cli("accept", "jonas")
    cli("ready", "jonas")
    cli("schedule", "jonas", "--start", "2027-01-05")
    cli.now("2027-01-04T09:30:00+00:00")  # $CAREERCONV_NOW, not the wall clock
    cli("dispatch")
    stamps = {
        line
        for path in (cli.home / "invites").rglob("*.ics")
        for line in path.read_text().splitlines()
        if line.startswith("DTSTAMP")
    }
    assert stamps == {"DTSTAMP:20270104T093000Z"}
    dates = {
        line
        for path in (cli.home / "mail").glob("*.eml")
        for line in path.read_text().splitlines()
        if line.startswith("Date:")
    }
    assert dates == {"Date: Mon, 04 Jan 2027 09:30:00 +0000"}


def test_retry_of_an_unknown_or_pending_entry_is_refused_and_queues_nothing(cli: Cli) -> None:
    ready_team(cli)
    cli("schedule", "jonas", "--start", "2027-01-05")
    lines = cli("status").splitlines()
    pending = next(line.split()[1] for line in lines if line.strip().startswith("pending"))
    out = cli("retry", "nope", pending, code=1)
    assert "no outbox entry 'nope'" in out and f"{pending!r} is pending, not failed" in out
    assert "careerconv status" in out and "queued again" not in out
    assert "Traceback" not in out


def test_a_dispatch_limit_below_one_is_refused_by_the_library_too() -> None:
    import careerconv
    from careerconv_core.errors import InvalidInput
    from careerconv_core.testing import InMemoryStore

    app = careerconv.connect(InMemoryStore(), clock=lambda: datetime(2027, 1, 4, 9, tzinfo=UTC))
    try:
        for bad in (0, -3, True, "5", 2.5):
            with pytest.raises(InvalidInput, match="limit"):
                app.dispatch(bad)  # type: ignore[arg-type]
        assert app.dispatch(1).claimed == 0
    finally:
        app.close()


def _second_ics_calendar(cli: Cli, name_lines: tuple[str, str]) -> None:
    config = cli.home / "careerconv.toml"
    text = config.read_text().replace(
        '[[calendar]]\nadapter = "ics"\n', f'[[calendar]]\nadapter = "ics"\n{name_lines[0]}'
    )
    text += f'\n[[calendar]]\nadapter = "ics"\n{name_lines[1]}settings = {{ directory = "invites-2" }}\n'
    config.write_text(text)


def test_two_adapters_of_one_name_in_a_table_are_refused_with_the_fix(cli: Cli) -> None:
    _second_ics_calendar(cli, ("", ""))
    out = cli("status", code=1)
    assert "a second adapter named 'ics' in [[calendar]]" in out and 'name = "ics-2"' in out
    assert "[[calendar]] #1" in out
    check = cli("config", "check", code=1)
    assert "a second adapter named 'ics'" in check


def test_each_named_adapter_keeps_its_own_outcome_so_one_failure_stays_visible(cli: Cli) -> None:
    _second_ics_calendar(cli, ('name = "team"\n', 'name = "backup"\n'))
    ready_team(cli)
    cli("schedule", "jonas", "--start", "2027-01-05")
    invites = cli.home / "invites"
    blocker = invites / "invites"
    invites.mkdir(exist_ok=True)
    blocker.write_text("a file where the adapter's folder goes")  # fails for root too
    out = cli("dispatch")
    assert "backup     delivered 3" in out and "team       delivered 0" in out
    status = cli("status")
    assert "0 pending, 0 failed" not in status  # the first folder's failure is not hidden
    blocker.unlink()
    cli("retry")
    cli.now("2027-01-05T08:00:00+00:00")
    again = cli("dispatch")
    assert "team       delivered 3" in again and "backup     delivered 0" in again  # not asked twice
    assert "0 pending, 0 failed" in cli("status")
    assert len(list(invites.rglob("invites/*.ics"))) == 3
    assert len(list((cli.home / "invites-2").rglob("invites/*.ics"))) == 3


def test_a_deleted_ticket_is_told_with_the_resync_command_that_brings_it_back(cli: Cli) -> None:
    record_jonas(cli)
    cli("dispatch")
    (ticket,) = [p for p in (cli.home / "tickets").glob("*.json") if "mentor" in p.name]
    ticket.unlink()
    out = cli("sync-tickets")
    assert "1 deleted" in out and "run 'careerconv action resync jonas:mentor' to create it again" in out
    cli("action", "resync", "jonas:mentor", "--as", "jonas")
    cli("dispatch")
    assert ticket.exists()
