"""A WSGI app receiving BambooHR employee webhooks, signed with HMAC-SHA256.

Mount it under any WSGI host (gunicorn, waitress, a Flask or Django route).
It checks, in this order: method POST, a body within the size limit, the
``X-BambooHR-Timestamp`` within the window, the ``X-BambooHR-Signature``
(hex HMAC-SHA256 of the raw body followed by the timestamp, compared in
constant time), then that the signature was not seen before (replay). Only
then is the body parsed and ``on_change`` called with the employee events.

Refusals answer 401 (bad or missing signature) or 400 (stale, replayed,
unreadable) with an empty body, and log one line without any header value,
body or secret.
"""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

from careerconv_plugins.bamboohr.mapping import EmployeeEvent, events_from, signature
from careerconv_plugins.hris_mapping import parse_instant

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
"""Largest body accepted, in bytes (BambooHR sends small JSON documents)."""


class ReplayStore(Protocol):
    """Remembers signatures already accepted, for as long as they could be replayed."""

    def first_time(self, key: str, now: float, ttl: float) -> bool:
        """Record ``key`` and return True, or return False if it was seen within ``ttl``.

        Must be atomic: two deliveries of one signature at once get one True.
        """
        ...


class MemoryReplayStore:
    """A ``ReplayStore`` in memory, for one process; share a database-backed one across hosts."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_time(self, key: str, now: float, ttl: float) -> bool:
        """See ``ReplayStore.first_time``."""
        with self._lock:
            # Drop expired keys as we go so the store stays as small as the window.
            for old in [k for k, at in self._seen.items() if now - at > ttl]:
                del self._seen[old]
            if key in self._seen:
                return False
            self._seen[key] = now
            return True


def _timestamp_seconds(value: str) -> float:
    """Unix seconds from the header: digits (seconds or milliseconds), or an ISO 8601 instant."""
    text = value.strip()
    if text.isdigit():
        number = float(text)
        return number / 1000 if number > 1e11 else number
    return parse_instant(text).timestamp()


class BambooHrWebhookApp:
    """The WSGI callable. ``on_change`` receives the events of each accepted delivery."""

    def __init__(
        self,
        secret: bytes,
        on_change: Callable[[Sequence[EmployeeEvent]], None],
        *,
        window: float = 300.0,
        replays: ReplayStore | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not secret:
            raise ValueError("the webhook secret is empty")
        self._secret = secret
        self.on_change = on_change
        self.window = window
        self.replays = replays or MemoryReplayStore()
        self.clock = clock

    def __repr__(self) -> str:
        return f"BambooHrWebhookApp(window={self.window:g})"  # never the secret

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        """Serve one delivery."""
        status = self._handle(environ)
        start_response(status, [("Content-Type", "text/plain"), ("Content-Length", "0")])
        return [b""]

    def _refuse(self, status: str, why: str) -> str:
        log.warning("BambooHR webhook refused: %s", why)
        return status

    def _handle(self, environ: WSGIEnvironment) -> str:
        if environ.get("REQUEST_METHOD") != "POST":
            return self._refuse("405 Method Not Allowed", "not a POST")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return self._refuse("400 Bad Request", "bad Content-Length")
        if length <= 0 or length > MAX_BODY:
            return self._refuse("400 Bad Request", "empty or oversized body")
        body: bytes = environ["wsgi.input"].read(length)
        stamp = environ.get("HTTP_X_BAMBOOHR_TIMESTAMP", "")
        given = environ.get("HTTP_X_BAMBOOHR_SIGNATURE", "")
        if not stamp or not given:
            return self._refuse("401 Unauthorized", "missing signature or timestamp")
        if not stamp.isascii():  # never signed by BambooHR, and the HMAC input must be ASCII
            return self._refuse("401 Unauthorized", "bad signature")
        expected = signature(self._secret, body, stamp)
        if not hmac.compare_digest(expected.encode("ascii"), given.strip().lower().encode("utf-8")):
            return self._refuse("401 Unauthorized", "bad signature")
        # The timestamp is checked after the signature, so an attacker
        # learns nothing about the window from unsigned requests.
        now = self.clock()
        try:
            sent = _timestamp_seconds(stamp)
        except ValueError:
            return self._refuse("400 Bad Request", "unreadable timestamp")
        if abs(now - sent) > self.window:
            return self._refuse("400 Bad Request", "timestamp outside the window")
        if not self.replays.first_time(expected, now, 2 * self.window):
            return self._refuse("400 Bad Request", "replayed delivery")
        try:
            events = events_from(json.loads(body))
        except (ValueError, UnicodeDecodeError):
            return self._refuse("400 Bad Request", "payload is not an employee event")
        try:
            self.on_change(events)
        except Exception as exc:  # noqa: BLE001 - the host must answer; BambooHR retries on 5xx
            log.error("BambooHR webhook handler failed: %s", type(exc).__name__)
            return "500 Internal Server Error"
        log.info("BambooHR webhook accepted: %d employee event(s)", len(events))
        return "204 No Content"
