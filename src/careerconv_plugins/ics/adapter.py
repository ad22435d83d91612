"""The embedded calendar backend: ``.ics`` files in a folder.

Layout under the ``directory`` setting::

    invites/<uid>.ics     one iTIP file per invite (METHOD:REQUEST or METHOD:CANCEL)
    people/<person>.ics   one calendar per person with all of their live events

The per-person files are rebuilt from the invite files after every batch, so
they can never disagree with them. A cancelled conversation keeps its invite
file (``METHOD:CANCEL``, ``STATUS:CANCELLED``, a higher ``SEQUENCE``: importing
it removes the event from a calendar) and is *removed* from the per-person
files, so a subscribed calendar drops it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path

import icalendar

from careerconv_core.domain.clock import Interval
from careerconv_core.errors import CareerconvError
from careerconv_core.ports import BusyReport, DeliveryOutcome, OutcomeStatus
from careerconv_core.views import InviteMethod, InviteView, Participant
from careerconv_plugins.files import (
    LOCK_NAME,
    folder_lock,
    os_error_outcome,
    read_text,
    required_folder,
    write_atomic,
)
from careerconv_plugins.ics import busy as icsbusy
from careerconv_plugins.ics import mapping


def _utc_now() -> datetime:
    return datetime.now(UTC)


class IcsCalendar:
    """A ``CalendarBackend`` that writes RFC 5545 files into ``directory``."""

    def __init__(self, directory: Path, *, clock: Callable[[], datetime] = _utc_now) -> None:
        self.directory = directory
        self.clock = clock

    @property
    def invites_dir(self) -> Path:
        """Where the per-invite files are."""
        return self.directory / "invites"

    @property
    def people_dir(self) -> Path:
        """Where the per-person files are."""
        return self.directory / "people"

    def invite_path(self, uid: str) -> Path:
        """The file of the invite with ``uid``."""
        return self.invites_dir / mapping.resource_name(uid)

    def person_path(self, person_id: str) -> Path:
        """The calendar file of the person with ``person_id``."""
        return self.people_dir / mapping.resource_name(person_id)

    def _stored(self, path: Path) -> icalendar.Event | None:
        text = read_text(path)
        if text is None:
            return None
        try:
            events = mapping.events_of(text)
        except ValueError:
            # Our own folder: an unreadable file is replaced by a correct one.
            return None
        return events[0] if events else None

    def _deliver_one(self, view: InviteView, touched: set[str]) -> DeliveryOutcome:
        try:
            return self._write_invite(view, touched)
        except CareerconvError as exc:
            return DeliveryOutcome(view.uid, OutcomeStatus.FAILED, str(exc))

    def _write_invite(self, view: InviteView, touched: set[str]) -> DeliveryOutcome:
        path = self.invite_path(view.uid)
        try:
            stored = self._stored(path)
        except OSError as exc:
            return os_error_outcome(view.uid, path, exc)
        touched.update(p.person_id for p in (view.organizer, *view.attendees))
        if stored is not None:
            touched.update(mapping.participant_ids(stored))
        if view.method is InviteMethod.CANCEL and stored is None:
            return DeliveryOutcome(view.uid, OutcomeStatus.UNCHANGED, "nothing to cancel")
        if mapping.is_unchanged(view, stored):
            return DeliveryOutcome(view.uid, OutcomeStatus.UNCHANGED, reference=str(path))
        cal = mapping.invite_calendar(
            view,
            sequence=mapping.next_sequence(view, stored),
            stamp=self.clock(),
            person_ids=True,
        )
        try:
            write_atomic(path, mapping.to_text(cal))
        except OSError as exc:
            return os_error_outcome(view.uid, path, exc)
        return DeliveryOutcome(view.uid, OutcomeStatus.DELIVERED, reference=str(path))

    def _all_events(self) -> list[icalendar.Event]:
        events: list[icalendar.Event] = []
        if not self.invites_dir.is_dir():
            return events
        for path in sorted(self.invites_dir.glob("*.ics")):
            stored = self._stored(path)
            if stored is not None:
                events.append(stored)
        return events

    def _rebuild_people(self, person_ids: set[str]) -> dict[str, OSError]:
        """Rewrite the files of ``person_ids`` from the invite files; return the failures."""
        failures: dict[str, OSError] = {}
        try:
            events = self._all_events()
        except OSError as exc:
            return dict.fromkeys(person_ids, exc)
        for person_id in sorted(person_ids):
            mine = [
                event
                for event in events
                if person_id in mapping.participant_ids(event)
                and str(event.get("STATUS", "")).upper() != "CANCELLED"
            ]
            path = self.person_path(person_id)
            cal = mapping.person_calendar(mine, f"Career conversations {person_id}")
            text = mapping.to_text(cal)
            try:
                if read_text(path) != text:
                    write_atomic(path, text)
            except OSError as exc:
                failures[person_id] = exc
        return failures

    def deliver_invites(self, invites: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
        """Write each invite's file when it changed, then rebuild the affected people's files."""
        touched: set[str] = set()
        latest = mapping.latest_per_uid(invites)
        try:
            # One dispatcher at a time writes invites and rebuilds people's files from them:
            # otherwise a rebuild that listed the folder before another's write drops its event.
            with folder_lock(self.directory):
                done = {uid: self._deliver_one(view, touched) for uid, view in latest.items()}
                failures = self._rebuild_people(touched)
        except OSError as lock_error:
            lock = self.directory / LOCK_NAME
            return [os_error_outcome(view.uid, lock, lock_error) for view in invites]
        outcomes = [done[view.uid] for view in invites]
        if not failures:
            return outcomes
        # A person's file that could not be rebuilt makes the invites touching
        # them retry; the next attempt rebuilds it even if the invite is unchanged.
        result: list[DeliveryOutcome] = []
        for view, outcome in zip(invites, outcomes, strict=True):
            ids = {p.person_id for p in (view.organizer, *view.attendees)}
            failed = sorted(ids & failures.keys())
            if outcome.ok and failed:
                exc = failures[failed[0]]
                result.append(os_error_outcome(view.uid, self.person_path(failed[0]), exc))
            else:
                result.append(outcome)
        return result

    def rebuild(self, views: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
        """Write every invite's file and each participant's file again (``ports.Rebuildable``).

        Delivering already writes a missing or damaged file and leaves a current
        one alone, and rebuilds the participants' files either way, so rebuilding
        is delivering the latest views once more.
        """
        return self.deliver_invites(views)

    def busy(self, people: Sequence[Participant], start: datetime, end: datetime) -> BusyReport:
        """Busy intervals from each person's file; unavailable when none of them has one.

        Only events written by careerconv are known here: this is the manager's
        career-conversation time, not their whole calendar. An event that a
        person added to their file is judged by the same rule as CalDAV's
        (``ics.busy``): all-day and floating times in the person's own zone.
        """
        window = Interval(start, end)
        busy: dict[str, tuple[Interval, ...]] = {}
        away: dict[str, tuple[Interval, ...]] = {}
        found = False
        for person in people:
            path = self.person_path(person.person_id)
            try:
                text = read_text(path)
                events = mapping.events_of(text) if text is not None else []
            except (OSError, ValueError):
                text, events = None, []
            found = found or text is not None
            zone = icsbusy.person_zone(person.time_zone)
            busy[person.person_id], away[person.person_id] = icsbusy.busy_spans(events, zone, window)
        if not found:
            ids = ", ".join(p.person_id for p in people) or "nobody"
            return BusyReport(
                busy={},
                available=False,
                reason=f"no calendar file for {ids} in {self.people_dir}; scheduling by working hours only",
            )
        return BusyReport(busy=busy, away=away)


def from_settings(settings: Mapping[str, str]) -> IcsCalendar:
    """Build the backend from settings: ``directory`` (required)."""
    return IcsCalendar(
        required_folder(
            settings, "directory", where="calendar 'ics'", purpose=".ics files", example="calendars"
        )
    )
