"""The org file source: TOML and CSV forms, row-named errors, change detection."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from careerconv_core.domain.org import ManagerChange, OrgInvalid, diff_org
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.errors import AdapterError, ConfigurationError, InvalidInput
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.plugins import make_plugin_manager
from careerconv_core.ports import HrisSource
from careerconv_plugins.hris_hours import parse_weekdays
from careerconv_plugins.orgfile.adapter import OrgFileSource
from careerconv_plugins.orgfile.mapping import parse_csv, parse_toml
from tests_support_paths import EXAMPLES

HEADER = "id,name,email,time_zone,working_hours,weekdays,manager\n"


def test_example_files_agree_and_hold_the_documented_org() -> None:
    toml = OrgFileSource(EXAMPLES / "org.toml").read_people()
    csv = OrgFileSource(EXAMPLES / "org.csv").read_people()
    assert toml.people == csv.people
    by_id = {p.id: p for p in toml.people}
    maya_reports = [p for p in toml.people if p.manager_id == "maya"]
    assert len(maya_reports) == 8
    assert {p.time_zone for p in maya_reports} == {"Europe/Berlin", "America/New_York"}
    assert by_id["maya"].manager_id == by_id["daniel"].manager_id == "helena"
    assert by_id["helena"].manager_id is None
    # Golden check of one full record, part-time hours included.
    assert by_id["lukas"] == Person(
        "lukas",
        "Lukas Schmidt",
        "lukas.schmidt@example.com",
        "Europe/Berlin",
        WorkingHours(time(9), time(15), frozenset({0, 1, 2, 3})),
        "maya",
    )


def test_defaults_for_hours_and_weekdays() -> None:
    org = parse_csv(HEADER + "a,Ann,ann@example.com,UTC,,,\n")
    assert org.people[0].working_hours == WorkingHours()
    assert org.labels["a"] == "org.csv row 2 (id=a)"


@pytest.mark.parametrize(
    ("text", "days"),
    [("Mon-Fri", {0, 1, 2, 3, 4}), ("mon,wed, Fri", {0, 2, 4}), ("Sun-Tue", {6, 0, 1})],
)
def test_weekday_forms(text: str, days: set[int]) -> None:
    assert parse_weekdays(text) == days


@pytest.mark.parametrize(
    ("row", "field", "problem"),
    [
        ("p7,Pat,pat@example.com,UTC,,,ghost", "org.csv row 3 (id=p7): manager", "unknown manager"),
        ("p7,Pat,pat@example.com,Mars/Olympus,,,", "org.csv row 3: time_zone", "unknown time zone"),
        ("p7,Pat,ann@example.com,UTC,,,", "org.csv row 3 (id=p7): email", "already used"),
        ("p7,Pat,pat@example.com,UTC,9-5,,", "org.csv row 3: working_hours", "not a range"),
        ("p7,Pat,pat@example.com,UTC,17:00-09:00,,", "org.csv row 3: working_hours", "crosses midnight"),
        ("p7,Pat,pat@example.com,UTC,,Mon-Fry,", "org.csv row 3: weekdays", "unknown day"),
        ("p7,Pat,,UTC,,,", "org.csv row 3: email", "missing"),
        ("p7,Pat,not-an-email,UTC,,,", "org.csv row 3: email", "not an email"),
        ("p7,Pat,pat@example.com,UTC,,,p7", "org.csv row 3 (id=p7): manager", "reporting cycle"),
    ],
)
def test_bad_rows_are_named(row: str, field: str, problem: str) -> None:
    content = HEADER + "a,Ann,ann@example.com,UTC,,,\n" + row + "\n"
    with pytest.raises(InvalidInput) as caught:
        parse_csv(content)
    assert caught.value.field == field
    assert problem in caught.value.problem


def test_cycle_across_rows_in_toml() -> None:
    content = "\n".join(
        f'[[person]]\nid = "{pid}"\nname = "N"\nemail = "{pid}@example.com"\n'
        f'time_zone = "UTC"\nmanager = "{mgr}"\n'
        for pid, mgr in [("a", "b"), ("b", "c"), ("c", "a")]
    )
    with pytest.raises(OrgInvalid) as caught:
        parse_toml(content)
    assert caught.value.field == "org.toml person 1 (id=a): manager"
    assert "a -> b -> c -> a" in str(caught.value)


def test_semicolon_csv_and_dashes_from_spreadsheets() -> None:
    content = "\ufeffid;name;email;time_zone;working_hours;weekdays;manager\n"
    content += "a;Ann;ann@example.com;Europe/Berlin;9:00\u201317:00;Monday-Thursday;\n"
    (person,) = parse_csv(content).people
    assert person.working_hours == WorkingHours(time(9), time(17), frozenset({0, 1, 2, 3}))


def test_manager_named_by_email_gets_a_hint() -> None:
    content = HEADER + "a,Ann,ann@example.com,UTC,,,\nb,Bo,bo@example.com,UTC,,,Ann@example.com\n"
    with pytest.raises(InvalidInput) as caught:
        parse_csv(content)
    assert caught.value.expected.endswith("(did you mean 'a'?)")


def test_an_empty_file_is_refused_not_read_as_everyone_leaving() -> None:
    with pytest.raises(InvalidInput, match="lists nobody"):
        parse_csv(HEADER)
    with pytest.raises(InvalidInput, match="only"):
        parse_toml("")


def test_unknown_column_and_toml_keys_are_refused() -> None:
    with pytest.raises(InvalidInput, match="manger: unknown column"):
        parse_csv("id,name,email,time_zone,manger\na,A,a@example.com,UTC,\n")
    with pytest.raises(InvalidInput, match="only \\[\\[person\\]\\] tables"):
        parse_toml('[[people]]\nid = "a"\n')
    with pytest.raises(InvalidInput, match=r"org\.toml person 1: time_zone: got a int"):
        parse_toml('[[person]]\nid="a"\nname="A"\nemail="a@example.com"\ntime_zone=1\n')


def test_all_problems_are_collected_in_one_error() -> None:
    content = HEADER + "a,A,a@example.com,Nowhere,,,\nb,B,b@example.com,UTC,,Xyz,\n"
    with pytest.raises(OrgInvalid) as caught:
        parse_csv(content)
    assert [p.where for p in caught.value.problems] == ["org.csv row 2", "org.csv row 3"]


def test_each_form_of_hours_is_read_once_and_a_bad_one_is_named_on_every_row() -> None:
    content = (
        HEADER + "a,A,a@example.com,UTC,08:00-16:00,Mon-Thu,\nb,B,b@example.com,UTC,08:00-16:00,Mon-Thu,a\n"
    )
    first, second = parse_csv(content).people
    assert first.working_hours is second.working_hours  # frozen, so shared
    content = HEADER + "a,A,a@example.com,UTC,9-5,,\nb,B,b@example.com,UTC,9-5,,\n"
    with pytest.raises(OrgInvalid) as caught:
        parse_csv(content)
    assert [(p.where, p.field) for p in caught.value.problems] == [
        ("org.csv row 2", "working_hours"),
        ("org.csv row 3", "working_hours"),
    ]


def test_reimport_detects_a_manager_change(tmp_path: Path) -> None:
    path = tmp_path / "org.toml"
    original = (EXAMPLES / "org.toml").read_text()
    path.write_text(original)
    source = OrgFileSource(path)
    first = source.read_people()
    # Daniel takes over Hannah.
    moved = original.replace(
        'email = "hannah.kim@example.com"\ntime_zone = "America/New_York"\n'
        'working_hours = "10:00-18:00"\nweekdays = "Mon-Fri"\nmanager = "maya"',
        'email = "hannah.kim@example.com"\ntime_zone = "America/New_York"\n'
        'working_hours = "10:00-18:00"\nweekdays = "Mon-Fri"\nmanager = "daniel"',
    )
    assert moved != original
    path.write_text(moved)
    second = source.read_people(first.cursor)
    assert second.cursor != first.cursor
    assert diff_org(first.people, second.people).manager_changes == (
        ManagerChange("hannah", "maya", "daniel"),
    )


def test_unreadable_file_is_an_adapter_error(tmp_path: Path) -> None:
    with pytest.raises(AdapterError, match="cannot read"):
        OrgFileSource(tmp_path / "missing.csv").read_people()
    (tmp_path / "bad.csv").write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(AdapterError, match="not UTF-8"):
        OrgFileSource(tmp_path / "bad.csv").read_people()


def test_plugin_is_found_by_entry_point_and_checks_settings() -> None:
    host = make_plugin_manager()
    source = host.create(AdapterKind.HRIS_SOURCE, "orgfile", {"path": str(EXAMPLES / "org.csv")})
    assert isinstance(source, HrisSource)
    assert len(source.read_people().people) == 11
    with pytest.raises(ConfigurationError, match="'path' is missing"):
        host.create(AdapterKind.HRIS_SOURCE, "orgfile", {})
    with pytest.raises(ConfigurationError, match=r"\.toml or \.csv"):
        host.create(AdapterKind.HRIS_SOURCE, "orgfile", {"path": "org.xlsx"})


SPLIT_HEADER = "id,name,email,time_zone,working_hours,weekdays,holidays,manager\n"


def test_split_and_per_weekday_hours_and_holidays_are_read() -> None:
    content = (
        SPLIT_HEADER
        + 'a,Ann,ann@example.com,Europe/Berlin,"09:00-12:00,13:00-17:00",Mon-Thu,DE-BY,\n'
        + 'b,Bo,bo@example.com,America/New_York,"Mon-Thu 08:00-12:00,13:00-16:00; Fri 08:00-12:00",,US-NY,a\n'
    )
    by_id = {p.id: p for p in parse_csv(content).people}
    ann, bo = by_id["a"].working_hours, by_id["b"].working_hours
    assert ann.on(0) == ann.on(3) == ((540, 720), (780, 1020))
    assert ann.on(4) == () and ann.weekdays == frozenset(range(4))
    assert ann.holidays == "DE-BY"
    assert bo.on(2) == ((480, 720), (780, 960)) and bo.on(4) == ((480, 720),)
    assert (bo.start, bo.end, bo.weekdays, bo.holidays) == (time(8), time(16), frozenset(range(5)), "US-NY")
    toml = """
