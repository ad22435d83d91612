"""The key that ties a GROW action to its ticket in any tracker: made and read here only.

``cc-<plan id>-a-<action id>`` is deterministic from domain identity, so a
re-sync finds the ticket it made instead of making a second one.
"""

from __future__ import annotations

from careerconv_core.errors import InvalidInput

_PREFIX = "cc-"
_ACTION = "-a-"


def ticket_key(plan_id: str, action_id: str) -> str:
    """The tracker key of one GROW action."""
    return f"{_PREFIX}{plan_id}{_ACTION}{action_id}"


def parse_ticket_key(key: str) -> tuple[str, str]:
    """The plan id and action id in a key made by ``ticket_key``; anything else is refused."""
    plan_id, _, action_id = key.removeprefix(_PREFIX).partition(_ACTION)
    if not key.startswith(_PREFIX) or not plan_id or not action_id:
        raise InvalidInput(
            "ticket key", f"a key made by careerconv ({ticket_key('<plan>', '<action>')})", key
        )
    return plan_id, action_id
