"""A stateful fake of Microsoft Graph's calendar endpoints and the identity platform, over HTTPS.

Served on 127.0.0.1 with a self-signed certificate (msal accepts only an
https authority): the client trusts it through ``REQUESTS_CA_BUNDLE``. It
answers what the ``microsoft`` adapter and msal ask, the way Graph does:

* ``/{tenant}/v2.0/.well-known/openid-configuration`` and
  ``/{tenant}/oauth2/v2.0/token`` (client credentials), issuing tokens that
  expire after ``token_lifetime`` seconds; a wrong secret is AADSTS7000215;
* ``/v1.0/users/{mailbox}/events``: POST (``transactionId`` dedupe: a second
  create with the same id answers the first event), GET with a ``$filter`` on
  a single-value extended property, ``$expand`` of those properties (they are
  never returned otherwise), ``$select``, ``$top`` and ``@odata.nextLink``;
  PATCH with ``If-Match`` (412 on a stale ETag); POST ``/cancel`` (organizer
  only; the event leaves the calendar); DELETE;
* ``/v1.0/users/{mailbox}/calendar/getSchedule`` for at most
  ``schedule_limit`` addresses, with per-address errors for unknown people:
  one ``scheduleItem`` per event (``showAs`` as its ``status``: ``free``,
  ``tentative``, ``busy``, ``oof``, ``workingElsewhere``; a private event is
  ``isPrivate`` with no subject), times in the zone of the ``Prefer:
  outlook.timezone`` header (UTC without it). A person's own event
  (``person_adds``) is in the zone of their mailbox (``Mailbox.time_zone``);
  an all-day one (``isAllDay``) runs midnight to midnight there, as Outlook
  stores it, and getSchedule shows it like any item, its times converted.

A mailbox is known (``add_mailbox``), has no Exchange mailbox
(``MailboxNotEnabledForRESTAPI``), is outside the application access policy
(403 ``ErrorAccessDenied``), or is unknown (404 ``ErrorInvalidUser``). Every
change (ours, a person's edit, an attendee's answer) gives the event a new
``changeKey``. Faults are injected per request (``fail``), and
``drop_after_store`` stores a create and then drops the connection unanswered.
Every exchange is logged for the schema check (``tests/fakes/graph_models.py``).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import ipaddress
import json
import re
import ssl
import threading
import time
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlencode, urlsplit
from zoneinfo import ZoneInfo

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

Answer = tuple[int, Any, dict[str, str]]


@dataclass
class Exchange:
    """One request and the answer the fake gave (bodies as JSON, form data as a dict)."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    response: Any
    raw: bytes = b""
    batched: bool = False  # one part of a JSON batch (the batch itself is logged too)


@dataclass
class Fault:
    """An injected answer for the next ``times`` requests whose ``METHOD path`` contains ``match``."""

    status: int
    times: int
    retry_after: str | None
    match: str
    code: str


