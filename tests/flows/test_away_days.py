"""End to end: a report's all-day out-of-office days in their CalDAV calendar (real Radicale) keep
every conversation of a team's schedule off those days, in the report's own time zone.

Auckland is 13 hours ahead of UTC in December: a date read in UTC, as the
server's free-busy REPORT does, would leave the morning of each day off free.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from attrs import define

from careerconv_core.domain.people import Person
from careerconv_core.ports import PlanChange
from careerconv_core.services import Services
from careerconv_plugins.caldav.adapter import CalDavCalendar, from_settings
from servers.calendars import CalendarServer
from support.world import World

pytestmark = pytest.mark.servers

ENV = "CAREERCONV_TEST_CALDAV_PASSWORD"
AUCKLAND = ZoneInfo("Pacific/Auckland")
MONDAY = date(2026, 12, 7)
AWAY = [MONDAY + timedelta(days=n) for n in (1, 2)]  # Tuesday and Wednesday
TEAM = (
    Person("m9", "Aroha Manager", "aroha@example.com", "Pacific/Auckland"),
    Person("r9", "Tane Report", "tane@example.com", "Pacific/Auckland", manager_id="m9"),
)


@define
class CalDavWorld(World):
    """The test org and a team in Auckland, free/busy read from their CalDAV calendars."""

    busy_calendar: CalDavCalendar | None = None

    @property
    def services(self) -> Services:
        return Services(
            self.store, self.clock, self.ids, observe=self.events.append, calendar=self.busy_calendar
        )


def _leave() -> str:
    return (
        "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//example//calendar//EN\r\nBEGIN:VEVENT\r\n"
        "UID:leave-1\r\nDTSTAMP:20261101T000000Z\r\nSUMMARY:Leave\r\n"
        f"DTSTART;VALUE=DATE:{AWAY[0]:%Y%m%d}\r\n"
        f"DTEND;VALUE=DATE:{AWAY[-1] + timedelta(days=1):%Y%m%d}\r\n"
        "X-MICROSOFT-CDO-BUSYSTATUS:OOF\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )


def _put_leave_at(server: CalendarServer, base: str) -> None:
    """The report's days off, put into their own calendar as their calendar program would."""
    auth = (server.user, server.password) if server.password else None
    response = requests.put(
        f"{base}r9/leave-1.ics",
        data=_leave().encode(),
        auth=auth,
        headers={"Content-Type": "text/calendar"},
        timeout=5,
    )
    assert response.status_code == 201


def _put_leave(server: CalendarServer, calendar: CalDavCalendar) -> None:
    _put_leave_at(server, calendar.busy_urls.removesuffix("{person_id}/"))


def _calendars(server: CalendarServer, *, away: bool) -> CalDavCalendar:
    auth = (server.user, server.password) if server.password else None
    base = f"{server.home_url}team-{uuid.uuid4().hex[:8]}-"
    for person in ("m9", "r9"):
        response = requests.request("MKCALENDAR", f"{base}{person}/", auth=auth, timeout=5)
        assert response.status_code == 201
    if away:
        _put_leave_at(server, base)
    settings = {"url": f"{base}m9/", "busy_urls": base + "{person_id}/", "timeout": "5"}
    environ = {}
    if server.password:
        settings |= {"user": server.user, "password_env": ENV}
        environ = {ENV: server.password}
    return from_settings(settings, environ=environ)


def _schedule(server: CalendarServer, *, away: bool) -> list[tuple[datetime, datetime]]:
    world = CalDavWorld()
    world.store.commit(PlanChange(people=TEAM))
    world.busy_calendar = _calendars(server, away=away)
    svc = world.services
    plan_id = svc.propose("m9", "r9").plan.id
    svc.accept(plan_id, "r9", life_story_opt_in=True)
    svc.confirm_readiness(plan_id, "m9", True, True)
    report = svc.schedule_team("m9", MONDAY)
    assert report.placed == {"r9": plan_id}, report.unplaced
    assert report.note == "", report.note  # free/busy was read, not working hours alone
    return [(s.interval.start, s.interval.end) for s in report.placements["r9"].slots]


def _local_days(spans: list[tuple[datetime, datetime]]) -> set[date]:
    return {moment.astimezone(AUCKLAND).date() for span in spans for moment in span}


def test_no_conversation_lands_on_a_reports_days_out_of_office(radicale: CalendarServer) -> None:
    without_leave = _schedule(radicale, away=False)
    assert _local_days(without_leave) & set(AWAY), "the days off are where the schedule would go"
    with_leave = _schedule(radicale, away=True)
    assert not _local_days(with_leave) & set(AWAY), with_leave
    assert all(start.astimezone(AUCKLAND).date() > AWAY[-1] for start, _ in with_leave)


def test_a_conversation_placed_again_does_not_go_back_onto_a_day_taken_off_since(
    radicale: CalendarServer,
) -> None:
    """Its own old time is cut out of the busy time when it is placed again, but never out of
    a day off that came over it meanwhile (Google and Exchange decline a meeting that lands on one)."""
    world = CalDavWorld()
    world.store.commit(PlanChange(people=TEAM))
    world.busy_calendar = _calendars(radicale, away=False)
    svc = world.services
    plan_id = svc.propose("m9", "r9").plan.id
    svc.accept(plan_id, "r9", life_story_opt_in=True)
    svc.confirm_readiness(plan_id, "m9", True, True)
    assert svc.schedule_team("m9", MONDAY).placed == {"r9": plan_id}
    first = [(c.start, c.end) for c in world.store.load_plan(plan_id).conversations]
    assert _local_days([s for s in first if s[0] and s[1]]) & set(AWAY)  # type: ignore[misc]
    _put_leave(radicale, world.busy_calendar)
    svc.pause(plan_id, "r9")
    svc.resume(plan_id, "m9")
    report = svc.schedule_team("m9", MONDAY)
    assert report.placed == {"r9": plan_id}, report.unplaced
    again = [(s.interval.start, s.interval.end) for s in report.placements["r9"].slots]
    assert not _local_days(again) & set(AWAY), again
