"""The I/O half of the Jira tracker: one wrapper around the ``jira`` client.

Everything that can go wrong on the wire is translated here into
``careerconv_core.errors`` types. Messages carry the operation, the HTTP
status and ids, never request or response bodies (they may hold personal
data) and never the token. Retries are done here, not by the ``jira``
client, so they are bounded, jittered, honour ``Retry-After`` and can be
counted and tested without waiting.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

import requests
from attrs import define, field
from jira import JIRA, JIRAError

from careerconv_core.errors import AdapterError, ConfigurationError
from careerconv_plugins import http
from careerconv_plugins.jira.mapping import PROPERTY_KEY
from careerconv_plugins.jira.settings import JiraSettings

log = logging.getLogger(__name__)

ADAPTER = "jira"
T = TypeVar("T")

# Which statuses are retryable is careerconv_plugins.http's one rule. Of
# those, only the ones saying Jira did not act on the request are retried
# within one delivery; the others (500, 502, 504) may have half-done a write:
# they go back to the outbox (RETRY) and the next delivery searches first.


@define
class RetryPolicy:
    """Bounded, jittered retries inside one delivery.

    ``sleep`` and ``jitter`` are injectable so tests do not wait; ``jitter``
    returns a factor in [0.5, 1.0).
    """

    max_attempts: int = 3
    base_delay: float = 1.0
    max_wait: float = 60.0
    sleep: Callable[[float], None] = time.sleep
    jitter: Callable[[], float] = field(factory=lambda: lambda: 0.5 + random.random() / 2)  # noqa: S311 - jitter, not security

    def delay(self, attempt: int, retry_after: float | None) -> float:
        """Seconds to wait before attempt ``attempt + 1``."""
        if retry_after is not None:
            return float(min(retry_after, self.max_wait))
        return float(min(self.base_delay * 2 ** (attempt - 1), self.max_wait) * self.jitter())


def _error_fields(response: requests.Response | None) -> list[str]:
    """The field names (not the messages) Jira named in an error body."""
    if response is None:
        return []
    try:
        body = response.json()
    except ValueError:
        return []
    errors = body.get("errors") if isinstance(body, dict) else None
    return sorted(k for k in errors if isinstance(k, str)) if isinstance(errors, dict) else []


class JiraRequestError(AdapterError):
    """A Jira request failed. ``status`` is the HTTP status (0 without one);
    ``fields`` the field names Jira complained about (never their messages)."""

    def __init__(
        self,
        reason: str,
        *,
        status: int = 0,
        fields: Sequence[str] = (),
        retryable: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(ADAPTER, reason, retryable=retryable, retry_after=retry_after)
        self.status = status
        self.fields = tuple(fields)


class JiraClient:
    """Talks to one Jira site through the ``jira`` client.

    ``stats`` counts every HTTP request by method and by kind (``read``/``write``),
    including those the ``jira`` client makes on its own (server info).
    """

    def __init__(
        self,
        settings: JiraSettings,
        retry: RetryPolicy | None = None,
        connect: Callable[[JiraSettings], JIRA] | None = None,
    ) -> None:
        self.settings = settings
        self.retry = retry or RetryPolicy(
            max_attempts=settings.max_attempts, max_wait=settings.max_retry_wait
        )
        self._connect = connect or self._default_connect
        self._jira: JIRA | None = None
        self.stats: Counter[str] = Counter()
        self._users: dict[str, str | None] = {}
        self._recent: deque[int] = deque(maxlen=50)  # ids created by this process (Cloud)
        self.field_ids: frozenset[str] = frozenset()

    # -- connection ---------------------------------------------------------

    def _count(self, response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
        method = (response.request.method or "GET").upper()
        self.stats[method] += 1
        # Jira's searches are POSTs that change nothing: count them as reads.
        path = response.request.path_url.split("?")[0]
        is_read = method == "GET" or path.endswith(("/search", "/search/jql"))
        self.stats["read" if is_read else "write"] += 1

    def _default_connect(self, settings: JiraSettings) -> JIRA:
        options: dict[str, Any] = {"rest_api_version": settings.api_version, "check_update": False}
        auth: dict[str, Any] = (
            {"basic_auth": (settings.email, settings.token)}
            if settings.deployment == "cloud"
            else {"token_auth": settings.token}
        )
        # max_retries=0: this module retries itself (bounded, counted, testable);
        # the client's own retry would sleep and log response bodies at debug level.
        return JIRA(
            server=settings.url,
            options=options,
            timeout=settings.timeout,
            max_retries=0,
            logging=False,
            get_server_info=False,
            **auth,
        )

    @property
    def jira(self) -> JIRA:
        """The connected ``jira`` client; connects and checks the site on first use."""
        if self._jira is None:
            self._jira = self._open()
        return self._jira

    def _open(self) -> JIRA:
        s = self.settings
        try:
            client = self._connect(s)
        except JIRAError as exc:
            raise self._translate("connect", exc) from None
        except requests.RequestException as exc:
            raise self._network("connect", exc) from None
        client._session.hooks["response"].append(self._count)
        # Not kept until every check passed: a failed check is repeated next time.
        info = self._call("read server info", client.server_info)
        deployment = str(info.get("deploymentType", "")).lower()
        if s.deployment == "cloud" and deployment and deployment != "cloud":
            raise ConfigurationError(
                f"jira setting 'deployment': {s.url} is a {deployment} site, not cloud. "
                'Fix: set deployment = "datacenter" and use a personal access token'
            )
        if s.deployment == "datacenter" and deployment == "cloud":
            raise ConfigurationError(
                f"jira setting 'deployment': {s.url} is Jira Cloud. Fix: set deployment = "
                '"cloud" and email = the account of the API token'
            )
        client.deploymentType = info.get("deploymentType")
        self._check_project(client)
        if s.custom_fields:
            found = self._call("read fields", client.fields)
            self.field_ids = frozenset(str(f.get("id")) for f in found if isinstance(f, dict))
            checks = (
                ("due_field", s.due_field),
                ("done_when_field", s.done_when_field),
                ("epic_field", s.epic_field if s.epic else None),
            )
            for setting, value in checks:
                if value and value.startswith("customfield_") and value not in self.field_ids:
                    raise ConfigurationError(
                        f"jira setting {setting!r}: field {value} does not exist on {s.url}. "
                        "Fix: use the id shown in Jira's field settings (customfield_NNNNN)"
                    )
        return client

    def _check_project(self, client: JIRA) -> None:
        s = self.settings
        try:
            project = self._call("read project", lambda: self._get(client, f"project/{s.project}"))
        except JiraRequestError as exc:
            if exc.status == 404:
                raise ConfigurationError(
                    f"jira setting 'project': no project {s.project} on {s.url}, or the account "
                    "cannot see it. Fix: use an existing project key the account can browse"
                ) from None
            raise
        types = [t.get("name") for t in project.get("issueTypes", []) if isinstance(t, dict)]
        if types and s.issue_type not in types:
            raise ConfigurationError(
                f"jira setting 'issue_type': project {s.project} has no issue type "
                f"{s.issue_type!r}. Fix: use one of: {', '.join(str(t) for t in types)}"
            )

    def close(self) -> None:
        """Close the HTTP session."""
        if self._jira is not None:
            self._jira.close()  # type: ignore[no-untyped-call]
            self._jira = None

    # -- retries and translation ----------------------------------------------

    def _network(self, op: str, exc: requests.RequestException) -> JiraRequestError:
        url = self.settings.url
        reason = http.transport_error(ADAPTER, op, url, exc, timeout=self.settings.timeout).reason
        return JiraRequestError(reason, retryable=True)

    def _not_jira(self, op: str) -> JiraRequestError:
        return JiraRequestError(
            f"{op}: the answer from {self.settings.url} is not what Jira sends. Fix: check "
            "that url is the site's base URL (without /rest/...) and that it is Jira"
        )

    def _translate(self, op: str, exc: JIRAError) -> JiraRequestError:
        status = int(exc.status_code or 0)
        response = getattr(exc, "response", None)
        fields = _error_fields(response)
        s = self.settings
        if status == 401:
            why = (
                f"Jira refused the credentials (HTTP 401). Fix: check email and the token in ${s.token_env}"
                if s.deployment == "cloud"
                else f"Jira refused the credentials (HTTP 401). Fix: check the personal access "
                f"token in ${s.token_env}"
            )
            return JiraRequestError(f"{op}: {why}", status=status)
        if status == 403:
            return JiraRequestError(
                f"{op}: the account may not do this (HTTP 403). Fix: grant it browse, create, "
                f"edit and transition permissions in project {s.project}",
                status=status,
            )
        if http.is_retryable_status(status):
            return JiraRequestError(
                f"{op}: Jira is busy (HTTP {status})",
                status=status,
                fields=fields,
                retryable=True,
                retry_after=http.retry_after_seconds(response.headers) if response is not None else None,
            )
        if status == 0:
            return JiraRequestError(f"{op}: Jira client error ({type(exc).__name__})")
        if status == 404 and op == "read server info":
            return JiraRequestError(
                f"{op}: {s.url} has no Jira REST API (HTTP 404). Fix: set url to the site's "
                "base URL (with its context path, without /rest/...)",
                status=status,
            )
        named = f" in field(s) {', '.join(fields)}" if fields else ""
        return JiraRequestError(f"{op}: Jira answered HTTP {status}{named}", status=status, fields=fields)

    def _call(self, op: str, action: Callable[[], T], *, safe_to_repeat: bool = True) -> T:
        """Run ``action``, retrying answers that say Jira did not act on it, within the policy.

        A write that timed out may have happened: it is not repeated here
        (``safe_to_repeat=False``); the caller searches again next time.
        """
        attempt = 0
        while True:
            attempt += 1
            try:
                return action()
            except JIRAError as exc:
                error = self._translate(op, exc)
            except requests.RequestException as exc:
                if isinstance(exc, ValueError):  # a body that is not JSON: not Jira
                    raise self._not_jira(op) from None
                error = self._network(op, exc)
                if not safe_to_repeat:
                    raise error from None
            except (ValueError, TypeError, KeyError, AttributeError):
                raise self._not_jira(op) from None
            busy = error.status in http.UNPROCESSED_STATUSES or (error.status == 0 and safe_to_repeat)
            if not error.retryable or not busy or attempt >= self.retry.max_attempts:
                raise error from None
            if error.retry_after is not None and error.retry_after > self.retry.max_wait:
                raise error from None  # asked to wait longer than we may block: let the outbox wait
            wait = self.retry.delay(attempt, error.retry_after)
            log.warning(
                "jira %s: %s; attempt %d of %d in %.1fs",
                op,
                error.reason,
                attempt + 1,
                self.retry.max_attempts,
                wait,
            )
            self.retry.sleep(wait)

    # -- raw JSON helpers (the client's authenticated, timed session) ---------

    @staticmethod
    def _get(client: JIRA, path: str, params: Mapping[str, Any] | None = None) -> Any:
        response = client._session.get(client._get_url(path), params=params)
        return response.json() if response.content else None

    @staticmethod
    def _send(client: JIRA, method: str, path: str, body: Any) -> Any:
        call = client._session.post if method == "POST" else client._session.put
        response = call(client._get_url(path), data=json.dumps(body))
        return response.json() if response.content else None

    # -- operations the tracker uses ------------------------------------------

    def _json_object(self, op: str, answer: Any) -> dict[str, Any]:
        if not isinstance(answer, dict):
            raise self._not_jira(op)
        return answer

    def search(self, jql: str, fields: Sequence[str]) -> list[dict[str, Any]]:
        """Every issue matching ``jql`` (all pages), with ``fields`` and our property."""
        client = self.jira
        issues: list[dict[str, Any]] = []
        if self.settings.deployment == "cloud":
            # Cloud retired /search; POST /search/jql pages by token.
            token: str | None = None
            while True:
                body: dict[str, Any] = {"jql": jql, "fields": list(fields), "maxResults": 100,
                                        "properties": [PROPERTY_KEY]}  # fmt: skip
                if token:
                    body["nextPageToken"] = token
                if self._recent:
                    # Cloud's search is eventually consistent: ask it to include what
                    # this process just wrote, so a quick re-run still finds them.
                    body["reconcileIssues"] = list(self._recent)
                page = self._json_object(
                    "search",
                    self._call("search", partial(self._send, client, "POST", "search/jql", body)),
                )
                got = [i for i in page.get("issues", []) if isinstance(i, dict)]
                issues += got
                token = page.get("nextPageToken")
                if not token or not got or page.get("isLast") is True:
                    return issues
        # Data Center: GET /search (its POST form refuses "properties"), paged by startAt.
        start = 0
        while True:
            params = {"jql": jql, "fields": ",".join(fields), "properties": PROPERTY_KEY,
                      "startAt": start, "maxResults": 100}  # fmt: skip
            page = self._json_object(
                "search", self._call("search", partial(self._get, client, "search", params))
            )
            got = [i for i in page.get("issues", []) if isinstance(i, dict)]
            issues += got
            start += len(got)
            if not got or start >= int(page.get("total", 0)):
                return issues

    def bulk_create(self, payloads: Sequence[dict[str, Any]]) -> list[tuple[str | None, list[str]]]:
        """Create up to 50 issues in one request: per payload (issue key, refused fields)."""
        client = self.jira

        def post() -> Any:
            try:
                return self._send(client, "POST", "issue/bulk", {"issueUpdates": list(payloads)})
            except JIRAError as exc:
                # 400 means none was created; the body still says why, per element.
                if exc.status_code == 400 and exc.response is not None:
                    try:
                        return exc.response.json()
                    except ValueError:
                        pass
                raise

        answer = self._call("bulk create", post, safe_to_repeat=False)
        refused: dict[int, list[str]] = {}
        for err in answer.get("errors", []) or []:
            element = err.get("elementErrors") or {}
            names = list((element.get("errors") or {}).keys())
            refused[int(err.get("failedElementNumber", -1))] = names or ["?"]
        answer = self._json_object("bulk create", answer)
        created = iter(answer.get("issues", []) or [])
        result: list[tuple[str | None, list[str]]] = []
        for index in range(len(payloads)):
            if index in refused:
                result.append((None, refused[index]))
            else:
                issue = next(created, None)
                if isinstance(issue, dict) and str(issue.get("id", "")).isdigit():
                    self._recent.append(int(issue["id"]))
                key = issue.get("key") if isinstance(issue, dict) else None
                result.append((str(key) if key else None, [] if key else ["?"]))
        return result

    def edit(self, issue_key: str, fields: Mapping[str, Any]) -> None:
        """Set ``fields`` on one issue (only those given)."""
        client = self.jira
        self._call(
            f"edit {issue_key}",
            lambda: self._send(client, "PUT", f"issue/{issue_key}", {"fields": dict(fields)}),
        )

    def set_property(self, issue_key: str, value: Mapping[str, Any]) -> None:
        """Write the careerconv issue property."""
        client = self.jira
        self._call(
            f"set property on {issue_key}",
            lambda: client.add_issue_property(issue_key, PROPERTY_KEY, dict(value)),
        )

    def transitions(self, issue_key: str) -> list[dict[str, Any]]:
        """Transitions the account may make on the issue now."""
        client = self.jira
        found = self._call(f"read transitions of {issue_key}", lambda: client.transitions(issue_key))
        return [t for t in found if isinstance(t, dict)]

    def transition(self, issue_key: str, transition_id: str) -> None:
        """Move the issue through one transition."""
        client = self.jira
        body = {"transition": {"id": transition_id}}
        self._call(
            f"transition {issue_key}",
            lambda: self._send(client, "POST", f"issue/{issue_key}/transitions", body),
            safe_to_repeat=False,
        )

    def find_user(self, email: str) -> str | None:
        """The accountId (Cloud) or name (Data Center) of the user with ``email``; cached."""
        wanted = email.strip().lower()
        if wanted in self._users:
            return self._users[wanted]
        client = self.jira
        params = {"query": wanted} if self.settings.deployment == "cloud" else {"username": wanted}
        found = self._call("search users", lambda: self._get(client, "user/search", params)) or []
        users = [
            u
            for u in found
            if isinstance(u, dict)
            and u.get("active", True)
            and u.get("accountType", "atlassian") == "atlassian"  # not apps or customers
        ]
        exact = [u for u in users if str(u.get("emailAddress", "")).lower() == wanted]
        # Cloud may hide email addresses; a single match for the query is then taken.
        pick = exact[0] if len(exact) == 1 else None
        if not exact and len(users) == 1:
            pick = users[0]
        ref = pick.get(self.settings.assignee_by) if pick else None
        self._users[wanted] = str(ref) if ref else None
        return self._users[wanted]