@dataclass
class Mailbox:
    """One user in the tenant, as far as Graph's calendar sees them."""

    address: str
    state: str = "ok"  # ok | no_mailbox | denied
    events: dict[str, dict[str, Any]] = field(default_factory=dict)
    busy: list[tuple[str, str, str]] = field(default_factory=list)  # (start, end, status), UTC
    time_zone: str = "UTC"  # the mailbox's own zone (mailboxSettings.timeZone), IANA here


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key, written in ``folder``."""
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=2))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "graph-cert.pem", folder / "graph-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return cert_path, key_path


_FILTER = re.compile(
    r"singleValueExtendedProperties/Any\(ep: ep/id eq '(?P<id>(?:[^']|'')+)' "
    r"and ep/value eq '(?P<value>(?:[^']|'')*)'\)$"
)
_EXPAND = re.compile(r"singleValueExtendedProperties\(\$filter=(?P<ids>.+)\)$")


class FakeGraph:
    """The fake tenant: mailboxes, an app registration, and the HTTPS server."""

    def __init__(self, folder: Path, *, tenant: str = "contoso-tenant") -> None:
        self.tenant = tenant
        self.client_id = "app-1"
        self.client_secret = "s3cret-value"
        self.token_lifetime = 3600
        self.page_size = 10
        self.schedule_limit = 20
        self.batch_limit = 20
        self.filter_lag = 0  # GETs for which a new event is not yet found by its property
        self.mailboxes: dict[str, Mailbox] = {}
        self.tokens: dict[str, float] = {}
        self.faults: list[Fault] = []
        self.slow_answers: list[tuple[str, float]] = []  # (match, seconds) for the next such request
        self.drop_next_create = False
        self.hold_creates = False  # store a create, then answer only after ``release`` (never, if killed)
        self.stored = threading.Event()
        self.release = threading.Event()
        self.log: list[Exchange] = []
        self.cancelled: list[dict[str, Any]] = []  # what the attendees were sent, with the comment
        self.lock = threading.Lock()
        self._lagging: dict[str, int] = {}
        self.cert, key = self_signed(folder)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, key)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.base = f"https://127.0.0.1:{self.server.server_address[1]}"
        self._thread: threading.Thread | None = None

    # -- set-up and inspection for tests -----------------------------------------

    @property
    def settings(self) -> dict[str, str]:
        """Adapter settings that reach this fake (the secret is in ``CAREERCONV_GRAPH_SECRET``)."""
        return {
            "tenant": self.tenant,
            "client_id": self.client_id,
            "authority": self.base,
            "graph_url": f"{self.base}/v1.0",
        }

    def add_mailbox(self, address: str, state: str = "ok") -> Mailbox:
        """A user of the tenant; ``state`` ``no_mailbox`` or ``denied`` for the bad cases."""
        box = Mailbox(address.lower(), state)
        self.mailboxes[box.address] = box
        return box

    def person_adds(
        self,
        address: str,
        subject: str,
        start: str,
        end: str,
        *,
        show_as: str = "busy",
        all_day: bool = False,
        private: bool = False,
    ) -> str:
        """An event the person makes in Outlook, ``start``/``end`` their wall-clock time (or dates,
        ``all_day``): stored, as Graph does, in the mailbox's zone, an all-day one at midnights."""
        box = self.mailboxes[address.lower()]
        if all_day:
            start, end = f"{start}T00:00:00", f"{end}T00:00:00"
        event_id = "AAMk" + uuid.uuid4().hex
        with self.lock:
            event: dict[str, Any] = {
                "id": event_id,
                "subject": subject,
                "start": {"dateTime": f"{start}.0000000", "timeZone": box.time_zone},
                "end": {"dateTime": f"{end}.0000000", "timeZone": box.time_zone},
                "isAllDay": all_day,
                "showAs": show_as,
                "sensitivity": "private" if private else "normal",
                "attendees": [],
                "organizer": {"emailAddress": {"address": box.address, "name": box.address}},
                "isOrganizer": True,
                "isCancelled": False,
                "singleValueExtendedProperties": [],
            }
            self._touch(event)
            box.events[event_id] = event
        return event_id

    def fail(
        self, status: int, *, times: int = 1, retry_after: str | None = None, match: str = "", code: str = ""
    ) -> None:
        """Answer ``status`` to the next ``times`` requests matching ``match`` (``"POST /v1.0"``...)."""
        self.faults.append(Fault(status, times, retry_after, match, code))

    def events(self, address: str) -> list[dict[str, Any]]:
        """The events in a mailbox's calendar."""
        return list(self.mailboxes[address.lower()].events.values())

    def requests(self, method: str | None = None, contains: str = "") -> list[Exchange]:
        """Logged Graph exchanges (token and discovery ones left out)."""
        return [
            e
            for e in self.log
            if e.path.startswith("/v1.0") and (method is None or e.method == method) and contains in e.path
        ]

    def writes(self) -> list[Exchange]:
        """Graph requests that change something (getSchedule is a read, though a POST)."""
        reads = ("/getSchedule", "/$batch")  # a batch's parts are logged, and counted, themselves
        return [e for e in self.requests() if e.method != "GET" and not e.path.endswith(reads)]

    def person_edits(self, address: str, event_id: str, **changes: Any) -> None:
        """A person changes the event in Outlook."""
        with self.lock:
            event = self.mailboxes[address.lower()].events[event_id]
            event.update(changes)
            self._touch(event)

    def person_deletes(self, address: str, event_id: str) -> None:
        """A person deletes the event in Outlook."""
        with self.lock:
            del self.mailboxes[address.lower()].events[event_id]

    def respond(self, address: str, event_id: str, attendee: str, response: str) -> None:
        """An attendee answers (``accepted``, ``tentativelyAccepted``, ``declined``)."""
        with self.lock:
            event = self.mailboxes[address.lower()].events[event_id]
            for person in event["attendees"]:
                if person["emailAddress"]["address"].lower() == attendee.lower():
                    person["status"] = {"response": response, "time": _now()}
            self._touch(event)

    def expire_tokens(self) -> None:
        """Every token issued so far stops working (expired or revoked)."""
        self.tokens.clear()

    # -- serving ------------------------------------------------------------------

    def start(self) -> FakeGraph:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeGraph:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                split = urlsplit(self.path)
                query = parse_qs(split.query)
                kind = self.headers.get("Content-Type", "")
                try:
                    body: Any = (
                        {k: v[0] for k, v in parse_qs(raw.decode()).items()}
                        if "form" in kind
                        else (json.loads(raw) if raw else None)
                    )
                except ValueError:
                    body = "<not json>"
                headers = {k.lower(): v for k, v in self.headers.items()}
                status, payload, extra = fake.dispatch(method, unquote(split.path), query, body, headers)
                data = b"" if payload is None else json.dumps(payload).encode()
                with fake.lock:
                    fake.log.append(Exchange(method, unquote(split.path), query, body, status, payload, raw))
                if status == 0:  # stored, then the connection is lost before the answer
                    self.close_connection = True
                    with contextlib.suppress(OSError):
                        self.connection.shutdown(2)
                    return
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.end_headers()
                with contextlib.suppress(BrokenPipeError, ConnectionResetError, ssl.SSLError):
                    self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_PATCH(self) -> None:
                self._serve("PATCH")

            def do_DELETE(self) -> None:
                self._serve("DELETE")

        return Handler

    # -- routing ------------------------------------------------------------------

    def dispatch(
        self, method: str, path: str, query: dict[str, list[str]], body: Any, headers: dict[str, str]
    ) -> Answer:
        """The answer to one request."""
        for match, seconds in list(self.slow_answers):
            if match in f"{method} {path}":
                self.slow_answers.remove((match, seconds))
                time.sleep(seconds)  # acts on the request all the same, as a slow server does
        for fault in list(self.faults):
            if fault.match in f"{method} {path}" and fault.times > 0:
                fault.times -= 1
                if fault.times == 0:
                    self.faults.remove(fault)
                extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                return fault.status, _error(fault.code or "ServiceUnavailable", "injected"), extra
        parts = [p for p in path.split("/") if p]
        if len(parts) >= 2 and parts[0] != "v1.0":
            return self._identity(method, parts, body)
        if not self._authorized(headers):
            return (
                401,
                _error("InvalidAuthenticationToken", "Access token has expired or is not yet valid."),
                {},
            )
        if parts == ["v1.0", "$batch"] and method == "POST":
            return self._batch(body, headers)
        if len(parts) < 3 or parts[1] != "users":
            return 400, _error("BadRequest", "Resource not found for the segment."), {}
        address = parts[2].lower()
        box = self.mailboxes.get(address)
        if box is None:
            return 404, _error("ErrorInvalidUser", f"The requested user '{address}' is invalid."), {}
        if box.state == "denied":
            return (
                403,
                _error(
                    "ErrorAccessDenied",
                    "Access to OData is disabled: [RAOP] : Blocked by tenant configured AppOnly "
                    "AccessPolicy settings.",
                ),
                {},
            )
        if box.state == "no_mailbox":
            return (
                404,
                _error(
                    "MailboxNotEnabledForRESTAPI",
                    "The mailbox is either inactive, soft-deleted, or is hosted on-premise.",
                ),
                {},
            )
        rest = parts[3:]
        with self.lock:
            return self._calendar(method, box, rest, query, body, headers)

    def _batch(self, body: Any, headers: dict[str, str]) -> Answer:
        """JSON batching: each part answered as if sent alone (and logged as such), in one answer."""
        parts = body.get("requests") if isinstance(body, dict) else None
        if not isinstance(parts, list) or not parts:
            return 400, _error("BadRequest", "Invalid batch payload format."), {}
        if len(parts) > self.batch_limit:
            return (
                400,
                _error("BadRequest", f"Number of batch operations cannot exceed {self.batch_limit}."),
                {},
            )
        answers = []
        for part in parts:
            split = urlsplit(str(part.get("url", "")))
            path, query = "/v1.0" + unquote(split.path), parse_qs(split.query)
            method = str(part.get("method", "GET"))
            status, payload, extra = self.dispatch(method, path, query, part.get("body"), headers)
            with self.lock:
                self.log.append(Exchange(method, path, query, part.get("body"), status, payload, b"", True))
            answers.append({"id": part.get("id"), "status": status, "headers": extra, "body": payload})
        return 200, {"responses": answers}, {}

    def _identity(self, method: str, parts: list[str], body: Any) -> Answer:
        tenant = parts[0]
        if tenant != self.tenant:
            return (
                400,
                {
                    "error": "invalid_tenant",
                    "error_description": "AADSTS90002: Tenant not found.",
                    "error_codes": [90002],
                },
                {},
            )
        base = f"{self.base}/{tenant}"
        if parts[1:] == ["v2.0", ".well-known", "openid-configuration"]:
            return (
                200,
                {
                    "issuer": f"{self.base}/{tenant}/v2.0",
                    "authorization_endpoint": f"{base}/oauth2/v2.0/authorize",
                    "token_endpoint": f"{base}/oauth2/v2.0/token",
                    "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
                    "response_types_supported": ["code", "id_token", "token"],
                },
                {},
            )
        if method == "POST" and parts[1:] == ["oauth2", "v2.0", "token"]:
            form = body if isinstance(body, dict) else {}
            if form.get("client_id") != self.client_id:
                return (
                    400,
                    {
                        "error": "unauthorized_client",
                        "error_description": "AADSTS700016: Application not found.",
                        "error_codes": [700016],
                    },
                    {},
                )
            if form.get("client_secret") != self.client_secret:
                return (
                    401,
                    {
                        "error": "invalid_client",
                        "error_description": "AADSTS7000215: Invalid client secret provided.",
                        "error_codes": [7000215],
                    },
                    {},
                )
            if form.get(
                "grant_type"
            ) != "client_credentials" or "graph.microsoft.com/.default" not in form.get("scope", ""):
                return (
                    400,
                    {"error": "invalid_scope", "error_description": "AADSTS70011", "error_codes": [70011]},
                    {},
                )
            token = uuid.uuid4().hex
            self.tokens[token] = time.time() + self.token_lifetime
            return (
                200,
                {
                    "token_type": "Bearer",
                    "expires_in": self.token_lifetime,
                    "ext_expires_in": self.token_lifetime,
                    "access_token": token,
                },
                {},
            )
        return 404, {"error": "not_found"}, {}

    def _authorized(self, headers: dict[str, str]) -> bool:
        auth = headers.get("authorization", "")
        token = auth.removeprefix("Bearer ")
        expires = self.tokens.get(token)
        return auth.startswith("Bearer ") and expires is not None and expires > time.time()

    def _calendar(  # noqa: PLR0917 - the parts of one request
        self,
        method: str,
        box: Mailbox,
        rest: list[str],
        query: dict[str, list[str]],
        body: Any,
        headers: dict[str, str],
    ) -> Answer:
        if rest == ["events"] and method == "POST":
            return self._create(box, body)
        if rest == ["events"] and method == "GET":
            return self._list(box, query)
        if rest == ["calendar", "getSchedule"] and method == "POST":
            return self._schedule(body, headers)
        if len(rest) >= 2 and rest[0] == "events":
            event = box.events.get(rest[1])
            if event is None:
                return (
                    404,
                    _error("ErrorItemNotFound", "The specified object was not found in the store."),
                    {},
                )
            if len(rest) == 2 and method == "GET":
                return 200, self._shown(event, query), {}
            if len(rest) == 2 and method == "PATCH":
                return self._patch(event, body, headers)
            if len(rest) == 2 and method == "DELETE":
                del box.events[event["id"]]
                return 204, None, {}
            if rest[2:] == ["cancel"] and method == "POST":
                if not event["isOrganizer"]:
                    return (
                        400,
                        _error(
                            "ErrorAccessDenied",
                            "Your request can't be completed. You need to be an organizer to "
                            "cancel a meeting.",
                        ),
                        {},
                    )
                if not isinstance(body, dict) or set(body) - {"Comment"}:
                    return 400, _error("RequestBodyRead", "Invalid request body."), {}
                del box.events[event["id"]]  # moved to Deleted Items; attendees get the comment
                self.cancelled.append(event | {"isCancelled": True, "cancelComment": body.get("Comment", "")})
                return 202, None, {}
        return 400, _error("BadRequest", "Unsupported segment."), {}

    def _touch(self, event: dict[str, Any]) -> None:
        event["changeKey"] = uuid.uuid4().hex[:16]
        event["@odata.etag"] = f'W/"{event["changeKey"]}"'
        event["lastModifiedDateTime"] = _now()

    def _create(self, box: Mailbox, body: Any) -> Answer:
        if not isinstance(body, dict) or not body.get("subject") or "start" not in body or "end" not in body:
            return 400, _error("ErrorInvalidRequest", "Your request can't be completed."), {}
        txn = body.get("transactionId")
        if txn:
            for event in box.events.values():
                if event.get("transactionId") == txn:
                    return 201, self._shown(event, {}), {}  # a repeated create: the first event
        event_id = "AAMk" + uuid.uuid4().hex
        content = str((body.get("body") or {}).get("content", ""))
        event: dict[str, Any] = {
            "id": event_id,
            "createdDateTime": _now(),
            "subject": body["subject"],
            "body": {"contentType": "html", "content": f"<html><body><pre>{content}</pre></body></html>"},
            "bodyPreview": content[:255],
            "start": body["start"],
            "end": body["end"],
            "attendees": [
                {**a, "status": {"response": "none", "time": "0001-01-01T00:00:00Z"}}
                for a in body.get("attendees", [])
            ],
            "organizer": {"emailAddress": {"address": box.address, "name": box.address}},
            "isOrganizer": True,
            "isCancelled": False,
            "showAs": body.get("showAs", "busy"),
            "transactionId": txn,
            "iCalUId": "040000008200E00074C5B7101A82E008" + uuid.uuid4().hex,
            "singleValueExtendedProperties": list(body.get("singleValueExtendedProperties", [])),
        }
        self._touch(event)
        box.events[event_id] = event
        self._lagging[event_id] = self.filter_lag
        if self.drop_next_create:
            self.drop_next_create = False
            return 0, None, {}
        if self.hold_creates:
            self.stored.set()
            self.lock.release()  # let the test look while this answer waits
            try:
                self.release.wait(30)
            finally:
                self.lock.acquire()
        return 201, self._shown(event, {}), {}

    def _shown(self, event: dict[str, Any], query: dict[str, list[str]]) -> dict[str, Any]:
        """An event as Graph returns it: extended properties only when expanded, ``$select`` kept."""
        shown = {
            k: v for k, v in event.items() if k not in {"singleValueExtendedProperties", "transactionId"}
        }
        expand = query.get("$expand", [""])[0]
        match = _EXPAND.match(expand)
        if match:
            wanted = {i.lower() for i in re.findall(r"id eq '((?:[^']|'')+)'", match.group("ids"))}
            shown["singleValueExtendedProperties"] = [
                p for p in event["singleValueExtendedProperties"] if p["id"].lower() in wanted
            ]
        select = query.get("$select", [""])[0]
        if select:
            keep = {"id", "@odata.etag", "singleValueExtendedProperties", *select.split(",")}
            shown = {k: v for k, v in shown.items() if k in keep}
        return shown

    def _list(self, box: Mailbox, query: dict[str, list[str]]) -> Answer:
        found = list(box.events.values())
        raw_filter = query.get("$filter", [""])[0]
        if raw_filter:
            match = _FILTER.match(raw_filter)
            if match is None:
                return (
                    400,
                    _error(
                        "ErrorInvalidUrlQueryFilter", "The query filter contains one or more invalid nodes."
                    ),
                    {},
                )
            prop, value = match.group("id").replace("''", "'"), match.group("value").replace("''", "'")
            found = [
                e
                for e in found
                if any(
                    p["id"].lower() == prop.lower() and p["value"] == value
                    for p in e["singleValueExtendedProperties"]
                )
            ]
            visible = []
            for event in found:  # a new event reaches the property index a little later
                if self._lagging.get(event["id"], 0) > 0:
                    self._lagging[event["id"]] -= 1
                else:
                    visible.append(event)
            found = visible
        skip = int(query.get("$skip", ["0"])[0])
        top = min(int(query.get("$top", [str(self.page_size)])[0]), self.page_size)
        page = found[skip : skip + top]
        answer: dict[str, Any] = {
            "@odata.context": f"{self.base}/v1.0/$metadata#users('{box.address}')/events",
            "value": [self._shown(e, query) for e in page],
        }
        if skip + top < len(found):
            flat = {k: v[0] for k, v in query.items()} | {"$skip": str(skip + top), "$top": str(top)}
            answer["@odata.nextLink"] = f"{self.base}/v1.0/users/{box.address}/events?{urlencode(flat)}"
        return 200, answer, {}

    def _patch(self, event: dict[str, Any], body: Any, headers: dict[str, str]) -> Answer:
        match = headers.get("if-match")
        if match is not None and match != event["@odata.etag"]:
            return (
                412,
                _error(
                    "ErrorIrresolvableConflict",
                    "The change key passed in the request does not match the current change key.",
                ),
                {},
            )
        if not isinstance(body, dict) or "transactionId" in body:
            return 400, _error("ErrorInvalidRequest", "transactionId cannot be changed."), {}
        for name, value in body.items():
            if name == "singleValueExtendedProperties":
                props = {p["id"].lower(): p for p in event["singleValueExtendedProperties"]}
                for p in value:
                    props[p["id"].lower()] = p
                event[name] = list(props.values())
            elif name == "attendees":
                old = {a["emailAddress"]["address"].lower(): a.get("status") for a in event["attendees"]}
                event[name] = [
                    {
                        **a,
                        "status": old.get(a["emailAddress"]["address"].lower())
                        or {"response": "none", "time": "0001-01-01T00:00:00Z"},
                    }
                    for a in value
                ]
            elif name == "body":
                event[name] = {
                    "contentType": "html",
                    "content": f"<html><body><pre>{value.get('content', '')}</pre></body></html>",
                }
            else:
                event[name] = value
        if "start" in body or "end" in body:  # a new time asks everyone again
            for a in event["attendees"]:
                a["status"] = {"response": "none", "time": "0001-01-01T00:00:00Z"}
        self._touch(event)
        return 200, self._shown(event, {}), {}

    def _schedule(self, body: Any, headers: dict[str, str]) -> Answer:
        if not isinstance(body, dict) or not isinstance(body.get("schedules"), list):
            return 400, _error("ErrorInvalidRequest", "schedules is required."), {}
        if len(body["schedules"]) > self.schedule_limit:
            return 400, _error("ErrorInvalidParameter", f"at most {self.schedule_limit} schedules."), {}
        start = _moment(body["startTime"])
        end = _moment(body["endTime"])
        prefer = re.search(r'outlook\.timezone="([^"]+)"', headers.get("prefer", ""))
        shown_in = prefer.group(1) if prefer else "UTC"
        value = []
        for address in body["schedules"]:
            box = self.mailboxes.get(address.lower())
            if box is None or box.state != "ok":
                value.append(
                    {
                        "scheduleId": address,
                        "error": {
                            "message": "The user is not in the tenant.",
                            "responseCode": "ErrorMailRecipientNotFound",
                        },
                    }
                )
                continue
            items = []
            for e in box.events.values():
                first, last = _moment(e["start"]), _moment(e["end"])
                if e.get("isCancelled") or not (last > start and first < end):
                    continue
                item: dict[str, Any] = {
                    "isPrivate": e.get("sensitivity") == "private",
                    "status": e["showAs"],
                    "start": _shown(first, shown_in),
                    "end": _shown(last, shown_in),
                }
                if not item["isPrivate"]:
                    item |= {"subject": e["subject"], "location": ""}
                items.append(item)
            items += [
                {
                    "isPrivate": True,
                    "status": status,
                    "start": _shown(_utc(s), shown_in),
                    "end": _shown(_utc(f), shown_in),
                }
                for s, f, status in box.busy
                if _utc(f) > start and _utc(s) < end
            ]
            value.append(
                {
                    "scheduleId": address,
                    "availabilityView": "",
                    "scheduleItems": items,
                    "workingHours": {
                        "daysOfWeek": ["monday", "tuesday", "wednesday", "thursday", "friday"],
                        "startTime": "08:00:00.0000000",
                        "endTime": "17:00:00.0000000",
                        "timeZone": {"name": "UTC"},
                    },
                }
            )
        return (
            200,
            {
                "@odata.context": f"{self.base}/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)",  # noqa: E501
                "value": value,
            },
            {},
        )


def _error(code: str, message: str) -> dict[str, Any]:
    return {
        "error": {
            "code": code,
            "message": message,
            "innerError": {"date": _now(), "request-id": str(uuid.uuid4())},
        }
    }


def _now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%f0Z")


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text[:19]).replace(tzinfo=dt.UTC)


def _moment(value: dict[str, str]) -> dt.datetime:
    """A ``dateTimeTimeZone`` as an aware moment: its wall-clock time in its zone."""
    return dt.datetime.fromisoformat(value["dateTime"][:19]).replace(
        tzinfo=ZoneInfo(value.get("timeZone") or "UTC")
    )


def _shown(moment: dt.datetime, zone: str) -> dict[str, str]:
    """``moment`` as Graph answers a ``dateTimeTimeZone``: seven digits of fraction, in ``zone``."""
    local = moment.astimezone(ZoneInfo(zone))
    return {"dateTime": local.strftime("%Y-%m-%dT%H:%M:%S.0000000"), "timeZone": zone}
