"""M16: the 0-10 feedback after conversation 3, and what HR may see of it."""

from __future__ import annotations

from careerconv_core.boundary import checked
from careerconv_core.domain.events import EventName
from careerconv_core.domain.feedback import FeedbackAggregate, FeedbackRating, aggregate
from careerconv_core.errors import NotFound
from careerconv_core.services.base import ServiceBase, StepReport, one_plan_step


class FeedbackSteps(ServiceBase):
    """Feedback ratings and their aggregates (M16)."""

    __slots__ = ()

    @checked
    @one_plan_step
    def give_feedback(self, plan_id: str, person_id: str, score: int) -> StepReport:
        """A 0-10 rating of the three conversations (M16); HR sees only aggregates of 5+."""
        plan = self.store.load_plan(plan_id)
        at = self.now()
        rating = FeedbackRating(self.actor(plan, person_id), person_id, score, at)
        return self._commit(plan, plan.give_feedback(rating), EventName.FEEDBACK_GIVEN, at)

    @checked
    def feedback_report(self, manager_id: str | None = None) -> FeedbackAggregate:
        """What HR may see of the feedback (M16): medians over at least five people, never scores.

        The group is everyone under ``manager_id`` (at any depth), or the whole
        org. A smaller group is refused with RuleViolation M16.
        """
        people = {p.id: p for p in self.store.list_people()}
        if manager_id is not None and manager_id not in people:
            raise NotFound("person", manager_id)

        def under(person_id: str) -> bool:
            seen: set[str] = set()
            current = people.get(person_id)
            while current is not None and current.manager_id and current.id not in seen:
                seen.add(current.id)
                if current.manager_id == manager_id:
                    return True
                current = people.get(current.manager_id)
            return False

        ratings = [
            rating
            for plan in self.store.find_plans()
            if manager_id is None or under(plan.report_id)
            for rating in plan.feedback
        ]
        return aggregate(manager_id or "whole org", ratings)
