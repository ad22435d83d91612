"""The level a pinnacle role calls for in a competency, on the self-rating scale (M6).

A role profile may say, per competency, which level of the 1-5 self-rating
scale the role calls for, so a report sees the gap between their own rating
and the role at a glance. An organisation gives these levels directly, or
gives the O*NET figures of the occupation its profile cites; this module
holds the one rule that turns O*NET's figures into a level.
"""

from __future__ import annotations

from fractions import Fraction
from math import floor

from careerconv_core.domain.pinnacle import RATING_SCALE
from careerconv_core.errors import InvalidInput

ONET_LEVEL_MAX = 7
"""O*NET rates the level of a skill, knowledge area or activity from 0 to 7."""

ONET_IMPORTANCE_RANGE = (1, 5)
"""O*NET rates importance from 1 (not important) to 5 (extremely important)."""

ONET_IMPORTANT = 3
"""From this importance up, O*NET counts an element as important to the occupation."""

TOP_LEVEL = max(RATING_SCALE)


def target_from_onet(level: str | float, importance: str | float) -> int | None:
    """The 1-5 level a role calls for, from an O*NET level (0-7) and importance (1-5).

    The rule, the only place it is applied: an element less than important
    to the occupation (importance below 3) gives no target, since the role
    does not call for it; otherwise the 0-7 level maps linearly onto 1-5
    (0 is 1, 7 is 5) and is rounded half up, so levels below 0.875 give 1,
    below 2.625 give 2, below 4.375 give 3, below 6.125 give 4, and the
    rest 5. Figures are read as decimals, exactly as O*NET prints them.

    :raises InvalidInput: a figure is not a number or is off O*NET's scale.
    """
    lv = _figure(level, "O*NET level", 0, ONET_LEVEL_MAX)
    im = _figure(importance, "O*NET importance", *ONET_IMPORTANCE_RANGE)
    if im < ONET_IMPORTANT:
        return None
    # 1 + lv * 4/7, rounded half up: floor(1 + 4lv/7 + 1/2).
    return min(TOP_LEVEL, floor(Fraction(3, 2) + lv * (TOP_LEVEL - 1) / ONET_LEVEL_MAX))


def _figure(value: str | float, what: str, low: int, high: int) -> Fraction:
    try:
        number = Fraction(str(value).strip())
    except (ValueError, ZeroDivisionError):
        raise InvalidInput(what, f"a number from {low} to {high}", f"{value!r} is not a number") from None
    if not low <= number <= high:
        raise InvalidInput(what, f"a number from {low} to {high}", f"{value} is off the scale")
    return number
