"""The Google Calendar API v3 over plain ``requests``: the I/O half of the Google backend.

Plain requests through ``careerconv_plugins.http`` rather than
google-api-python-client: every answer's status, ``Retry-After`` and error
``reason`` is in our hands (the library retries on its own terms and hides
Retry-After), the base URL is one setting, and the package stays light.
google-auth still makes every token.

Each call makes at most ``max_attempts`` requests: rate limits (403
``rateLimitExceeded``/``userRateLimitExceeded``, 429) and 5xx are retried
after a jittered backoff that honours ``Retry-After``, unless the wait would
pass ``max_retry_wait``: then the call raises a retryable ``AdapterError``
with ``retry_after``, and the outbox holds the entry that long. A 401 asks
for a new token once. Messages carry the method, the path's shape and the
error's reason, never a body, a token or a query string.
"""

from __future__ import annotations

import collections
import random
import time
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import quote

import requests

from careerconv_core.errors import AdapterError, WriteConflict
from careerconv_plugins import http
from careerconv_plugins.google.auth import ADAPTER, SCOPES, Tokens

API_URL = "https://www.googleapis.com/calendar/v3"
_RATE_REASONS = frozenset({"rateLimitExceeded", "userRateLimitExceeded"})
_SCOPE_REASONS = frozenset({"insufficientPermissions", "ACCESS_TOKEN_SCOPE_INSUFFICIENT"})
_QUOTA_WAIT = 60.0  # "Calendar usage limits exceeded" lasts minutes, not seconds


class Gone(AdapterError):
    """The event is not there (404 Not Found or 410 Gone)."""


class Duplicate(AdapterError):
    """An event with this id or iCalUID exists already (409 duplicate): look it up instead."""


