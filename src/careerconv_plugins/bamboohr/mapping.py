"""Pure mapping for BambooHR: employees to people, summaries to files, webhook payloads to events.

Identity: ``Person.id`` is the BambooHR employee id, the value the
``supervisorEId`` field ("Reporting to", as an id) refers to. The directory
gives names and work emails; a custom report gives ``supervisorEId`` and
``status``. BambooHR holds no IANA time zone, so every person gets the
source's ``time_zone`` setting (UTC by default).

Working hours come from a custom field the settings name (its text is read
as every source reads it, ``"09:00-12:00,13:00-17:00"``); without one, or
where it is empty, the default ``09:00-17:00`` Monday to Friday. The holiday
region comes from the employee's ``location`` when the settings map it
(``"Munich=DE-BY"``), else from ``country`` and ``state`` (BambooHR gives both
as names, "Germany" and "Bayern"; codes are taken too).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from attrs import field, frozen

from careerconv_core.domain import public_holidays
from careerconv_core.domain.org import OrgProblem
from careerconv_core.domain.people import Person, WorkingHours
from careerconv_core.errors import InvalidInput
from careerconv_core.views import HrisSummaryView
from careerconv_plugins.hris_hours import holiday_region, working_hours
from careerconv_plugins.hris_mapping import (
    build_person,
    cursor_instant,
    manager_id,
    record_error,
    required,
    text,
)

REPORT_FIELDS = ("id", "supervisorEId", "status")
REGION_FIELDS = ("location", "country", "state")
FILE_PREFIX = "careerconv-plan-"

_SAFE = re.compile(r"[^A-Za-z0-9._-]+")


def format_instant(moment: datetime) -> str:
    """The cursor form: UTC, seconds, with an offset, as BambooHR's ``since`` takes it."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S+00:00")


def checked_cursor(cursor: str) -> str:
    """A stored cursor, re-formatted; ``InvalidInput`` unless it is an instant."""
    expected = "an ISO 8601 instant such as 2026-01-31T09:00:00+00:00"
    return format_instant(cursor_instant(cursor, expected=expected))


def where(employee_id: str) -> str:
    """How problems name an employee: by id only."""
    return f"BambooHR employee {employee_id}"


def _text(value: object) -> str:
    # BambooHR sends ids as numbers as well as strings.
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(int(value))
    return text(value)


def location_key(name: str) -> str:
    """A location name as names are compared (BambooHR's values are case-insensitive)."""
    return " ".join(name.split()).casefold()


def parse_locations(value: str) -> dict[str, str]:
    """The ``locations`` setting, ``"Munich=DE-BY; London=GB-ENG"``, as location -> region.

    :raises ValueError: with the fix, for an entry that is not ``name=region``
        or a region the ``holidays`` package does not know.
    """
    found: dict[str, str] = {}
    for entry in value.split(";"):
        if not entry.strip():
            continue
        name, equals, region = entry.partition("=")
        region = region.strip().upper()
        if not equals or not name.strip() or not region:
            raise ValueError(f"{entry.strip()[:40]!r} is not location=region, such as 'Munich=DE-BY'")
        problem = public_holidays.region_problem(region)
        if problem:
            raise ValueError(f"location {name.strip()[:40]!r}: {problem}; use {public_holidays.expected()}")
        found[location_key(name)] = region
    return found


@frozen
class CalendarFields:
    """Where working hours and holidays are read from, as the source's settings say."""

    working_hours_field: str = ""  # a custom field's name; "" gives everyone the default hours
    locations: Mapping[str, str] = field(factory=dict)  # location_key -> region
    from_address: bool = True  # country and state when the location is not mapped

    def report_fields(self) -> list[str]:
        """The fields the custom report asks for."""
        fields = [*REPORT_FIELDS, *REGION_FIELDS]
        if self.working_hours_field:
            fields.append(self.working_hours_field)
        return fields

    def hours_of(self, employee: Employee) -> WorkingHours:
        """The employee's working hours and holiday region; ``InvalidInput`` naming the field and fix."""
        region = self.locations.get(location_key(employee.location))
        if region is None and self.from_address:
            otherwise = (
                "or map the employee's location in the setting 'locations' ('Munich=DE-BY'), "
                "or set holidays_from_address = false"
            )
            region = holiday_region(
                employee.country,
                employee.state,
                country_field="country",
                subdivision_field="state",
                otherwise=otherwise,
            )
        hours_field = self.working_hours_field or "working_hours_field"
        return working_hours(
            employee.hours_text,
            "",
            region or "",
            hours_field=hours_field,
            days_field=hours_field,
            holidays_field="locations",
        )


@frozen
class Employee:
    """What the source needs from BambooHR about one employee."""

    id: str
    name: str
    email: str
    supervisor_id: str | None
    active: bool
    hours_text: str = ""
    location: str = ""
    country: str = ""
    state: str = ""


