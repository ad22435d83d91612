"""Who is acting on a plan: the report or their manager."""

from __future__ import annotations

import enum


class Actor(enum.Enum):
    """The two people of a plan. Some steps only one of them may take."""

    REPORT = "report"
    MANAGER = "manager"
