"""What every Jira request shares: the retry policy, the error type, and how answers are read.

Answers come two ways, from the ``jira`` client's public methods (as
``JIRAError``) and from plain ``requests`` (as a ``Response``); both are
turned into one ``JiraRequestError`` here, by the HTTP status alone. Messages
carry the operation, the status and field ids, never a body or the token.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import requests
from attrs import define, field

from careerconv_core.errors import AdapterError
from careerconv_plugins import http
from careerconv_plugins.jira.settings import JiraSettings

ADAPTER = "jira"


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


class JiraRequestError(AdapterError):
    """A Jira request failed. ``status`` is the HTTP status (0 without one);
    ``fields`` the field names Jira complained about (never their messages);
    ``configuration`` says a setting is the cause (the same for every ticket)."""

    def __init__(
        self,
        reason: str,
        *,
        status: int = 0,
        fields: Sequence[str] = (),
        retryable: bool = False,
        retry_after: float | None = None,
        configuration: bool = False,
    ) -> None:
        super().__init__(ADAPTER, reason, retryable=retryable, retry_after=retry_after)
        self.status = status
        self.fields = tuple(fields)
        self.configuration = configuration


def body_of(response: requests.Response | None) -> Any:
    """The JSON body of an answer, or None when there is none or it is not JSON."""
    if response is None or not response.content:
        return None
    try:
        return response.json()
    except ValueError:
        return None


def error_fields(body: Any) -> list[str]:
    """The field names (not the messages) Jira named in an error body."""
    errors = body.get("errors") if isinstance(body, dict) else None
    return sorted(k for k in errors if isinstance(k, str)) if isinstance(errors, dict) else []


def error_messages(body: Any) -> list[str]:
    """Jira's ``errorMessages``; only read for numbers (a limit), never repeated."""
    found = body.get("errorMessages") if isinstance(body, dict) else None
    return [m for m in found if isinstance(m, str)] if isinstance(found, list) else []


_NUMBER = re.compile(r"\b([1-9][0-9]{0,2})\b")


def stated_limit(body: Any, below: int) -> int | None:
    """The largest number under ``below`` that Jira's messages state (a bulk limit), or None."""
    numbers = [int(n) for m in error_messages(body) for n in _NUMBER.findall(m)]
    fitting = [n for n in numbers if n < below]
    return max(fitting) if fitting else None


def translate(
    settings: JiraSettings, op: str, status: int, response: requests.Response | None
) -> JiraRequestError:
    """The error for an answer of ``status`` to operation ``op``."""
    body = body_of(response)
    fields = error_fields(body)
    s = settings
    if status == 401:
        why = (
            f"Jira refused the credentials (HTTP 401). Fix: check email and the token in ${s.token_env}"
            if s.deployment == "cloud"
            else f"Jira refused the credentials (HTTP 401). Fix: check the personal access "
            f"token in ${s.token_env}"
        )
        return JiraRequestError(f"{op}: {why}", status=status, configuration=True)
    if status == 403:
        return JiraRequestError(
            f"{op}: the account may not do this (HTTP 403). Fix: grant it browse, create, "
            f"edit and transition permissions in project {s.project}",
            status=status,
            configuration=True,
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
        return JiraRequestError(f"{op}: Jira client error")
    if status == 404 and op == "read server info":
        return JiraRequestError(
            f"{op}: {s.url} has no Jira REST API (HTTP 404). Fix: set url to the site's "
            "base URL (with its context path, without /rest/...)",
            status=status,
            configuration=True,
        )
    named = f" in field(s) {', '.join(fields)}" if fields else ""
    return JiraRequestError(f"{op}: Jira answered HTTP {status}{named}", status=status, fields=fields)


def session(settings: JiraSettings) -> requests.Session:
    """An authenticated JSON session for the plain requests the ``jira`` client has no method for."""
    if settings.deployment == "cloud":
        return http.json_session(auth=(settings.email, settings.token))
    return http.json_session(headers={"Authorization": f"Bearer {settings.token}"})


def params_text(params: Mapping[str, Any] | None) -> dict[str, str]:
    """Query parameters as text (``requests`` would send ``True`` as ``True``)."""
    return {k: str(v) for k, v in (params or {}).items()}
