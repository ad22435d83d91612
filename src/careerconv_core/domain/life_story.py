"""Conversation 1: the life story, and what it tells about drives and values."""

from __future__ import annotations

from attrs import frozen

from careerconv_core.domain.visibility import private


@frozen
class LifeStory:
    """What the manager learned in conversation 1. Seen by the two of them only."""

    notes: str = private(default="")
    drives: tuple[str, ...] = private(default=())
    values: tuple[str, ...] = private(default=())
