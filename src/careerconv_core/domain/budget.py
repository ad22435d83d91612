"""The career time budget (M11): about 2.25-3 hours per report at first, 30 minutes a quarter after."""

from __future__ import annotations

from attrs import frozen

from careerconv_core.domain.conversations import ConversationLengths
from careerconv_core.errors import InvalidInput


@frozen
class CareerTimeBudget:
    """What Career Conversations will ask of one manager's calendar."""

    reports: int
    initial_minutes: int  # the three conversations, all reports
    quarterly_minutes: int  # extended reviews plus monthly check-ins, all reports
    weekly_cap_minutes: int
    weeks_for_initial: int  # weeks the initial round takes at the cap

    @property
    def initial_hours(self) -> float:
        """The initial round in hours."""
        return self.initial_minutes / 60


def budget(
    reports: int,
    lengths: ConversationLengths = ConversationLengths(),
    weekly_cap_minutes: int = 240,
    check_in_minutes: int = 10,
    extended_review_minutes: int = 30,
) -> CareerTimeBudget:
    """The time the initial round and each following quarter take for ``reports`` people."""
    if reports < 0:
        raise InvalidInput("reports", "zero or more")
    if weekly_cap_minutes < lengths.total // 3:
        raise InvalidInput(
            "weekly_cap_minutes",
            f"at least {lengths.total // 3} (one conversation a week)",
            str(weekly_cap_minutes),
        )
    initial = reports * lengths.total
    # A quarter has one extended review, which stands in for that month's check-in.
    quarterly = reports * (extended_review_minutes + 2 * check_in_minutes)
    weeks = -(-initial // weekly_cap_minutes) if initial else 0
    return CareerTimeBudget(reports, initial, quarterly, weekly_cap_minutes, weeks)
