"""Invites as Google Calendar v3 event resources, and back (pure: no I/O).

* The event's ``iCalUID`` is the invite's own uid and its ``sequence``
  the view's SEQUENCE (``event_body``), so the invitation Google mails, an iMIP mail and an
  ``.ics`` file of the same meeting are one event in any calendar (the API
  takes either a client ``id`` or an ``iCalUID`` at insert, not both; the
  uid is what every other channel shares). The iCalUID is unique per
  calendar, so a retry or a re-run finds the event by it and never makes a
  second.
* ``event_body`` is everything careerconv writes: title, the agenda and
  coaching questions (never notes), start and end in the organizer's zone,
  the attendees, and private extended properties that mark the event as ours
  and hold a fingerprint of what was written.
* ``changed_fields`` compares what the calendar holds with what is wanted, so
  an update patches only what changed and an unchanged event costs no write.
* ``edited_elsewhere`` tells an event a person changed in the calendar since
  careerconv wrote it: its fields no longer match the fingerprint written with
  them. Attendees' answers are not part of the fingerprint, so an answer is
  never taken for an edit.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from careerconv_core.domain.clock import Interval
from careerconv_core.ports import AttendeeAnswer
from careerconv_core.views import InviteView

OURS = "careerconv"
"""The private extended property that marks an event careerconv wrote (value ``"1"``)."""
UID = "careerconvUid"
STATE = "careerconvState"
SEQUENCE = "careerconvSequence"

MANAGED = ("summary", "description", "start", "end", "attendees")
"""The event fields careerconv owns; a person's change to any of them is a conflict."""

_ANSWERS = {
    "accepted": AttendeeAnswer.ACCEPTED,
    "tentative": AttendeeAnswer.TENTATIVE,
    "declined": AttendeeAnswer.DECLINED,
    "needsAction": AttendeeAnswer.NEEDS_ACTION,
}


def _when(moment: datetime, zone: str) -> dict[str, str]:
    return {"dateTime": moment.isoformat(timespec="seconds"), "timeZone": zone}


def _attendees(view: InviteView) -> list[dict[str, Any]]:
    seen: dict[str, dict[str, Any]] = {}
    for person in view.attendees:
        email = person.email.strip().lower()
        if email and email != view.organizer.email.strip().lower():
            seen.setdefault(email, {"email": email, "displayName": person.name})
    return [seen[e] for e in sorted(seen)]


def wanted_fields(view: InviteView) -> dict[str, Any]:
    """The managed fields as careerconv writes them for ``view``."""
    return {
        "summary": view.title,
        "description": view.description,
        "start": _when(view.start, view.time_zone),
        "end": _when(view.end, view.time_zone),
        "attendees": _attendees(view),
    }


def _instant(value: object) -> str:
    """A ``dateTime`` (any offset) as one UTC form, so equal moments compare equal."""
    if not isinstance(value, Mapping):
        return ""
    raw = value.get("dateTime") or value.get("date") or ""
    try:
        moment = datetime.fromisoformat(str(raw).replace("Z", "+00:00"))
    except ValueError:
        return str(raw)
    if moment.tzinfo is None:
        return moment.isoformat()
    return moment.astimezone(UTC).isoformat()


def _normal(fields: Mapping[str, Any], organizer: str = "") -> dict[str, Any]:
    """The managed fields in a form that ignores what Google rewrites (offsets, order, answers)."""
    emails = sorted(
        {
            str(a.get("email", "")).lower()
            for a in fields.get("attendees") or ()
            if isinstance(a, Mapping) and not a.get("organizer") and not a.get("resource")
        }
        - {organizer.lower(), ""}
    )
    return {
        "summary": fields.get("summary") or "",
        "description": fields.get("description") or "",
        "start": _instant(fields.get("start")),
        "end": _instant(fields.get("end")),
        "attendees": emails,
    }


