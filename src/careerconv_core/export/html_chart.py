"""The competency chart of the HTML page: the self-rating beside the level the role calls for.

One table row per competency: the name (it wraps, never clipped), a bar for
the report's own rating on the 1-5 scale with a line at the level the chosen
role calls for, the figures and the gap in words, and the manager's view.
It is plain HTML and CSS, so it prints and reads without scripts or images.
"""

from __future__ import annotations

from careerconv_core.domain.pinnacle import RATING_SCALE
from careerconv_core.export.escaping import h
from careerconv_core.export.sheet import CompetencyLine, PlanSheet, scale_word

_TOP = max(RATING_SCALE)


def _scale(c: CompetencyLine) -> str:
    said = [f"self-rating {c.self_rating} of {_TOP}" if c.self_rating else "not rated yet"]
    if c.target is not None:
        said.append(f"the role calls for {c.target} of {_TOP}")
    parts = [f'<div class="scale" role="img" aria-label="{h("; ".join(said))}">']
    if c.self_rating:
        parts.append(f'<div class="bar level-{c.self_rating}" data-level="{c.self_rating}">')
        parts.append("</div>")
    if c.target is not None:
        parts.append(
            f'<div class="target at-{c.target}" data-level="{c.target}" '
            f'title="The role calls for {c.target} ({h(scale_word(c.target))})"></div>'
        )
    parts.append("</div>")
    figures = [f"{c.self_rating} {scale_word(c.self_rating)}" if c.self_rating else "not rated yet"]
    if c.target is not None:
        figures.append(f"role: {c.target} {scale_word(c.target)}")
    if c.gap_text:
        figures.append(c.gap_text)
    parts.append(f'<div class="figures">{h(" · ".join(figures))}</div>')
    return "".join(parts)


def _row(c: CompetencyLine) -> str:
    focus = '<span class="focus-mark">&#9733; focus</span>' if c.focus else ""
    view = h(c.observation) if c.observation else ""
    if c.manager_rating:
        view += ("<br>" if view else "") + f'<span class="muted">Manager\'s rating: {c.manager_rating}</span>'
    view = view or '<span class="muted">-</span>'
    return (
        f'<tr class="competency{" focus" if c.focus else ""}">'
        f'<th scope="row" class="comp-name">{h(c.name)}{focus}</th>'
        f'<td class="rating">{_scale(c)}</td>'
        f'<td class="view">{view}</td></tr>'
    )


def chart(sheet: PlanSheet) -> str:
    """The competencies as a table of bars with the role's levels marked, and its legend."""
    legend = [
        '<p class="legend"><span class="swatch own"></span> the report\'s own '
        "rating, 1 (new to me) to 5 (exemplary); "
        '<span class="swatch chosen"></span> &#9733; a competency the report '
        "chose to develop now"
    ]
    if sheet.has_targets:
        legend.append(
            '; <span class="line"></span>the level the role calls for'
            + (f" (the catalog profile {h(sheet.role_profile)})" if sheet.role_profile else "")
        )
    legend.append(".</p>")
    return (
        '<table class="chart"><thead><tr><th scope="col" class="comp-name">Competency</th>'
        '<th scope="col">Self-rating and the role\'s level</th>'
        '<th scope="col" class="view">Manager\'s view</th></tr></thead><tbody>'
        + "".join(_row(c) for c in sheet.competencies)
        + "</tbody></table>"
        + "".join(legend)
    )
