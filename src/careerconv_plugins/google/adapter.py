"""The Google Calendar backend: idempotent, conditional writes, free/busy and attendees' answers.

One invite costs one GET (what the calendar holds now) plus at most one
write: an insert for a new event, a PATCH of only the changed fields for an
update or a move, a DELETE for a cancellation, nothing when nothing changed.

* The event's ``iCalUID`` is the invite's uid, the one every other channel
  (iMIP mail, ``.ics`` files, CalDAV) gives the meeting, so a person reached
  two ways sees one event. Google keeps an iCalUID unique per calendar
  (deleted events' too): the event is looked up by it before any insert, and
  a retry after a lost answer meets 409 ``duplicate``, looks it up and goes
  on as an update, so no kill at any point can leave two events.
* Every write carries ``If-Match`` with the ETag just read; a 412 means the
  event changed in between, and it is read and decided again once.
* An event a person edited in the calendar (its managed fields no longer
  match the fingerprint careerconv wrote with them) or deleted there is a
  ``CONFLICT``, left as it is. A real change careerconv makes later (a new
  SEQUENCE) brings a deleted event back.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from careerconv_core.domain.clock import Interval
from careerconv_core.errors import AdapterError, CareerconvError, WriteConflict
from careerconv_core.ports import (
    AnswersReport,
    AttendeeAnswer,
    BusyReport,
    DeliveryOutcome,
    OutcomeStatus,
)
from careerconv_core.views import InviteMethod, InviteView, Participant
from careerconv_plugins.files import read_text, write_atomic
from careerconv_plugins.google import mapping
from careerconv_plugins.google.client import Duplicate, Gone, GoogleClient
from careerconv_plugins.outcomes import error_outcome

FREEBUSY_MOST = 50
"""Calendars one ``freebusy.query`` may ask about (the API's ``calendarExpansionMax`` is at most 50)."""
PAGE = 250
LIST_FROM = 4
"""From this many invites of one organizer on, their events are listed at once rather than read one by one."""
_MARGIN = timedelta(days=1)
_ORGANIZERS = "organizers.json"


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _latest(invites: Sequence[InviteView]) -> dict[str, InviteView]:
    """The invite with the highest sequence per uid (the last one given on a tie)."""
    out: dict[str, InviteView] = {}
    for view in invites:
        if view.uid not in out or view.sequence >= out[view.uid].sequence:
            out[view.uid] = view
    return out


class GoogleCalendar:
    """A ``CalendarBackend`` (and ``AnswersRead``) on Google Calendar.

    ``subject`` None acts as each invite's organizer (domain-wide delegation);
    an address acts as that user for every invite (or the OAuth user's own).
    """

    def __init__(
        self,
        client: GoogleClient,
        *,
        calendar_id: str = "primary",
        subject: str | None = None,
        send_updates: str = "all",
        state_directory: Path | None = None,
    ) -> None:
        self.client = client
        self.calendar_id = calendar_id
        self.subject = subject
        self.send_updates = send_updates
        self.state_directory = state_directory
        self._organizers: dict[str, str] = self._load_organizers()

    def close(self) -> None:
        """Close the HTTP connections."""
        self.client.close()

    # -- where each event lives ------------------------------------------------------------

    def _acting(self, organizer: str) -> str | None:
        if self.subject:
            return self.subject
        return organizer if self.client.tokens.delegated else None

    def _load_organizers(self) -> dict[str, str]:
        if self.state_directory is None:
            return {}
        text = read_text(self.state_directory / _ORGANIZERS)
        try:
            data = json.loads(text) if text else {}
        except ValueError:
            return {}
        return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}

    def _remember(self, uid: str, organizer: str) -> None:
        if self._organizers.get(uid) == organizer:
            return
        self._organizers[uid] = organizer
        if self.state_directory is not None:
            # Only answers() needs it; the event itself is written either way.
            with contextlib.suppress(OSError):
                write_atomic(self.state_directory / _ORGANIZERS, json.dumps(self._organizers, sort_keys=True))

    # -- invites -------------------------------------------------------------------------------

    def deliver_invites(self, invites: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
        """Create, update or cancel each invite; unchanged ones send no write."""
        done: dict[str, DeliveryOutcome] = {}
        groups: dict[str | None, list[InviteView]] = {}
        for view in _latest(invites).values():
            groups.setdefault(self._acting(view.organizer.email), []).append(view)
        for subject, views in groups.items():
            try:
                held = self._held(views, subject)
            except AdapterError as exc:
                done.update({v.uid: error_outcome(v.uid, exc, prefix=f"event {v.uid}: ") for v in views})
                continue
            for view in views:
                done[view.uid] = self._deliver_caught(view, subject, held)
        return [done[view.uid] for view in invites]

    def _held(
        self, views: Sequence[InviteView], subject: str | None
    ) -> Mapping[str, Mapping[str, Any]] | None:
        """careerconv's events around ``views``, by uid, in one listing (None: read each instead).

        Worth it from ``LIST_FROM`` invites on: one request a page of 250 rather
        than one read per invite. An event outside the window (moved far) is not
        listed; its insert then meets 409 and it is read after all.
        """
        if len(views) < LIST_FROM:
            return None
        params = {
            "privateExtendedProperty": f"{mapping.OURS}=1",
            "showDeleted": "true",
            "timeMin": _rfc3339(min(v.start for v in views) - _MARGIN),
            "timeMax": _rfc3339(max(v.end for v in views) + _MARGIN),
            "maxResults": str(PAGE),
        }
        listed = self._list(params, subject)
        return {str(mapping.stored_properties(e).get(mapping.UID)): e for e in listed}

    def _deliver_caught(
        self, view: InviteView, subject: str | None, held: Mapping[str, Mapping[str, Any]] | None
    ) -> DeliveryOutcome:
        uid = view.uid
        try:
            return self._deliver_one(view, subject, held)
        except WriteConflict as exc:
            return DeliveryOutcome(uid, OutcomeStatus.CONFLICT, f"event {uid}: {exc.reason}")
        except AdapterError as exc:
            return error_outcome(uid, exc, prefix=f"event {uid}: ")
        except CareerconvError as exc:
            return DeliveryOutcome(uid, OutcomeStatus.FAILED, f"event {uid}: {exc}")

    def _deliver_one(
        self, view: InviteView, subject: str | None, held: Mapping[str, Mapping[str, Any]] | None
    ) -> DeliveryOutcome:
        self._remember(view.uid, view.organizer.email)
        event = held.get(view.uid) if held is not None else self._find(view.uid, subject)
        for _ in range(2):
            try:
                return self._decide(view, subject, event)
            except Duplicate:
                event = self._find(view.uid, subject)  # written by an earlier try whose answer was lost
                if event is None:
                    return self._conflict(view, "has its iCalUID taken by an event careerconv cannot see")
            except (WriteConflict, Gone):
                event = self._find(view.uid, subject)  # changed or purged in between: decide again
        return DeliveryOutcome(
            view.uid,
            OutcomeStatus.CONFLICT,
            f"event {view.uid} keeps changing in the calendar while careerconv writes it; "
            "nothing was overwritten: sync again later",
        )

    def _find(self, uid: str, subject: str | None) -> Mapping[str, Any] | None:
        """The event whose iCalUID is ``uid`` (a deleted one too), in one ``events.list``."""
        params = {"iCalUID": uid, "showDeleted": "true", "maxResults": str(PAGE)}
        try:
            listed = self._list(params, subject)
        except Gone:  # no such calendar: the insert says so, naming the setting
            return None
        return listed[0] if listed else None

    def _conflict(self, view: InviteView, what: str, ref: str = "") -> DeliveryOutcome:
        return DeliveryOutcome(
            view.uid,
            OutcomeStatus.CONFLICT,
            f"event {view.uid} {what}; careerconv did not overwrite it. Fix: undo the change in "
            "the calendar, or move the conversation with careerconv",
            reference=ref,
        )

    def _decide(
        self, view: InviteView, subject: str | None, event: Mapping[str, Any] | None
    ) -> DeliveryOutcome:
        ref = str((event or {}).get("id") or "")
        path = self.client.events_path(self.calendar_id, ref)
        query = {"sendUpdates": self.send_updates}
        if event is not None and not mapping.is_ours(event, view.uid):
            return self._conflict(view, "has an event with its iCalUID that careerconv did not write", ref)
        organizer = view.organizer.email
        if view.method is InviteMethod.CANCEL:
            if event is None or mapping.is_removed(event):
                return DeliveryOutcome(view.uid, OutcomeStatus.UNCHANGED, "nothing to cancel", reference=ref)
            if mapping.edited_elsewhere(event, organizer):
                return self._conflict(view, "was changed in the calendar by a person", ref)
            try:
                self.client.call(
                    "DELETE", path, subject=subject, params=query, if_match=_etag(event), what="delete event"
                )
            except Gone:  # deleted in between (410): as asked
                return DeliveryOutcome(view.uid, OutcomeStatus.UNCHANGED, "already deleted", reference=ref)
            return DeliveryOutcome(view.uid, OutcomeStatus.DELIVERED, reference=ref)
        if event is None:
            try:
                made = self.client.call(
                    "POST",
                    self.client.events_path(self.calendar_id),
                    subject=subject,
                    params=query,
                    body=mapping.event_body(view),
                    what="insert event",
                )
            except Gone:
                raise AdapterError(
                    "google",
                    f"calendar {self.calendar_id!r} (setting 'calendar_id') does not exist for "
                    f"{subject or 'the signed-in user'}. Fix: use 'primary' or the id shown in the "
                    "calendar's settings (Integrate calendar)",
                    misconfigured=True,
                ) from None
            made_id = made.get("id") if isinstance(made, Mapping) else None
            return DeliveryOutcome(view.uid, OutcomeStatus.DELIVERED, reference=str(made_id or ""))
        if mapping.is_removed(event):
            written = mapping.stored_properties(event).get(mapping.SEQUENCE)
            if written is not None and int(written or 0) >= view.sequence:
                return self._conflict(view, "was deleted from the calendar by a person", ref)
            body = {**mapping.wanted_fields(view), "status": "confirmed"}
            body["sequence"] = max(view.sequence, mapping.held_sequence(event))
            body["extendedProperties"] = {"private": mapping.private_properties(view)}
        elif mapping.edited_elsewhere(event, organizer):
            return self._conflict(view, "was changed in the calendar by a person", ref)
        else:
            body = mapping.changed_fields(event, view)
            if not body:
                return DeliveryOutcome(view.uid, OutcomeStatus.UNCHANGED, reference=ref)
        self.client.call(
            "PATCH", path, subject=subject, params=query, body=body, if_match=_etag(event), what="patch event"
        )
        return DeliveryOutcome(view.uid, OutcomeStatus.DELIVERED, reference=ref)

    # -- free/busy -------------------------------------------------------------------------------

    def busy(self, people: Sequence[Participant], start: datetime, end: datetime) -> BusyReport:
        """Everyone's busy time from ``freebusy.query``, 50 calendars a request, our own events left out.

        Acts as ``subject``, or as the first person (the manager). A person
        whose free/busy Google will not show makes the report unavailable,
        naming them, so scheduling falls back to working hours.
        """
        if not people:
            return BusyReport(busy={})
        subject = self._acting(people[0].email)
        try:
            found = self._free_busy(people, start, end, subject)
            own = self._own_spans(start, end, subject)
        except AdapterError as exc:
            return BusyReport(busy={}, available=False, reason=f"Google free/busy failed: {exc.reason}")
        if isinstance(found, str):
            return BusyReport(busy={}, available=False, reason=found)
        return BusyReport(busy={pid: mapping.without(spans, own) for pid, spans in found.items()})

    def _free_busy(
        self, people: Sequence[Participant], start: datetime, end: datetime, subject: str | None
    ) -> dict[str, list[Interval]] | str:
        by_email: dict[str, list[Interval]] = {}
        emails = list(dict.fromkeys(p.email.strip().lower() for p in people))
        who = {p.email.strip().lower(): p.person_id for p in people}
        for first in range(0, len(emails), FREEBUSY_MOST):
            chunk = emails[first : first + FREEBUSY_MOST]
            body = {
                "timeMin": _rfc3339(start),
                "timeMax": _rfc3339(end),
                "items": [{"id": email} for email in chunk],
                "calendarExpansionMax": len(chunk),
            }
            answer = self.client.call("POST", "/freeBusy", subject=subject, body=body, what="freebusy query")
            calendars = {str(k).lower(): v for k, v in (answer or {}).get("calendars", {}).items()}
            for email in chunk:
                calendar = calendars.get(email)
                errors = (calendar or {}).get("errors") or ()
                if calendar is None or errors:
                    why = str(errors[0].get("reason", "")) if errors else "left out of the answer"
                    return (
                        f"Google shows no free/busy for {who[email]} ({why}): outside the domain, "
                        "or their calendar is not shared. Fix: share their free/busy with the "
                        "organizer; scheduling by working hours only"
                    )
                by_email[email] = mapping.busy_spans(calendar.get("busy") or ())
        return {p.person_id: by_email[p.email.strip().lower()] for p in people}

    def _own_spans(self, start: datetime, end: datetime, subject: str | None) -> list[Interval]:
        params = {
            "privateExtendedProperty": f"{mapping.OURS}=1",
            "timeMin": _rfc3339(start),
            "timeMax": _rfc3339(end),
            "singleEvents": "true",
            "maxResults": str(PAGE),
        }
        spans = []
        for event in self._list(params, subject):
            if mapping.is_removed(event):
                continue
            span = mapping.busy_spans(
                [{"start": _moment(event.get("start")), "end": _moment(event.get("end"))}]
            )
            spans += span
        return spans

    def _list(self, params: Mapping[str, str], subject: str | None) -> list[Mapping[str, Any]]:
        items: list[Mapping[str, Any]] = []
        token = ""
        while True:
            page = self.client.call(
                "GET",
                self.client.events_path(self.calendar_id),
                subject=subject,
                params={**params, **({"pageToken": token} if token else {})},
                what="list events",
            )
            items += [i for i in page.get("items") or () if isinstance(i, Mapping)]
            token = str(page.get("nextPageToken") or "")
            if not token:
                return items

    # -- answers -----------------------------------------------------------------------------------

    def answers(self, uids: Sequence[str]) -> AnswersReport:
        """Each attendee's ``responseStatus`` for each uid; deleted events listed as removed.

        One ``events.list`` of careerconv's own events (deleted ones too) per
        organizer's calendar, 250 a page, instead of one read per uid.
        """
        by_subject: dict[str | None, list[str]] = {}
        unknown = []
        for uid in dict.fromkeys(uids):
            organizer = self._organizers.get(uid)
            if organizer is None and not self.subject and self.client.tokens.delegated:
                unknown.append(uid)
                continue
            by_subject.setdefault(self._acting(organizer or ""), []).append(uid)
        answers: dict[str, Mapping[str, AttendeeAnswer]] = {}
        removed: list[str] = []
        params = {
            "privateExtendedProperty": f"{mapping.OURS}=1",
            "showDeleted": "true",
            "maxResults": str(PAGE),
        }
        try:
            for subject, wanted in by_subject.items():
                listed = self._list(params, subject)
                found = {mapping.stored_properties(e).get(mapping.UID): e for e in listed}
                for uid in wanted:
                    event = found.get(uid)
                    if event is None:
                        continue
                    if mapping.is_removed(event):
                        removed.append(uid)
                    else:
                        answers[uid] = mapping.answers_of(event, self._organizers.get(uid, subject or ""))
        except AdapterError as exc:
            return AnswersReport(answers={}, available=False, reason=f"Google answers failed: {exc.reason}")
        reason = (
            f"{len(unknown)} invite(s) not delivered through this calendar's state; set "
            "'state_directory' (or 'subject') so their organizer is known"
            if unknown
            else ""
        )
        return AnswersReport(answers=answers, removed=tuple(removed), reason=reason)


def _etag(event: Mapping[str, Any]) -> str | None:
    etag = event.get("etag")
    return str(etag) if etag else None


def _moment(value: object) -> str:
    if isinstance(value, Mapping):
        return str(value.get("dateTime") or "")
    return ""
