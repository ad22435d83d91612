"""A stateful fake Jira, served over HTTP on 127.0.0.1, for the real ``jira`` client.

It implements what the careerconv Jira adapter uses, on both ``/rest/api/2``
(Data Center shapes: plain-text description, ``/search`` with ``startAt``) and
``/rest/api/3`` (Cloud shapes: ADF description, ``/search/jql`` with page
tokens): server info, fields, project, create and bulk create, get, edit,
delete, JQL search on labels with pagination, transitions, issue properties
and user search. It has real Jira's awkward sides, each configurable: a search
that does not see new issues for ``search_lag`` seconds unless their ids are in
``reconcileIssues``, a per-site ``bulk_limit`` below 50 (refused as a whole),
workflows whose transitions depend on the current status
(``stepwise_workflow``), and a ``serverInfo`` anyone may read. Every exchange
is recorded so tests can check it against Atlassian's OpenAPI description
(``tests/fakes/jira_spec.py``). Faults (429, 5xx, slow answers) are injected
per request.

It is strict where real Jira is strict and the adapter could get it wrong:
summaries are single-line and at most 255 characters, labels have no spaces,
unknown fields, users, projects, issue types and security levels are refused
the way Jira refuses them, and JQL it does not understand is a 400.
"""

from __future__ import annotations

import base64
import contextlib
import json
import re
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

STATUS_CATEGORIES = {
    "new": {"id": 2, "key": "new", "name": "To Do", "colorName": "blue-gray"},
    "indeterminate": {
        "id": 4,
        "key": "indeterminate",
        "name": "In Progress",
        "colorName": "yellow",
    },
    "done": {"id": 3, "key": "done", "name": "Done", "colorName": "green"},
}


@dataclass
class Exchange:
    """One request and the answer the fake gave."""

    method: str
    path: str
    query: dict[str, list[str]]
    body: Any
    status: int
    response: Any
    headers: dict[str, str]


@dataclass
class Fault:
    """An injected answer: ``status`` (0 = answer normally after ``delay``)."""

    status: int = 0
    retry_after: str | None = None
    delay: float = 0.0
    match: str = ""
    times: int = 1


@dataclass
class FakeJiraState:
    """Everything the fake knows. Tests may read and change it directly."""

    deployment: str = "Cloud"
    email: str = "bot@example.com"
    token: str = "test-token-not-secret"
    projects: dict[str, dict[str, Any]] = field(default_factory=dict)
    users: list[dict[str, Any]] = field(default_factory=list)
    custom_fields: dict[str, str] = field(default_factory=dict)
    security_levels: dict[str, str] = field(default_factory=lambda: {"10001": "Manager and report"})
    statuses: dict[str, tuple[str, str]] = field(
        default_factory=lambda: {
            "10000": ("To Do", "new"),
            "3": ("In Progress", "indeterminate"),
            "10001": ("Done", "done"),
        }
    )
    # (id, name, to status id[, from status ids]): without "from" a global transition.
    transitions: list[tuple[Any, ...]] = field(
        default_factory=lambda: [
            ("11", "To Do", "10000"),
            ("21", "In Progress", "3"),
            ("31", "Done", "10001"),
        ]
    )
    search_lag: float = 0.0
    """Seconds after a create before a search sees the issue (Cloud: unless reconciled)."""
    bulk_limit: int = 50
    """Issues one bulk create takes; Data Center's jira.bulk.create.max.issues.per.request."""
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 10000
    key_numbers: dict[str, int] = field(default_factory=dict)
    page_size: int = 100
    log: list[Exchange] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)


def _status_obj(base: str, status_id: str, state: FakeJiraState) -> dict[str, Any]:
    name, cat = state.statuses[status_id]
    category = dict(STATUS_CATEGORIES[cat], self=f"{base}/statuscategory/{STATUS_CATEGORIES[cat]['id']}")
    return {
        "self": f"{base}/status/{status_id}",
        "id": status_id,
        "name": name,
        "description": "",
        "iconUrl": f"{base}/images/status.png",
        "statusCategory": category,
    }


