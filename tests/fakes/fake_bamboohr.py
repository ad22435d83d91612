"""A stateful fake of BambooHR's API and webhook sender, served over HTTP on 127.0.0.1.

Payloads follow BambooHR's documented shapes (API v1 at
``/api/gateway.php/{company}/v1``): the employee directory, custom reports
with ``supervisorEId``, ``status``, ``location``, ``country``, ``state`` and
the company's custom fields, ``/employees/changed``, and employee files
(``files/view``, multipart upload, delete). As BambooHR does, a report gives
every value as a string or null: ``country`` and ``state`` as names
("Germany", "Bavaria"), a field with no value as null, and a field name it
does not know as null for everyone (listed in no ``fields`` entry), not as an
error. Basic auth takes the API
key as the user name. Keys can be limited (``read`` only, or ``none``) to
play a token that lacks permissions, and ``fail_next`` plants 429/503
answers. Its clock moves one second per change, so polls are exact.

``signed_delivery`` builds webhook deliveries the way BambooHR signs them:
hex HMAC-SHA256 of the body followed by the ``X-BambooHR-Timestamp`` value.
"""

from __future__ import annotations

import base64
import email.parser
import email.policy
import hashlib
import hmac
import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from attrs import define, field

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

COMPANY = "acme"
API_KEY = "fake-bamboohr-key-5f1c"  # a test-only secret, planted to check it never leaks
READ_ONLY_KEY = "fake-read-only-key-77"
NO_ACCESS_KEY = "fake-no-access-key-31"
CATEGORY_ID = 17


@define
class Employee:
    """One employee record in the fake."""

    id: str
    first_name: str
    last_name: str
    work_email: str
    supervisor_id: str | None = None
    status: str = "Active"
    job_title: str = "Engineer"
    location: str | None = None  # a list field: the option's text, "Munich"
    country: str | None = None  # the country's name in BambooHR's list, "Germany"
    state: str | None = None  # the state's or province's name, "Bavaria"
    custom: dict[str, str] = field(factory=dict)  # custom field API name -> value


