"""Parse an org file (TOML or CSV) into people, naming the row of every problem.

Pure: takes the file's text and its name (for messages), returns people.
Columns (CSV header) or keys (TOML ``[[person]]`` tables):

``id``, ``name``, ``email``, ``time_zone`` (required); ``working_hours``
(``"09:00-17:00"``, default; several intervals a day as
``"09:00-12:00,13:00-17:00"``; different hours per weekday as
``"Mon-Thu 09:00-12:00,13:00-17:00; Fri 09:00-13:00"``, which names the days
itself), ``weekdays`` (``"Mon-Fri"``, default; also ``"Mon,Wed,Fri"`` or
``"Sun-Thu"``), ``holidays`` (an ISO 3166 country or subdivision, ``"DE"`` or
``"DE-BY"``, whose public holidays are days off), ``manager`` (the manager's
id; empty for the top of the org). The hours and holidays are read as every
HRIS source reads them (``careerconv_plugins.hris_hours``).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping

from attrs import frozen

from careerconv_core.domain.org import OrgInvalid, OrgProblem, validate_org
from careerconv_core.domain.people import Person
from careerconv_core.errors import InvalidInput, label
from careerconv_plugins.documents import read_toml
from careerconv_plugins.hris_hours import working_hours
from careerconv_plugins.hris_mapping import build_person, manager_id, org_problem, record_error, required

REQUIRED = ("id", "name", "email", "time_zone")
OPTIONAL = ("working_hours", "weekdays", "holidays", "manager")
COLUMNS = REQUIRED + OPTIONAL
_COLUMN_SET = frozenset(COLUMNS)
_EXTRA = "(extra cells)"  # where a row's cells beyond the header go, as csv.DictReader's restkey


@frozen
class ParsedOrg:
    """The people of an org file and, per person id, the row each came from."""

    people: tuple[Person, ...]
    labels: Mapping[str, str]


def _cell(row: Mapping[str, object], key: str, where: str) -> str:
    """The stripped text under ``key`` ("" when absent); ``InvalidInput`` when it is not text."""
    value = row.get(key)
    if isinstance(value, str):
        return value.strip()
    if value is None:
        return ""
    raise InvalidInput(f"{where}: {key}", "text", f"got a {type(value).__name__}")


def _row_person(row: Mapping[str, object], where: str) -> Person:
    """One person from one row; every error names ``where`` and the column."""
    unknown = row.keys() - _COLUMN_SET
    if unknown:
        raise InvalidInput(
            f"{where}: {label(str(min(unknown)))}", f"only the columns {', '.join(COLUMNS)}", "unknown column"
        )
    # In this order, so that a row with several problems reports the same one first.
    person_id, name, email, time_zone = (
        required(where, key, _cell(row, key, where), _EXPECTED[key]) for key in REQUIRED
    )
    hours_text = _cell(row, "working_hours", where)
    days_text = _cell(row, "weekdays", where)
    try:
        hours = working_hours(hours_text, days_text, _cell(row, "holidays", where))
    except InvalidInput as exc:
        raise record_error(where, exc) from None
    return build_person(
        where,
        person_id=person_id,
        name=name,
        email=email,
        time_zone=time_zone,
        manager=manager_id(_cell(row, "manager", where)),
        working_hours=hours,
    )


_EXPECTED = {
    "id": "a unique id such as 'p7'",
    "name": "the person's name",
    "email": "an address like 'name@example.com'",
    "time_zone": "an IANA time zone such as 'Europe/Berlin'",
}


def _build(rows: Iterable[tuple[str, Mapping[str, object]]]) -> ParsedOrg:
    people: list[Person] = []
    labels: dict[str, str] = {}
    problems: list[OrgProblem] = []
    for where, row in rows:
        try:
            person = _row_person(row, where)
        except InvalidInput as exc:
            problems.append(org_problem(exc, ""))
            continue
        labels.setdefault(person.id, f"{where} (id={person.id})")
        people.append(person)
    if problems:
        raise OrgInvalid(problems)
    if not people:
        # An empty file would read as "everyone left": refuse it instead.
        raise InvalidInput("org file", "at least one person", "the file lists nobody")
    validate_org(people, labels=labels)
    return ParsedOrg(tuple(people), labels)


def parse_csv(content: str, source: str = "org.csv") -> ParsedOrg:
    """Parse CSV text with a header row. Row numbers count the header as row 1."""
    text = content.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in many locales save CSV with semicolons.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    # newline="" lets the csv module see bare CR line ends and quoted line breaks itself.
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter, restkey=_EXTRA)
    try:
        header = [name.strip() for name in reader.fieldnames or ()]
    except csv.Error as exc:
        raise InvalidInput(f"{source} row 1", "well-formed CSV (check the quotes)", str(exc)) from None
    if "id" not in header:
        expected = f"a header row: {','.join(COLUMNS)}"
        raise InvalidInput(f"{source} row 1", expected, "no 'id' column")
    reader.fieldnames = header
    unnamed = "" in header

    def rows() -> Iterable[tuple[str, Mapping[str, object]]]:
        try:
            for row in reader:
                if not any(v.strip() for v in row.values() if isinstance(v, str)):
                    continue  # blank line
                where = f"{source} row {reader.line_num}"
                if _EXTRA in row:
                    raise InvalidInput(where, f"{len(header)} cells", "more cells than columns")
                if unnamed:
                    del row[""]  # a column without a name is not read
                yield where, row
        except csv.Error as exc:
            where = f"{source} row {reader.line_num}"
            raise InvalidInput(where, "well-formed CSV (check the quotes)", str(exc)) from None

    return _build(rows())


def parse_toml(content: str, source: str = "org.toml") -> ParsedOrg:
    """Parse TOML text holding ``[[person]]`` tables."""
    data = read_toml(content, source)
    extra = sorted(set(data) - {"person"})
    people = data.get("person")
    if extra or not isinstance(people, list):
        raise InvalidInput(
            source, "only [[person]] tables", f"found {', '.join(extra) or 'no [[person]] table'}"
        )

    def rows() -> Iterable[tuple[str, Mapping[str, object]]]:
        for number, row in enumerate(people, start=1):
            where = f"{source} person {number}"
            if not isinstance(row, dict):
                raise InvalidInput(where, "a [[person]] table", "not a table")
            yield where, row

    return _build(rows())


def parse_org(content: str, source: str) -> ParsedOrg:
    """Parse by the file name's suffix: ``.toml`` or ``.csv``."""
    lowered = source.lower()
    if lowered.endswith(".toml"):
        return parse_toml(content, source)
    if lowered.endswith(".csv"):
        return parse_csv(content, source)
    raise InvalidInput(source, "a file ending in .toml or .csv", "unknown org file type")
