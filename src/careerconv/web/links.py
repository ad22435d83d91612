"""Signed links: proof of who is acting, bound to a person, a plan, a step and the plan's version.

A link is ``<payload>.<signature>``: the payload is the ids, the step, the
version and the expiry, base64url JSON (ids only, never a note); the
signature is HMAC-SHA256 over it with the secret ``[web] secret_env`` names.
A link that changes the plan is single-use without a list of used links:
taking the step raises the plan's version, and a link bound to the old
version is stale from then on. The plan page only reads, so its link is
bound to the version but honoured while it has not expired.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
from datetime import datetime, timedelta

from attrs import frozen

from careerconv_core.errors import CareerconvError, ConfigurationError

REPORT_STEPS = ("proposal", "pinnacle", "grow", "consent", "handoff", "checkin", "feedback", "plan")
"""The report's pages; each is a step only the report takes (``plan`` only reads)."""
MANAGER_STEPS = (
    "readiness",
    "observe",
    "record",
    "move",
    "due",
    "team",
    "feedback",
    "plan",
)  # feedback and plan: either side
"""The manager's pages."""
READ_ONLY = frozenset({"plan", "due", "team"})
"""Pages whose link is not spent by a change of the plan: they read (the team page's form
places the whole team, guarded by the CSRF check and each plan's own version check)."""

NOTICE_STEPS = {
    "proposal": "proposal",
    "homework": "grow",
    "feedback_request": "feedback",
    "consent_request": "handoff",
    "suggest_others": "plan",
    "acted_for_you": "plan",
    "plan_shared": "plan",
    "check_in_due": "due",
    "review_due": "due",
    "plan_update_due": "due",
    "probe": "due",
    "conversation_overdue": "due",
}
"""The page a notice's link opens, by notice kind; a notice not listed carries no signed link."""


class LinkRefused(CareerconvError):
    """A link that does not prove who is acting: forged, expired, used, stale or for someone else."""

    def __init__(self, problem: str, fix: str) -> None:
        self.rule = "link"
        self.problem = problem
        self.fix = fix
        super().__init__(f"{problem}. Fix: {fix}")


@frozen
class Link:
    """What a valid link proves: ``person_id`` may take ``step`` on ``plan_id`` at ``version``."""

    person_id: str
    plan_id: str
    step: str
    version: int
    expires: datetime


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@frozen
class Signer:
    """Signs and checks links with one secret; ``days`` is how long a new link lasts."""

    secret: bytes
    days: int = 14

    def _mac(self, payload: str) -> str:
        return _b64(hmac.new(self.secret, payload.encode("ascii"), hashlib.sha256).digest())

    def sign(self, person_id: str, plan_id: str, step: str, version: int, now: datetime) -> str:
        """A link token for ``person_id`` to take ``step`` on ``plan_id`` at ``version``."""
        expires = int((now + timedelta(days=self.days)).timestamp())
        body = {"p": person_id, "l": plan_id, "s": step, "v": version, "x": expires}
        payload = _b64(json.dumps(body, separators=(",", ":"), sort_keys=True).encode("utf-8"))
        return f"{payload}.{self._mac(payload)}"

    def check(self, token: str, now: datetime) -> Link:
        """What ``token`` proves; :class:`LinkRefused` when forged or expired."""
        forged = LinkRefused(
            "this link is not one careerconv made (it was changed, cut short or forged)",
            "open the link exactly as it came in your mail, or ask your manager to send the step again",
        )
        payload, _, mac = token.partition(".")
        if not payload or not mac or not hmac.compare_digest(self._mac(payload), mac):
            raise forged
        try:
            body = json.loads(_unb64(payload))
            link = Link(
                str(body["p"]),
                str(body["l"]),
                str(body["s"]),
                int(body["v"]),
                datetime.fromtimestamp(int(body["x"]), now.tzinfo),
            )
        except (ValueError, KeyError, TypeError, binascii.Error, OverflowError):
            raise forged from None
        if link.expires <= now:
            raise LinkRefused(
                f"this link expired on {link.expires:%Y-%m-%d}",
                "ask for a new one: the next notice about this step carries a fresh link",
            )
        return link


def secret_from(value: str | None, name: str) -> bytes:
    """The signing secret from the environment variable ``name``; refused when unset or short."""
    if not value or len(value) < 16:
        raise ConfigurationError(
            f"[web] secret_env names ${name}, which is "
            f"{'unset' if not value else 'shorter than 16 characters'}; "
            f"set it to a long random secret, such as: export {name}=$(python3 -c "
            "'import secrets; print(secrets.token_urlsafe(32))')"
        )
    return value.encode("utf-8")
