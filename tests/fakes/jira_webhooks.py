"""Webhooks from the fake Jira: the deliveries a Jira Cloud admin webhook with a secret sends.

When a person changes an issue in the fake (``set_status``, ``edit_as_person``,
``delete_issue``), a subscribed ``WebhookSender`` POSTs what Jira Cloud POSTs:
a ``jira:issue_updated`` or ``jira:issue_deleted`` body (``timestamp`` in
milliseconds, ``webhookEvent``, ``issue_event_type_name``, ``user``, ``issue``
as the REST API shows it, and for an update a ``changelog``), signed with
``X-Hub-Signature: sha256=<hex HMAC-SHA256 of the body>`` and named by
``X-Atlassian-Webhook-Identifier`` (kept on Jira's retries), with
``X-Atlassian-Webhook-Flow: Primary``. ``payload_violations`` checks a body
against Atlassian's OpenAPI description where it covers it: the event name
(``WebhookDetails.events``), the issue (``IssueBean``), the user (``User``) and
the changelog items (``ChangeDetails``).
"""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from fakes.fake_jira import FakeJira
from fakes.jira_spec import _errors, spec

_NUMBERS = itertools.count(1)


def sign(secret: bytes, body: bytes) -> str:
    """The ``X-Hub-Signature`` Jira sends."""
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


@dataclass
class Delivery:
    """One webhook POST: the body, the headers and the receiver's answer."""

    body: bytes
    headers: dict[str, str]
    status: int = 0


@dataclass
class WebhookSender:
    """Sends the fake's issue events to ``url``, signed with ``secret``."""

    fake: FakeJira
    url: str
    secret: bytes
    sent: list[Delivery] = field(default_factory=list)
    clock: Any = time.time

    def subscribe(self) -> WebhookSender:
        """Send a webhook for every change a person makes in the fake from now on."""
        self.fake.listeners.append(self.event)
        return self

    def payload(self, event: str, issue: dict[str, Any], before: str | None = None) -> dict[str, Any]:
        """The body Jira sends for ``event`` on the stored ``issue``."""
        v = "2"  # Jira's webhook bodies use the v2 shapes (plain-text description)
        body: dict[str, Any] = {
            "timestamp": int(self.clock() * 1000),
            "webhookEvent": event,
            "issue_event_type_name": "issue_generic" if event == "jira:issue_updated" else "issue_deleted",
            "user": self.fake._user_json(self.fake.state.users[1], v),
            "issue": self.fake._issue_json(issue, v, None, []),
        }
        if event == "jira:issue_updated" and before is not None and before != issue["status"]:
            names = self.fake.state.statuses
            body["changelog"] = {
                "id": str(next(_NUMBERS) + 10000),
                "items": [
                    {"field": "status", "fieldtype": "jira", "fieldId": "status",
                     "from": before, "fromString": names[before][0],
                     "to": issue["status"], "toString": names[issue["status"]][0]}
                ],
            }  # fmt: skip
        return body

    def event(self, event: str, issue: dict[str, Any], before: str | None = None) -> Delivery:
        """Build, sign and POST one delivery; its answer is recorded."""
        return self.post(json.dumps(self.payload(event, issue, before)).encode())

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> Delivery:
        """POST a body as Jira would (``headers`` override Jira's)."""
        sent = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Hub-Signature": sign(self.secret, body),
            "X-Atlassian-Webhook-Identifier": str(next(_NUMBERS)),
            "X-Atlassian-Webhook-Flow": "Primary",
            "User-Agent": "Atlassian Webhook HTTP Client",
            **(headers or {}),
        }
        return self.resend(Delivery(body, sent))

    def resend(self, delivery: Delivery) -> Delivery:
        """POST ``delivery`` again, unchanged (Jira's retry keeps the identifier)."""
        again = Delivery(delivery.body, dict(delivery.headers))
        again.status = requests.post(
            self.url, data=delivery.body, headers=delivery.headers, timeout=10
        ).status_code
        self.sent.append(again)
        return again


def payload_violations(body: dict[str, Any]) -> list[str]:
    """Where a webhook body disagrees with Atlassian's OpenAPI description."""
    events = spec()["components"]["schemas"]["WebhookDetails"]["properties"]["events"]["items"]["enum"]
    problems = [] if body.get("webhookEvent") in events else [f"unknown event {body.get('webhookEvent')!r}"]
    problems += [f"issue: {e}" for e in _errors({"$ref": "#/components/schemas/IssueBean"}, body["issue"])]
    problems += [f"user: {e}" for e in _errors({"$ref": "#/components/schemas/User"}, body["user"])]
    for item in (body.get("changelog") or {}).get("items", []):
        problems += [f"changelog: {e}" for e in _errors({"$ref": "#/components/schemas/ChangeDetails"}, item)]
    return problems
