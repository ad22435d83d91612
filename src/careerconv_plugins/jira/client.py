"""The I/O half of the Jira tracker: every request it makes, and only here.

Operations the ``jira`` client has a public method for (fields, transitions,
issue properties) go through it; everything else (search, bulk create, edit,
reading an issue, users, server info) is a plain ``requests`` call on a
session of our own (``careerconv_plugins.http.json_session``), never on the
client's private ``_session``, which no release promises to keep. Answers are
turned into ``careerconv_core.errors`` types by ``wire``. Retries are done
here, not by the ``jira`` client, so they are bounded, jittered, honour
``Retry-After`` and can be counted and tested without waiting.
"""

from __future__ import annotations

import contextlib
import json
import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar

import requests
from jira import JIRA, JIRAError

from careerconv_core.errors import ConfigurationError
from careerconv_plugins import http
from careerconv_plugins.jira import wire
from careerconv_plugins.jira.mapping import BATCH_SIZE, PROPERTY_KEY
from careerconv_plugins.jira.settings import JiraSettings
from careerconv_plugins.jira.wire import ADAPTER, JiraRequestError, RetryPolicy

__all__ = ["ADAPTER", "JiraClient", "JiraRequestError", "RetryPolicy"]

log = logging.getLogger(__name__)

T = TypeVar("T")

# Which statuses are retryable is careerconv_plugins.http's one rule. Of
# those, only the ones saying Jira did not act on the request are retried
# within one delivery; the others (500, 502, 504) may have half-done a write:
# they go back to the outbox (RETRY) and the next delivery searches first.


class _Answered(Exception):
    """A plain request answered with an error status (turned into a JiraRequestError)."""

    def __init__(self, response: requests.Response) -> None:
        super().__init__(response.status_code)
        self.response = response


class _NotJson(Exception):
    """A plain request answered with a body that is not JSON: not Jira."""


