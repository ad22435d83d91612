"""Every command closes the store it opened, however it ends (an in-process host runs many)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from careerconv.app import App
from careerconv_core.errors import AdapterError
from support.cli import Cli, ready_home


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[App]]:
    """Every App a command loads, to look at once the command has returned."""
    apps: list[App] = []
    real = App.load.__func__  # type: ignore[attr-defined]

    def load(cls: type[App], *args: Any, **kwargs: Any) -> App:
        app: App = real(cls, *args, **kwargs)
        apps.append(app)
        return app

    monkeypatch.setattr(App, "load", classmethod(load))
    yield apps


@pytest.fixture
def home(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return ready_home(Cli(tmp_path / "home", capsys, monkeypatch), ("jonas",))


def _all_closed(apps: list[App]) -> None:
    assert apps, "the command opened no application"
    for app in apps:
        with pytest.raises(AdapterError):
            app.store.list_people()  # a closed store refuses every call


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (("status",), 0),
        (("due", "--manager", "maya"), 0),
        (("schedule", "jonas", "--start", "2027-01-05"), 0),
        (("accept", "nobody-here", "--as", "nobody-here"), 1),  # refused
        (("record", "jonas", "grow_review"), 1),  # refused by the method (M3)
    ],
)
def test_the_store_is_closed_when_the_command_returns(
    home: Cli, opened: list[App], command: tuple[str, ...], code: int
) -> None:
    cli = home
    opened.clear()
    cli(*command, code=code)
    _all_closed(opened)
