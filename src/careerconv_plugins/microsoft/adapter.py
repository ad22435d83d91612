"""The Microsoft 365 calendar backend: events in the organizer's Exchange Online calendar.

For each invite: a GET that finds the event by its ``careerconvKey``
extended property (never a create before it; 20 such GETs go in one JSON
batch), then at most one write:

* not there: one POST with the invite's ``transactionId`` (a repeat after a
  lost answer is dropped by Graph) and both extended properties;
* there and as wanted: nothing (``UNCHANGED``);
* there, wanted otherwise: one PATCH of only the parts that changed (a move
  is start and end together), with ``If-Match`` on the ETag just read;
* edited by a person since careerconv wrote it (subject, time or attendees no
  longer what careerconv wrote), or changed between the read and the write
  (412): ``CONFLICT``, left as it is;
* a cancellation: one POST ``/cancel`` with a comment (Graph sends the
  attendees the cancellation and removes the event from the calendar).

Free/busy comes from ``getSchedule``, many people a request. Attendees'
answers come from ``status.response`` of each attendee.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode

from careerconv_core.domain.clock import Interval
from careerconv_core.errors import AdapterError, WriteConflict
from careerconv_core.ports import AnswersReport, AttendeeAnswer, BusyReport, DeliveryOutcome, OutcomeStatus
from careerconv_core.views import InviteMethod, InviteView, Participant
from careerconv_plugins.ics.mapping import latest_per_uid
from careerconv_plugins.microsoft import mapping
from careerconv_plugins.microsoft.client import GraphClient, json_of
from careerconv_plugins.microsoft.known import KnownEvent, KnownEvents
from careerconv_plugins.outcomes import error_outcome

log = logging.getLogger("careerconv_plugins.microsoft")

Found = dict[str, Any] | None | AdapterError
"""What a lookup by key found: the event, none, or the error that kept it from being read."""

CONFIGURATION_RETRY = 3600.0
"""Seconds a delivery held back by a wrong setting waits before it is tried again."""

CANCEL_COMMENT = "This career conversation was cancelled; it is no longer planned at this time."


def _utc_now() -> datetime:
    return datetime.now(UTC)


class GraphCalendar:
    """A ``CalendarBackend`` and ``AnswersRead`` on Microsoft Graph (one app registration)."""

    def __init__(
        self,
        client: GraphClient,
        *,
        mailbox: str = "",
        schedules_per_request: int = 20,
        known: KnownEvents | None = None,
        unusable: str | None = None,
        clock: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.client = client
        self.mailbox = mailbox
        self.schedules_per_request = schedules_per_request
        self.known = known or KnownEvents(None, client.tenant)
        self.unusable = unusable  # why Graph cannot be reached at all (an unset secret)
        self.clock = clock

    def _mailbox_of(self, view: InviteView) -> str:
        return self.mailbox or view.organizer.email

    # -- finding ----------------------------------------------------------------

    @staticmethod
    def _lookup_url(mailbox: str, uid: str) -> str:
        safe = uid.replace("'", "''")  # an OData string literal
        query = {
            "$filter": (
                f"singleValueExtendedProperties/Any(ep: ep/id eq '{mapping.KEY_PROPERTY}' "
                f"and ep/value eq '{safe}')"
            ),
            "$expand": (
                f"singleValueExtendedProperties($filter=id eq '{mapping.KEY_PROPERTY}' "
                f"or id eq '{mapping.STATE_PROPERTY}')"
            ),
            "$select": "id,subject,start,end,attendees,isCancelled,changeKey,isOrganizer",
        }
        return f"{GraphClient.user_path(mailbox)}/events?{urlencode(query, quote_via=quote)}"

    def find_many(self, mailbox: str, uids: Sequence[str]) -> dict[str, Found]:
        """The event holding each uid in ``mailbox``'s calendar (None: there is none), or the
        error that kept it from being read: one JSON batch per 20 uids."""
        urls = [self._lookup_url(mailbox, uid) for uid in uids]
        answers = self.client.batch(urls, kind="events", mailbox=mailbox)
        found: dict[str, Found] = {}
        for uid, answer in zip(uids, answers, strict=True):
            if isinstance(answer, AdapterError):
                found[uid] = answer
                continue
            try:
                found[uid] = self._one(mailbox, uid, answer)
            except AdapterError as exc:
                found[uid] = exc
        return found

    def _one(self, mailbox: str, uid: str, page: dict[str, Any]) -> dict[str, Any] | None:
        events = [e for e in page.get("value") or () if isinstance(e, dict)]
        link = page.get("@odata.nextLink")
        if isinstance(link, str):  # more than a page hold this key: read them all
            events += list(self.client.pages(link, kind="events", params={}, mailbox=mailbox))
        mine = [e for e in events if mapping.property_value(e, mapping.KEY_PROPERTY) == uid]
        if len(mine) > 1:
            raise WriteConflict(
                "microsoft",
                f"{len(mine)} events in {mailbox}'s calendar hold this key; delete all but one there",
            )
        return mine[0] if mine else None

    # -- delivering ---------------------------------------------------------------

    def deliver_invites(self, invites: Sequence[InviteView]) -> Sequence[DeliveryOutcome]:
        """Create, update or cancel each invite; an unchanged one sends no write."""
        latest = latest_per_uid(invites)
        by_mailbox: dict[str, list[str]] = {}
        for uid, view in latest.items():
            by_mailbox.setdefault(self._mailbox_of(view), []).append(uid)
        held: str | None = self.unusable
        done: dict[str, DeliveryOutcome] = {}
        for mailbox, uids in by_mailbox.items():
            found: dict[str, Found] = {}
            if held is None:
                try:
                    found = self.find_many(mailbox, uids)
                except AdapterError as exc:
                    found = dict.fromkeys(uids, exc)
            for uid in uids:
                if held is None:
                    try:
                        done[uid] = self._deliver_one(latest[uid], mailbox, found[uid])
                        continue
                    except WriteConflict as exc:
                        done[uid] = DeliveryOutcome(uid, OutcomeStatus.CONFLICT, f"event {uid}: {exc.reason}")
                        continue
                    except AdapterError as exc:
                        if not exc.misconfigured:
                            done[uid] = error_outcome(uid, exc, prefix=f"event {uid}: ")
                            continue
                        held = exc.reason  # the same for every event: asked no more this run
                        log.error("microsoft: %s (deliveries are held back until this is fixed)", held)
                # Nothing is wrong with the event: it waits, not dead-lettered, for the setting.
                done[uid] = DeliveryOutcome(
                    uid, OutcomeStatus.RETRY, f"configuration: {held}", CONFIGURATION_RETRY
                )
        return [done[view.uid] for view in invites]

    def _remember(self, uid: str, event: KnownEvent | None) -> None:
        try:
            self.known.remember(uid, event)
        except OSError:
            log.warning("microsoft: could not record event %s in state_directory", uid)

    def _deliver_one(self, view: InviteView, mailbox: str, event: Found) -> DeliveryOutcome:
        if isinstance(event, AdapterError):
            raise event
        users = GraphClient.user_path(mailbox)
        if event is None:
            return self._create(view, mailbox)
        event_id = str(event.get("id", ""))
        state = mapping.written_state(event)
        if state is None:
            return self._conflict(view, event_id, "holds no careerconv state that can be read")
        edited = mapping.edited_parts(event, state)
        if edited:
            return self._conflict(view, event_id, f"was changed in the calendar ({', '.join(edited)})")
        path = f"{users}/events/{event_id}"
        if view.method is InviteMethod.CANCEL:
            if event.get("isOrganizer") is False:
                return self._conflict(
                    view, event_id, f"is not organized by {mailbox}; it cannot be cancelled"
                )
            self.client.call(
                "POST", f"{path}/cancel", kind="cancel", body={"Comment": CANCEL_COMMENT}, mailbox=mailbox
            )
            self._remember(view.uid, None)
            return DeliveryOutcome(view.uid, OutcomeStatus.DELIVERED, reference=event_id)
        changed = mapping.changed_parts(view, state)
        if not changed:
            self._remember(view.uid, KnownEvent(mailbox, event_id, int(state.get("seq", view.sequence))))
            return DeliveryOutcome(view.uid, OutcomeStatus.UNCHANGED, reference=event_id)
        etag = event.get("@odata.etag")
        headers = {"If-Match": etag} if isinstance(etag, str) else {}
        self.client.call(
            "PATCH",
            path,
            kind="events",
            body=mapping.patch_body(view, changed),
            headers=headers,
            mailbox=mailbox,
        )
        self._remember(view.uid, KnownEvent(mailbox, event_id, view.sequence))
        return DeliveryOutcome(view.uid, OutcomeStatus.DELIVERED, reference=event_id)

    def _create(self, view: InviteView, mailbox: str) -> DeliveryOutcome:
        known = self.known.get(view.uid)
        if view.method is InviteMethod.CANCEL:
            self._remember(view.uid, None)
            return DeliveryOutcome(view.uid, OutcomeStatus.UNCHANGED, "nothing to cancel")
        if known is not None and view.sequence <= known.sequence:
            # Made before and gone now: a person deleted it. Only a new change books it again.
            return DeliveryOutcome(
                view.uid,
                OutcomeStatus.CONFLICT,
                f"event {view.uid} was deleted from {known.mailbox}'s calendar by a person; it was "
                "not made again: move the conversation to book it anew, or cancel it",
                reference=known.event_id,
            )
        response = self.client.call(
            "POST",
            f"{GraphClient.user_path(mailbox)}/events",
            kind="events",
            body=mapping.new_event(view),
            mailbox=mailbox,
        )
        event_id = str(json_of(response, "events").get("id", ""))
        self._remember(view.uid, KnownEvent(mailbox, event_id, view.sequence))
        return DeliveryOutcome(view.uid, OutcomeStatus.DELIVERED, reference=event_id)

    @staticmethod
    def _conflict(view: InviteView, event_id: str, what: str) -> DeliveryOutcome:
        return DeliveryOutcome(
            view.uid,
            OutcomeStatus.CONFLICT,
            f"event {view.uid} {what}; it was not overwritten: undo the edit in Outlook, or "
            "delete the event there and sync again",
            reference=event_id,
        )

    # -- free/busy ----------------------------------------------------------------

    def busy(self, people: Sequence[Participant], start: datetime, end: datetime) -> BusyReport:
        """Busy time of ``people`` from ``getSchedule``, up to ``schedules_per_request`` a request.

        Asked in the mailbox of the first person (the manager); items ``busy``,
        ``tentative`` and ``oof`` count. careerconv's own events are in there
        too: the core leaves out those of the meeting being moved.
        """
        if self.unusable is not None:
            return BusyReport(
                busy={}, available=False, reason=f"{self.unusable}; scheduling by working hours only"
            )
        if not people:
            return BusyReport(busy={})
        asker = self.mailbox or people[0].email
        by_address = {p.email.lower(): p.person_id for p in people}
        busy: dict[str, tuple[Interval, ...]] = {}
        away: dict[str, tuple[Interval, ...]] = {}
        window = Interval(start, end)
        addresses = list(dict.fromkeys(p.email for p in people))
        for first in range(0, len(addresses), self.schedules_per_request):
            chunk = addresses[first : first + self.schedules_per_request]
            body = {
                "schedules": chunk,
                "startTime": mapping.graph_time(start),
                "endTime": mapping.graph_time(end),
                "availabilityViewInterval": 15,
            }
            try:
                response = self.client.call(
                    "POST",
                    f"{GraphClient.user_path(asker)}/calendar/getSchedule",
                    kind="getSchedule",
                    body=body,
                    headers={"Prefer": 'outlook.timezone="UTC"'},
                    mailbox=asker,
                )
                answer = json_of(response, "getSchedule")
            except AdapterError as exc:
                return BusyReport(
                    busy={}, available=False, reason=f"{exc.reason}; scheduling by working hours only"
                )
            for schedule in answer.get("value") or ():
                address = str(schedule.get("scheduleId", "")).lower()
                person = by_address.get(address)
                if person is None:
                    continue
                if schedule.get("error"):
                    error = schedule["error"]
                    code = str(error.get("responseCode", "")) if isinstance(error, dict) else ""
                    return BusyReport(
                        busy={},
                        available=False,
                        reason=f"free/busy of {person} ({address}) is not readable ({code or 'error'}); "
                        "check the address is a mailbox in this tenant; scheduling by working hours only",
                    )
                busy[person] = tuple(s for s in mapping.busy_spans(schedule) if s.overlaps(window))
                away[person] = tuple(s for s in mapping.busy_spans(schedule, away=True) if s.overlaps(window))
        return BusyReport(busy=busy, away=away)

    # -- answers ------------------------------------------------------------------

    def answers(self, uids: Sequence[str]) -> AnswersReport:
        """Each attendee's answer to each of ``uids``, from the event's attendees.

        A uid whose event is no longer in the calendar, though this adapter
        delivered it, is in ``removed``: a person deleted it.
        """
        if self.unusable is not None:
            return AnswersReport(answers={}, available=False, reason=self.unusable)
        found: dict[str, dict[str, AttendeeAnswer]] = {}
        removed: list[str] = []
        by_mailbox: dict[str, list[str]] = {}
        for uid in dict.fromkeys(uids):
            known = self.known.get(uid)
            mailbox = known.mailbox if known is not None else self.mailbox
            if mailbox:  # else not made by careerconv here, and no fixed mailbox: nowhere to look
                by_mailbox.setdefault(mailbox, []).append(uid)
        for mailbox, asked in by_mailbox.items():
            try:
                events = self.find_many(mailbox, asked)
            except AdapterError as exc:
                return AnswersReport(answers={}, available=False, reason=exc.reason)
            for uid in asked:
                event = events[uid]
                if isinstance(event, AdapterError):
                    return AnswersReport(answers={}, available=False, reason=event.reason)
                if event is None:
                    removed.append(uid)
                else:
                    found[uid] = mapping.answers_of(event)
        return AnswersReport(answers=found, removed=tuple(removed))
