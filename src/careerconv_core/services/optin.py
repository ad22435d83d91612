"""M1-M2: the double opt-in, pausing and declining, and the manager's trust gate."""

from __future__ import annotations

from careerconv_core.boundary import checked
from careerconv_core.domain.events import EventName
from careerconv_core.domain.notices import NoticeKind
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import RuleViolation
from careerconv_core.services.base import ServiceBase, StepReport


class OptInSteps(ServiceBase):
    """Proposing, accepting, declining, pausing and the trust gate (M1, M2)."""

    __slots__ = ()

    @checked
    def propose(self, manager_id: str, report_id: str) -> StepReport:
        """The manager proposes Career Conversations to a direct report (M1)."""
        at = self.now()
        report = self.store.load_person(report_id)
        self.store.load_person(manager_id)
        if report.manager_id != manager_id:
            raise RuleViolation(
                "M1",
                f"{report_id!r} does not report to {manager_id!r}",
                "only a report's current manager proposes; update the org first",
            )
        for existing in self.store.find_plans(report_id=report_id):
            if existing.status.is_open:
                raise RuleViolation(
                    "M1",
                    f"{report_id!r} already has an open plan {existing.id!r} ({existing.status.value})",
                    "continue that plan, or decline it first",
                )
        plan = CareerPlan.propose(self.new_id(), report_id, manager_id, at, self.settings.lengths)
        notice = self._notice(
            plan,
            NoticeKind.PROPOSAL,
            report,
            at,
            when="whenever you are ready: nothing is scheduled until you accept",
        )
        return self._commit(None, plan, EventName.PLAN_PROPOSED, at, notices=(notice,))

    @checked
    def accept(self, plan_id: str, person_id: str, life_story_opt_in: bool) -> StepReport:
        """The report accepts, and says yes or no to conversation 1 (M1)."""
        return self._step(
            plan_id, person_id, EventName.PLAN_ACCEPTED, lambda p, a, t: p.accept(a, t, life_story_opt_in)
        )

    @checked
    def opt_in_life_story(self, plan_id: str, person_id: str, yes: bool = True) -> StepReport:
        """The report's own answer on conversation 1 (M1)."""
        return self._step(
            plan_id,
            person_id,
            EventName.PLAN_LIFE_STORY_OPT_IN,
            lambda p, a, t: p.opt_in_life_story(a, t, yes),
        )

    @checked
    def decline(self, plan_id: str, person_id: str) -> StepReport:
        """Either side declines (M1); scheduled invites are cancelled."""
        return self._step(plan_id, person_id, EventName.PLAN_DECLINED, lambda p, a, t: p.decline(a, t))

    @checked
    def pause(self, plan_id: str, person_id: str) -> StepReport:
        """Either side pauses (M1); scheduled invites are cancelled."""
        return self._step(plan_id, person_id, EventName.PLAN_PAUSED, lambda p, a, t: p.pause(a, t))

    @checked
    def resume(self, plan_id: str, person_id: str) -> StepReport:
        """A paused plan goes on; schedule the conversations again."""
        return self._step(plan_id, person_id, EventName.PLAN_RESUMED, lambda p, a, t: p.resume(a, t))

    @checked
    def confirm_readiness(
        self, plan_id: str, person_id: str, equipped: bool, trust_in_place: bool
    ) -> StepReport:
        """The manager's trust gate (M2); a "no" raises "repair trust first" and changes nothing."""
        return self._step(
            plan_id,
            person_id,
            EventName.PLAN_READINESS_CONFIRMED,
            lambda p, a, t: p.confirm_readiness(a, equipped, trust_in_place, t),
        )
