"""An ASGI app receiving Jira's issue webhooks, so statuses arrive as they change (M10).

Framework-free: mount it under any ASGI host (the web surface, uvicorn), or run it
with ``asgi_http.serve`` from the standard library. Jira Cloud signs an admin
webhook that has a secret with ``X-Hub-Signature: sha256=<hex>``, the
HMAC-SHA256 of the raw body, and names each delivery in
``X-Atlassian-Webhook-Identifier`` (the same on Jira's retries). The app
checks, in this order: method POST, a JSON body within the size limit, the
signature (constant time), the body's ``timestamp`` within the window (it is
signed, being in the body), then that the delivery was not handled before.

Only then are the issues named (``jira:issue_updated``, ``jira:issue_deleted``;
other events are accepted and ignored) handed to ``on_issues``. The body is
only used to name issues, never trusted for their status: the handler reads
each issue back as ``sync-tickets`` does (by id, a 404 being a deletion), so a
replayed or reordered delivery cannot set an old status, and handling one twice
changes nothing. ``sync-tickets`` stays the fallback for deliveries that never
came.

Refusals answer 401 (bad or missing signature), 400 (stale, unreadable) or 405
with an empty body and log one line without any header value, body or secret;
a replay answers 200, as Jira needs no retry.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import threading
import time
from collections.abc import Awaitable, Callable, MutableMapping, Sequence
from typing import Any

from attrs import frozen

log = logging.getLogger(__name__)

MAX_BODY = 1024 * 1024
"""Largest body accepted, in bytes (an issue event is a few kilobytes)."""

SIGNATURE_HEADER = b"x-hub-signature"
IDENTIFIER_HEADER = b"x-atlassian-webhook-identifier"
EVENTS = frozenset({"jira:issue_updated", "jira:issue_deleted"})
"""The events whose issues are read back; any other is accepted and ignored."""

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


@frozen
class ChangedIssue:
    """An issue a webhook named: its id and key, its labels, and the event."""

    event: str
    issue_id: str
    issue_key: str
    labels: tuple[str, ...] = ()


def signature(secret: bytes, body: bytes) -> str:
    """The ``X-Hub-Signature`` value Jira sends for ``body``: ``sha256=`` and the hex HMAC."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def changed_issues(payload: Any) -> list[ChangedIssue]:
    """The issues of one webhook body; empty for other events.

    :raises ValueError: the body is not a Jira event.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("webhookEvent"), str):
        raise ValueError("not a Jira webhook event")
    event = payload["webhookEvent"]
    if event not in EVENTS:
        return []
    issue = payload.get("issue")
    if not isinstance(issue, dict) or not str(issue.get("id", "")).isdigit():
        raise ValueError("an issue event without an issue id")
    fields = issue.get("fields")
    labels = fields.get("labels") if isinstance(fields, dict) else None
    if not isinstance(labels, list):
        labels = []
    return [
        ChangedIssue(
            event,
            str(issue["id"]),
            str(issue.get("key", "")),
            tuple(label for label in labels if isinstance(label, str)),
        )
    ]


class Deliveries:
    """Deliveries handled in the window, by identifier; in memory, for one process."""

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_time(self, key: str, now: float, ttl: float) -> bool:
        """Record ``key`` and return True, or False if it was recorded within ``ttl`` (atomic)."""
        with self._lock:
            for old in [k for k, at in self._seen.items() if now - at > ttl]:
                del self._seen[old]
            if key in self._seen:
                return False
            self._seen[key] = now
            return True

    def forget(self, key: str) -> None:
        """Drop ``key``: its handling failed, so Jira's retry must get through."""
        with self._lock:
            self._seen.pop(key, None)


class JiraWebhookApp:
    """The ASGI callable. ``on_issues`` is called (in a worker thread) with each delivery's issues."""

    def __init__(
        self,
        secret: bytes,
        on_issues: Callable[[Sequence[ChangedIssue]], None],
        *,
        window: float = 3600.0,
        replays: Deliveries | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not secret:
            raise ValueError("the webhook secret is empty")
        self._secret = secret
        self.on_issues = on_issues
        self.window = window
        self.replays = replays or Deliveries()
        self.clock = clock

    def __repr__(self) -> str:
        return f"JiraWebhookApp(window={self.window:g})"  # never the secret

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Serve one ASGI connection: an HTTP delivery, or the host's lifespan messages."""
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        status = await self._handle(scope, receive)
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"text/plain"), (b"content-length", b"0")]})  # fmt: skip
        await send({"type": "http.response.body", "body": b""})

    def _refuse(self, status: int, why: str) -> int:
        log.warning("Jira webhook refused: %s", why)
        return status

    async def _body(self, receive: Receive) -> bytes | None:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > MAX_BODY:
                return None
            chunks.append(chunk)
            if not message.get("more_body"):
                return b"".join(chunks)

    async def _handle(self, scope: Scope, receive: Receive) -> int:
        if scope.get("method") != "POST":
            return self._refuse(405, "not a POST")
        headers = {bytes(k).lower(): bytes(v) for k, v in scope.get("headers", [])}
        body = await self._body(receive)
        if not body:
            return self._refuse(400, "empty, oversized or unfinished body")
        given = headers.get(SIGNATURE_HEADER, b"").strip()
        if not given:
            return self._refuse(401, "missing signature")
        expected = signature(self._secret, body).encode("ascii")
        if not hmac.compare_digest(expected, given.lower()):
            return self._refuse(401, "bad signature")
        try:
            payload = json.loads(body)
            issues = changed_issues(payload)
        except (ValueError, UnicodeDecodeError):
            return self._refuse(400, "payload is not a Jira issue event")
        # Checked after the signature, so unsigned requests learn nothing about the window.
        now = self.clock()
        sent = payload.get("timestamp")
        if not isinstance(sent, int | float) or isinstance(sent, bool):
            return self._refuse(400, "no timestamp in the event")
        if abs(now - sent / 1000) > self.window:
            return self._refuse(400, "timestamp outside the window")
        # Jira's retries keep the identifier; without one, the signed body names the delivery.
        delivery = headers.get(IDENTIFIER_HEADER, b"").decode("ascii", "replace") or expected.decode()
        if not self.replays.first_time(delivery, now, 2 * self.window):
            log.info("Jira webhook: delivery already handled")
            return 200
        if not issues:
            return 204
        try:
            await asyncio.to_thread(self.on_issues, issues)
        except Exception as exc:  # noqa: BLE001 - the host must answer; Jira retries on 5xx
            log.error("Jira webhook handler failed: %s", type(exc).__name__)
            self.replays.forget(delivery)  # not handled: Jira's retry (same identifier) gets through
            return 500
        log.info("Jira webhook accepted: %d issue(s)", len(issues))
        return 204