[[person]]
id = "a"
name = "Ann"
email = "ann@example.com"
time_zone = "Europe/Berlin"
working_hours = "09:00-12:00,13:00-17:00"
weekdays = "Mon-Thu"
holidays = "DE-BY"
"""
    assert parse_toml(toml).people[0] == by_id["a"]


def test_touching_or_overlapping_intervals_are_read_as_one() -> None:
    content = (
        SPLIT_HEADER
        + 'a,Ann,ann@example.com,UTC,"09:00-12:00,12:00-13:00,14:00-17:00",,,\n'
        + 'b,Bo,bo@example.com,UTC,"Mon 13:00-17:00,09:00-12:30,12:00-13:00",,,a\n'
    )
    by_id = {p.id: p for p in parse_csv(content).people}
    assert by_id["a"].working_hours.on(2) == ((540, 780), (840, 1020))
    assert by_id["b"].working_hours == WorkingHours(time(9), time(17), frozenset({0}))


def test_the_plain_form_reads_as_before() -> None:
    person = parse_csv(SPLIT_HEADER + "a,Ann,ann@example.com,UTC,09:00-15:00,Mon-Thu,,\n").people[0]
    assert person.working_hours == WorkingHours(time(9), time(15), frozenset({0, 1, 2, 3}))


@pytest.mark.parametrize(
    ("cells", "field", "problem", "fix"),
    [
        ("09:00-17:00,Mon-Fri,XX", "org.csv row 3: holidays", "unknown holiday country 'XX'", "'DE-BY'"),
        ("09:00-17:00,Mon-Fri,DE-XY", "org.csv row 3: holidays", "unknown subdivision 'XY' of DE", "'DE-BY'"),
        ('",",,', "org.csv row 3: working_hours", "no hours given", "'09:00-17:00'"),
        ("Mon 09:00,,", "org.csv row 3: working_hours", "'09:00' is not a range", "'09:00-17:00'"),
        ("Fri 22:00-02:00,,", "org.csv row 3: working_hours", "22:00-02:00 crosses midnight", "22:00-23:59"),
        ("Mon-Fri 09:00-17:00,Mon-Fri,", "org.csv row 3: weekdays", "given twice", "empty weekdays"),
        (
            "Mon-Fri 09:00-17:00; Fri 09:00-12:00,,",
            "org.csv row 3: working_hours",
            "Fri is given twice",
            "Mon-Thu",
        ),
        ("Mon-Fri,,", "org.csv row 3: working_hours", "no hours after 'Mon-Fri'", "Mon-Thu"),
    ],
)
def test_bad_hours_and_holidays_name_the_row_field_and_fix(
    cells: str, field: str, problem: str, fix: str
) -> None:
    content = SPLIT_HEADER + "a,Ann,ann@example.com,UTC,,,,\n" + f"p7,Pat,pat@example.com,UTC,{cells},\n"
    with pytest.raises(InvalidInput) as caught:
        parse_csv(content)
    assert caught.value.field == field
    assert problem in caught.value.problem
    assert fix in caught.value.expected