def fingerprint(fields: Mapping[str, Any], organizer: str = "") -> str:
    """A short hash of the managed fields, as the event holds them or as they are wanted."""
    text = json.dumps(_normal(fields, organizer), sort_keys=True, ensure_ascii=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def private_properties(view: InviteView) -> dict[str, str]:
    """The private extended properties careerconv writes with ``view``'s fields."""
    return {
        OURS: "1",
        UID: view.uid,
        SEQUENCE: str(view.sequence),
        STATE: fingerprint(wanted_fields(view), view.organizer.email),
    }


def event_body(view: InviteView) -> dict[str, Any]:
    """The whole event resource for an insert: iCalUID, SEQUENCE, fields, reminders left to the calendar."""
    return {
        "iCalUID": view.uid,
        "sequence": view.sequence,
        **wanted_fields(view),
        "extendedProperties": {"private": private_properties(view)},
        "guestsCanModify": False,
        "guestsCanInviteOthers": False,
    }


def stored_properties(event: Mapping[str, Any]) -> Mapping[str, str]:
    """The event's private extended properties ({} when it has none)."""
    props = event.get("extendedProperties") or {}
    private = props.get("private") if isinstance(props, Mapping) else None
    return private if isinstance(private, Mapping) else {}


def is_ours(event: Mapping[str, Any], uid: str) -> bool:
    """Whether careerconv wrote this event for ``uid``."""
    props = stored_properties(event)
    return props.get(OURS) == "1" and props.get(UID) == uid


def is_removed(event: Mapping[str, Any]) -> bool:
    """Whether the event was deleted (Google keeps it, ``status = cancelled``, for a while)."""
    return event.get("status") == "cancelled"


def edited_elsewhere(event: Mapping[str, Any], organizer: str) -> bool:
    """Whether a managed field differs from what careerconv last wrote into the event."""
    written = stored_properties(event).get(STATE)
    return written != fingerprint(event, organizer)


def changed_fields(event: Mapping[str, Any], view: InviteView) -> dict[str, Any]:
    """The patch that makes ``event`` what ``view`` asks: only the fields that differ.

    Empty when the event is already as asked. Attendees kept on the event keep
    their answers (a patch replaces the whole list).
    """
    want = wanted_fields(view)
    have = _normal(event, view.organizer.email)
    wanted_normal = _normal(want, view.organizer.email)
    patch: dict[str, Any] = {k: want[k] for k in MANAGED if have[k] != wanted_normal[k]}
    if "start" in patch or "end" in patch:
        # A move writes both ends together, so the event is never briefly inverted.
        patch["start"], patch["end"] = want["start"], want["end"]
    if "attendees" in patch:
        answered = {
            str(a.get("email", "")).lower(): a.get("responseStatus")
            for a in event.get("attendees") or ()
            if isinstance(a, Mapping)
        }
        patch["attendees"] = [
            {**a, "responseStatus": answered[a["email"]]} if answered.get(a["email"]) else a
            for a in want["attendees"]
        ]
    held = held_sequence(event)
    if held < view.sequence:
        patch["sequence"] = view.sequence  # every channel of the meeting carries the same SEQUENCE
    if patch:
        # Google refuses a SEQUENCE below the one it holds (400 "Invalid sequence value").
        patch["sequence"] = max(view.sequence, held)
        patch["extendedProperties"] = {"private": private_properties(view)}
    return patch


def held_sequence(event: Mapping[str, Any]) -> int:
    """The SEQUENCE the event holds (0 when absent or odd)."""
    try:
        return int(event.get("sequence") or 0)
    except (TypeError, ValueError):
        return 0


def answers_of(event: Mapping[str, Any], organizer: str = "") -> dict[str, AttendeeAnswer]:
    """Each attendee's answer by lower-case e-mail (``responseStatus``), the organizer left out."""
    out: dict[str, AttendeeAnswer] = {}
    for attendee in event.get("attendees") or ():
        if not isinstance(attendee, Mapping) or attendee.get("organizer") or attendee.get("resource"):
            continue
        email = str(attendee.get("email", "")).lower()
        if email and email != organizer.lower():
            out[email] = _ANSWERS.get(str(attendee.get("responseStatus", "")), AttendeeAnswer.NEEDS_ACTION)
    return out


def busy_spans(periods: Sequence[Mapping[str, Any]]) -> list[Interval]:
    """Intervals of a free/busy answer's ``busy`` list (``start``/``end`` in RFC 3339)."""
    spans = []
    for period in periods:
        try:
            start = datetime.fromisoformat(str(period["start"]).replace("Z", "+00:00"))
            end = datetime.fromisoformat(str(period["end"]).replace("Z", "+00:00"))
        except (KeyError, ValueError):
            continue
        if start.tzinfo is not None and end > start:
            spans.append(Interval(start, end))
    return sorted(spans, key=lambda s: s.start)


def without(spans: Sequence[Interval], own: Sequence[Interval]) -> tuple[Interval, ...]:
    """``spans`` with the time of careerconv's own events cut out.

    Free/busy merges touching meetings into one period, so an event of ours
    next to another meeting cannot be told apart by its exact bounds: it is
    cut out of the period instead, leaving the other meeting busy.
    """
    out: list[Interval] = []
    for span in spans:
        pieces = [span]
        for cut in own:
            next_pieces = []
            for piece in pieces:
                if not piece.overlaps(cut):
                    next_pieces.append(piece)
                    continue
                if piece.start < cut.start:
                    next_pieces.append(Interval(piece.start, cut.start))
                if cut.end < piece.end:
                    next_pieces.append(Interval(cut.end, piece.end))
            pieces = next_pieces
        out += pieces
    return tuple(out)
