"""HTTP for every adapter that speaks it: one send, one classification of what comes back.

``send`` makes one request with a bounded timeout and turns every transport
failure (timeout, refused or dropped connection) into a retryable
``AdapterError``. ``refused`` turns an answer the caller does not accept into
an ``AdapterError``: retryable exactly for ``RETRYABLE_STATUSES``, with the
server's ``Retry-After``. Messages carry the method, the URL path and the
status, never a query string, a body or a credential.

Jira is reached through the ``jira`` library, which raises its own errors;
its client classifies their statuses with the same ``is_retryable_status``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

import requests

from careerconv_core.errors import AdapterError

log = logging.getLogger("careerconv_plugins.http")

RETRYABLE_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
"""The statuses after which the same request may succeed later, unchanged.

* 408 Request Timeout and 425 Too Early: the server did not act on the request.
* 429 Too Many Requests and 503 Service Unavailable: the server asks us to
  come back, usually with ``Retry-After``.
* 502 Bad Gateway and 504 Gateway Timeout: a proxy could not reach the
  server; it passes when the server is back.
* 500 Internal Server Error: mostly a passing fault. Every write carries a
  deterministic key (UID, label, externalId), so a repeat updates and never
  duplicates.

Not here, so a person is asked instead of retrying until the outbox gives up:
every other 4xx (the request or the settings are wrong), 501 Not Implemented
and 505 (the server cannot do this at all), 507 Insufficient Storage (a quota
someone must raise), 508 and 511 Network Authentication Required (a captive
portal).
"""

UNPROCESSED_STATUSES = frozenset({408, 425, 429, 503})
"""The retryable statuses that say the server did not act on the request: even a write
may be repeated at once, without first checking what the server holds."""


def retry_after_seconds(headers: Mapping[str, str] | None, now: datetime | None = None) -> float | None:
    """Seconds a server asked us to wait (RFC 9110 ``Retry-After``), or None when it did not say.

    Accepts both forms: delta-seconds (``120``) and an HTTP date. A date in the
    past, or a negative number, means "now" (0.0); anything unreadable is None,
    so the caller's own backoff decides.
    """
    raw = (headers or {}).get("Retry-After", "").strip()
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def is_retryable_status(status: int) -> bool:
    """Whether an answer with this status may turn out otherwise if sent again later."""
    return status in RETRYABLE_STATUSES


def json_session(
    *, auth: tuple[str, str] | None = None, headers: Mapping[str, str] | None = None
) -> requests.Session:
    """A ``requests`` session that sends and accepts JSON, with ``auth`` or extra ``headers``.

    Adapters use it for the plain requests a client library has no public method for,
    instead of reaching into that library's own session.
    """
    session = requests.Session()
    session.headers.update({"Accept": "application/json", "Content-Type": "application/json"})
    session.headers.update(dict(headers or {}))
    if auth is not None:
        session.auth = auth
    return session


def where(method: str, url: str) -> str:
    """``METHOD /path`` for messages: never the host's credentials or the query."""
    return f"{method} {urlsplit(url).path or '/'}"


def transport_error(
    adapter: str, what: str, url: str, exc: requests.RequestException, *, timeout: float
) -> AdapterError:
    """The retryable error for a request that got no answer at all.

    :param what: names the request, such as ``GET /v2/Users`` or an operation.
    """
    if isinstance(exc, requests.Timeout):
        reason = f"{what}: timed out, no answer within {timeout:g}s (setting 'timeout'); will try again"
    elif isinstance(exc, requests.ConnectionError):
        host = urlsplit(url).netloc.rpartition("@")[2]  # never user:password@
        reason = (
            f"{what}: could not connect to {host}; check that the server is up and its "
            "address in the settings; will try again"
        )
    else:
        reason = f"{what}: failed ({type(exc).__name__}); will try again"
    return AdapterError(adapter, reason, retryable=True)


def send(
    session: requests.Session,
    method: str,
    url: str,
    *,
    adapter: str,
    timeout: float,
    **options: Any,
) -> requests.Response:
    """Send one request and return its answer, whatever the status.

    ``options`` go to ``requests`` as they are (``params``, ``data``,
    ``headers``, ...).

    :raises AdapterError: retryable, when no answer came (``transport_error``).
    """
    started = time.monotonic()
    try:
        response = session.request(method, url, timeout=timeout, **options)
    except requests.RequestException as exc:
        log.debug("%s %s: no answer (%s)", method, _shown_url(url), type(exc).__name__)
        raise transport_error(adapter, where(method, url), url, exc, timeout=timeout) from None
    spent = (time.monotonic() - started) * 1000
    log.debug("%s %s -> %d in %.0f ms", method, _shown_url(url), response.status_code, spent)
    return response


def _shown_url(url: str) -> str:
    """``https://host/path`` of ``url``: never its query (tokens), fragment or user:password@."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}{parts.path or '/'}"


def refused(
    adapter: str,
    response: requests.Response,
    what: str,
    *,
    fixes: Mapping[int, str] | None = None,
    detail: str = "",
) -> AdapterError:
    """The error for an answer the caller does not accept.

    Retryable, with the server's ``Retry-After``, for ``RETRYABLE_STATUSES``;
    otherwise not, with the fix ``fixes`` gives for the status when it has one.

    :param detail: added after the status, such as ``, scimType=invalidFilter``.
    """
    status = response.status_code
    if is_retryable_status(status):
        return AdapterError(
            adapter,
            f"{what}: the server answered HTTP {status}{detail}; will try again",
            retryable=True,
            retry_after=retry_after_seconds(response.headers),
        )
    fix = (fixes or {}).get(status)
    return AdapterError(adapter, f"{what}: refused (HTTP {status}{detail})" + (f"; {fix}" if fix else ""))


def request(
    session: requests.Session,
    method: str,
    url: str,
    *,
    adapter: str,
    timeout: float,
    fixes: Mapping[int, str] | None = None,
    **options: Any,
) -> requests.Response:
    """``send``, then ``refused`` for any status of 400 or more: the whole exchange in one call.

    :param fixes: per status, what the user should change (401: the credentials...).
    """
    response = send(session, method, url, adapter=adapter, timeout=timeout, **options)
    if response.status_code >= 400:
        raise refused(adapter, response, where(method, url), fixes=fixes)
    return response
