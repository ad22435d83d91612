"""One rule for ids, checked by every domain class that holds one, with or without ``python -O``."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from careerconv_core.domain.catalog import CatalogCompetency
from careerconv_core.domain.grow import Action, DevelopmentOption, Goal
from careerconv_core.domain.handoff import Handoff, HandoffState
from careerconv_core.domain.ids import ID_MAX_LENGTH, check_id, is_id
from careerconv_core.domain.people import Person
from careerconv_core.domain.pinnacle import CompetencyRating, PinnacleRole
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import InvalidInput
from tests_support_paths import EXAMPLES, ROOT

AT = datetime(2027, 1, 4, 9, tzinfo=UTC)
SRC = ROOT / "src"
INJECTED = "r9\nATTENDEE:mailto:evil@evil.test"


@pytest.mark.parametrize(
    "value",
    ["p7", "42", "maya", "a/b", "a_b", "jane.doe@example.com", "00u1abcd", "x" * ID_MAX_LENGTH],
)
def test_ids_people_and_systems_use_pass(value: str) -> None:
    assert check_id("id", value) == value
    assert is_id(value)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("", "empty"),
        ("a\nb", r"'a\nb' holds '\n'"),
        ("a b", "holds ' '"),
        ("-rf", "starts with '-'"),
        ("x" * (ID_MAX_LENGTH + 1), f"{ID_MAX_LENGTH + 1} characters"),
        ("caf\u00e9", r"'\xe9'"),
        ("a\u202eb", r"'\u202e'"),
        ('a"b', "holds '\"'"),
        (42, "got int, not text"),
        (None, "got NoneType"),
    ],
)
def test_a_bad_id_is_refused_naming_the_field_the_escaped_id_and_the_rule(value: Any, problem: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        check_id("person id", value)
    message = str(caught.value)
    assert caught.value.field == "person id"
    assert problem in message
    assert "letters, digits" in message
    assert "\n" not in message and "\u202e" not in message


def _plan(**ids: Any) -> CareerPlan:
    return CareerPlan(**{"id": "p1", "report_id": "r1", "manager_id": "m1", "proposed_at": AT, **ids})


CLASSES = {
    "person id": lambda v: Person(v, "N", "n@example.com"),
    "person manager_id": lambda v: Person("a", "N", "n@example.com", manager_id=v),
    "plan id": lambda v: _plan(id=v),
    "plan report_id": lambda v: _plan(report_id=v),
    "plan manager_id": lambda v: _plan(manager_id=v),
    "action id": lambda v: Action(v, "t"),
    "action owner_id": lambda v: Action("a1", "t", owner_id=v),
    "action competency_id": lambda v: Action("a1", "t", competency_id=v),
    "goal role_id": Goal,
    "option competency_id": DevelopmentOption,
    "role id": lambda v: PinnacleRole(v, "CTO"),
    "rating competency_id": lambda v: CompetencyRating(v, "Coaching"),
    "handoff id": lambda v: Handoff(v, "m1", "m2", HandoffState.CONSENT_ASKED, AT, AT),
    "handoff new_manager_id": lambda v: Handoff("h1", "m1", v, HandoffState.CONSENT_ASKED, AT, AT),
    "catalog competency id": lambda v: CatalogCompetency(v, "N", "G"),
}


@pytest.mark.parametrize("where", sorted(CLASSES))
@pytest.mark.parametrize("value", ["a\nb", 42, "-x"])
def test_every_domain_class_that_holds_an_id_checks_it(where: str, value: Any) -> None:
    with pytest.raises(InvalidInput) as caught:
        CLASSES[where](value)
    assert caught.value.field == where.rsplit(" ", 1)[1]


def test_an_email_with_a_line_break_or_a_nul_is_refused() -> None:
    for email in ("a@example.com\n", "a@example.com\nBcc: x@evil.test", "a\x00@example.com", 42):
        with pytest.raises(InvalidInput, match="email"):
            Person("a", "N", email)  # type: ignore[arg-type]


PROBE = """
import sys
from careerconv.cli import main
from careerconv_core.domain.people import Person
from careerconv_core.errors import InvalidInput
home, org, evil = sys.argv[1:4]
# No assert here: the probe itself runs under python -O.
if main(["--home", home, "init"]) or main(["--home", home, "org", "import", org]):
    sys.exit("setup failed")
code = main(["--home", home, "org", "import", evil])
print("exit", code)
try:
    Person(sys.argv[4], "Eve", "eve@evil.test")
except InvalidInput as exc:
    print("library refused:", exc.field)
"""


@pytest.mark.parametrize("optimize", [False, True], ids=["plain", "python -O"])
def test_a_line_break_in_a_person_id_never_reaches_a_calendar_file(tmp_path: Path, optimize: bool) -> None:
    """The id is refused where it comes in, so no invite and no per-person file can carry it."""
    evil = tmp_path / "evil.toml"
    text = (EXAMPLES / "org.toml").read_text(encoding="utf-8")
    injected = INJECTED.replace("\n", "\\n")
    evil.write_text(
        text + f'\n[[person]]\nid = "{injected}"\nname = "Eve"\nemail = "eve@evil.test"\n'
        'time_zone = "UTC"\nmanager = "maya"\n',
        encoding="utf-8",
    )
    home = tmp_path / "home"
    flags = ["-O"] if optimize else []
    done = subprocess.run(
        [sys.executable, *flags, "-c", PROBE, str(home), str(EXAMPLES / "org.toml"), str(evil), INJECTED],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={"CAREERCONV_NOW": "2027-01-04T08:00:00+00:00", "PATH": "/usr/bin:/bin"},
    )
    assert "Traceback" not in done.stderr, done.stderr
    assert "exit 1" in done.stdout, done.stdout + done.stderr
    assert "library refused: id" in done.stdout
    (line,) = [ln for ln in done.stderr.splitlines() if ln.strip()]
    assert line.startswith("error: evil.toml person ") and ": id: " in line
    assert r"'r9\nATTENDEE" in line
    written = [p for p in home.rglob("*") if p.is_file()]
    assert written  # the first import did write the store
    for path in written:
        assert b"evil.test" not in path.read_bytes(), path


def test_no_check_in_the_source_is_an_assert() -> None:
    """``python -O`` drops asserts, so none may guard anything in ``src/``."""
    found = [
        f"{path.relative_to(SRC)}:{node.lineno}"
        for path in SRC.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Assert)
    ]
    assert found == []
