"""``catalog`` and ``export`` end to end: the goal's catalog profile gives the levels, check-ins are listed.

The example records are recorded as they are, except that the goal names a
profile of the example organisation's catalog (``catalog_role_id``), which is
imported first with ``catalog import``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from support.cli import Cli
from tests_support_paths import EXAMPLES

RECORDS = EXAMPLES / "records"


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Iterator[Cli]:
    runner = Cli(tmp_path / "home", capsys, monkeypatch)
    runner("init")
    runner("org", "import", str(EXAMPLES / "org.toml"))
    yield runner


def _linked(name: str, folder: Path) -> str:
    """The example record ``name`` with its VP role linked to the catalog profile ``vp-engineering``."""
    text = (RECORDS / name).read_text(encoding="utf-8")
    linked = text.replace('\nid = "vp-eng"\n', '\nid = "vp-eng"\ncatalog_role_id = "vp-engineering"\n')
    assert linked != text
    path = folder / name
    path.write_text(linked, encoding="utf-8")
    return str(path)


def _jonas_with_a_checkin(cli: Cli, folder: Path) -> None:
    own = EXAMPLES / "catalog"
    cli(
        "catalog",
        "import",
        "--competencies",
        str(own / "competencies.csv"),
        "--roles",
        str(own / "roles.csv"),
    )
    cli("propose", "jonas")
    cli("accept", "jonas", "--as", "jonas")
    cli("ready", "jonas")
    cli("schedule", "jonas", "--start", "2027-01-05")
    cli.now("2027-01-20T08:00:00+00:00")
    cli("record", "jonas", "life_story", "--file", str(RECORDS / "jonas-life-story.toml"))
    cli("record", "jonas", "pinnacle", "--file", _linked("jonas-pinnacle-manager.toml", folder))
    report_file = _linked("jonas-pinnacle-report.toml", folder)
    cli("record", "jonas", "pinnacle", "--file", report_file, "--as", "jonas")
    cli("record", "jonas", "grow", "--file", str(RECORDS / "jonas-grow.toml"), "--as", "jonas")
    cli("record", "jonas", "grow_review")
    cli.now("2027-02-25T08:00:00+00:00")
    cli("checkin", "jonas", "--on-track", "yes", "--notes", "Interviews <started>")


def test_catalog_import_and_show_give_the_levels_a_role_calls_for(cli: Cli) -> None:
    own = EXAMPLES / "catalog"
    out = cli(
        "catalog",
        "import",
        "--competencies",
        str(own / "competencies.csv"),
        "--roles",
        str(own / "roles.csv"),
    )
    assert "6 competencies, 3 roles (2 with target levels)" in out
    shown = cli("catalog", "show", "vp-engineering")
    assert "Budgets and headcount [budgets-and-headcount] (calls for 3 of 5)" in shown
    assert "(calls for" not in cli("catalog", "show", "staff-engineer")


def test_the_export_shows_the_roles_levels_names_and_check_ins(cli: Cli, tmp_path: Path) -> None:
    _jonas_with_a_checkin(cli, tmp_path)
    md = cli("export", "jonas")
    assert "**Private copy.** This is the private copy of Jonas Weber and Maya Okafor" in md
    assert "| Hiring well | 1 (new to me) | 4 (strong): 3 levels to go |" in md
    assert "| Setting technical direction | 4 (strong) | 4 (strong): at the role's level |" in md
    assert "Already the person other teams ask about the build system" in md
    assert "- **Options:** Developing people: mentor the two new hires" in md
    assert "| Maya Okafor |" in md and "| maya |" not in md and "| jonas |" not in md
    held, to_come = md.split("**Held**")[1].split("**To come**")
    assert "on track. Interviews \\<started\\>" in held
    assert "Monthly check-in" in to_come and "Europe/Berlin" in to_come
    page_file = tmp_path / "plan.html"
    cli("export", "jonas", "--format", "html", "--out", str(page_file))
    page = page_file.read_text(encoding="utf-8")
    assert 'class="target at-4" data-level="4"' in page and "Interviews &lt;started&gt;" in page
    assert '<section id="life-story"><h2>Life story</h2>' in page


def test_an_export_whose_goal_names_no_profile_shows_no_levels(cli: Cli) -> None:
    cli("propose", "jonas")
    cli("accept", "jonas", "--as", "jonas")
    cli("ready", "jonas")
    cli("schedule", "jonas", "--start", "2027-01-05")
    cli.now("2027-01-20T08:00:00+00:00")
    cli("record", "jonas", "life_story", "--file", str(RECORDS / "jonas-life-story.toml"))
    cli("record", "jonas", "pinnacle", "--file", str(RECORDS / "jonas-pinnacle-manager.toml"))
    md = cli("export", "jonas")
    assert "| Hiring well | - | - |" in md and "catalog profile" not in md
    assert "No check-ins held or placed yet" in md
