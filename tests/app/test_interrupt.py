"""Ctrl-C in the middle of a command: what was committed is said, nothing is half-done."""

from __future__ import annotations

import os
import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from careerconv_core.services.conversations import ConversationSteps
from support.cli import Cli, ready_home

TEAM = ("aylin", "emil", "jonas", "lukas", "priya")


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    runner = ready_home(Cli(tmp_path / "home", capsys, monkeypatch), TEAM)
    yield runner


def interrupt_after(monkeypatch: pytest.MonkeyPatch, placements: int) -> None:
    """A real SIGINT to this process right after the given number of committed placements."""
    real = ConversationSteps.place_conversations
    done = []

    def placing(self: ConversationSteps, *args: Any, **kwargs: Any) -> Any:
        report = real(self, *args, **kwargs)
        done.append(report)
        if len(done) == placements:
            os.kill(os.getpid(), signal.SIGINT)  # Python raises KeyboardInterrupt here
        return report

    monkeypatch.setattr(ConversationSteps, "place_conversations", placing)


def test_ctrl_c_during_a_team_schedule_names_the_reports_it_committed(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = ConversationSteps.place_conversations
    interrupt_after(monkeypatch, 3)
    out = cli("schedule", "--team", "maya", "--start", "2027-01-05", code=130)
    assert (
        "interrupted after placing 3 report(s), committed with their invites queued: aylin, emil, jonas"
        in out
    )
    assert "Run 'careerconv schedule --team maya' again to place the rest" in out
    assert "nothing was committed" not in out and "Traceback" not in out
    monkeypatch.setattr(ConversationSteps, "place_conversations", real)
    again = cli("schedule", "--team", "maya", "--start", "2027-01-05")
    assert "lukas:" in again and "priya:" in again and "jonas: not ready: already scheduled" in again


def test_ctrl_c_before_any_placement_says_nothing_was_committed(
    cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*_args: Any, **_kwargs: Any) -> Any:
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(ConversationSteps, "place_conversations", interrupted)
    out = cli("schedule", "jonas", "--start", "2027-01-05", code=130)
    assert "interrupted before any report was placed; nothing was committed" in out
