"""From HRIS records to people, the same way for every HRIS source (pure, no I/O).

Each source reads its own record shape (a SCIM User, a BambooHR employee, a
row of the org file) and names the record in its own words (``SCIM user
u7``, ``org.csv row 3``); what happens next is the same everywhere and is
written here once: required values are checked, the person is built (the
core checks the email and the IANA time zone), every error is re-homed on
the record it came from, errors are collected as ``OrgProblem`` rows rather
than stopping at the first, and the whole org is checked (managers that
exist, no cycles) before anything is returned.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Collection, Sequence
from datetime import UTC, datetime

from careerconv_core.domain.org import OrgInvalid, OrgProblem, find_org_problems
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.errors import InvalidInput

log = logging.getLogger(__name__)

# RFC 3339 / ISO 8601 with an offset, as change feeds and cursors use it.
# Nothing else may reach a filter expression or a query string.
_INSTANT = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:?\d{2})", re.ASCII
)


def parse_instant(value: str) -> datetime:
    """An instant with an offset (``Z``, ``+01:00`` or ``+0100``) as aware UTC; ``ValueError`` otherwise.

    Up to nine fractional digits are read; ``datetime`` keeps six.
    """
    if not _INSTANT.fullmatch(value):
        raise ValueError("not an RFC 3339 date-time with an offset")
    text = value.upper()
    head, dot, rest = text.partition(".")
    digits = re.match(r"\d+", rest)
    if dot and digits:
        text = f"{head}.{digits.group()[:6]}{rest[digits.end() :]}"
    if re.search(r"[+-]\d{4}$", text):  # "+0000" -> "+00:00"
        text = f"{text[:-2]}:{text[-2:]}"
    return datetime.fromisoformat(text).astimezone(UTC)


def cursor_instant(cursor: str, *, expected: str, problem: str = "not a cursor") -> datetime:
    """The instant a stored poll cursor names, or ``InvalidInput`` on the field ``cursor``.

    A cursor is checked before it reaches a filter or a query string.
    """
    try:
        return parse_instant(cursor)
    except ValueError:
        raise InvalidInput("cursor", expected, problem) from None


def text(value: object) -> str:
    """A record's value as stripped text; anything that is not a string is empty."""
    return value.strip() if isinstance(value, str) else ""


def manager_id(value: object) -> str | None:
    """A manager reference: the id as text, or None for the top of the org."""
    return text(value) or None


def required(label: str, field: str, value: str, expected: str) -> str:
    """``value``, or ``InvalidInput`` naming ``label: field`` and what was expected when empty."""
    if not value:
        raise InvalidInput(f"{label}: {field}", expected, "missing")
    return value


def record_error(label: str, exc: InvalidInput) -> InvalidInput:
    """The core's ``exc`` re-homed on the record ``label``: its field becomes ``label: field``."""
    return InvalidInput(f"{label}: {exc.field}", exc.expected, exc.problem)


def build_person(
    label: str,
    *,
    person_id: str,
    name: str,
    email: str,
    time_zone: str,
    manager: str | None,
    working_hours: WorkingHours | None = None,
) -> Person:
    """The person from one record; an email or time zone the core refuses names ``label``."""
    try:
        return Person(
            id=person_id,
            name=name,
            email=email,
            time_zone=time_zone,
            working_hours=working_hours or WorkingHours(),
            manager_id=manager,
        )
    except InvalidInput as exc:
        raise record_error(label, exc) from None


def org_problem(exc: InvalidInput, place: str | None = None) -> OrgProblem:
    """The ``OrgProblem`` row for an error raised while reading one record.

    The record is the part of ``exc.field`` before ``": "``; ``place`` names it
    when the field does not (the whole field, when ``place`` is None).
    """
    where, _, field = exc.field.rpartition(": ")
    return OrgProblem(where or (exc.field if place is None else place), field, exc.problem, exc.expected)


def checked_org(
    people: Sequence[Person],
    problems: Sequence[OrgProblem],
    *,
    label: Callable[[str], str],
    source: str,
    known_ids: Collection[str] = (),
) -> None:
    """Raise ``OrgInvalid`` with every problem: the records' own and the org's as a whole.

    :param label: how the source names a person by id in messages.
    :param known_ids: people outside ``people`` a manager may be (an incremental read).
    """
    found = [*problems]
    labels = {p.id: label(p.id) for p in people}
    found.extend(find_org_problems(people, labels=labels, known_ids=known_ids))
    if found:
        log.warning("%s read refused: %d problem(s) in the org", source, len(found))
        raise OrgInvalid(found)
