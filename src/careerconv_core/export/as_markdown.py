"""The plan on one page as Markdown: every text people wrote is escaped, so it reads literally."""

from __future__ import annotations

from careerconv_core.export.escaping import md as m
from careerconv_core.export.escaping import md_block
from careerconv_core.export.sheet import (
    ACTED_FOR_TITLE,
    NO_CHECK_INS,
    CheckInLine,
    CompetencyLine,
    GrowSheet,
    PlanSheet,
    scale_word,
)


def _rating(level: int | None) -> str:
    return f"{level} ({scale_word(level)})" if level is not None else "-"


def _competency_row(c: CompetencyLine) -> str:
    target = _rating(c.target) + (f": {c.gap_text}" if c.gap_text else "")
    rated = f"rated {c.manager_rating}" if c.manager_rating else ""
    view = "; ".join(x for x in (rated, c.observation) if x) or "-"
    cells = (m(c.name), m(_rating(c.self_rating)), m(target), m(view), "yes" if c.focus else "")
    return "| " + " | ".join(cells) + " |"


def _check_in(line: CheckInLine) -> str:
    text = f"- {m(line.when)}: {m(line.kind)}"
    if line.on_track:
        text += f", {m(line.on_track)}"
    if line.notes.strip():
        text += f". {m(line.notes)}"
    return text


def _life_story(sheet: PlanSheet) -> list[str]:
    story = sheet.life_story
    out = ["## Life story", ""]
    if story.notes.strip():
        out += [md_block(story.notes), ""]
    if story.drives:
        out += ["Drives: " + ", ".join(m(d) for d in story.drives), ""]
    if story.values:
        out += ["Values: " + ", ".join(m(v) for v in story.values), ""]
    return out


def _pinnacle(sheet: PlanSheet) -> list[str]:
    out = ["## The pinnacle", ""]
    if sheet.dream:
        out += [f"Dream: {m(sheet.dream)}", ""]
    out += [f"- {m(label)}{' (goal)' if goal else ''}" for label, goal in sheet.roles]
    if sheet.crossed_out:
        out += ["", "Crossed out: " + ", ".join(m(c) for c in sheet.crossed_out)]
    return [*out, ""]


def _competencies(sheet: PlanSheet) -> list[str]:
    out = ["## Competencies", ""]
    if sheet.role_profile:
        out += [f"Levels the role calls for: the catalog profile {m(sheet.role_profile)}.", ""]
    return [
        *out,
        "| Competency | Self-rating | The role calls for | Manager's view | Focus |",
        "|---|---|---|---|---|",
        *(_competency_row(c) for c in sheet.competencies),
        "",
    ]


def _grow(g: GrowSheet) -> list[str]:
    options = "; ".join(f"{m(name)}: {', '.join(m(w) for w in ways)}" for name, ways in g.options)
    out = [
        "## GROW plan",
        "",
        f"Horizon: {m(g.horizon)}",
        "",
        f"- **Goal:** {m(g.goal)}",
        "- **Reality:** " + ("; ".join(m(r) for r in g.reality) or "-"),
        "- **Options:** " + (options or "-"),
        "",
        "| Will: action | Owner | Due | Done when | In the current job | Status |",
        "|---|---|---|---|---|---|",
    ]
    for a in g.actions:
        title = a.title + (f" (develops {a.competency})" if a.competency else "")
        cells = (m(title), m(a.owner), m(a.due), m(a.done_when), m(a.in_the_job or "-"), m(a.status))
        out.append("| " + " | ".join(cells) + " |")
    return [*out, ""]


def _check_ins(sheet: PlanSheet) -> list[str]:
    out = ["## Check-ins", ""]
    if not (sheet.held or sheet.to_come):
        out += [NO_CHECK_INS, ""]
    if sheet.held:
        out += ["**Held**", "", *(_check_in(c) for c in sheet.held), ""]
    if sheet.to_come:
        out += ["**To come**", "", *(_check_in(c) for c in sheet.to_come), ""]
    if sheet.declined_more:
        out += [m(sheet.declined_more), ""]
    return out


def render(sheet: PlanSheet) -> str:
    """``sheet`` as a Markdown document."""
    exported = f" Exported {m(sheet.exported)}." if sheet.exported else ""
    out = [
        f"# Career plan: {m(sheet.report)}",
        "",
        f"**Private copy.** {m(sheet.notice)}",
        "",
        f"Manager: {m(sheet.manager)}. Status: {m(sheet.status)}.{exported}",
        "",
        "## Conversations",
        "",
        *(f"- {m(title)}: {m(state)}" for title, state in sheet.conversations),
        "",
    ]
    if sheet.has_life_story:
        out += _life_story(sheet)
    if sheet.roles or sheet.dream:
        out += _pinnacle(sheet)
    if sheet.competencies:
        out += _competencies(sheet)
    if sheet.grow is not None:
        out += _grow(sheet.grow)
    out += _check_ins(sheet)
    if sheet.acted_for:
        out += [f"## {ACTED_FOR_TITLE}", "", *(f"- {m(when)}: {m(what)}" for when, what in sheet.acted_for)]
    return "\n".join(out)
