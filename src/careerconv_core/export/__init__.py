"""The plan as a document for the report and their manager: Markdown or one HTML page.

This is the pair's own copy (ARCHITECTURE section 4), so it shows what the
two of them may see, notes included, and says so at the top. Both formats
show the same things (``sheet.plan_sheet``): the conversations, the life
story, the pinnacle, each competency's self-rating beside the level the
chosen role calls for, the manager's observations, the GROW plan with
owners and options by name, and the check-ins held and to come. The HTML
page is self-contained: inline CSS and a chart in plain HTML.
"""

from __future__ import annotations

from datetime import datetime

from careerconv_core.domain.catalog import Catalog
from careerconv_core.domain.people import Person
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.export import as_html, as_markdown
from careerconv_core.export.sheet import PRIVATE_NOTICE, PlanSheet, plan_sheet

__all__ = ["PRIVATE_NOTICE", "PlanSheet", "html", "markdown", "plan_sheet"]


def markdown(
    plan: CareerPlan,
    report: Person,
    manager: Person,
    *,
    catalog: Catalog | None = None,
    now: datetime | None = None,
) -> str:
    """The plan as Markdown; everything people wrote is escaped, so it reads literally.

    ``catalog`` and ``now`` are as for :func:`~careerconv_core.export.sheet.plan_sheet`.
    """
    return as_markdown.render(plan_sheet(plan, report, manager, catalog=catalog, now=now))


def html(
    plan: CareerPlan,
    report: Person,
    manager: Person,
    *,
    catalog: Catalog | None = None,
    now: datetime | None = None,
    stylesheet: str = "",
) -> str:
    """The plan as one self-contained HTML page, escaped throughout and fit to print.

    ``catalog`` and ``now`` are as for :func:`~careerconv_core.export.sheet.plan_sheet`;
    ``stylesheet``, an address, links the page's style instead of inlining it (for a page
    served under a Content Security Policy that allows no inline style).
    """
    return as_html.render(plan_sheet(plan, report, manager, catalog=catalog, now=now), stylesheet)
