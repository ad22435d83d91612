"""The plan on one page, as a reader sees it in a real browser (Debian's Chromium, headless).

The example plan (``support.example_plan``) is exported to HTML, opened from a
file with every other request refused, and read through the rendered page:
what is visible, where it stands, whether a label is clipped. Nothing here
looks at our own HTML strings.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from careerconv_core import export
from careerconv_core.domain.pinnacle import CompetencyRating
from support.browser import chromium, require_browser
from support.example_plan import (
    EXPORTED_AT,
    MANAGER,
    RATINGS,
    REPORT,
    example_catalog,
    example_plan,
)

WIDTHS = (1024, 420)  # a laptop window and a phone


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium(require_browser()) as opened:
        yield opened


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("plan") / "jonas-plan.html"
    plan = example_plan()
    path.write_text(
        export.html(plan, REPORT, MANAGER, catalog=example_catalog(), now=EXPORTED_AT), encoding="utf-8"
    )
    return path


@pytest.fixture(params=WIDTHS, ids=lambda w: f"{w}px")
def page(request: pytest.FixtureRequest, browser: Any, page_file: Path) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": request.param, "height": 900})
    asked: list[str] = []

    def only_the_page(route: Any) -> None:
        asked.append(route.request.url)
        if route.request.url == page_file.as_uri():
            route.continue_()
        else:
            route.abort()

    context.route("**/*", only_the_page)
    opened = context.new_page()
    opened.goto(page_file.as_uri())
    yield opened
    assert asked == [page_file.as_uri()], f"the page asked for more than itself: {asked}"
    context.close()


def _visible_text(page: Any, selector: str) -> str:
    element = page.locator(selector)
    assert element.is_visible(), selector
    return str(element.inner_text())


def test_the_private_copy_notice_comes_first(page: Any) -> None:
    notice = page.get_by_role("note")
    assert notice.is_visible()
    assert "private copy of Jonas Weber and Maya Okafor" in notice.inner_text()
    first_section = page.locator("h2").first.bounding_box()
    assert notice.bounding_box()["y"] < first_section["y"]


def test_the_life_story_heading_and_text_are_shown(page: Any) -> None:
    assert page.get_by_role("heading", name="Life story", level=2).is_visible()
    story = _visible_text(page, "#life-story")
    assert "Grew up in a family workshop in Kassel" in story
    assert "happiest when a junior colleague ships something on their own" in story
    assert "craft, fairness, independence" in story


def test_the_managers_observations_stand_beside_the_reports_rating(page: Any) -> None:
    row = page.locator("tr.competency", has_text="Influence across teams")
    view = row.locator("td.view").inner_text()
    assert "Already the person other teams ask about the build system" in view
    assert "Manager's rating: 4" in view
    assert "3 capable" in row.locator("td.rating").inner_text(), "the report's own rating stays"


def test_the_check_ins_held_and_to_come_are_listed(page: Any) -> None:
    assert page.get_by_role("heading", name="Check-ins").is_visible()
    held = page.locator("#check-ins ul.held > li")
    assert held.count() == 2
    assert "on track" in held.nth(0).inner_text() and "First coffee held." in held.nth(0).inner_text()
    assert (
        "needs a change" in held.nth(1).inner_text() and "Move the date to May." in held.nth(1).inner_text()
    )
    to_come = page.locator("#check-ins ul.to-come > li")
    assert to_come.count() == 4, "the follow-ups after the export's moment"
    assert "Thu 2027-04-08 11:00 Europe/Berlin" in to_come.nth(0).inner_text()
    assert "Quarterly review" in to_come.nth(0).inner_text()


def test_owners_options_and_goal_read_as_names_not_ids(page: Any) -> None:
    owners = page.locator("table.actions tbody tr td:nth-child(2)").all_inner_texts()
    assert owners == ["Jonas Weber", "Jonas Weber", "Maya Okafor"]
    options = _visible_text(page, "#grow dl.grow")
    assert "Developing people: mentor the two new hires" in options
    assert "Hiring well: join the interview loop" in options
    assert "Become a VP of Engineering" in options
    shown = page.locator("body").inner_text()
    for ident in ("developing-people", "cross-team-influence", "vp-eng", "plan-jonas"):
        assert ident not in shown, ident


def test_every_competency_label_is_shown_whole(page: Any) -> None:
    labels = page.locator("table.chart tbody th.comp-name")
    names = [c.name for c in _competencies()]
    assert labels.count() == len(names)
    viewport = page.viewport_size["width"]
    for n, name in enumerate(names):
        label = labels.nth(n)
        assert label.inner_text().startswith(name)
        fits = label.evaluate("e => e.scrollWidth <= e.clientWidth && e.scrollHeight <= e.clientHeight")
        assert fits, f"{name!r} is clipped"
        box = label.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport, f"{name!r} runs off the page"
    # The long one wraps onto several lines inside its cell instead of running out of it.
    long_label = labels.filter(has_text="several sites and time zones")
    line = float(long_label.evaluate("e => parseFloat(getComputedStyle(e).lineHeight)"))
    assert long_label.bounding_box()["height"] > 2 * line


def test_no_table_cell_spills_over(page: Any) -> None:
    spilling = page.locator("td, th").evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth).map(c => c.innerText)"
    )
    assert spilling == []
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "no sideways scrolling"


def test_the_role_level_is_marked_beside_each_self_rating(page: Any) -> None:
    role = example_catalog().role("vp-engineering")
    rows = page.locator("tr.competency")
    for n, comp in enumerate(_competencies()):
        scale = rows.nth(n).locator(".scale")
        target, bar = scale.locator(".target"), scale.locator(".bar")
        wanted = role.target_level(comp.competency_id)
        assert target.is_visible() and target.get_attribute("data-level") == str(wanted)
        track, mark, filled = scale.bounding_box(), target.bounding_box(), bar.bounding_box()
        # The line stands at level/5 of the scale, the bar reaches rating/5: both read off the page.
        assert abs(mark["x"] + mark["width"] / 2 - (track["x"] + track["width"] * wanted / 5)) < 3
        assert abs(filled["width"] - track["width"] * RATINGS[comp.competency_id] / 5) < 3
        assert mark["height"] > track["height"], "the line stands out above and below the bar"
    hiring = page.locator("tr.competency", has_text="Hiring well").inner_text()
    assert "role: 4 strong" in hiring and "3 levels to go" in hiring
    assert page.locator(".legend").inner_text().count("the level the role calls for") == 1


A4_CONTENT_WIDTH = 688  # CSS pixels between the page's 14 mm margins on A4 paper


def test_printed_the_page_keeps_its_marks_and_labels(page: Any) -> None:
    page.emulate_media(media="print")
    page.set_viewport_size({"width": min(A4_CONTENT_WIDTH, page.viewport_size["width"]), "height": 900})
    assert page.get_by_role("note").is_visible()
    assert page.locator(".scale .target").count() == len(_competencies())
    for n in range(page.locator(".scale .target").count()):
        mark = page.locator(".scale .target").nth(n)
        assert mark.evaluate("e => getComputedStyle(e).borderLeftStyle") == "solid"
    labels = page.locator("table.chart tbody th.comp-name")
    for n in range(labels.count()):
        assert labels.nth(n).evaluate("e => e.scrollWidth <= e.clientWidth")
    spilling = page.locator("td, th").evaluate_all(
        "cells => cells.filter(c => c.scrollWidth > c.clientWidth).map(c => c.innerText)"
    )
    assert spilling == []
    assert page.pdf(format="A4")[:5] == b"%PDF-"


def _competencies() -> tuple[CompetencyRating, ...]:
    return example_plan().pinnacle.competencies
