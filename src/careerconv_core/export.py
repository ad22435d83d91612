"""The plan as a document for the report and their manager: Markdown or one HTML page.

This is the pair's own copy, so it shows what the pair may see, notes
included. The HTML page is self-contained: inline CSS and an inline SVG
chart of the self-ratings with the focus competencies marked.
"""

from __future__ import annotations

import re
from html import escape

from careerconv_core.domain.conversations import ConversationStatus
from careerconv_core.domain.people import Person
from careerconv_core.domain.pinnacle import RATING_SCALE
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.text import one_line, without_controls

# Every ASCII punctuation character CommonMark lets a backslash escape and that could
# start markup inline: emphasis, code, links, raw HTML, entities, table cells.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~!#])")
# What else makes a line a list item, a rule or a setext underline (``#``, ``>`` and ``*``
# are escaped wherever they stand); leading spaces would make it code.
_MD_BLOCK_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def _md(text: object) -> str:
    """``text`` for one line of Markdown (a heading, a list item, a table cell): literal, no markup."""
    return _MD_INLINE.sub(r"\\\1", one_line(str(text)))


def _md_block(text: str) -> str:
    """Many lines of the pair's own text as literal Markdown paragraphs: line breaks kept."""
    lines = []
    for line in without_controls(text).split("\n"):
        escaped = _MD_INLINE.sub(r"\\\1", line.strip())
        escaped = _MD_BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)
        lines.append(escaped + ("  " if escaped else ""))
    return "\n".join(lines).rstrip()


def _h(text: object) -> str:
    """``text`` for HTML: escaped, without the control characters HTML does not allow."""
    return escape(without_controls(str(text)))


def _when(plan: CareerPlan) -> list[tuple[str, str]]:
    rows = []
    for conv in plan.conversations:
        if conv.status is ConversationStatus.HELD and conv.held_at:
            state = f"held {conv.held_at:%Y-%m-%d}"
        elif conv.status is ConversationStatus.SCHEDULED and conv.start:
            state = f"scheduled {conv.start:%Y-%m-%d %H:%M} UTC"
        else:
            state = conv.status.value.replace("_", " ")
        rows.append((conv.kind.title, state))
    return rows


def markdown(plan: CareerPlan, report: Person, manager: Person) -> str:
    """The plan as Markdown; everything people wrote is escaped, so it reads literally."""
    m = _md
    out = [
        f"# Career plan: {m(report.name)}",
        "",
        f"Manager: {m(manager.name)}. Status: {plan.status.value}.",
        "",
    ]
    out += ["## Conversations", ""] + [f"- {m(title)}: {m(state)}" for title, state in _when(plan)] + [""]
    if plan.life_story.notes or plan.life_story.drives or plan.life_story.values:
        out += ["## Life story", "", _md_block(plan.life_story.notes), ""]
        if plan.life_story.drives:
            out.append("Drives: " + ", ".join(m(d) for d in plan.life_story.drives))
        if plan.life_story.values:
            out.append("Values: " + ", ".join(m(v) for v in plan.life_story.values))
        out.append("")
    p = plan.pinnacle
    if p.roles or p.dream:
        out += ["## The pinnacle", ""]
        if p.dream:
            out += [f"Dream: {m(p.dream)}", ""]
        for role in p.roles:
            chosen = " (goal)" if role.id == p.chosen_role_id else ""
            out.append(f"- {m(role.title)}{' at ' + m(role.company) if role.company else ''}{chosen}")
        if p.crossed_out:
            out += ["", "Crossed out: " + ", ".join(m(c) for c in p.crossed_out)]
        out.append("")
    if p.competencies:
        out += [
            "## Competencies",
            "",
            "| Competency | Self-rating | Manager's view | Focus |",
            "|---|---|---|---|",
        ]
        for c in p.competencies:
            rating = (
                f"{c.self_rating} ({RATING_SCALE[c.self_rating].split(':')[0]})" if c.self_rating else "-"
            )
            view = "; ".join(x for x in (str(c.manager_rating or ""), c.manager_observation) if x) or "-"
            focus = "yes" if c.competency_id in p.focus else ""
            out.append(f"| {m(c.name)} | {m(rating)} | {m(view)} | {focus} |")
        out.append("")
    if plan.grow is not None:
        g = plan.grow
        out += [
            "## GROW plan",
            "",
            f"Horizon: {g.starts} to {g.horizon_end} (revision {g.revision})",
            "",
            f"- **Goal:** {m(g.goal.statement or g.goal.role_id)}",
            "- **Reality:** "
            + (", ".join(f"{m(c.name)} {c.self_rating or '-'}" for c in p.competencies) or "-"),
            "- **Options:** "
            + (
                "; ".join(f"{m(o.competency_id)}: {', '.join(m(w) for w in o.ways)}" for o in g.options)
                or "-"
            ),
            "",
            "| Will: action | Owner | Due | Done when | In the current job | Status |",
            "|---|---|---|---|---|---|",
        ]
        for a in g.actions:
            where = (
                f"{a.opportunity.kind.value.replace('_', ' ')}: {a.opportunity.description}"
                if a.opportunity
                else "-"
            )
            cells = (m(a.title), m(a.owner_id), str(a.due), m(a.done_when), m(where), a.status.value)
            out.append("| " + " | ".join(cells) + " |")
        out.append("")
    return "\n".join(out)


