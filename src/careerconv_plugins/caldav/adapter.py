"""The CalDAV calendar backend: idempotent, conditional writes and free/busy.

One sync batch costs one calendar-multiget REPORT (to learn which events
exist, their ETags and their careerconv fingerprints) plus one PUT or DELETE
per event that really changed. Unchanged events cost nothing more.

* A new event is PUT with ``If-None-Match: *`` under a resource name derived
  from its UID, so a retry can never create a second copy.
* A changed event is PUT with ``If-Match`` and the ETag just read, keeps its
  UID and gets a ``SEQUENCE`` above the stored one (exactly one step per real
  change; the SEQUENCE is computed here, never bumped by a client library).
* An event edited on the server by someone else (its content no longer
  matches the state hash careerconv wrote into it), an unreadable event, or a
  412 answer is reported as ``CONFLICT`` and left as it is.
* A cancellation deletes the event (``on_cancel = "delete"``, the default)
  or keeps it with ``STATUS:CANCELLED`` (``on_cancel = "cancel"``).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, time, timedelta, tzinfo

import icalendar

from careerconv_core.domain.clock import Interval
from careerconv_core.errors import (
    AdapterError,
    CareerconvError,
    ConfigurationError,
    WriteConflict,
)
from careerconv_core.ports import BusyReport, DeliveryOutcome, OutcomeStatus
from careerconv_core.views import InviteMethod, InviteView, Participant
from careerconv_plugins.caldav.client import CalDavClient, CalendarGoneError
from careerconv_plugins.ics import busy as icsbusy
from careerconv_plugins.ics import mapping
from careerconv_plugins.outcomes import error_outcome
from careerconv_plugins.settings import flag_setting, password_from_env, seconds_setting, service_url

_BUSY_TYPES = {"BUSY", "BUSY-UNAVAILABLE", "BUSY-TENTATIVE"}
_WHERE = "calendar 'caldav'"


def _utc_now() -> datetime:
    return datetime.now(UTC)


def _error_outcome(uid: str, exc: AdapterError) -> DeliveryOutcome:
    if isinstance(exc, WriteConflict):
        return DeliveryOutcome(uid, OutcomeStatus.CONFLICT, f"event {uid}: {exc.reason}")
    return error_outcome(uid, exc, prefix=f"event {uid}: ")


class CalDavCalendar:
    """A ``CalendarBackend`` on one CalDAV calendar collection."""

    def __init__(
        self,
        client: CalDavClient,
        *,
        on_cancel: str = "delete",
        create_calendar: bool = True,
        display_name: str = "Career conversations",
        busy_urls: str = "",
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.client = client
        self.on_cancel = on_cancel
        self.create_calendar = create_calendar
        self.display_name = display_name
        self.busy_urls = busy_urls
        self.clock = clock
        self._calendar_checked = False

    def _ensure_calendar(self) -> None:
        if not self._calendar_checked:
            self.client.ensure_calendar(create=self.create_calendar, display_name=self.display_name)
            self._calendar_checked = True

    def deliver_invites(self, invites: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
        """Create, update or cancel each invite; unchanged ones send no write."""
        if not invites:
            return []
        with self.client.connection():
            return self._deliver_all(invites)

    def _deliver_all(self, invites: Sequence[InviteView]) -> list[DeliveryOutcome]:
        latest = mapping.latest_per_uid(invites)
        names = {uid: mapping.resource_name(uid) for uid in latest}
        try:
            self._ensure_calendar()
            try:
                stored = self.client.multiget(sorted(set(names.values())))
            except CalendarGoneError:
                # Deleted on the server since this process checked it: find or make it again.
                self._calendar_checked = False
                self._ensure_calendar()
                stored = self.client.multiget(sorted(set(names.values())))
        except AdapterError as exc:
            return [_error_outcome(view.uid, exc) for view in invites]
        done: dict[str, DeliveryOutcome] = {}
        for uid, view in latest.items():
            name = names[uid]
            try:
                done[uid] = self._deliver_one(view, name, stored.get(name))
            except AdapterError as exc:
                done[uid] = _error_outcome(uid, exc)
            except CareerconvError as exc:
                done[uid] = DeliveryOutcome(uid, OutcomeStatus.FAILED, str(exc))
        return [done[view.uid] for view in invites]

    def _deliver_one(self, view: InviteView, name: str, found: tuple[str, str] | None) -> DeliveryOutcome:
        url = self.client.resource_url(name)
        etag, event = None, None
        if found is not None:
            etag, data = found
            try:
                events = mapping.events_of(data)
            except ValueError:
                events = []
            if len(events) != 1 or str(events[0].get("UID", "")) != view.uid:
                return DeliveryOutcome(
                    view.uid,
                    OutcomeStatus.CONFLICT,
                    f"event {view.uid}: the copy on the server at {name} is not a readable "
                    "event with this UID; fix or delete it there",
                    reference=url,
                )
            event = events[0]
            if mapping.edited_elsewhere(event):
                return DeliveryOutcome(
                    view.uid,
                    OutcomeStatus.CONFLICT,
                    f"event {view.uid} was changed on the server by someone else; it was not "
                    "overwritten: undo the edit there or delete the event, then sync again",
                    reference=url,
                )
        if view.method is InviteMethod.CANCEL and self.on_cancel == "delete":
            if etag is None:
                return DeliveryOutcome(view.uid, OutcomeStatus.UNCHANGED, "nothing to cancel")
            gone = self.client.delete(name, etag=etag)
            status = OutcomeStatus.DELIVERED if gone else OutcomeStatus.UNCHANGED
            return DeliveryOutcome(view.uid, status, reference=url)
        if view.method is InviteMethod.CANCEL and event is None:
            return DeliveryOutcome(view.uid, OutcomeStatus.UNCHANGED, "nothing to cancel")
        if mapping.is_unchanged(view, event):
            return DeliveryOutcome(view.uid, OutcomeStatus.UNCHANGED, reference=url)
        cal = mapping.invite_calendar(
            view, sequence=mapping.next_sequence(view, event), stamp=self.clock(), method=False
        )
        self.client.put(name, mapping.to_text(cal), etag=etag)
        return DeliveryOutcome(view.uid, OutcomeStatus.DELIVERED, reference=url)

    def busy(self, people: Sequence[Participant], start: datetime, end: datetime) -> BusyReport:
        """Each person's busy time from their calendar, all-day and floating times in their own zone.

        Their calendar URL comes from the ``busy_urls`` template (``{person_id}``
        and ``{email}`` are filled in). The events in the window are read with a
        calendar-query REPORT (recurrences expanded by the server) and judged by
        ``ics.busy``: the free-busy-query REPORT of Radicale and Xandikos reads
        an all-day date or a floating time in UTC, not in the person's zone.
        Where the account may see only free/busy, that REPORT is used, with a
        span of whole UTC days widened to the person's own days. Without the
        setting, or when the server refuses both for anyone, the report is
        unavailable and says why, and scheduling falls back to working hours.
        """
        if not self.busy_urls:
            return BusyReport(
                busy={},
                available=False,
                reason="free/busy is not configured (setting 'busy_urls'); scheduling by working hours only",
            )
        with self.client.connection():
            return self._busy(people, start, end)

    def _busy(self, people: Sequence[Participant], start: datetime, end: datetime) -> BusyReport:
        window = Interval(start, end)
        # A floating time lies up to 14 hours either side of UTC: ask a day more on each side.
        wide_start, wide_end = start - timedelta(days=1), end + timedelta(days=1)
        busy: dict[str, tuple[Interval, ...]] = {}
        away: dict[str, tuple[Interval, ...]] = {}
        for person in people:
            url = self.busy_urls.format(person_id=person.person_id, email=person.email)
            zone = icsbusy.person_zone(person.time_zone)
            try:
                texts = self.client.events_between(url, wide_start, wide_end)
                text = self.client.free_busy(url, wide_start, wide_end) if texts is None else None
            except AdapterError as exc:
                return BusyReport(
                    busy={},
                    available=False,
                    reason=f"free/busy for {person.person_id} failed: {exc.reason}; "
                    "scheduling by working hours only",
                )
            if texts is not None:
                busy[person.person_id], away[person.person_id] = icsbusy.busy_spans(
                    _events(texts), zone, window
                )
                continue
            spans = _busy_spans(text, zone) if text is not None else None
            if spans is None:
                return BusyReport(
                    busy={},
                    available=False,
                    reason=f"the server offers no free/busy for {person.person_id}; "
                    "scheduling by working hours only",
                )
            busy[person.person_id] = tuple(s for s, off in spans if s.overlaps(window) and not off)
            away[person.person_id] = tuple(s for s, off in spans if s.overlaps(window) and off)
        return BusyReport(busy=busy, away=away)


def _events(texts: Sequence[str]) -> list[icalendar.Event]:
    events: list[icalendar.Event] = []
    for text in texts:
        try:
            events += mapping.events_of(text)
        except ValueError:
            continue  # one unreadable resource does not hide everyone's other events
    return events


def _busy_spans(text: str, zone: tzinfo) -> list[tuple[Interval, bool]] | None:
    """Busy intervals from a VFREEBUSY answer, UTC days widened to ``zone``'s, each with whether
    it is time away (whole days, or ``BUSY-UNAVAILABLE``); None if unreadable."""
    try:
        cal = icalendar.Calendar.from_ical(text)
    except ValueError:
        return None
    blocks = list(cal.walk("VFREEBUSY"))
    if not blocks:
        return None
    spans: list[tuple[Interval, bool]] = []
    for block in blocks:
        raw = block.get("FREEBUSY", [])
        for prop in raw if isinstance(raw, list) else [raw]:
            kind = str(prop.params.get("FBTYPE", "BUSY")).upper()
            if kind not in _BUSY_TYPES:
                continue
            periods = prop.dt if isinstance(prop.dt, list) else [prop.dt]
            for period in periods:
                found = _period(period, zone)
                if found is not None:
                    span, whole_days = found
                    spans.append((span, whole_days or kind == "BUSY-UNAVAILABLE"))
    return sorted(spans, key=lambda s: s[0].start)


def _period(period: object, zone: tzinfo) -> tuple[Interval, bool] | None:
    # icalendar gives a period as (start, end) or (start, duration).
    if not isinstance(period, tuple) or len(period) != 2:
        return None
    start, other = period
    if not isinstance(start, datetime):
        return None
    end = other if isinstance(other, datetime) else start + other
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    if end.tzinfo is None:
        end = end.replace(tzinfo=UTC)
    start, end = start.astimezone(UTC), end.astimezone(UTC)
    if _utc_midnight(start) and (end == start or _utc_midnight(end)):
        # Whole UTC days: an all-day date the server placed in UTC (Xandikos gives one without
        # DTEND no length at all). The person's own days are busy too; keeping both never
        # frees time that was busy.
        last = max(end, start + timedelta(days=1))
        local_start = datetime.combine(start.date(), time(0), tzinfo=zone).astimezone(UTC)
        local_end = datetime.combine(last.date(), time(0), tzinfo=zone).astimezone(UTC)
        return Interval(min(start, local_start), max(last, local_end)), True
    return (Interval(start, end), False) if end > start else None


def _utc_midnight(moment: datetime) -> bool:
    return moment.time() == time(0)


def from_settings(settings: Mapping[str, str], *, environ: Mapping[str, str] | None = None) -> CalDavCalendar:
    """Build the backend from settings.

    ``url`` (the calendar collection), ``user``, ``password_env`` (the name of
    the environment variable holding the password), ``timeout`` (seconds,
    default 10), ``on_cancel`` (``delete`` or ``cancel``), ``create_calendar``
    (default true), ``calendar_name``, ``busy_urls`` (a template per person).
    """
    env = os.environ if environ is None else environ
    url = service_url(
        settings.get("url", ""), where=_WHERE, setting="url", example="https://dav.example.com/mara/career/"
    )
    user = settings.get("user", "").strip()
    password = password_from_env(settings, env, where=_WHERE, what="the account's password")
    timeout = seconds_setting(settings, "timeout", where=_WHERE, default=10, most=300)
    on_cancel = settings.get("on_cancel", "delete").strip().lower()
    if on_cancel not in {"delete", "cancel"}:
        raise ConfigurationError(
            "calendar 'caldav': setting 'on_cancel' must be 'delete' (remove the event) "
            "or 'cancel' (keep it marked cancelled)"
        )
    busy_urls = settings.get("busy_urls", "").strip()
    try:
        busy_urls.format(person_id="x", email="x@example.com")
    except (KeyError, IndexError, ValueError):
        raise ConfigurationError(
            "calendar 'caldav': setting 'busy_urls' may only use {person_id} and {email}"
        ) from None
    if busy_urls:
        # Checked with stand-in values: each person's address must pass the same rule as 'url'.
        service_url(
            busy_urls.format(person_id="someone", email="someone@example.com"),
            where=_WHERE,
            setting="busy_urls",
            example="https://dav.example.com/{person_id}/calendar/",
        )
    client = CalDavClient(url, user, password, timeout=timeout)
    return CalDavCalendar(
        client,
        on_cancel=on_cancel,
        create_calendar=flag_setting(settings, "create_calendar", where=_WHERE, default=True),
        display_name=settings.get("calendar_name", "Career conversations"),
        busy_urls=busy_urls,
    )
