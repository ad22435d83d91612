"""From an ``InviteView`` to Graph's event resource and back: pure, no I/O.

Every event careerconv writes carries two single-value extended properties in
one property set: ``careerconvKey`` (the invite's uid, the domain key it is
found by) and ``careerconvState`` (a short hash of each part careerconv wrote:
subject, time, attendees, body, cancelled). The state tells, without any local
file, both what changed since our last write (so only that is patched) and
whether a person edited the event in the calendar since (its subject, time or
attendees no longer hash to what we wrote: a conflict, never overwritten).
The body is not compared with what the calendar holds, because Exchange
rewrites bodies (HTML, an online-meeting footer added by policy); only our
own wish is compared with our last write.
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

PROPERTY_SET = "{8b4f6c1e-2d5a-4f43-9c3e-6a1d2b7e9f10}"
"""careerconv's own property-set GUID (MAPI named properties), fixed forever."""

KEY_PROPERTY = f"String {PROPERTY_SET} Name careerconvKey"
STATE_PROPERTY = f"String {PROPERTY_SET} Name careerconvState"

PARTS = ("subject", "time", "attendees", "body")
"""What careerconv owns in an event; ``time`` is start and end together, so a move is one part."""

PERSON_EDITABLE = ("subject", "time", "attendees")
"""The parts compared with the calendar's copy to find a person's edit."""

_ANSWERS = {
    "accepted": AttendeeAnswer.ACCEPTED,
    "tentativelyAccepted": AttendeeAnswer.TENTATIVE,
    "declined": AttendeeAnswer.DECLINED,
    "none": AttendeeAnswer.NEEDS_ACTION,
    "notResponded": AttendeeAnswer.NEEDS_ACTION,
    "organizer": AttendeeAnswer.ACCEPTED,
}

BUSY_STATUSES = frozenset({"busy", "tentative", "oof"})
"""``freeBusyStatus`` values of a schedule item that make a person unavailable.

``oof`` is out of office, all-day or not: Exchange places an all-day item at
midnights of the mailbox's own zone, and getSchedule gives it in the zone
asked for, so it arrives as the person's own day. ``workingElsewhere`` is not
busy: the person is working (at home, at another site) and a conversation can
be held with them by video; ``free`` and ``unknown`` are not busy either.
"""


def transaction_id(uid: str) -> str:
    """The ``transactionId`` of the event for ``uid``: the same on every try, so Graph
    drops a repeated create (a retry after a lost answer) instead of making a copy."""
    return "careerconv-" + hashlib.sha256(uid.encode()).hexdigest()[:40]


