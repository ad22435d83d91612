"""The numbers the scheduler works with (M3, M4, M10, M11), each checked when it is set."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from attrs import field, frozen

from careerconv_core.domain.conversations import ConversationKind, ConversationLengths
from careerconv_core.domain.scheduling.candidates import Shape
from careerconv_core.errors import InvalidInput

_SLOT_GRIDS = frozenset({1, 5, 10, 15, 20, 30, 60})


def _whole(low: int, high: int) -> Callable[[Any, Any, int], None]:
    def check(_instance: Any, attribute: Any, value: int) -> None:
        name = getattr(attribute, "name", "value")
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            raise InvalidInput(f"rules.{name}", f"a whole number from {low} to {high}", f"got {value!r}")

    return check


def _grid(_instance: object, _attribute: object, value: object) -> None:
    if value not in _SLOT_GRIDS:
        raise InvalidInput("rules.slot_minutes", "one of 1, 5, 10, 15, 20, 30, 60", f"got {value!r}")


def _flag(_instance: object, _attribute: object, value: object) -> None:
    if not isinstance(value, bool):
        raise InvalidInput("rules.separate_days_1_2", "True or False", f"got {value!r}")


def _window(_instance: object, _attribute: object, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= MAX_WINDOW_DAYS:
        raise InvalidInput(
            "rules.window_days",
            f"a whole number of days from 1 to {MAX_WINDOW_DAYS}, or none for one calendar month",
            f"got {value!r}",
        )


MAX_WINDOW_DAYS = 28
"""A window never runs past one month (M4), in February too."""


def _lengths(_instance: object, _attribute: object, value: object) -> None:
    if not isinstance(value, ConversationLengths):
        raise InvalidInput("rules.lengths", "a ConversationLengths", f"got {type(value).__name__}")


@frozen
class SchedulingRules:
    """The numbers the scheduler works with; defaults from M3, M4, M10 and M11.

    ``lengths`` are the conversations' minutes (M3), the same value the plan
    carries. The window is one calendar month from the start date, or
    ``window_days`` days when that is set (at most 28, so never past M4's month).
    ``weekly_cap_minutes`` caps the manager's career-conversation time per
    ISO week. Follow-ups: a check-in every month for ``follow_up_months``
    months after conversation 3, every ``extended_review_every_months``-th of
    them an extended review instead (M10: at least quarterly).
    """

    lengths: ConversationLengths = field(default=ConversationLengths(), validator=_lengths)
    homework_gap_working_days: int = field(default=2, validator=_whole(0, 10))
    separate_days_1_2: bool = field(default=True, validator=_flag)
    weekly_cap_minutes: int = field(default=240, validator=_whole(15, 7 * 24 * 60))
    slot_minutes: int = field(default=15, validator=_grid)
    check_in_minutes: int = field(default=10, validator=_whole(5, 10))
    extended_review_minutes: int = field(default=30, validator=_whole(15, 120))
    follow_up_months: int = field(default=12, validator=_whole(0, 36))
    extended_review_every_months: int = field(default=3, validator=_whole(1, 3))
    window_days: int | None = field(default=None, validator=_window)

    def __attrs_post_init__(self) -> None:
        longest = max(self.lengths.life_story, self.lengths.pinnacle, self.lengths.grow_review)
        if self.weekly_cap_minutes < longest:
            raise InvalidInput(
                "weekly_cap_hours",
                f"a weekly cap of at least {longest} minutes, the longest conversation "
                f"(set [method] weekly_cap_hours to {-(-longest // 15) * 15 / 60:g} or more)",
                f"{self.weekly_cap_minutes} minutes a week hold no conversation",
            )
        needed = self.days_needed
        if self.window_days is not None and self.window_days < needed:
            raise InvalidInput(
                "window_days",
                f"a window of at least {needed} days (set [method] window_days to {needed} or more, "
                "or 0 for one month)",
                f"{self.window_days} days cannot hold the life story, the pinnacle on a later day "
                f"and {self.homework_gap_working_days} working days before the GROW review",
            )

    @property
    def days_needed(self) -> int:
        """The fewest calendar days that hold the three conversations with their gaps."""
        gap = self.homework_gap_working_days
        return 1 + (1 if self.separate_days_1_2 else 0) + (gap + 1 if gap else 0)

    def length(self, kind: ConversationKind) -> int:
        """Minutes of one conversation."""
        return self.lengths.minutes(kind)

    def shape(self) -> Shape:
        """The numbers the search needs."""
        lengths = self.lengths
        return Shape(
            (lengths.life_story, lengths.pinnacle, lengths.grow_review),
            self.slot_minutes,
            self.homework_gap_working_days,
            self.separate_days_1_2,
            self.weekly_cap_minutes,
        )
