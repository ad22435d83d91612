"""The HR record follows the report's consent (section 4 of the design), end to end.

The report shares a summary with HR, with their goal, then takes the goal
back, then the whole summary: each step reaches the HR system, on the
embedded file writer and on BambooHR (the stateful fake in tests/fakes).
Later check-ins move ``last_updated`` on, never before ``plan_started``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from fakes.fake_bamboohr import API_KEY, CATEGORY_ID, COMPANY, Employee, FakeBambooHr, serve
from support.cli import Cli
from tests_support_paths import EXAMPLES

KEY_ENV = "TEST_BHR_WRITER_KEY"
Record = Callable[[], str | None]  # the HR record as text, or None when there is none


def to_conversation_3(cli: Cli) -> None:
    records = EXAMPLES / "records"
    cli("org", "import", str(EXAMPLES / "org.toml"))
    cli("propose", "jonas")
    cli("accept", "jonas", "--as", "jonas")
    cli("ready", "jonas")
    cli("schedule", "jonas", "--start", "2027-01-05")
    cli.now("2027-01-20T08:00:00+00:00")
    cli("record", "jonas", "life_story", "--file", str(records / "jonas-life-story.toml"))
    cli("record", "jonas", "pinnacle", "--file", str(records / "jonas-pinnacle-manager.toml"))
    report = str(records / "jonas-pinnacle-report.toml")
    cli("record", "jonas", "pinnacle", "--file", report, "--as", "jonas")
    cli("record", "jonas", "grow", "--file", str(records / "jonas-grow.toml"), "--as", "jonas")
    cli.now("2027-01-25T08:00:00+00:00")
    cli("record", "jonas", "grow_review")


@pytest.fixture
def bamboo() -> Iterator[tuple[FakeBambooHr, str]]:
    fake = FakeBambooHr()
    fake.add(Employee("jonas", "Jonas", "Weber", "jonas@example.com"))
    with serve(fake) as url:
        yield fake, url


@pytest.fixture(params=["files", "bamboohr"])
def hr(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> tuple[Cli, Record]:
    cli = Cli(tmp_path / "home", capsys, monkeypatch)
    cli("init")
    if request.param == "files":
        folder = cli.home / "hris"

        def record() -> str | None:
            found = sorted(folder.glob("*.json")) if folder.is_dir() else []
            assert len(found) <= 1
            return found[0].read_text() if found else None

        return cli, record
    fake, url = request.getfixturevalue("bamboo")
    monkeypatch.setenv(KEY_ENV, API_KEY)
    config = cli.home / "careerconv.toml"
    config.write_text(
        config.read_text().replace(
            '[[hris_writer]]\nadapter = "files"\nsettings = { directory = "hris" }',
            f'[[hris_writer]]\nadapter = "bamboohr"\nsettings = {{ base_url = "{url}", company = '
            f'"{COMPANY}", api_key_env = "{KEY_ENV}", file_category = "{CATEGORY_ID}" }}',
        )
    )
    assert "bamboohr" in config.read_text()

    def on_bamboohr() -> str | None:
        files = fake.summary_files("jonas")
        assert len(files) <= 1, "a changed summary replaces the older file"
        return files[0].content.decode() if files else None

    return cli, on_bamboohr


def test_withdrawing_consent_retracts_what_was_sent(hr: tuple[Cli, Record]) -> None:
    cli, record = hr
    to_conversation_3(cli)
    cli("consent", "jonas", "--summary-to-hris", "--goal-in-summary", "--as", "jonas")
    cli("dispatch")
    sent = record()
    assert sent is not None and "Become a VP of Engineering" in sent, sent

    cli("consent", "jonas", "--summary-to-hris", "--as", "jonas")  # the goal taken back
    cli("dispatch")
    kept = record()
    assert kept is not None and "Become a VP of Engineering" not in kept
    assert "Hiring well" in kept, "the rest of the summary stays"

    withdrawn = cli("consent", "jonas", "--as", "jonas")  # all of it taken back
    assert "1 effect(s) queued" in withdrawn, withdrawn
    cli("dispatch")
    assert record() is None, "withdrawal removes the HR record"


def test_last_updated_follows_the_check_ins_and_never_precedes_the_start(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    cli = Cli(tmp_path / "home", capsys, monkeypatch)
    cli("init")
    to_conversation_3(cli)
    cli("consent", "jonas", "--summary-to-hris", "--as", "jonas")
    cli("dispatch")

    def summary() -> dict[str, str]:
        (path,) = (cli.home / "hris").glob("*.json")
        data: dict[str, str] = json.loads(path.read_text())
        return data

    first = summary()
    assert first["plan_started"] == "2027-01-25" and first["last_updated"] >= first["plan_started"]
    cli.now("2027-02-24T09:00:00+00:00")
    cli("checkin", "jonas", "--on-track", "yes")
    cli("dispatch")
    assert summary()["last_updated"] == "2027-02-24"
