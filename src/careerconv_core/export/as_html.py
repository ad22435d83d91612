"""The plan on one page as HTML: self-contained, every text escaped, fit to print.

The page loads nothing (no scripts, images, fonts or style sheets from
elsewhere): its style is inline and its chart is HTML and CSS.
"""

from __future__ import annotations

from careerconv_core.export.escaping import h, h_block
from careerconv_core.export.html_chart import chart
from careerconv_core.export.html_style import CSS
from careerconv_core.export.sheet import ACTED_FOR_TITLE, NO_CHECK_INS, CheckInLine, GrowSheet, PlanSheet


def _check_ins(title: str, lines: tuple[CheckInLine, ...], cls: str) -> str:
    items = []
    for c in lines:
        text = f'<span class="label">{h(c.when)}</span>: {h(c.kind)}'
        if c.on_track:
            text += f", {h(c.on_track)}"
        if c.notes.strip():
            text += f'<div class="notes">{h_block(c.notes)}</div>'
        items.append(f"<li>{text}</li>")
    return f'<h3>{h(title)}</h3><ul class="{cls}">{"".join(items)}</ul>'


def _day(text: str) -> str:
    """A day such as ``Fri 2027-04-30``, wrapped (if at all) after the weekday, never inside the date."""
    weekday, _, rest = text.partition(" ")
    if not rest:
        return h(text)
    return f'{h(weekday)} <span class="nowrap">{h(rest)}</span>'


def _grow(g: GrowSheet) -> str:
    options = "".join(
        f'<li><span class="label">{h(name)}</span>: {h(", ".join(ways))}</li>' for name, ways in g.options
    )
    rows = "".join(
        f"<tr><td>{h(a.title)}"
        + (f'<div class="muted">develops {h(a.competency)}</div>' if a.competency else "")
        + f"</td><td>{h(a.owner)}</td><td>{_day(a.due)}</td><td>{h(a.done_when)}</td>"
        f"<td>{h(a.in_the_job or '-')}</td><td>{h(a.status)}</td></tr>"
        for a in g.actions
    )
    reality = "".join(f"<li>{h(r)}</li>" for r in g.reality)
    return (
        '<section id="grow"><h2>GROW plan</h2>'
        f'<p class="muted">Horizon {h(g.horizon)}</p>'
        '<dl class="grow">'
        f"<dt>Goal</dt><dd>{h(g.goal)}</dd>"
        f"<dt>Reality</dt><dd><ul>{reality}</ul></dd>"
        f"<dt>Options</dt><dd><ul>{options}</ul></dd></dl>"
        "<h3>Will</h3>"
        '<table class="actions"><thead><tr><th scope="col" class="what">Action</th>'
        '<th scope="col" class="who">Owner</th><th scope="col" class="due">Due</th>'
        '<th scope="col">Done when</th><th scope="col">In the current job</th>'
        f'<th scope="col" class="state">Status</th></tr></thead><tbody>{rows}</tbody></table></section>'
    )


def _acted_for(sheet: PlanSheet) -> list[str]:
    if not sheet.acted_for:
        return []
    return [
        f'<section id="acted-for"><h2>{h(ACTED_FOR_TITLE)}</h2><ul>',
        *(f'<li><span class="label">{h(when)}</span>: {h(what)}</li>' for when, what in sheet.acted_for),
        "</ul></section>",
    ]


def render(sheet: PlanSheet, stylesheet: str = "") -> str:
    """``sheet`` as one self-contained HTML page (``stylesheet``: linked instead of inlined)."""
    exported = f" Exported {h(sheet.exported)}." if sheet.exported else ""
    body = [
        f"<header><h1>Career plan: {h(sheet.report)}</h1>",
        f'<p class="notice" role="note"><strong>Private copy.</strong> {h(sheet.notice)}</p>',
        f'<p class="muted">Manager: {h(sheet.manager)}. Status: {h(sheet.status)}.{exported}</p></header>',
        '<section id="conversations"><h2>Conversations</h2><ul>',
        *(f"<li>{h(title)}: {h(state)}</li>" for title, state in sheet.conversations),
        "</ul></section>",
    ]
    story = sheet.life_story
    if sheet.has_life_story:
        body.append('<section id="life-story"><h2>Life story</h2>')
        body.append(h_block(story.notes))
        if story.drives:
            body.append(f'<p><span class="label">Drives:</span> {h(", ".join(story.drives))}</p>')
        if story.values:
            body.append(f'<p><span class="label">Values:</span> {h(", ".join(story.values))}</p>')
        body.append("</section>")
    if sheet.roles or sheet.dream:
        body.append('<section id="pinnacle"><h2>The pinnacle</h2>')
        if sheet.dream:
            body.append(f'<p><span class="label">Dream:</span> {h(sheet.dream)}</p>')
        body.append(
            "<ul>"
            + "".join(
                f"<li>{h(label)}{' <strong>(goal)</strong>' if goal else ''}</li>"
                for label, goal in sheet.roles
            )
            + "</ul>"
        )
        if sheet.crossed_out:
            body.append(f'<p><span class="label">Crossed out:</span> {h(", ".join(sheet.crossed_out))}</p>')
        body.append("</section>")
    if sheet.competencies:
        body.append(f'<section id="competencies"><h2>Competencies</h2>{chart(sheet)}</section>')
    if sheet.grow is not None:
        body.append(_grow(sheet.grow))
    body.append('<section id="check-ins"><h2>Check-ins</h2>')
    if not (sheet.held or sheet.to_come):
        body.append(f"<p>{h(NO_CHECK_INS)}</p>")
    if sheet.held:
        body.append(_check_ins("Held", sheet.held, "held"))
    if sheet.to_come:
        body.append(_check_ins("To come", sheet.to_come, "to-come"))
    if sheet.declined_more:
        body.append(f'<p class="muted">{h(sheet.declined_more)}</p>')
    body.append("</section>")
    body += _acted_for(sheet)
    head = f'<link rel="stylesheet" href="{h(stylesheet)}">' if stylesheet else f"<style>{CSS}</style>"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Career plan: {h(sheet.report)}</title>{head}</head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
