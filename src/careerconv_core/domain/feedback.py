"""Feedback on the conversations (M16): 0-10 from both sides, shown to HR only in groups of 5+."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from datetime import datetime

from attrs import frozen

from careerconv_core.domain.roles import Actor
from careerconv_core.domain.visibility import private
from careerconv_core.errors import InvalidInput, RuleViolation

MIN_GROUP = 5


@frozen
class FeedbackRating:
    """One person's 0-10 rating of the three conversations."""

    by: Actor
    person_id: str
    score: int = private()
    at: datetime | None = None

    def __attrs_post_init__(self) -> None:
        if isinstance(self.score, bool) or not isinstance(self.score, int) or not 0 <= self.score <= 10:
            raise InvalidInput("feedback.score", "a whole number from 0 to 10", "off the scale")


@frozen
class FeedbackAggregate:
    """What HR may see: counts and medians for a group of at least five people."""

    group: str
    people: int
    report_median: float | None
    manager_median: float | None


def aggregate(group: str, ratings: Iterable[FeedbackRating], min_group: int = MIN_GROUP) -> FeedbackAggregate:
    """Aggregate ratings for ``group``; refuse groups of fewer than ``min_group`` people (M16)."""
    if min_group < MIN_GROUP:
        raise InvalidInput("min_group", f"at least {MIN_GROUP}", str(min_group))
    items = list(ratings)
    people = {r.person_id for r in items}
    if len(people) < min_group:
        raise RuleViolation(
            "M16",
            f"group {group!r} has feedback from {len(people)} people; fewer than "
            f"{min_group} could identify someone",
            f"widen the group until at least {min_group} people have given feedback",
        )
    reports = [r.score for r in items if r.by is Actor.REPORT]
    managers = [r.score for r in items if r.by is Actor.MANAGER]
    return FeedbackAggregate(
        group=group,
        people=len(people),
        report_median=statistics.median(reports) if reports else None,
        manager_median=statistics.median(managers) if managers else None,
    )