def employees_from(
    directory: Mapping[str, Any], report: Mapping[str, Any], working_hours_field: str = ""
) -> tuple[list[Employee], list[OrgProblem]]:
    """Join the directory (names, emails) with the report (supervisorEId, status, calendar fields)."""
    lines: dict[str, Mapping[str, Any]] = {}
    for row in report.get("employees") or ():
        if isinstance(row, dict) and _text(row.get("id")):
            lines[_text(row.get("id"))] = row
    employees: list[Employee] = []
    problems: list[OrgProblem] = []
    for row in directory.get("employees") or ():
        if not isinstance(row, dict):
            continue
        employee_id = _text(row.get("id"))
        if not employee_id:
            problems.append(OrgProblem("BambooHR directory", "id", "an entry without id", "an id"))
            continue
        name = _text(row.get("displayName")) or " ".join(
            p
            for p in (
                _text(row.get("preferredName")) or _text(row.get("firstName")),
                _text(row.get("lastName")),
            )
            if p
        )
        line = lines.get(employee_id, {})
        supervisor = manager_id(_text(line.get("supervisorEId")))
        status = _text(line.get("status")) or "Active"
        employees.append(
            Employee(
                employee_id,
                name,
                _text(row.get("workEmail")),
                supervisor,
                status == "Active",
                hours_text=_text(line.get(working_hours_field)) if working_hours_field else "",
                location=_text(line.get("location")),
                country=_text(line.get("country")),
                state=_text(line.get("state")),
            )
        )
    # The directory lists current employees only: the report names those who left.
    listed = {e.id for e in employees}
    for employee_id, line in lines.items():
        if employee_id not in listed and (_text(line.get("status")) or "Active") != "Active":
            employees.append(Employee(employee_id, "", "", None, active=False))
    return employees, problems


def person_of(employee: Employee, time_zone: str, calendar: CalendarFields | None = None) -> Person:
    """The person for an active employee; ``InvalidInput`` naming the employee."""
    label = where(employee.id)
    try:
        hours = (calendar or CalendarFields()).hours_of(employee)
    except InvalidInput as exc:
        raise record_error(label, exc) from None
    return build_person(
        label,
        person_id=employee.id,
        name=required(label, "name", employee.name, "a display name or first and last name"),
        email=required(label, "workEmail", employee.email, "a work email in BambooHR"),
        time_zone=time_zone,
        manager=employee.supervisor_id,
        working_hours=hours,
    )


# --- summary files -------------------------------------------------------


def render_summary(view: HrisSummaryView) -> bytes:
    """The summary file: only what the view carries (the report agreed to share it).

    No timestamp of its own, so the same summary always renders the same
    bytes and a re-run finds the file it wrote.
    """

    def day(value: date | None) -> str:
        return value.isoformat() if value else "-"

    lines = [
        "Career plan summary",
        "(what the employee agreed to share with HR)",
        "",
        f"Goal: {view.goal}" if view.goal else "Goal: (not shared)",
        "Focus competencies: " + (", ".join(view.focus_competencies) or "-"),
        f"Plan started: {day(view.plan_started)}",
        f"Last updated: {day(view.last_updated)}",
        f"Next review: {day(view.next_review)}",
        f"Reference: {view.external_id}",
        "",
    ]
    return "\n".join(lines).encode("utf-8")


def file_prefix(external_id: str) -> str:
    """Every file written for one summary starts with this (the idempotency key)."""
    return f"{FILE_PREFIX}{_SAFE.sub('_', external_id)[:80]}-"


def file_name(view: HrisSummaryView, content: bytes) -> str:
    """A stable name: the summary's key plus a digest of the content.

    Same summary, same name: nothing to upload. Changed summary, new name:
    upload it, then delete the older files with the same prefix.
    """
    digest = hashlib.sha256(content).hexdigest()[:12]
    return f"{file_prefix(view.external_id)}{digest}.txt"


def summary_files(listing: Mapping[str, Any], prefix: str) -> list[tuple[str, str]]:
    """(file id, name) of files starting with ``prefix`` in a files/view answer."""
    found: list[tuple[str, str]] = []
    for category in listing.get("categories") or ():
        if not isinstance(category, dict):
            continue
        for entry in category.get("files") or ():
            if not isinstance(entry, dict):
                continue
            name = _text(entry.get("name")) or _text(entry.get("originalFileName"))
            if name.startswith(prefix) and _text(entry.get("id")):
                found.append((_text(entry.get("id")), name))
    return found


# --- webhooks -------------------------------------------------------------


@frozen
class EmployeeEvent:
    """One employee change announced by a webhook: ``created``, ``updated`` or ``deleted``."""

    employee_id: str
    kind: str
    changed_fields: tuple[str, ...] = ()


def signature(secret: bytes, body: bytes, timestamp: str) -> str:
    """BambooHR's signature: hex HMAC-SHA256 over the body followed by the timestamp."""
    return hmac.new(secret, body + timestamp.encode("ascii"), hashlib.sha256).hexdigest()


def events_from(payload: object) -> list[EmployeeEvent]:
    """Events from an event-based or a field-based payload; ``ValueError`` if neither."""
    if not isinstance(payload, dict):
        raise ValueError("payload is not an object")
    kind = payload.get("type")
    if isinstance(kind, str) and isinstance(payload.get("data"), dict):
        data = payload["data"]
        employee_id = _text(data.get("employeeId"))
        if not employee_id or not kind.startswith("employee."):
            raise ValueError("event without employeeId")
        fields = tuple(f for f in data.get("changedFields") or () if isinstance(f, str))
        return [EmployeeEvent(employee_id, kind.removeprefix("employee."), fields)]
    employees = payload.get("employees")
    if not isinstance(employees, list):
        raise ValueError("neither an event nor an employees list")
    events: list[EmployeeEvent] = []
    for row in employees:
        if not isinstance(row, dict) or not _text(row.get("id")):
            raise ValueError("employee entry without id")
        action = _text(row.get("action")).lower() or "updated"
        kind = {"inserted": "created", "deleted": "deleted"}.get(action, "updated")
        fields = tuple(f for f in row.get("changedFields") or () if isinstance(f, str))
        events.append(EmployeeEvent(_text(row.get("id")), kind, fields))
    return events


def merge_events(events: Sequence[EmployeeEvent]) -> tuple[str, ...]:
    """The distinct employee ids, in order of first mention."""
    return tuple(dict.fromkeys(e.employee_id for e in events))