def _chart(plan: CareerPlan) -> str:
    comps = plan.pinnacle.competencies
    if not comps:
        return ""
    row, label_w, bar_w = 28, 220, 300
    height = row * len(comps) + 40
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="Self-ratings" '
        f'width="{label_w + bar_w + 80}" height="{height}" font-family="sans-serif" font-size="13">'
    ]
    for n in range(1, 6):
        x = label_w + bar_w * n / 5
        parts.append(
            f'<line x1="{x:.0f}" y1="10" x2="{x:.0f}" y2="{height - 25}" stroke="#ddd"/>'
            f'<text x="{x:.0f}" y="{height - 8}" text-anchor="middle" fill="#666">{n}</text>'
        )
    for i, c in enumerate(comps):
        y = 12 + i * row
        focus = c.competency_id in plan.pinnacle.focus
        width = bar_w * (c.self_rating or 0) / 5
        colour = "#2a7d4f" if focus else "#8aa4c8"
        parts.append(f'<text x="{label_w - 8}" y="{y + 15}" text-anchor="end">{_h(c.name)}</text>')
        parts.append(
            f'<rect x="{label_w}" y="{y}" width="{width:.0f}" height="20" fill="{colour}">'
            f"<title>{_h(c.name)}: {c.self_rating or 'not rated'}</title></rect>"
        )
        if focus:
            parts.append(
                f'<text x="{label_w + width + 6:.0f}" y="{y + 15}" fill="#2a7d4f">&#9733; focus</text>'
            )
    parts.append("</svg>")
    return "".join(parts)


_CSS = (
    "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}"
    "table{border-collapse:collapse;width:100%;margin:1rem 0}td,th{border:1px solid #ccc;padding:.4rem;"
    "text-align:left;vertical-align:top}th{background:#f3f3f3}h1{margin-bottom:.2rem}.muted{color:#666}"
)


def html(plan: CareerPlan, report: Person, manager: Person) -> str:
    """The plan as one self-contained HTML page with a competency chart and the GROW table."""
    e = _h
    p = plan.pinnacle
    body = [
        f"<h1>Career plan: {e(report.name)}</h1>",
        f'<p class="muted">Manager: {e(manager.name)}. Status: {e(plan.status.value)}.</p>',
        "<h2>Conversations</h2><ul>",
    ]
    body += [f"<li>{e(t)}: {e(s)}</li>" for t, s in _when(plan)] + ["</ul>"]
    if p.roles:
        body.append("<h2>The pinnacle</h2>")
        if p.dream:
            body.append(f"<p>{e(p.dream)}</p>")
        body.append(
            "<ul>"
            + "".join(
                f"<li>{e(r.title)}{' at ' + e(r.company) if r.company else ''}"
                f"{' <strong>(goal)</strong>' if r.id == p.chosen_role_id else ''}</li>"
                for r in p.roles
            )
            + "</ul>"
        )
        if p.crossed_out:
            body.append(f"<p>Crossed out: {e(', '.join(p.crossed_out))}</p>")
    if p.competencies:
        body += [
            "<h2>Competencies</h2>",
            _chart(plan),
            '<p class="muted">Self-rating 1 (new to me) to 5 (exemplary); &#9733; marks the '
            "competencies the report chose to develop now.</p>",
        ]
    if plan.grow is not None:
        g = plan.grow
        reality = ", ".join(f"{c.name} {c.self_rating or '-'}" for c in p.competencies)
        options = "; ".join(f"{o.competency_id}: {', '.join(o.ways)}" for o in g.options)
        body += [
            "<h2>GROW plan</h2>",
            f'<p class="muted">Horizon {g.starts} to {g.horizon_end}, revision {g.revision}</p>',
            "<table><tr><th>Goal</th><th>Reality</th><th>Options</th><th>Will</th></tr>",
            f"<tr><td>{e(g.goal.statement or g.goal.role_id)}</td><td>{e(reality)}</td>"
            f"<td>{e(options)}</td><td><ul>",
        ]
        for a in g.actions:
            job = (
                f" ({e(a.opportunity.kind.value.replace('_', ' '))}: {e(a.opportunity.description)})"
                if a.opportunity
                else ""
            )
            body.append(
                f"<li>{e(a.title)}{job}. Owner {e(a.owner_id)}, due {a.due}, done when "
                f"{e(a.done_when)} [{a.status.value}]</li>"
            )
        body.append("</ul></td></tr></table>")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>Career plan: {e(report.name)}</title><style>{_CSS}</style></head><body>"
        + "\n".join(body)
        + "</body></html>\n"
    )
