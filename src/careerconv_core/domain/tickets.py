"""The key that ties a GROW action to its ticket in any tracker: made and read here only.

``cc-<plan id>-a-<action id>`` is deterministic from domain identity, so a
re-sync finds the ticket it made instead of making a second one. It is read
back by splitting at the first ``-a-``, which is only the separator when the
plan id holds no ``-a-`` and does not end in ``-a``; such a plan id is written
with each ``-`` as ``%2D`` (ids never hold ``%``), so no two actions share a key
and the keys of every other plan stay what they always were.
"""

from __future__ import annotations

from careerconv_core.errors import InvalidInput

_PREFIX = "cc-"
_ACTION = "-a-"


_DASH = "%2D"


def _plan_part(plan_id: str) -> str:
    if _ACTION in plan_id or plan_id.endswith(_ACTION[:-1]):
        return plan_id.replace("-", _DASH)
    return plan_id


def ticket_key(plan_id: str, action_id: str) -> str:
    """The tracker key of one GROW action; distinct actions always get distinct keys."""
    return f"{_PREFIX}{_plan_part(plan_id)}{_ACTION}{action_id}"


def parse_ticket_key(key: str) -> tuple[str, str]:
    """The plan id and action id in a key made by ``ticket_key``; anything else is refused."""
    plan_part, _, action_id = key.removeprefix(_PREFIX).partition(_ACTION)
    plan_id = plan_part.replace(_DASH, "-")
    if not key.startswith(_PREFIX) or not plan_id or not action_id or ticket_key(plan_id, action_id) != key:
        raise InvalidInput(
            "ticket key", f"a key made by careerconv ({ticket_key('<plan>', '<action>')})", key
        )
    return plan_id, action_id
