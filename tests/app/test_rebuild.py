"""``careerconv rebuild``: the files an adapter owns, written again from the store."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from support.cli import Cli, ready_home

TEAM = ("jonas", "aylin", "priya")


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    runner = ready_home(Cli(tmp_path / "home", capsys, monkeypatch), TEAM)
    runner("schedule", "--team", "maya", "--start", "2027-01-05")
    runner("dispatch")
    runner("reschedule", "jonas", "grow_review", "--to", "2027-02-10T14:00", "--as", "maya")
    runner("dispatch")  # the moved invite is a second entry of its key: the later one counts
    yield runner


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.ics"))}


def test_a_deleted_invites_folder_is_rebuilt_as_it_was(cli: Cli) -> None:
    ics = cli.home / "invites"
    before = snapshot(ics)
    assert any(name.startswith("people/") for name in before) and len(before) > 9
    shutil.rmtree(ics)
    out = cli("rebuild")
    assert snapshot(ics) == before  # every invite and every person's file, byte for byte
    assert "ics" in out and "file(s) restored or corrected" in out
    assert "tickets" not in out or "left as it is" in out
    assert "left as it is" in out  # the mail notifier is not asked to send again
    again = cli("rebuild")
    assert "0 file(s) restored or corrected" in again
    assert "nothing to deliver" in cli("dispatch")  # the outbox was not touched


def test_a_damaged_persons_file_is_corrected_and_others_are_kept(cli: Cli) -> None:
    people = cli.home / "invites" / "people"
    maya = (people / "maya.ics").read_bytes()
    (people / "maya.ics").write_text("not a calendar")
    cli("rebuild", "--adapter", "ics")
    assert (people / "maya.ics").read_bytes() == maya


def test_an_unknown_adapter_is_named_with_the_configured_ones(cli: Cli) -> None:
    out = cli("rebuild", "--adapter", "icss", code=1)
    assert "no adapter named 'icss'" in out and "configured: ics" in out


def test_a_folder_that_cannot_be_written_is_reported_and_the_rest_rebuilt(cli: Cli) -> None:
    ics = cli.home / "invites"
    shutil.rmtree(ics)
    ics.mkdir()
    (ics / "people").write_text("a file where the people's folder goes")
    out = cli("rebuild", code=1)
    assert "failed:" in out and "could not be written back" in out and "Traceback" not in out
    assert len(list((ics / "invites").glob("*.ics"))) > 0  # the invites were written