_JQL = re.compile(
    r'^\s*labels\s+(?:in\s*\((?P<list>.*)\)|=\s*(?P<one>"[^"\\]*"))\s*'
    r"(?:ORDER\s+BY\s+key\s+(?:ASC|DESC))?\s*$",
    re.IGNORECASE | re.DOTALL,
)
_QUOTED = re.compile(r'\s*"([^"\\]*)"\s*(?:,|$)')


def parse_label_jql(jql: str) -> set[str] | None:
    """The labels of ``labels in ("a", ...)`` / ``labels = "a"``; None if not that shape."""
    match = _JQL.match(jql)
    if not match:
        return None
    if match.group("one"):
        return {match.group("one")[1:-1]}
    raw = match.group("list")
    labels: set[str] = set()
    pos = 0
    while pos < len(raw):
        m = _QUOTED.match(raw, pos)
        if not m:
            return None
        labels.add(m.group(1))
        pos = m.end()
    return labels


class FakeJira:
    """The fake server. Use as a context manager; ``url`` is its base URL."""

    def __init__(self, deployment: str = "Cloud") -> None:
        self.lock = threading.RLock()
        self.listeners: list[Callable[[str, dict[str, Any], str | None], object]] = []
        self.reset(deployment)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread: threading.Thread | None = None

    def reset(self, deployment: str = "Cloud") -> None:
        """Forget everything and start over as a ``Cloud`` or ``Server`` site."""
        with self.lock:
            self.state = FakeJiraState(deployment=deployment)
            self.state.projects["CAREER"] = {
                "id": "10100",
                "key": "CAREER",
                "name": "Career plans",
                "issueTypes": [{"id": "10002", "name": "Task"}, {"id": "10003", "name": "Epic"}],
            }
            self.add_user("Ana Report", "ana@example.com", "acc-ana", "ana")
            self.add_user("Max Manager", "max@example.com", "acc-max", "max")
            self.state.custom_fields = {"customfield_10042": "Done when"}

    # -- control ----------------------------------------------------------------

    def add_user(self, name: str, email: str, account_id: str, username: str) -> None:
        """Add an active user."""
        self.state.users.append(
            {
                "accountId": account_id,
                "name": username,
                "key": username,
                "displayName": name,
                "emailAddress": email,
                "active": True,
            }
        )

    def fail(self, status: int, *, times: int = 1, retry_after: str | None = None, match: str = "") -> None:
        """Answer the next ``times`` requests whose path contains ``match`` with ``status``."""
        with self.lock:
            self.state.faults.append(Fault(status, retry_after, 0.0, match, times))

    def slow(self, seconds: float, *, times: int = 1, match: str = "") -> None:
        """Answer the next ``times`` matching requests only after ``seconds``."""
        with self.lock:
            self.state.faults.append(Fault(0, None, seconds, match, times))

    def requests(self, method: str | None = None) -> list[Exchange]:
        """Recorded exchanges (optionally only one method)."""
        with self.lock:
            return [e for e in self.state.log if method is None or e.method == method]

    def writes(self) -> list[Exchange]:
        """Recorded exchanges that change state (searches are POSTs but read)."""
        return [
            e
            for e in self.requests()
            if e.method in ("POST", "PUT", "DELETE") and not e.path.endswith(("/search", "/search/jql"))
        ]

    def clear_log(self) -> None:
        """Forget recorded exchanges."""
        with self.lock:
            self.state.log.clear()

    def delete_issue(self, key: str) -> None:
        """Delete an issue, as a person in Jira would."""
        with self.lock:
            issue = self.state.issues.pop(key)
        self._tell("jira:issue_deleted", issue)

    def _tell(self, event: str, issue: dict[str, Any], before: str | None = None) -> None:
        # A person's change: subscribed webhook senders (jira_webhooks) hear of it.
        for listener in list(self.listeners):
            listener(event, issue, before)

    def edit_as_person(self, key: str, **fields: Any) -> None:
        """Change fields of an issue, as a person in Jira would (no property is touched)."""
        with self.lock:
            self.state.issues[key]["fields"].update(fields)
        self._tell("jira:issue_updated", self.state.issues[key])

    def set_status(self, key: str, status_name: str) -> None:
        """Move an issue to a status by name, as a person in Jira would."""
        with self.lock:
            sid = next(i for i, (n, _) in self.state.statuses.items() if n == status_name)
            before = self.state.issues[key]["status"]
            self.state.issues[key]["status"] = sid
        self._tell("jira:issue_updated", self.state.issues[key], before)

    def stepwise_workflow(self) -> None:
        """To Do -> In Progress -> Done, and back, with no direct To Do -> Done (a common workflow)."""
        with self.lock:
            self.state.transitions = [
                ("11", "Start Progress", "3", {"10000"}),
                ("21", "Stop Progress", "10000", {"3"}),
                ("31", "Done", "10001", {"3"}),
                ("41", "Reopen", "10000", {"10001"}),
            ]

    def index_all(self) -> None:
        """Let the search see every issue now, as once Cloud's index caught up."""
        with self.lock:
            for issue in self.state.issues.values():
                issue["indexed_at"] = 0.0

    def by_label(self, label: str) -> list[dict[str, Any]]:
        """Stored issues that carry ``label``."""
        with self.lock:
            return [i for i in self.state.issues.values() if label in i["fields"].get("labels", [])]

    def start(self) -> FakeJira:
        """Serve in a background thread."""
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        self.server.shutdown()
        self.server.server_close()

    def __enter__(self) -> FakeJira:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- HTTP ---------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True  # headers and body go out in two writes

            def log_message(self, format: str, *args: Any) -> None:
                pass  # quiet: the exchange log is what tests read

            def _serve(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body = json.loads(raw) if raw else None
                except ValueError:
                    body = "<not json>"
                split = urlsplit(self.path)
                query = parse_qs(split.query)
                status, payload, headers = fake.dispatch(
                    method, split.path, query, body, dict(self.headers.items())
                )
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                # Jira labels even empty answers (204) as JSON, as its spec documents.
                self.send_header("Content-Type", "application/json;charset=UTF-8")
                self.send_header("Content-Length", str(len(data)))
                for k, v in headers.items():
                    self.send_header(k, v)
                with fake.lock:  # logged before answering: a client that gave up still sent it
                    fake.state.log.append(Exchange(method, split.path, query, body, status, payload, headers))
                self.end_headers()
                # A client that timed out has left; that is the case under test.
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self.wfile.write(data)

            def do_GET(self) -> None:
                self._serve("GET")

            def do_POST(self) -> None:
                self._serve("POST")

            def do_PUT(self) -> None:
                self._serve("PUT")

            def do_DELETE(self) -> None:
                self._serve("DELETE")

        return Handler

    def _authorized(self, headers: dict[str, str]) -> bool:
        auth = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
        s = self.state
        if s.deployment == "Cloud":
            expected = base64.b64encode(f"{s.email}:{s.token}".encode()).decode()
            return auth == f"Basic {expected}"
        return auth == f"Bearer {s.token}"

    def _take_fault(self, path: str) -> Fault | None:
        with self.lock:
            for fault in self.state.faults:
                if fault.match in path and fault.times > 0:
                    fault.times -= 1
                    if fault.times == 0:
                        self.state.faults.remove(fault)
                    return fault
        return None

    def dispatch(
        self,
        method: str,
        path: str,
        query: dict[str, list[str]],
        body: Any,
        headers: dict[str, str],
    ) -> tuple[int, Any, dict[str, str]]:
        """Answer one request: (status, JSON body or None, extra headers)."""
        fault = self._take_fault(path)
        if fault is not None:
            if fault.delay:
                time.sleep(fault.delay)
            if fault.status:
                extra = {"Retry-After": fault.retry_after} if fault.retry_after else {}
                return fault.status, {"errorMessages": ["injected fault"], "errors": {}}, extra
        m = re.match(r"^/rest/api/(2|3)/(.*)$", path)
        if not m:
            return 404, {"errorMessages": ["no such resource"], "errors": {}}, {}
        # serverInfo answers anyone (Jira documents it as accessible anonymously).
        public = m.group(2) == "serverInfo" and method == "GET"
        if not public and not self._authorized(headers):
            return 401, {"errorMessages": ["You are not authenticated."], "errors": {}}, {}
        version, rest = m.group(1), m.group(2)
        if version == "3" and self.state.deployment != "Cloud":
            return 404, {"errorMessages": ["no such resource"], "errors": {}}, {}
        with self.lock:
            return self._route(method, version, rest, query, body)

    def _base(self, version: str) -> str:
        return f"{self.url}/rest/api/{version}"

    def _route(
        self, method: str, v: str, rest: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        routes: list[tuple[str, str, Any]] = [
            ("GET", r"serverInfo", self._server_info),
            ("GET", r"field", self._fields),
            ("GET", r"project/(?P<key>[^/]+)", self._project),
            ("POST", r"issue/bulk", self._bulk_create),
            ("POST", r"issue", self._create_one),
            ("POST", r"search/jql", self._search_jql),
            ("POST", r"search", self._search_dc),
            ("GET", r"search", self._search_dc_get),
            ("GET", r"user/search", self._user_search),
            ("GET", r"issue/(?P<key>[^/]+)/transitions", self._get_transitions),
            ("POST", r"issue/(?P<key>[^/]+)/transitions", self._do_transition),
            ("GET", r"issue/(?P<key>[^/]+)/properties/(?P<prop>[^/]+)", self._get_property),
            ("PUT", r"issue/(?P<key>[^/]+)/properties/(?P<prop>[^/]+)", self._put_property),
            ("GET", r"issue/(?P<key>[^/]+)", self._get_issue),
            ("PUT", r"issue/(?P<key>[^/]+)", self._edit_issue),
            ("DELETE", r"issue/(?P<key>[^/]+)", self._delete_issue),
        ]
        for verb, pattern, handler in routes:
            m = re.fullmatch(pattern, rest)
            if m and verb == method:
                if rest == "search/jql" and self.state.deployment != "Cloud":
                    break
                return handler(v, query, body, **m.groupdict())  # type: ignore[no-any-return]
        return 404, {"errorMessages": [f"no {method} on this resource"], "errors": {}}, {}

    # -- resources ------------------------------------------------------------------

    def _server_info(self, v: str, *_: Any) -> tuple[int, Any, dict[str, str]]:
        cloud = self.state.deployment == "Cloud"
        return (
            200,
            {
                "baseUrl": self.url,
                "version": "1001.0.0" if cloud else "9.12.2",
                "versionNumbers": [1001, 0, 0] if cloud else [9, 12, 2],
                "deploymentType": self.state.deployment,
                "buildNumber": 100250,
                "buildDate": "2026-01-05T00:00:00.000+0000",
                "serverTime": "2026-11-25T12:00:00.000+0000",
                "scmInfo": "fake",
                "serverTitle": "Fake Jira",
            },
            {},
        )

    def _field_list(self) -> list[dict[str, Any]]:
        system = [
            "summary",
            "description",
            "duedate",
            "labels",
            "assignee",
            "status",
            "project",
            "issuetype",
            "security",
            "parent",
        ]
        out = [
            {
                "id": f,
                "key": f,
                "name": f.title(),
                "custom": False,
                "orderable": True,
                "navigable": True,
                "searchable": True,
                "clauseNames": [f],
            }
            for f in system
        ]
        out += [
            {
                "id": fid,
                "key": fid,
                "name": name,
                "custom": True,
                "orderable": True,
                "navigable": True,
                "searchable": True,
                "clauseNames": [f"cf[{fid.split('_')[1]}]", name],
            }
            for fid, name in self.state.custom_fields.items()
        ]
        return out

    def _fields(self, v: str, *_: Any) -> tuple[int, Any, dict[str, str]]:
        return 200, self._field_list(), {}

    def _project(self, v: str, query: Any, body: Any, key: str) -> tuple[int, Any, dict[str, str]]:
        p = self.state.projects.get(key)
        if p is None:
            return (
                404,
                {"errorMessages": [f"No project could be found with key '{key}'."], "errors": {}},
                {},
            )
        base = self._base(v)
        return (
            200,
            {
                "self": f"{base}/project/{p['id']}",
                "id": p["id"],
                "key": p["key"],
                "name": p["name"],
                "projectTypeKey": "software",
                "simplified": False,
                "issueTypes": [
                    dict(t, self=f"{base}/issuetype/{t['id']}", subtask=False, description="")
                    for t in p["issueTypes"]
                ],
            },
            {},
        )

    def _user(self, ref: dict[str, Any] | None, v: str) -> dict[str, Any] | None:
        if not isinstance(ref, dict):
            return None
        by = "accountId" if self.state.deployment == "Cloud" else "name"
        return next(
            (u for u in self.state.users if ref.get(by) and u[by] == ref.get(by) and u["active"]),
            None,
        )

    def _user_json(self, user: dict[str, Any], v: str) -> dict[str, Any]:
        base = self._base(v)
        if self.state.deployment == "Cloud":
            return {
                "self": f"{base}/user?accountId={user['accountId']}",
                "accountId": user["accountId"],
                "accountType": "atlassian",
                "displayName": user["displayName"],
                "emailAddress": user["emailAddress"],
                "active": user["active"],
                "timeZone": "UTC",
            }
        return {
            "self": f"{base}/user?username={user['name']}",
            "name": user["name"],
            "key": user["key"],
            "displayName": user["displayName"],
            "emailAddress": user["emailAddress"],
            "active": user["active"],
            "timeZone": "UTC",
        }

    def _check_fields(  # noqa: PLR0912 - one check per field, in Jira's order
        self, fields: Any, v: str, *, creating: bool
    ) -> dict[str, str]:
        """Errors per field name, the way Jira words them (no values echoed)."""
        errors: dict[str, str] = {}
        if not isinstance(fields, dict):
            return {"fields": "fields must be an object"}
        allowed = {
            "summary",
            "description",
            "duedate",
            "labels",
            "assignee",
            "project",
            "issuetype",
            "security",
            "parent",
            *self.state.custom_fields,
        }
        for name in fields:
            if name not in allowed:
                errors[name] = (
                    f"Field '{name}' cannot be set. It is not on the appropriate screen, or unknown."
                )
        project = None
        if creating:
            p = fields.get("project") or {}
            project = self.state.projects.get(p.get("key", "")) or next(
                (x for x in self.state.projects.values() if x["id"] == p.get("id")), None
            )
            if project is None:
                errors["project"] = "valid project is required"
            it = fields.get("issuetype") or {}
            if project is not None and not any(
                t["name"] == it.get("name") or t["id"] == it.get("id") for t in project["issueTypes"]
            ):
                errors["issuetype"] = "valid issue type is required"
            if not fields.get("summary"):
                errors["summary"] = "You must specify a summary of the issue."
        if "summary" in fields:
            summary = fields["summary"]
            if not isinstance(summary, str) or not summary.strip():
                errors["summary"] = "You must specify a summary of the issue."
            elif len(summary) > 255:
                errors["summary"] = "Summary must be less than 255 characters."
            elif "\n" in summary or "\r" in summary:
                errors["summary"] = "Field can't contain newline"
        if "description" in fields:
            d = fields["description"]
            ok = (
                (isinstance(d, dict) and d.get("type") == "doc" and d.get("version") == 1)
                if v == "3"
                else isinstance(d, str)
            )
            if not ok:
                errors["description"] = (
                    "Operation value must be an Atlassian Document"
                    if v == "3"
                    else "Operation value must be a string"
                )
        if (
            "duedate" in fields
            and fields["duedate"] is not None
            and not (
                isinstance(fields["duedate"], str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", fields["duedate"])
            )
        ):
            errors["duedate"] = "Error parsing date string"
        if "labels" in fields:
            labels = fields["labels"]
            if not isinstance(labels, list) or any(
                not isinstance(x, str) or " " in x or len(x) > 255 for x in labels
            ):
                errors["labels"] = "The label can't contain spaces."
        if (
            "assignee" in fields
            and fields["assignee"] is not None
            and self._user(fields["assignee"], v) is None
        ):
            errors["assignee"] = "Specify a valid value for assignee"
        if "security" in fields:
            s = fields["security"] or {}
            if (
                s.get("id") not in self.state.security_levels
                and s.get("name") not in self.state.security_levels.values()
            ):
                errors["security"] = "Security level is not valid"
        if "parent" in fields:
            parent = (fields["parent"] or {}).get("key")
            if parent not in self.state.issues:
                errors["parent"] = "Could not find issue by id or key."
        for fid in self.state.custom_fields:
            value = fields.get(fid)
            if value is not None and (not isinstance(value, str) or len(value) > 255):
                errors[fid] = "The entered text is too long. It exceeds the allowed limit of 255."
        return errors

    def _store_new(self, update: dict[str, Any], v: str) -> dict[str, Any]:
        fields = dict(update["fields"])
        project = self.state.projects.get((fields.get("project") or {}).get("key", "")) or next(
            x for x in self.state.projects.values() if x["id"] == fields["project"].get("id")
        )
        self.state.next_id += 1
        # Jira never gives a key again, not even the key of a deleted issue.
        number = self.state.key_numbers.get(project["key"], 0) + 1
        while f"{project['key']}-{number}" in self.state.issues:
            number += 1
        self.state.key_numbers[project["key"]] = number
        key = f"{project['key']}-{number}"
        fields.pop("project")
        fields.pop("issuetype")
        props = {p["key"]: p["value"] for p in update.get("properties", []) or []}
        self.state.issues[key] = {
            "id": str(self.state.next_id),
            "key": key,
            "project": project["key"],
            "fields": fields,
            "status": "10000",
            "properties": props,
            "indexed_at": time.monotonic() + self.state.search_lag,
        }
        return {
            "id": str(self.state.next_id),
            "key": key,
            "self": f"{self._base(v)}/issue/{self.state.next_id}",
        }

    def _create_one(self, v: str, query: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        errors = self._check_fields((body or {}).get("fields"), v, creating=True)
        if errors:
            return 400, {"errorMessages": [], "errors": errors}, {}
        return 201, self._store_new(body, v), {}

    def _bulk_create(self, v: str, query: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        updates = (body or {}).get("issueUpdates")
        if not isinstance(updates, list) or not updates:
            return 400, {"errorMessages": ["issueUpdates is required"], "errors": {}}, {}
        limit = min(50, self.state.bulk_limit)
        if len(updates) > limit:
            # Refused as a whole: every element fails, naming no field (what a site with a
            # lower limit answers), and nothing is created.
            message = f"You can create at most {limit} issues in one bulk request."
            failed_all = [
                {"status": 400, "failedElementNumber": n,
                 "elementErrors": {"errorMessages": [message], "errors": {}}}
                for n in range(len(updates))
            ]  # fmt: skip
            return 400, {"issues": [], "errors": failed_all}, {}
        created: list[dict[str, Any]] = []
        failed: list[dict[str, Any]] = []
        for n, update in enumerate(updates):
            errors = self._check_fields(update.get("fields"), v, creating=True)
            if errors:
                failed.append(
                    {
                        "status": 400,
                        "failedElementNumber": n,
                        "elementErrors": {"errorMessages": [], "errors": errors},
                    }
                )
            else:
                created.append(self._store_new(update, v))
        return (201 if created else 400), {"issues": created, "errors": failed}, {}

    def _issue_json(
        self, issue: dict[str, Any], v: str, fields: list[str] | None, props: list[str]
    ) -> dict[str, Any]:
        base = self._base(v)
        stored = issue["fields"]
        all_fields = {
            **stored,
            "status": _status_obj(base, issue["status"], self.state),
            "project": {"key": issue["project"], "self": f"{base}/project/{issue['project']}"},
        }
        if "assignee" in stored and stored["assignee"] is not None:
            user = self._user(stored["assignee"], v)
            all_fields["assignee"] = self._user_json(user, v) if user else None
        wanted = None if not fields or "*all" in fields else set(fields)
        out = {
            "expand": "",
            "id": issue["id"],
            "key": issue["key"],
            "self": f"{base}/issue/{issue['id']}",
            "fields": {k: val for k, val in all_fields.items() if wanted is None or k in wanted},
        }
        if props:
            out["properties"] = {p: issue["properties"][p] for p in props if p in issue["properties"]}
        return out

    def _search(self, v: str, body: Any) -> tuple[list[dict[str, Any]], int] | str:
        if not isinstance(body, dict) or not isinstance(body.get("jql"), str):
            return "jql is required"
        labels = parse_label_jql(body["jql"])
        if labels is None:
            return "The JQL query could not be parsed by this fake."
        reconcile = body.get("reconcileIssues") or []
        if len(reconcile) > 50:
            return "reconcileIssues accepts at most 50 ids."
        now = time.monotonic()
        wanted = {str(i) for i in reconcile}
        # Eventually consistent: a new issue is not in the index until its lag passed,
        # unless the search names its id in reconcileIssues (search/jql only).
        found = sorted(
            (
                i
                for i in self.state.issues.values()
                if labels & set(i["fields"].get("labels", []))
                and (i.get("indexed_at", 0.0) <= now or i["id"] in wanted)
            ),
            key=lambda i: int(i["key"].rsplit("-", 1)[1]),
        )
        size = min(int(body.get("maxResults", 50)), self.state.page_size)
        return found, size

    def _search_dc(self, v: str, query: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        result = self._search(v, body)
        if isinstance(result, str):
            return 400, {"errorMessages": [result], "errors": {}}, {}
        found, size = result
        start = int(body.get("startAt", 0))
        page = found[start : start + size]
        return (
            200,
            {
                "startAt": start,
                "maxResults": size,
                "total": len(found),
                "issues": [
                    self._issue_json(i, v, body.get("fields"), body.get("properties") or []) for i in page
                ],
            },
            {},
        )

    def _search_dc_get(
        self, v: str, query: dict[str, list[str]], body: Any
    ) -> tuple[int, Any, dict[str, str]]:
        def one(name: str, default: str = "") -> str:
            return (query.get(name) or [default])[0]

        as_body: dict[str, Any] = {
            "jql": one("jql"),
            "startAt": int(one("startAt", "0")),
            "maxResults": int(one("maxResults", "50")),
            "fields": [f for f in one("fields").split(",") if f] or None,
            "properties": [p for p in one("properties").split(",") if p],
        }
        return self._search_dc(v, query, as_body)

    def _search_jql(self, v: str, query: Any, body: Any) -> tuple[int, Any, dict[str, str]]:
        result = self._search(v, body)
        if isinstance(result, str):
            return 400, {"errorMessages": [result], "errors": {}}, {}
        found, size = result
        token = body.get("nextPageToken")
        start = int(token.removeprefix("p")) if isinstance(token, str) and token else 0
        page = found[start : start + size]
        answer: dict[str, Any] = {
            "issues": [
                self._issue_json(i, v, body.get("fields"), body.get("properties") or []) for i in page
            ],
            "isLast": start + size >= len(found),
        }
        if not answer["isLast"]:
            answer["nextPageToken"] = f"p{start + size}"
        return 200, answer, {}

    def _issue(self, key_or_id: str) -> dict[str, Any] | None:
        """An issue by key or by numeric id, as Jira accepts both."""
        issue = self.state.issues.get(key_or_id)
        if issue is None and key_or_id.isdigit():
            issue = next((i for i in self.state.issues.values() if i["id"] == key_or_id), None)
        return issue

    def _missing(self, key: str) -> tuple[int, Any, dict[str, str]]:
        return (
            404,
            {
                "errorMessages": ["Issue does not exist or you do not have permission to see it."],
                "errors": {},
            },
            {},
        )

    def _get_issue(self, v: str, query: Any, body: Any, key: str) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None:
            return self._missing(key)
        fields = (query.get("fields") or [""])[0].split(",") if query.get("fields") else None
        props = (query.get("properties") or [""])[0].split(",") if query.get("properties") else []
        return 200, self._issue_json(issue, v, fields, props), {}

    def _edit_issue(self, v: str, query: Any, body: Any, key: str) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None:
            return self._missing(key)
        fields = (body or {}).get("fields", {})
        errors = self._check_fields(fields, v, creating=False)
        if errors:
            return 400, {"errorMessages": [], "errors": errors}, {}
        issue["fields"].update(fields)
        return 204, None, {}

    def _delete_issue(self, v: str, query: Any, body: Any, key: str) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None:
            return self._missing(key)
        del self.state.issues[issue["key"]]
        return 204, None, {}

    def _get_property(
        self, v: str, query: Any, body: Any, key: str, prop: str
    ) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None or prop not in issue["properties"]:
            return 404, {"errorMessages": ["The property was not found."], "errors": {}}, {}
        return 200, {"key": prop, "value": issue["properties"][prop]}, {}

    def _put_property(
        self, v: str, query: Any, body: Any, key: str, prop: str
    ) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None:
            return self._missing(key)
        if len(json.dumps(body)) > 32768:
            return 400, {"errorMessages": ["The property value is too large."], "errors": {}}, {}
        existed = prop in issue["properties"]
        issue["properties"][prop] = body
        # The spec documents a JSON answer for 200/201 (Prism insists on one); no client reads it.
        return (200 if existed else 201), {}, {}

    def _transition_list(self, v: str, current: str) -> list[dict[str, Any]]:
        base = self._base(v)
        return [
            {
                "id": tid,
                "name": name,
                "to": _status_obj(base, to, self.state),
                "hasScreen": False,
                "isGlobal": True,
                "isInitial": False,
                "isAvailable": True,
                "isConditional": False,
                "isLooped": False,
            }
            for tid, name, to, *froms in self.state.transitions
            if to != current and (not froms or current in froms[0])
        ]

    def _get_transitions(self, v: str, query: Any, body: Any, key: str) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None:
            return self._missing(key)
        return 200, {"transitions": self._transition_list(v, issue["status"])}, {}

    def _do_transition(self, v: str, query: Any, body: Any, key: str) -> tuple[int, Any, dict[str, str]]:
        issue = self._issue(key)
        if issue is None:
            return self._missing(key)
        tid = str(((body or {}).get("transition") or {}).get("id"))
        match = [t for t in self._transition_list(v, issue["status"]) if t["id"] == tid]
        if not match:
            return (
                400,
                {
                    "errorMessages": [f"Transition id '{tid}' is not valid for this issue."],
                    "errors": {},
                },
                {},
            )
        issue["status"] = match[0]["to"]["id"]
        return 204, None, {}

    def _user_search(self, v: str, query: dict[str, list[str]], *_: Any) -> tuple[int, Any, dict[str, str]]:
        name = "query" if self.state.deployment == "Cloud" else "username"
        term = (query.get(name) or [""])[0].lower()
        if not term:
            return 400, {"errorMessages": [f"The {name} parameter is required."], "errors": {}}, {}
        hits = [
            u
            for u in self.state.users
            if u["active"]
            and (term in u["emailAddress"].lower() or term in u["displayName"].lower() or term == u["name"])
        ]
        return 200, [self._user_json(u, v) for u in hits], {}


@contextmanager
def running(deployment: str = "Cloud") -> Iterator[FakeJira]:
    """A started fake Jira, stopped afterwards."""
    fake = FakeJira(deployment)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