def _digest(value: object) -> str:
    text = json.dumps(value, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def graph_time(moment: datetime) -> dict[str, str]:
    """``moment`` as Graph's ``dateTimeTimeZone``, in UTC: one unambiguous form, which Graph
    also answers in unless asked otherwise."""
    return {"dateTime": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


def _attendees(view: InviteView) -> list[dict[str, Any]]:
    organizer = view.organizer.email.lower()
    return [
        {"emailAddress": {"address": p.email, "name": p.name}, "type": "required"}
        for p in view.attendees
        if p.email.lower() != organizer
    ]


def _wanted_values(view: InviteView) -> dict[str, object]:
    """The value of each part, in the form hashed into the state."""
    return {
        "subject": view.title,
        "time": [_utc_text(view.start), _utc_text(view.end)],
        "attendees": sorted(p["emailAddress"]["address"].lower() for p in _attendees(view)),
        "body": view.description,
    }


def _utc_text(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def state_of(view: InviteView) -> str:
    """The ``careerconvState`` value for ``view`` as written: a hash per part, and its sequence."""
    parts = {name: _digest(value) for name, value in _wanted_values(view).items()}
    return json.dumps({"v": 1, "seq": view.sequence, **parts}, sort_keys=True, separators=(",", ":"))


def _fields(view: InviteView, part: str) -> dict[str, Any]:
    if part == "subject":
        return {"subject": view.title}
    if part == "time":
        return {"start": graph_time(view.start), "end": graph_time(view.end)}
    if part == "attendees":
        return {"attendees": _attendees(view)}
    return {"body": {"contentType": "text", "content": view.description}}


def _properties(view: InviteView) -> list[dict[str, str]]:
    return [
        {"id": KEY_PROPERTY, "value": view.uid},
        {"id": STATE_PROPERTY, "value": state_of(view)},
    ]


def new_event(view: InviteView) -> dict[str, Any]:
    """The body of the create request: every part, the transaction id and both properties."""
    body: dict[str, Any] = {}
    for part in PARTS:
        body.update(_fields(view, part))
    body.update(
        {
            "transactionId": transaction_id(view.uid),
            "showAs": "busy",
            "isReminderOn": True,
            "allowNewTimeProposals": False,
            "singleValueExtendedProperties": _properties(view),
        }
    )
    return body


def written_state(event: Mapping[str, Any]) -> dict[str, Any] | None:
    """The state careerconv wrote into ``event``, or None when it holds none that can be read."""
    raw = property_value(event, STATE_PROPERTY)
    if raw is None:
        return None
    try:
        state = json.loads(raw)
    except ValueError:
        return None
    return state if isinstance(state, dict) and state.get("v") == 1 else None


def property_value(event: Mapping[str, Any], prop_id: str) -> str | None:
    """The value of extended property ``prop_id`` in ``event`` (ids compare case-insensitively)."""
    for prop in event.get("singleValueExtendedProperties") or ():
        if isinstance(prop, Mapping) and str(prop.get("id", "")).lower() == prop_id.lower():
            value = prop.get("value")
            return value if isinstance(value, str) else None
    return None


def _remote_values(event: Mapping[str, Any]) -> dict[str, object]:
    """The person-editable parts as the calendar holds them, in the form ``_wanted_values`` has."""
    start, end = event.get("start") or {}, event.get("end") or {}
    return {
        "subject": event.get("subject") or "",
        "time": [_remote_utc(start), _remote_utc(end)],
        "attendees": sorted(
            str((a.get("emailAddress") or {}).get("address", "")).lower()
            for a in event.get("attendees") or ()
        ),
    }


def _remote_utc(value: Mapping[str, Any]) -> str:
    text = str(value.get("dateTime", ""))
    zone = str(value.get("timeZone", "UTC"))
    try:
        moment = datetime.fromisoformat(text[:26] if "." in text else text[:19])
    except ValueError:
        return text
    if zone.upper() not in {"UTC", "COORDINATED UNIVERSAL TIME"}:
        return f"{text}@{zone}"  # asked in UTC: another zone means someone else wrote it
    return moment.replace(tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%S")


def edited_parts(event: Mapping[str, Any], state: Mapping[str, Any]) -> list[str]:
    """The person-editable parts whose calendar copy no longer hashes to what careerconv wrote."""
    remote = _remote_values(event)
    return [part for part in PERSON_EDITABLE if _digest(remote[part]) != state.get(part)]


def changed_parts(view: InviteView, state: Mapping[str, Any]) -> list[str]:
    """The parts ``view`` wants otherwise than careerconv last wrote them."""
    wanted = _wanted_values(view)
    return [part for part in PARTS if _digest(wanted[part]) != state.get(part)]


def patch_body(view: InviteView, parts: Sequence[str]) -> dict[str, Any]:
    """A PATCH body with only ``parts`` and the new state (the key never changes)."""
    body: dict[str, Any] = {}
    for part in parts:
        body.update(_fields(view, part))
    body["singleValueExtendedProperties"] = [{"id": STATE_PROPERTY, "value": state_of(view)}]
    return body


def answers_of(event: Mapping[str, Any]) -> dict[str, AttendeeAnswer]:
    """Each attendee's answer (``status.response``), by lower-case address."""
    out: dict[str, AttendeeAnswer] = {}
    for attendee in event.get("attendees") or ():
        address = str((attendee.get("emailAddress") or {}).get("address", "")).lower()
        response = str((attendee.get("status") or {}).get("response", "none"))
        if address:
            out[address] = _ANSWERS.get(response, AttendeeAnswer.NEEDS_ACTION)
    return out


def busy_spans(schedule: Mapping[str, Any], *, away: bool = False) -> list[Interval]:
    """The busy intervals of one ``scheduleInformation`` (its items, asked for in UTC); with
    ``away``, only those out of office (``oof``: careerconv never writes one), else the others."""
    spans: list[Interval] = []
    for item in schedule.get("scheduleItems") or ():
        status = str(item.get("status", "")).lower()
        if status not in BUSY_STATUSES or (status == "oof") is not away:
            continue
        start = _parse_utc(item.get("start") or {})
        end = _parse_utc(item.get("end") or {})
        if start is not None and end is not None and end > start:
            spans.append(Interval(start, end))
    return sorted(spans, key=lambda s: s.start)


def _parse_utc(value: Mapping[str, Any]) -> datetime | None:
    text = str(value.get("dateTime", ""))
    try:
        moment = datetime.fromisoformat(text[:26] if "." in text else text[:19])
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC)
