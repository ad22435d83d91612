"""A stateful fake of Google Calendar API v3 and Google's OAuth token endpoint, on 127.0.0.1.

What it does, as Google does it: ``events`` insert, get, patch, delete and
list (pages of ``maxResults``, ``privateExtendedProperty``, ``showDeleted``,
``timeMin``/``timeMax``, sync tokens that go stale: 410 ``fullSyncRequired``),
``freeBusy`` query (at most 50 calendars, touching periods merged, people
outside the domain answered with ``notFound``; a ``transparent`` event is not
busy, an ``outOfOffice`` event always is, a ``workingLocation`` one never is,
and an all-day event, ``start.date``, is busy from midnight to midnight in the
time zone of the calendar it is on, ``time_zones``; ``person_adds`` makes an
event as the Calendar UI does, where an all-day event is "free", transparent,
unless the person chose "busy"), etags with ``If-Match`` (412),
client ids checked against the base32hex rule, a client ``iCalUID`` instead
(not both), 409 ``duplicate`` for an id or an iCalUID taken (a deleted
event's too), ``events.list`` by ``iCalUID``, a ``sequence`` kept as given
and refused below the one held (400), a deleted event kept with ``status:
cancelled`` (410 on deleting it again), attendees' ``responseStatus``. The
token endpoint takes a service account's signed JWT (RS256, verified with the
account's public key; ``sub`` must be a user of the domain; the scopes must
be those the admin granted) or a user's refresh token, and issues tokens that
expire; an expired or unknown token is a 401. Each token carries its scopes
and each method checks them against the discovery document's list.

The token endpoint is in ``google_tokens``. Every request and every answer
is checked against Google's discovery document (``google_discovery``); a
violation is answered 400 and recorded in ``problems``, which the fixtures
require to be empty. Faults are injected per request: a status with a reason
and ``Retry-After``, a delay, or the connection dropped after the request took
effect (``drop_after``).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from datetime import time as day_time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from fakes import google_discovery as discovery
from fakes import google_tokens

_ID = re.compile(r"^[a-v0-9]{5,1024}$")
PREFIX = "/calendar/v3/"


@dataclass
class Fault:
    """An injected answer for requests whose ``METHOD path`` contains ``match``."""

    status: int = 0  # 0: answer normally (after ``delay``, or drop after acting)
    reason: str = ""
    retry_after: str | None = None
    delay: float = 0.0
    drop_after: bool = False  # act on the request, then close the connection unanswered
    match: str = ""
    times: int = 1


@dataclass
class Exchange:
    """One request and the answer given."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    headers: dict[str, str]


@dataclass
class State:
    """All the fake knows; tests may read and change it."""

    domain: str = "example.com"
    users: set[str] = field(default_factory=set)
    service_accounts: dict[str, Any] = field(default_factory=dict)  # client_email -> public key
    granted_scopes: set[str] = field(default_factory=set)  # domain-wide delegation, by the admin
    oauth_clients: dict[str, str] = field(default_factory=dict)  # client_id -> secret
    refresh_tokens: dict[str, tuple[str, set[str]]] = field(default_factory=dict)  # -> user, scopes
    tokens: dict[str, tuple[str, set[str], float]] = field(default_factory=dict)  # -> user, scopes, expiry
    token_lifetime: int = 3600
    events: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # owner -> id -> event
    other_busy: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # meetings not ours
    hidden: set[str] = field(default_factory=set)  # users whose free/busy is not shared
    time_zones: dict[str, str] = field(default_factory=dict)  # user -> their calendar's zone (else UTC)
    page_size_most: int = 250
    sync_epoch: int = 0
    faults: list[Fault] = field(default_factory=list)
    log: list[Exchange] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    raw: list[bytes] = field(default_factory=list)  # every byte received, for privacy checks


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _error(status: int, reason: str, message: str, domain: str = "global") -> dict[str, Any]:
    return {
        "error": {
            "errors": [{"domain": domain, "reason": reason, "message": message}],
            "code": status,
            "message": message,
        }
    }


def _moment(value: Any, zone: str = "UTC") -> datetime:
    """A start or end: ``dateTime``, or an all-day ``date`` as midnight in the calendar's ``zone``."""
    value = value or {}
    if "date" in value and "dateTime" not in value:
        return datetime.combine(date.fromisoformat(str(value["date"])), day_time(0), tzinfo=ZoneInfo(zone))
    return datetime.fromisoformat(str(value.get("dateTime", "")).replace("Z", "+00:00"))