class GoogleClient:
    """Requests to one Calendar API base URL, as the users ``tokens`` may act for.

    ``requests_made`` counts requests by ``METHOD kind`` (``POST events``,
    ``PATCH events``, ``POST freeBusy``...), so tests and the benchmark can
    see how many writes a sync cost.
    """

    def __init__(
        self,
        tokens: Tokens,
        *,
        api_url: str = API_URL,
        timeout: float = 10.0,
        max_attempts: int = 4,
        max_retry_wait: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
        jitter: Callable[[], float] = random.random,
    ) -> None:
        self.tokens = tokens
        self.api_url = api_url.rstrip("/")
        self.timeout = timeout
        self.max_attempts = max_attempts
        self.max_retry_wait = max_retry_wait
        self.sleep = sleep
        self.jitter = jitter
        self.session = http.json_session()
        self.requests_made: collections.Counter[str] = collections.Counter()

    def close(self) -> None:
        """Close the HTTP connections (the API's and the token endpoint's)."""
        self.session.close()
        self.tokens.close()

    @staticmethod
    def events_path(calendar: str, event: str = "") -> str:
        """``/calendars/{calendarId}/events[/{eventId}]`` with both parts quoted."""
        base = f"/calendars/{quote(calendar, safe='')}/events"
        return f"{base}/{quote(event, safe='')}" if event else base

    def call(
        self,
        method: str,
        path: str,
        *,
        subject: str | None,
        params: Mapping[str, str] | None = None,
        body: Mapping[str, Any] | None = None,
        if_match: str | None = None,
        what: str = "",
    ) -> Any:
        """One API call with retries; the decoded JSON answer (None for 204).

        :param what: names the call in messages (``insert event``); the method and path by default.
        :raises Gone: 404 or 410. :raises Duplicate: 409. :raises WriteConflict: 412.
        :raises AdapterError: anything else refused, retryable where waiting may help.
        """
        what = what or f"{method} {path.split('/events/', maxsplit=1)[0]}"
        kind = path.rsplit("/", 2)[-2] if "/events/" in path else path.rsplit("/", 1)[-1]
        refreshed = False
        attempt = 0
        while True:
            attempt += 1
            token = self.tokens.token(subject)
            headers = {"Authorization": f"Bearer {token}"}
            if if_match:
                headers["If-Match"] = if_match
            self.requests_made[f"{method} {kind}"] += 1
            try:
                response = http.send(
                    self.session,
                    method,
                    self.api_url + path,
                    adapter=ADAPTER,
                    timeout=self.timeout,
                    params=dict(params or {}),
                    json=body,
                    headers=headers,
                )
            except AdapterError:
                # No answer: a write may or may not have landed; the event id makes a repeat safe.
                if attempt >= self.max_attempts:
                    raise
                self.sleep(self._backoff(attempt, None))
                continue
            status = response.status_code
            if status < 300:
                return response.json() if response.content else None
            reason = _reason(response)
            if status == 401 and not refreshed:
                refreshed = True
                self.tokens.token(subject, fresh=True)
                attempt -= 1  # a refreshed token is not a retry of a fault
                continue
            error = self._error(response, status, reason, what, subject)
            if not error.retryable or attempt >= self.max_attempts:
                raise error
            wait = self._backoff(attempt, error.retry_after)
            if wait > self.max_retry_wait:
                raise AdapterError(ADAPTER, error.reason, retryable=True, retry_after=wait)
            self.sleep(wait)

    def _backoff(self, attempt: int, asked: float | None) -> float:
        own = min(2.0 ** (attempt - 1), self.max_retry_wait) * (0.5 + self.jitter() / 2)
        return max(own, asked) if asked is not None else own

    def _error(
        self, response: requests.Response, status: int, reason: str, what: str, subject: str | None
    ) -> AdapterError:
        said = f"{what}: HTTP {status}" + (f" {reason}" if reason else "")
        after = http.retry_after_seconds(response.headers)
        acting = subject or "the credentials' own account"
        if status in (404, 410):
            return Gone(ADAPTER, f"{said}: not found")
        if status == 409:
            return Duplicate(ADAPTER, f"{said}: an event with this id exists")
        if status == 412:
            return WriteConflict(ADAPTER, f"{said}: changed in the calendar meanwhile")
        if status == 429 or (status == 403 and reason in _RATE_REASONS):
            return AdapterError(
                ADAPTER, f"{said}: rate limited; will try again", retryable=True, retry_after=after
            )
        if status == 403 and reason == "quotaExceeded":
            return AdapterError(
                ADAPTER,
                f"{said}: Google's calendar usage limit for {acting}; will try again later",
                retryable=True,
                retry_after=max(after or 0.0, _QUOTA_WAIT),
            )
        if status == 403 and reason in _SCOPE_REASONS:
            return AdapterError(
                ADAPTER,
                f"{said}: the token lacks a scope this needs. Fix: grant {', '.join(SCOPES)} "
                "(Admin console > Security > API controls > Domain-wide delegation, or the OAuth "
                "consent screen) and keep setting 'scopes' to them",
                misconfigured=True,
            )
        if status == 403:
            return AdapterError(
                ADAPTER,
                f"{said}: {acting} may not do this on calendar (setting 'calendar_id'). Fix: act as "
                "the calendar's owner, or share it with them with 'Make changes to events'",
                misconfigured=True,
            )
        if status == 401:
            return AdapterError(
                ADAPTER,
                f"{said}: Google refused a freshly issued token. Fix: check the credentials "
                "(setting 'credentials_env' or 'credentials_file') and that the Calendar API is "
                "enabled for their project",
                misconfigured=True,
            )
        return http.refused(ADAPTER, response, said)


def _reason(response: requests.Response) -> str:
    """The first ``error.errors[].reason`` of a Google error answer ("" when there is none)."""
    try:
        data = response.json()
    except ValueError:
        return ""
    error = data.get("error") if isinstance(data, Mapping) else None
    if not isinstance(error, Mapping):
        return ""
    for item in error.get("errors") or ():
        if isinstance(item, Mapping) and item.get("reason"):
            return str(item["reason"])[:60]
    details = error.get("details") or ()
    for item in details:
        if isinstance(item, Mapping) and item.get("reason"):
            return str(item["reason"])[:60]
    return str(error.get("status", ""))[:60]