@define
class StoredFile:
    """One file on an employee's record."""

    id: str
    name: str
    category: int
    content: bytes
    share: str
    created: str


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@define
class FakeBambooHr:
    """The fake's state and its WSGI app."""

    employees: dict[str, Employee] = field(factory=dict)
    files: dict[str, list[StoredFile]] = field(factory=dict)
    changes: dict[str, tuple[str, datetime]] = field(factory=dict)  # id -> (action, when)
    now: datetime = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    requests: list[tuple[str, str]] = field(factory=list)
    bodies: list[bytes] = field(factory=list)  # every request body, for leak checks
    failures: list[tuple[int, str | None]] = field(factory=list)
    next_file_id: int = 4000
    # The company's custom fields, API name -> display name, as Settings > Custom fields shows them.
    custom_fields: dict[str, str] = field(factory=lambda: {"customWorkingHours": "Working hours"})
    lock: threading.Lock = field(factory=threading.Lock)

    # --- state changes, as HR would make them in BambooHR -----------------

    def _tick(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now

    def add(self, employee: Employee) -> None:
        """Hire someone."""
        self.employees[employee.id] = employee
        self.changes[employee.id] = ("Inserted", self._tick())

    def set_supervisor(self, employee_id: str, supervisor_id: str | None) -> None:
        """Change 'Reporting to'."""
        self.employees[employee_id].supervisor_id = supervisor_id
        self.changes[employee_id] = ("Updated", self._tick())

    def set_field(self, employee_id: str, name: str, value: str | None) -> None:
        """Change a standard field (``location``, ``country``, ``state``) or a custom one."""
        employee = self.employees[employee_id]
        if name in ("location", "country", "state"):
            setattr(employee, name, value)
        elif name in self.custom_fields:
            if value is None:
                employee.custom.pop(name, None)
            else:
                employee.custom[name] = value
        else:
            raise KeyError(f"no field {name!r} in this company")
        self.changes[employee_id] = ("Updated", self._tick())

    def terminate(self, employee_id: str) -> None:
        """Set the status to Inactive (they leave the directory)."""
        self.employees[employee_id].status = "Inactive"
        self.changes[employee_id] = ("Updated", self._tick())

    def delete(self, employee_id: str) -> None:
        """Delete the record outright."""
        del self.employees[employee_id]
        self.changes[employee_id] = ("Deleted", self._tick())

    def fail_next(self, status: int, retry_after: str | None = None, count: int = 1) -> None:
        """Answer the next ``count`` API requests with ``status``."""
        self.failures.extend([(status, retry_after)] * count)

    # --- the API ------------------------------------------------------------

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Serve one request."""
        with self.lock:
            status, headers, body = self._serve(environ)
        headers.append(("Date", format_datetime(self.now, usegmt=True)))
        headers.append(("Content-Length", str(len(body))))
        start_response(status, headers)
        return [body]

    def _serve(self, environ: WSGIEnvironment) -> tuple[str, list[tuple[str, str]], bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        length = int(environ.get("CONTENT_LENGTH") or 0)
        raw = environ["wsgi.input"].read(length) if length else b""
        self.requests.append((method, path))
        self.bodies.append(raw)
        key = self._key(environ)
        if key is None:
            return "401 Unauthorized", [], b""
        if self.failures:
            status, retry_after = self.failures.pop(0)
            headers = [("Retry-After", retry_after)] if retry_after else []
            return f"{status} Failed", headers, b"<html>planted failure</html>"
        prefix = f"/api/gateway.php/{COMPANY}/v1"
        if not path.startswith(prefix):
            return "404 Not Found", [], b""
        route = path.removeprefix(prefix).strip("/").split("/")
        query = {k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", "")).items()}
        if key == NO_ACCESS_KEY:
            return "403 Forbidden", [], b""
        if route == ["employees", "directory"] and method == "GET":
            return self._json(self._directory())
        if route == ["reports", "custom"] and method == "POST":
            return self._json(self._report(json.loads(raw), query))
        if route == ["employees", "changed"] and method == "GET":
            return self._changed(query)
        if len(route) >= 3 and route[0] == "employees" and route[2] == "files":
            if key == READ_ONLY_KEY:
                return "403 Forbidden", [], b""
            return self._files(method, route[1], route[3:], raw, environ)
        return "404 Not Found", [], b""

    def _key(self, environ: WSGIEnvironment) -> str | None:
        scheme, _, value = environ.get("HTTP_AUTHORIZATION", "").partition(" ")
        if scheme != "Basic":
            return None
        user = base64.b64decode(value).decode().partition(":")[0]
        return user if user in (API_KEY, READ_ONLY_KEY, NO_ACCESS_KEY) else None

    @staticmethod
    def _json(body: object, status: str = "200 OK") -> tuple[str, list[tuple[str, str]], bytes]:
        return status, [("Content-Type", "application/json")], json.dumps(body).encode()

    def _directory(self) -> dict[str, Any]:
        fields = [
            {"id": "displayName", "type": "text", "name": "Display name"},
            {"id": "firstName", "type": "text", "name": "First name"},
            {"id": "lastName", "type": "text", "name": "Last name"},
            {"id": "preferredName", "type": "text", "name": "Preferred name"},
            {"id": "jobTitle", "type": "list", "name": "Job title"},
            {"id": "workEmail", "type": "email", "name": "Work Email"},
            {"id": "supervisor", "type": "text", "name": "Supervisor"},
            {"id": "photoUploaded", "type": "bool", "name": "Employee photo"},
        ]
        rows = []
        for e in self.employees.values():
            if e.status != "Active":
                continue  # the directory lists current employees only
            boss = self.employees.get(e.supervisor_id or "")
            rows.append(
                {
                    "id": e.id,
                    "displayName": f"{e.first_name} {e.last_name}",
                    "firstName": e.first_name,
                    "lastName": e.last_name,
                    "preferredName": None,
                    "jobTitle": e.job_title,
                    "workPhone": None,
                    "workEmail": e.work_email,
                    "supervisor": f"{boss.first_name} {boss.last_name}" if boss else None,
                    "photoUploaded": False,
                    "photoUrl": f"https://resources.bamboohr.com/images/photo_person_{e.id}.png",
                }
            )
        return {"fields": fields, "employees": rows}

    def _report(self, request: dict[str, Any], query: dict[str, str]) -> dict[str, Any]:
        names = {
            "id": "EEID",
            "supervisorEId": "Supervisor EID",
            "status": "Status",
            "location": "Location",
            "country": "Country",
            "state": "State",
            **self.custom_fields,
        }
        asked = [f for f in request.get("fields", []) if isinstance(f, str)]

        def value(e: Employee, name: str) -> str | None:
            if name in ("id", "status", "location", "country", "state"):
                return getattr(e, name)  # type: ignore[no-any-return]
            if name == "supervisorEId":
                return e.supervisor_id
            return e.custom.get(name)  # a custom field without a value, or a name it does not know

        return {
            "title": request.get("title", "Report"),
            "fields": [{"id": f, "type": "text", "name": names[f]} for f in asked if f in names],
            "employees": [{"id": e.id, **{f: value(e, f) for f in asked}} for e in self.employees.values()],
        }

    def _changed(self, query: dict[str, str]) -> tuple[str, list[tuple[str, str]], bytes]:
        try:
            since = datetime.fromisoformat(query["since"])
        except (KeyError, ValueError):
            return "400 Bad Request", [], b""
        changed = {
            pid: {"id": pid, "action": action, "lastChanged": when.isoformat()}
            for pid, (action, when) in self.changes.items()
            if when > since
        }
        latest = max((when for _, when in self.changes.values()), default=since)
        return self._json({"latest": latest.isoformat(), "employees": changed})

    def _files(
        self, method: str, employee_id: str, rest: list[str], raw: bytes, environ: WSGIEnvironment
    ) -> tuple[str, list[tuple[str, str]], bytes]:
        if employee_id not in self.employees:
            return "404 Not Found", [], b""
        stored = self.files.setdefault(employee_id, [])
        if method == "GET" and rest == ["view"]:
            return self._json(
                {
                    "employee": {"id": employee_id},
                    "categories": [
                        {
                            "id": CATEGORY_ID,
                            "name": "Development",
                            "canRenameCategory": "yes",
                            "canDeleteCategory": "yes",
                            "canUploadFiles": "yes",
                            "displayIfEmpty": "yes",
                            "files": [
                                {
                                    "id": f.id,
                                    "name": f.name,
                                    "originalFileName": f.name,
                                    "size": len(f.content),
                                    "dateCreated": f.created,
                                    "createdBy": "API",
                                    "shareWithEmployee": f.share,
                                    "canRenameFile": "yes",
                                    "canDeleteFile": "yes",
                                }
                                for f in stored
                                if f.category == CATEGORY_ID
                            ],
                        }
                    ],
                }
            )
        if method == "POST" and not rest:
            parts = self._multipart(raw, environ.get("CONTENT_TYPE", ""))
            if not {"file", "fileName", "category", "share"} <= set(parts):
                return "400 Bad Request", [], b""
            if parts["category"].decode() != str(CATEGORY_ID):
                return "400 Bad Request", [], b""
            self.next_file_id += 1
            new = StoredFile(
                str(self.next_file_id),
                parts["fileName"].decode(),
                CATEGORY_ID,
                parts["file"],
                parts["share"].decode(),
                self.now.strftime("%Y-%m-%d %H:%M:%S"),
            )
            stored.append(new)
            location = f"/api/gateway.php/{COMPANY}/v1/employees/{employee_id}/files/{new.id}"
            return "201 Created", [("Location", location)], b""
        if method == "DELETE" and len(rest) == 1:
            kept = [f for f in stored if f.id != rest[0]]
            if len(kept) == len(stored):
                return "404 Not Found", [], b""
            self.files[employee_id] = kept
            return "200 OK", [], b""
        return "404 Not Found", [], b""

    @staticmethod
    def _multipart(raw: bytes, content_type: str) -> dict[str, bytes]:
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
            b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw
        )
        parts: dict[str, bytes] = {}
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if isinstance(name, str) and isinstance(payload, bytes):
                parts[name] = payload
        return parts

    def summary_files(self, employee_id: str) -> list[StoredFile]:
        """The files on one record."""
        return list(self.files.get(employee_id, []))


@contextmanager
def serve(app: WSGIApplication) -> Iterator[str]:
    """Serve a WSGI app on a free port of 127.0.0.1; yield its base URL."""
    server = make_server("127.0.0.1", 0, app, server_class=WSGIServer, handler_class=_Quiet)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def signed_delivery(secret: str, payload: object, timestamp: str) -> tuple[bytes, dict[str, str]]:
    """A webhook delivery as BambooHR sends it: the body and its headers."""
    body = json.dumps(payload).encode()
    digest = hmac.new(secret.encode(), body + timestamp.encode(), hashlib.sha256).hexdigest()
    return body, {
        "Content-Type": "application/json",
        "X-BambooHR-Timestamp": timestamp,
        "X-BambooHR-Signature": digest,
    }


def event_payload(employee_id: str, kind: str = "employee.updated", when: str = "") -> dict[str, Any]:
    """An event-based webhook payload (the documented JSON format)."""
    return {
        "type": kind,
        "timestamp": when or "2026-03-02T09:00:00+0000",
        "data": {
            "companyId": "12345",
            "employeeId": employee_id,
            "changedFields": ["supervisorEId"],
        },
    }


def field_payload(*employee_ids: str) -> dict[str, Any]:
    """A field-based (global) webhook payload."""
    return {
        "employees": [
            {
                "id": pid,
                "action": "Updated",
                "timestamp": "2026-03-02T09:00:00+00:00",
                "changedFields": ["Reporting to"],
                "fields": {"Reporting to": {"value": "Daniel Reyes"}},
            }
            for pid in employee_ids
        ]
    }