def _blocks(event: dict[str, Any]) -> bool:
    """Whether freeBusy counts the event busy, as Google does."""
    kind = event.get("eventType", "default")
    if kind == "outOfOffice":
        return True  # out of office is always busy (and auto-declines what it covers)
    if kind == "workingLocation":
        return False  # a working location is shown, never busy
    return event.get("transparency", "opaque") != "transparent"


class FakeGoogle:
    """The fake on a free port: ``api_url`` and ``token_uri`` go into the settings."""

    def __init__(self, state: State | None = None) -> None:
        self.state = state or State()
        self._lock = threading.RLock()
        self._etags = itertools.count(1)
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes

            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                fake._handle(self)

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _any  # noqa: N815 - http.server's names

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_port}"
        self.api_url = self.url + PREFIX.rstrip("/")
        self.token_uri = self.url + "/token"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeGoogle:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    # -- set-up helpers ----------------------------------------------------------------------

    def add_service_account(self, client_email: str) -> dict[str, Any]:
        """A new RSA key for a service account; the JSON key file Google would let one download."""
        key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.state.service_accounts[client_email] = key.public_key()
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode("ascii")
        return {
            "type": "service_account",
            "project_id": "careers-test",
            "private_key_id": "k1",
            "private_key": pem,
            "client_email": client_email,
            "client_id": "1000001",
            "token_uri": "https://oauth2.googleapis.com/token",  # the settings point it at the fake
        }

    def add_oauth_user(self, user: str, scopes: set[str]) -> dict[str, Any]:
        """A user's OAuth credentials (``authorized_user``), as ``gcloud`` or a consent flow saves them."""
        self.state.oauth_clients["client-1"] = "client-secret-1"
        refresh = f"refresh-{len(self.state.refresh_tokens) + 1}"
        self.state.refresh_tokens[refresh] = (user, set(scopes))
        return {
            "type": "authorized_user",
            "client_id": "client-1",
            "client_secret": "client-secret-1",
            "refresh_token": refresh,
        }

    def expire_tokens(self) -> None:
        """Every issued access token expires now (the client still believes it valid)."""
        with self._lock:
            self.state.tokens = {t: (u, s, 0.0) for t, (u, s, _) in self.state.tokens.items()}

    def events_of(self, owner: str, *, deleted: bool = False) -> dict[str, dict[str, Any]]:
        """The events in ``owner``'s primary calendar (deleted ones only with ``deleted``)."""
        held = self.state.events.get(owner, {})
        return {k: v for k, v in held.items() if deleted or v.get("status") != "cancelled"}

    def by_uid(self, owner: str, *, deleted: bool = False) -> dict[str, dict[str, Any]]:
        """The events in ``owner``'s primary calendar by iCalUID (deleted ones only with ``deleted``)."""
        return {e["iCalUID"]: e for e in self.events_of(owner, deleted=deleted).values()}

    def id_of(self, owner: str, ical_uid: str) -> str:
        """The id Google gave the event whose iCalUID is ``ical_uid`` (KeyError when none)."""
        return str(self.by_uid(owner, deleted=True)[ical_uid]["id"])

    def person_edits(self, owner: str, event_id: str, **fields: Any) -> None:
        """A person changes the event in the calendar's own UI."""
        with self._lock:
            self._touch(self.state.events[owner][event_id], fields)

    def person_adds(
        self, owner: str, summary: str, start: dict[str, str], end: dict[str, str], **fields: Any
    ) -> str:
        """An event ``owner`` makes in the Calendar UI: an all-day one is "free" unless ``transparency``
        says otherwise; an ``outOfOffice`` one carries its properties, as Google requires."""
        with self._lock:
            event_id = f"ui{next(self._etags):08d}"
            event: dict[str, Any] = {
                "kind": "calendar#event",
                "id": event_id,
                "status": "confirmed",
                "summary": summary,
                "start": start,
                "end": end,
                "iCalUID": f"{event_id}@google.com",
                "eventType": "default",
                "organizer": {"email": owner, "self": True},
                "creator": {"email": owner, "self": True},
                **fields,
            }
            if "date" in start:
                event.setdefault("transparency", "transparent")
            if event["eventType"] == "outOfOffice":
                event.setdefault(
                    "outOfOfficeProperties", {"autoDeclineMode": "declineAllConflictingInvitations"}
                )
            self._touch(event, {}, content=False)
            self.state.events.setdefault(owner, {})[event_id] = event
            return event_id

    def person_deletes(self, owner: str, event_id: str) -> None:
        """A person deletes the event in the calendar's own UI."""
        with self._lock:
            self._touch(self.state.events[owner][event_id], {"status": "cancelled"})

    def answer(self, owner: str, event_id: str, email: str, status: str) -> None:
        """An attendee answers the invitation (it changes the event's etag, as in Google)."""
        with self._lock:
            event = self.state.events[owner][event_id]
            attendees = [
                dict(a, responseStatus=status) if a["email"] == email else a for a in event["attendees"]
            ]
            self._touch(event, {"attendees": attendees}, content=False)

    def requests(self, *methods: str) -> list[Exchange]:
        """The API exchanges (token requests left out), optionally only of some methods."""
        return [
            e for e in self.state.log if e.path.startswith(PREFIX) and (not methods or e.method in methods)
        ]

    def writes(self) -> list[Exchange]:
        """The API requests that change something."""
        return [e for e in self.requests("POST", "PATCH", "DELETE", "PUT") if not e.path.endswith("freeBusy")]

    def _touch(self, event: dict[str, Any], fields: dict[str, Any], *, content: bool = True) -> None:
        event.update(fields)
        event["etag"] = f'"{next(self._etags)}"'
        event["updated"] = _now()
        if content and any(k in fields for k in ("start", "end", "summary", "location", "status")):
            event["sequence"] = int(event.get("sequence", 0)) + 1

    # -- the server ------------------------------------------------------------------------------

    def _fault(self, what: str) -> Fault | None:
        with self._lock:
            for fault in self.state.faults:
                if fault.times > 0 and fault.match in what:
                    fault.times -= 1
                    return fault
        return None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        path = unquote(parts.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        self.state.raw.append(handler.path.encode() + b"\n" + raw)
        query = parse_qs(parts.query, keep_blank_values=True)
        fault = self._fault(f"{handler.command} {path}")
        if fault and fault.delay:
            time.sleep(fault.delay)
        if fault and fault.status:
            body = _error(fault.status, fault.reason or "backendError", "injected", "usageLimits")
            headers = {"Retry-After": fault.retry_after} if fault.retry_after else {}
            self._answer(handler, fault.status, body, headers, (handler.command, path, query, raw))
            return
        with self._lock:
            if path == "/token":
                status, body = google_tokens.answer(self.state, self._etags, parse_qs(raw.decode()))
            elif path.startswith(PREFIX):
                status, body = self._api(handler, path[len(PREFIX) :], query, raw)
            else:
                status, body = 404, _error(404, "notFound", "Not Found")
        if fault and fault.drop_after:
            self.state.log.append(Exchange(handler.command, path, query, raw, 0, {}))
            handler.close_connection = True
            with contextlib.suppress(OSError):
                handler.connection.shutdown(2)
            return
        self._answer(handler, status, body, {}, (handler.command, path, query, raw))

    def _answer(
        self, handler: BaseHTTPRequestHandler, status: int, body: Any, headers: dict[str, str], asked: tuple
    ) -> None:
        method, path, query, raw = asked
        try:
            shown: Any = json.loads(raw) if raw and path != "/token" else raw.decode()
        except ValueError:
            shown = raw.decode("utf-8", "replace")
        self.state.log.append(Exchange(method, path, query, shown, status, dict(handler.headers)))
        data = b"" if body is None else json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=UTF-8")
        for name, value in headers.items():
            handler.send_header(name, value)
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    # -- the API -----------------------------------------------------------------------------------

    def _api(
        self, handler: BaseHTTPRequestHandler, path: str, query: dict[str, list[str]], raw: bytes
    ) -> tuple[int, Any]:
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return 400, _error(400, "parseError", "Parse Error")
        method, problems = discovery.request_problems(handler.command, path, query, body)
        if problems or method is None:
            self.state.problems += problems
            return 400, _error(400, "invalid", "; ".join(problems))
        auth = handler.headers.get("Authorization", "")
        token = self.state.tokens.get(auth.removeprefix("Bearer "))
        if token is None or token[2] < time.time():
            return 401, _error(401, "authError", "Invalid Credentials")
        user, scopes, _ = token
        if not scopes & discovery.scopes_of(method):
            return 403, _error(
                403, "insufficientPermissions", "Request had insufficient authentication scopes."
            )
        q = {k: v[0] for k, v in query.items()}
        status, answer = self._call(method["id"], path, q, body, user, handler.headers.get("If-Match"))
        if status < 300:
            wrong = discovery.response_problems(method, answer)
            if wrong:
                self.state.problems += wrong
                return 500, _error(500, "backendError", "; ".join(wrong))
        return status, answer

    def _calendar(self, user: str, calendar: str) -> dict[str, dict[str, Any]] | None:
        owner = user if calendar == "primary" else calendar
        if owner != user or owner not in self.state.users:
            return None  # only one's own calendars, as calendar.events.owned allows
        return self.state.events.setdefault(owner, {})

    def _call(  # noqa: PLR0912, PLR0917 - one branch per method, as the API lists them
        self, op: str, path: str, q: dict[str, str], body: Any, user: str, if_match: str | None
    ) -> tuple[int, Any]:
        if op == "calendar.freebusy.query":
            return self._freebusy(body)
        parts = path.split("/")
        calendar = self._calendar(user, unquote(parts[1]))
        if calendar is None:
            return 404, _error(404, "notFound", "Not Found")
        if op == "calendar.events.list":
            return self._list(calendar, q, self.state.time_zones.get(user, "UTC"))
        if op == "calendar.events.insert":
            event_id = str(body.get("id", ""))
            ical_uid = str(body.get("iCalUID", ""))
            if event_id and ical_uid:
                # The Event schema: "only one of them should be supplied at event creation time".
                return 400, _error(400, "invalid", "Supply either an id or an iCalUID, not both.")
            if event_id and not _ID.match(event_id):
                return 400, _error(400, "invalid", "Invalid resource id value.")
            taken = event_id in calendar or any(e["iCalUID"] == ical_uid for e in calendar.values())
            if taken:  # a deleted event keeps its id and its iCalUID
                return 409, _error(409, "duplicate", "The requested identifier already exists.")
            event_id = event_id or f"gen{next(self._etags):08d}"
            event = {
                **body,
                "kind": "calendar#event",
                "id": event_id,
                "status": body.get("status", "confirmed"),
                "iCalUID": ical_uid or f"{event_id}@google.com",
                "sequence": int(body.get("sequence", 0)),
                "created": _now(),
                "htmlLink": f"https://www.google.com/calendar/event?eid={event_id}",
                "organizer": {"email": user, "self": True},
                "creator": {"email": user, "self": True},
                "attendees": [{"responseStatus": "needsAction", **a} for a in body.get("attendees", [])],
            }
            self._touch(event, {}, content=False)
            calendar[event_id] = event
            return 200, event
        event = calendar.get(unquote(parts[3]))
        if event is None:
            return 404, _error(404, "notFound", "Not Found")
        if op == "calendar.events.get":
            return 200, event
        if if_match and if_match != event["etag"]:
            return 412, _error(412, "conditionNotMet", "Precondition Failed", "global")
        if op == "calendar.events.delete":
            if event.get("status") == "cancelled":
                return 410, _error(410, "deleted", "Resource has been deleted")
            self._touch(event, {"status": "cancelled"})
            return 204, None
        if op == "calendar.events.patch":
            changes = dict(body)
            props = changes.pop("extendedProperties", None)
            if props is not None:
                merged = {
                    k: {**event.get("extendedProperties", {}).get(k, {}), **v} for k, v in props.items()
                }
                event["extendedProperties"] = {**event.get("extendedProperties", {}), **merged}
            if "attendees" in changes:
                changes["attendees"] = [{"responseStatus": "needsAction", **a} for a in changes["attendees"]]
            sequence = changes.pop("sequence", None)
            if sequence is not None and int(sequence) < int(event.get("sequence", 0)):
                return 400, _error(400, "invalid", "Invalid sequence value.")
            # A SEQUENCE given is kept as given; without one, a change of time or text raises it.
            self._touch(event, changes, content=sequence is None)
            if sequence is not None:
                event["sequence"] = int(sequence)
            return 200, event
        return 400, _error(400, "invalid", f"{op} is not served by the fake")

    def _list(self, calendar: dict[str, dict[str, Any]], q: dict[str, str], zone: str) -> tuple[int, Any]:
        if "syncToken" in q:
            if any(k in q for k in ("privateExtendedProperty", "timeMin", "timeMax", "q", "iCalUID")):
                return 400, _error(400, "invalid", "syncToken cannot be combined with these parameters")
            if q["syncToken"] != f"sync-{self.state.sync_epoch}":
                return 410, _error(
                    410, "fullSyncRequired", "Sync token is no longer valid, a full sync is required."
                )
        items = sorted(calendar.values(), key=lambda e: e["id"])
        if "iCalUID" in q:
            items = [e for e in items if e["iCalUID"] == q["iCalUID"]]
        if "privateExtendedProperty" in q:
            key, _, value = q["privateExtendedProperty"].partition("=")
            items = [e for e in items if e.get("extendedProperties", {}).get("private", {}).get(key) == value]
        if q.get("showDeleted") != "true" and "syncToken" not in q:
            items = [e for e in items if e.get("status") != "cancelled"]
        if "timeMin" in q:
            low = datetime.fromisoformat(q["timeMin"].replace("Z", "+00:00"))
            items = [e for e in items if "end" not in e or _moment(e["end"], zone) > low]
        if "timeMax" in q:
            high = datetime.fromisoformat(q["timeMax"].replace("Z", "+00:00"))
            items = [e for e in items if "start" not in e or _moment(e["start"], zone) < high]
        size = min(int(q.get("maxResults", 250)), self.state.page_size_most)
        first = int(q.get("pageToken", "0") or 0)
        page: dict[str, Any] = {
            "kind": "calendar#events",
            "etag": '"list"',
            "items": items[first : first + size],
        }
        if first + size < len(items):
            page["nextPageToken"] = str(first + size)
        else:
            page["nextSyncToken"] = f"sync-{self.state.sync_epoch}"
        return 200, page

    def _freebusy(self, body: dict[str, Any]) -> tuple[int, Any]:
        items = body.get("items", [])
        if len(items) > 50 or len(items) > body.get("calendarExpansionMax", 50):
            return 400, _error(400, "tooManyCalendarsRequested", "Too many calendars requested")
        low = datetime.fromisoformat(body["timeMin"].replace("Z", "+00:00"))
        high = datetime.fromisoformat(body["timeMax"].replace("Z", "+00:00"))
        calendars: dict[str, Any] = {}
        for item in items:
            who = item["id"]
            if who not in self.state.users or who in self.state.hidden:
                calendars[who] = {"errors": [{"domain": "global", "reason": "notFound"}], "busy": []}
                continue
            spans = [
                (datetime.fromisoformat(a), datetime.fromisoformat(b))
                for a, b in self.state.other_busy.get(who, [])
            ]
            for owner, events in self.state.events.items():
                for event in events.values():
                    guests = {a["email"]: a.get("responseStatus") for a in event.get("attendees", [])}
                    if event.get("status") == "cancelled" or guests.get(who) == "declined":
                        continue
                    if (owner == who or who in guests) and _blocks(event):
                        # An all-day event is a day of each calendar it is on: the guest's own day.
                        zone = self.state.time_zones.get(who, "UTC")
                        spans.append((_moment(event["start"], zone), _moment(event["end"], zone)))
            merged: list[list[datetime]] = []
            for start, end in sorted(s for s in spans if s[1] > low and s[0] < high):
                if merged and start <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], end)
                else:
                    merged.append([max(start, low), min(end, high)])
            calendars[who] = {
                "busy": [
                    {
                        "start": a.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                        "end": b.astimezone(UTC).isoformat().replace("+00:00", "Z"),
                    }
                    for a, b in merged
                ]
            }
        return 200, {
            "kind": "calendar#freeBusy",
            "timeMin": body["timeMin"],
            "timeMax": body["timeMax"],
            "calendars": calendars,
        }


@contextlib.contextmanager
def running(state: State | None = None) -> Iterator[FakeGoogle]:
    """A running fake; its recorded problems must be none when the block ends."""
    with FakeGoogle(state) as fake:
        yield fake
        assert not fake.state.problems, "\n".join(fake.state.problems[:20])