class JiraClient:
    """Talks to one Jira site: the ``jira`` client's public methods and plain requests.

    ``stats`` counts every HTTP request made (retries included) by method and by
    kind (``read``/``write``; searches are reads). ``bulk_limit`` is the most
    issues one bulk create takes on this site: 50, or less once the site said so.
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
        self._http: requests.Session | None = None
        self.stats: Counter[str] = Counter()
        self._users: dict[str, str | None] = {}
        self.field_ids: frozenset[str] = frozenset()
        self.field_names: dict[str, str] = {}  # id -> name, read when a custom field is set
        self.bulk_limit = BATCH_SIZE
        self.refused_bulks = 0

    # -- connection ---------------------------------------------------------

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

    def _url(self, path: str, version: str | None = None) -> str:
        return f"{self.settings.url}/rest/api/{version or self.settings.api_version}/{path}"

    def _deployment_of_site(self) -> str:
        """The site's ``deploymentType``, read without credentials (serverInfo is public).

        Read first, so a wrong ``deployment`` is named as such rather than as
        refused credentials (Cloud and Data Center authenticate differently).
        """
        anonymous = http.json_session()
        try:
            try:
                info = self._call("read server info", lambda: self._plain(anonymous, "GET", "serverInfo"))
            except JiraRequestError as exc:
                if exc.status != 404 or self.settings.api_version == "2":
                    raise
                # v3 missing: perhaps a Data Center site (v2 only) set up as cloud.
                try:
                    info = self._call(
                        "read server info",
                        lambda: self._plain(anonymous, "GET", "serverInfo", version="2"),
                    )
                except JiraRequestError:
                    raise exc from None
        finally:
            anonymous.close()
        return str(self._object("read server info", info).get("deploymentType", "")).lower()

    def _open(self) -> JIRA:
        s = self.settings
        deployment = self._deployment_of_site()
        if s.deployment == "cloud" and deployment and deployment != "cloud":
            raise ConfigurationError(
                f"jira setting 'deployment': {s.url} is a {deployment} site, not cloud. "
                'Fix: set deployment = "datacenter" and use a personal access token'
            )
        if s.deployment == "datacenter" and deployment == "cloud":
            raise ConfigurationError(
                f"jira setting 'deployment': {s.url} is Jira Cloud, not Data Center. Fix: set "
                'deployment = "cloud" and email = the account of the API token'
            )
        try:
            client = self._connect(s)
        except JIRAError as exc:
            raise wire.translate(s, "connect", int(exc.status_code or 0), exc.response) from None
        except requests.RequestException as exc:
            raise self._network("connect", exc) from None
        # Not kept until every check passed: a failed check is repeated next time.
        self._check_project()
        if s.custom_fields:
            found = self._call("read fields", client.fields)
            self.field_names = {str(f.get("id")): str(f.get("name")) for f in found if isinstance(f, dict)}
            self.field_ids = frozenset(self.field_names)
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

    def _check_project(self) -> None:
        s = self.settings
        try:
            project = self._object(
                "read project", self._call("read project", lambda: self._get(f"project/{s.project}"))
            )
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
        """Close the HTTP sessions."""
        if self._jira is not None:
            self._jira.close()  # type: ignore[no-untyped-call]
            self._jira = None
        if self._http is not None:
            self._http.close()
            self._http = None

    def __del__(self) -> None:
        # The composition root does not close adapters: a dropped client closes its sockets,
        # as the jira client does for its own.
        with contextlib.suppress(Exception):
            self.close()

    # -- retries and translation ----------------------------------------------

    def _network(self, op: str, exc: requests.RequestException) -> JiraRequestError:
        url = self.settings.url
        reason = http.transport_error(ADAPTER, op, url, exc, timeout=self.settings.timeout).reason
        return JiraRequestError(reason, retryable=True)

    def _not_jira(self, op: str) -> JiraRequestError:
        return JiraRequestError(
            f"{op}: the answer from {self.settings.url} is not what Jira sends. Fix: check "
            "that url is the site's base URL (without /rest/...) and that it is Jira",
            configuration=True,
        )

    def _call(
        self, op: str, action: Callable[[], T], *, safe_to_repeat: bool = True, write: bool = False
    ) -> T:
        """Run ``action``, retrying answers that say Jira did not act on it, within the policy.

        A write that timed out may have happened: it is not repeated here
        (``safe_to_repeat=False``); the caller searches again next time.
        """
        attempt = 0
        while True:
            attempt += 1
            self.stats["write" if write else "read"] += 1
            try:
                return action()
            except _Answered as answered:
                error = wire.translate(self.settings, op, answered.response.status_code, answered.response)
            except JIRAError as exc:
                error = wire.translate(self.settings, op, int(exc.status_code or 0), exc.response)
            except _NotJson:
                raise self._not_jira(op) from None
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

    # -- plain requests (our own session; the client's is private) -------------

    def _plain(
        self,
        session: requests.Session,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        body: Any = None,
        accept: frozenset[int] = frozenset(),
        version: str | None = None,
    ) -> Any:
        response = session.request(
            method,
            self._url(path, version),
            params=wire.params_text(params) or None,
            data=json.dumps(body) if body is not None else None,
            timeout=self.settings.timeout,
        )
        if response.status_code >= 400 and response.status_code not in accept:
            raise _Answered(response)
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError:
            raise _NotJson from None

    @property
    def _web(self) -> requests.Session:
        """The authenticated session of the plain requests, made on first use."""
        if self._http is None:
            self._http = wire.session(self.settings)
        return self._http

    def _get(self, path: str, params: Mapping[str, Any] | None = None) -> Any:
        return self._plain(self._web, "GET", path, params=params)

    def _send(self, method: str, path: str, body: Any, accept: frozenset[int] = frozenset()) -> Any:
        return self._plain(self._web, method, path, body=body, accept=accept)

    def _object(self, op: str, answer: Any) -> dict[str, Any]:
        if not isinstance(answer, dict):
            raise self._not_jira(op)
        return answer

    def read(self, op: str, path: str, params: Mapping[str, Any], body: Any = None) -> dict[str, Any]:
        """A JSON object from ``GET path``, or from a POST that only reads (with ``body``)."""
        self.jira  # noqa: B018 - connects and checks the site first
        post = body is not None
        get = partial(self._send, "POST", path, body) if post else partial(self._get, path, params)
        return self._object(op, self._call(op, get))

    # -- operations the tracker uses ------------------------------------------

    def search(self, jql: str, fields: Sequence[str], reconcile: Sequence[int] = ()) -> list[dict[str, Any]]:
        """Every issue matching ``jql`` (all pages), with ``fields`` and our property.

        ``reconcile``: ids of issues to include even when the (eventually
        consistent) Cloud search has not indexed them yet; at most 50. Data
        Center has no such option; its callers read missing known issues by id.
        """
        self.jira  # noqa: B018 - connects and checks the site first
        issues: list[dict[str, Any]] = []
        if self.settings.deployment == "cloud":
            # Cloud retired /search; POST /search/jql pages by token.
            token: str | None = None
            while True:
                body: dict[str, Any] = {"jql": jql, "fields": list(fields), "maxResults": 100,
                                        "properties": [PROPERTY_KEY]}  # fmt: skip
                if token:
                    body["nextPageToken"] = token
                if reconcile:
                    # The same list on every page, as the API asks.
                    body["reconcileIssues"] = list(dict.fromkeys(reconcile))[:BATCH_SIZE]
                page = self._object(
                    "search", self._call("search", partial(self._send, "POST", "search/jql", body))
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
            page = self._object("search", self._call("search", partial(self._get, "search", params)))
            got = [i for i in page.get("issues", []) if isinstance(i, dict)]
            issues += got
            start += len(got)
            if not got or start >= int(page.get("total", 0)):
                return issues

    def get_issue(self, id_or_key: str, fields: Sequence[str]) -> dict[str, Any] | None:
        """One issue read by id or key (always current, unlike a search), or None on 404."""
        self.jira  # noqa: B018 - connects and checks the site first
        params = {"fields": ",".join(fields), "properties": PROPERTY_KEY}
        try:
            answer = self._call(f"read issue {id_or_key}", lambda: self._get(f"issue/{id_or_key}", params))
        except JiraRequestError as exc:
            if exc.status == 404:
                return None
            raise
        return self._object(f"read issue {id_or_key}", answer)

    def _bulk_post(
        self, payloads: Sequence[dict[str, Any]]
    ) -> tuple[list[dict[str, Any]], dict[int, list[str]], int | None]:
        """One bulk create: (issues created in order, refused field names per element,
        a per-request limit Jira stated)."""
        answer = self._object(
            "bulk create",
            self._call(
                "bulk create",
                # 400 means none was created; the body still says why, per element.
                lambda: self._send("POST", "issue/bulk", {"issueUpdates": list(payloads)}, frozenset({400})),
                safe_to_repeat=False,
                write=True,
            ),
        )
        refused: dict[int, list[str]] = {}
        bodies: list[Any] = [answer]
        errors = answer.get("errors")
        for err in errors if isinstance(errors, list) else []:
            if isinstance(err, dict):
                element = err.get("elementErrors") or {}
                bodies.append(element)
                refused[int(err.get("failedElementNumber", -1))] = wire.error_fields(element)
        created = [i for i in answer.get("issues", []) or [] if isinstance(i, dict)]
        if not isinstance(errors, list) and not created:
            refused = {n: [] for n in range(len(payloads))}  # refused as a whole (errorMessages only)
        stated = [n for body in bodies if (n := wire.stated_limit(body, len(payloads))) is not None]
        return created, refused, min(stated) if stated else None

    def bulk_create(
        self, payloads: Sequence[dict[str, Any]]
    ) -> list[tuple[dict[str, Any] | None, list[str]]]:
        """Create the issues, ``bulk_limit`` a request: per payload (the issue created, refused fields).

        A site whose limit is below 50 refuses a larger request as a whole, each
        element without a field named: the request is then split (at the limit
        Jira states, else in halves) and sent again, and the limit kept for the
        rest of the run. A refused request created nothing, so resending is safe.
        """
        self.jira  # noqa: B018 - connects and checks the site first
        results: list[tuple[dict[str, Any] | None, list[str]]] = [(None, ["?"])] * len(payloads)
        queue = list(range(len(payloads)))
        size = self.bulk_limit
        while queue:
            chunk, queue = queue[:size], queue[size:]
            created, refused, stated = self._bulk_post([payloads[i] for i in chunk])
            whole = not created and len(refused) == len(chunk) and not any(refused.values())
            if whole and len(chunk) > 1:
                self.refused_bulks += 1
                size = stated or max(1, len(chunk) // 2)
                queue = chunk + queue
                continue
            if created and size < self.bulk_limit:
                self.bulk_limit = size  # this site takes this many: kept for the rest of the run
            made = iter(created)
            for n, index in enumerate(chunk):
                if n in refused:
                    results[index] = (None, refused[n] or ["?"])
                else:
                    issue = next(made, None)
                    ok = issue is not None and issue.get("key") and str(issue.get("id", "")).isdigit()
                    results[index] = (issue, []) if ok else (None, ["?"])
        return results

    def edit(self, issue_key: str, fields: Mapping[str, Any]) -> None:
        """Set ``fields`` on one issue (only those given)."""
        self.jira  # noqa: B018 - connects and checks the site first
        body = {"fields": dict(fields)}
        self._call(f"edit {issue_key}", lambda: self._send("PUT", f"issue/{issue_key}", body), write=True)

    def set_property(self, issue_key: str, value: Mapping[str, Any]) -> None:
        """Write the careerconv issue property."""
        client = self.jira
        self._call(
            f"set property on {issue_key}",
            lambda: client.add_issue_property(issue_key, PROPERTY_KEY, dict(value)),
            write=True,
        )

    def transitions(self, issue_key: str) -> list[dict[str, Any]]:
        """Transitions the account may make on the issue now."""
        client = self.jira
        found = self._call(f"read transitions of {issue_key}", lambda: client.transitions(issue_key))
        return [t for t in found if isinstance(t, dict)]

    def transition(self, issue_key: str, transition_id: str) -> None:
        """Move the issue through one transition."""
        self.jira  # noqa: B018 - connects and checks the site first
        body = {"transition": {"id": transition_id}}
        self._call(
            f"transition {issue_key}",
            lambda: self._send("POST", f"issue/{issue_key}/transitions", body),
            safe_to_repeat=False,
            write=True,
        )

    def find_user(self, email: str) -> str | None:
        """The accountId (Cloud) or name (Data Center) of the user with ``email``; cached."""
        wanted = email.strip().lower()
        if wanted in self._users:
            return self._users[wanted]
        self.jira  # noqa: B018 - connects and checks the site first
        params = {"query": wanted} if self.settings.deployment == "cloud" else {"username": wanted}
        found = self._call("search users", lambda: self._get("user/search", params)) or []
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
