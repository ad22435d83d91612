"""BambooHR as an ``HrisSource``: the directory joined with 'Reporting to'."""

from __future__ import annotations

import logging
from typing import Any

from careerconv_core.domain.people import Person
from careerconv_core.errors import AdapterError, InvalidInput
from careerconv_core.ports import OrgSnapshot
from careerconv_plugins.bamboohr.client import ADAPTER, BambooHrClient
from careerconv_plugins.bamboohr.mapping import (
    CalendarFields,
    checked_cursor,
    employees_from,
    person_of,
    where,
)
from careerconv_plugins.hris_mapping import checked_org, org_problem

log = logging.getLogger(__name__)


class BambooHrSource:
    """Reads employees and their supervisors from BambooHR.

    A full read (``cursor`` None) asks for the directory and a custom report
    with ``supervisorEId`` and ``status``: two requests whatever the size of
    the company. A poll first asks ``/employees/changed?since=<cursor>``; when
    nothing changed that is the only request, otherwise it reads the org
    again and returns only the changed people (and the deleted or inactive
    ones as ``removed``). Either way the whole org is checked, so a
    'Reporting to' naming nobody or a reporting cycle raises ``OrgInvalid``
    and nothing is returned.

    The same report carries ``location``, ``country`` and ``state`` and,
    when ``calendar`` names one, the working-hours field (see ``CalendarFields``).
    """

    def __init__(
        self, client: BambooHrClient, time_zone: str = "UTC", calendar: CalendarFields | None = None
    ) -> None:
        self.client = client
        self.time_zone = time_zone
        self.calendar = calendar or CalendarFields()

    def read_people(self, cursor: str | None = None) -> OrgSnapshot:
        """Everyone (``cursor`` None) or the employees changed since ``cursor``."""
        if cursor is None:
            people, removed, next_cursor = self._read_all()
            return OrgSnapshot(tuple(people), tuple(removed), next_cursor)
        since = checked_cursor(cursor)
        changed = self.client.get_json("/employees/changed", {"since": since})
        entries = changed.get("employees") or {}
        if not isinstance(entries, dict):
            raise AdapterError(ADAPTER, "GET /employees/changed answered no employees map")
        latest = changed.get("latest")
        next_cursor = checked_cursor(latest) if isinstance(latest, str) and latest else since
        if not entries:
            return OrgSnapshot((), (), next_cursor)
        deleted = {
            str(key)
            for key, entry in entries.items()
            if isinstance(entry, dict) and entry.get("action") == "Deleted"
        }
        people, inactive, _ = self._read_all()
        wanted = set(map(str, entries)) - deleted
        return OrgSnapshot(
            tuple(p for p in people if p.id in wanted),
            tuple(sorted(deleted | (wanted & set(inactive)))),
            next_cursor,
        )

    def _read_all(self) -> tuple[list[Person], list[str], str | None]:
        response = self.client.request("GET", "/employees/directory")
        directory: Any = BambooHrClient.json_object(response, "GET /employees/directory")
        started_at = BambooHrClient.server_time(response)
        report = self.client.post_json(
            "/reports/custom",
            {"title": "careerconv reporting lines", "fields": self.calendar.report_fields()},
            params={"format": "JSON", "onlyCurrent": "true"},
        )
        hours_field = self.calendar.working_hours_field
        employees, problems = employees_from(directory, report, hours_field)
        if hours_field and not any(e.hours_text for e in employees if e.active):
            # BambooHR answers a field it does not know with nulls, as it answers an empty one.
            log.warning(
                "BambooHR: the field %r (setting 'working_hours_field') is empty for everyone; "
                "check its name under Settings > Custom fields",
                hours_field[:60],
            )
        people: list[Person] = []
        inactive: list[str] = []
        for employee in employees:
            if not employee.active:
                inactive.append(employee.id)
                continue
            try:
                people.append(person_of(employee, self.time_zone, self.calendar))
            except InvalidInput as exc:
                problems.append(org_problem(exc, where(employee.id)))
        checked_org(people, problems, label=where, source="BambooHR")
        if not people:
            # Read as an org, an empty directory would mean everyone left.
            raise AdapterError(
                ADAPTER, "the directory lists no active employees; check the 'company' setting"
            )
        # The server's clock at the start of the read: a change after it is
        # seen by the next poll, whatever our own clock says.
        return people, inactive, started_at
