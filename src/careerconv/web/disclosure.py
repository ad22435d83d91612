"""The pages that show a plan to someone other than its report go on the report's audit trail.

The report reading their own plan is not a disclosure; their manager's pages
(the plan, an observation beside the report's ratings, recording and moving a
conversation, what is due) and a new manager's read after the report's yes
(M12) are, as ``careerconv export`` is. Each is recorded before the page
leaves, in a transaction of its own, naming the page and never its content.
A page that cannot be recorded is not shown.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from careerconv.facade import Careerconv
from careerconv_core.disclosures import Disclosure, DisclosureKind
from careerconv_core.domain.plan import CareerPlan

SHOWING = {
    "plan": "the plan page",
    "observe": "the competencies and self-ratings (observation page)",
    "record": "the conversations (recording page)",
    "move": "the conversations' times (moving page)",
    "due": "what is due (due page)",
    "team": "the conversations' times (team schedule page)",
}
"""The pages that show something of a plan, and what each shows."""


Shown = tuple[str, str, str]
"""A plan a page shows, by its ids: (plan, report, manager)."""


def of(plan: CareerPlan) -> Shown:
    """The ids of ``plan`` a record names."""
    return (plan.id, plan.report_id, plan.manager_id)


def records(shown: Iterable[Shown], reader: str, step: str, at: datetime) -> list[Disclosure]:
    """One record for each plan ``step``'s page shows ``reader``, none for the plan's own report."""
    what = SHOWING.get(step)
    if what is None:
        return []
    return [
        Disclosure(
            at,
            DisclosureKind.EXPORT,
            report_id,
            plan_id,
            reader,
            (what,),
            "the current manager" if reader == manager_id else "a reader of the plan (M12)",
            f"web page {step}",
        )
        for plan_id, report_id, manager_id in dict.fromkeys(shown)
        if report_id != reader
    ]


def record_shown(services: Careerconv, shown: Iterable[Shown], reader: str, step: str) -> None:
    """Put the pages ``reader`` is about to be shown on the trail (see the module)."""
    found = records(shown, reader, step, services.now())
    if found:
        services.record_disclosures(found)
