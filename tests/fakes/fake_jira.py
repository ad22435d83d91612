"""A stateful fake Jira, served over HTTP on 127.0.0.1, for the real ``jira`` client.

It implements what the careerconv Jira adapter uses, on both ``/rest/api/2``
(Data Center shapes: plain-text description, ``/search`` with ``startAt``) and
``/rest/api/3`` (Cloud shapes: ADF description, ``/search/jql`` with page
tokens): server info, fields, project, create and bulk create, get, edit,
delete, JQL search on labels with pagination, transitions, issue properties,
user search, and a changelog of every edit and transition with its author and
time (``state.clock``), read as Cloud's ``POST changelog/bulkfetch`` or Data
Center's ``GET issue/{id}?expand=changelog``. It has real Jira's awkward sides, each configurable: a search
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

This module is the server, its control methods and its routing; the state is
in ``jira_state``, the site resources (server info, fields, projects, users,
field checks) in ``jira_site``, the issue resources in ``jira_issues``, and the
webhooks it sends for a person's changes in ``jira_webhooks``.
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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from fakes.jira_issues import PERSON, IssueResources
from fakes.jira_state import STATUS_CATEGORIES, Exchange, FakeJiraState, Fault, parse_label_jql

__all__ = [
    "STATUS_CATEGORIES",
    "Exchange",
    "FakeJira",
    "FakeJiraState",
    "Fault",
    "parse_label_jql",
    "running",
]


class FakeJira(IssueResources):
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
        """Change fields of an issue, as a person in Jira would (no property is touched);
        the changelog records it, by Max Manager, at ``state.clock()``."""
        with self.lock:
            self._record_edit(self.state.issues[key], fields, PERSON)
            self.state.issues[key]["fields"].update(fields)
        self._tell("jira:issue_updated", self.state.issues[key])

    def set_status(self, key: str, status_name: str) -> None:
        """Move an issue to a status by name, as a person in Jira would (recorded in the changelog)."""
        with self.lock:
            sid = next(i for i, (n, _) in self.state.statuses.items() if n == status_name)
            before = self.state.issues[key]["status"]
            self._record_status(self.state.issues[key], sid, PERSON)
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
            ("POST", r"changelog/bulkfetch", self._bulk_changelog),
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
                # Data Center has neither the token-paged search nor the bulk changelog:
                # its changelog comes with the issue (expand=changelog).
                cloud_only = rest == "search/jql" or "changelog" in rest
                if cloud_only and self.state.deployment != "Cloud":
                    break
                return handler(v, query, body, **m.groupdict())  # type: ignore[no-any-return]
        return 404, {"errorMessages": [f"no {method} on this resource"], "errors": {}}, {}


@contextmanager
def running(deployment: str = "Cloud") -> Iterator[FakeJira]:
    """A started fake Jira, stopped afterwards."""
    fake = FakeJira(deployment)
    fake.start()
    try:
        yield fake
    finally:
        fake.stop()
