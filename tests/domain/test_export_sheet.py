"""What the plan on one page says, before either format lays it out."""

from __future__ import annotations

from attrs import evolve

from careerconv_core import export
from careerconv_core.domain.catalog import Catalog
from careerconv_core.export.sheet import plan_sheet
from support.example_plan import EXPORTED_AT, MANAGER, REPORT, example_catalog, example_plan


def test_follow_ups_before_the_export_are_not_to_come() -> None:
    plan = example_plan()
    assert len(plan_sheet(plan, REPORT, MANAGER, now=EXPORTED_AT).to_come) == 4
    assert len(plan_sheet(plan, REPORT, MANAGER).to_come) == 6, "without a moment, every one placed"


def test_a_goal_whose_profile_left_the_catalog_shows_no_levels() -> None:
    catalog = example_catalog()
    without = Catalog(catalog.competencies, tuple(r for r in catalog.roles if r.id != "vp-engineering"))
    sheet = plan_sheet(example_plan(), REPORT, MANAGER, catalog=without)
    assert not sheet.has_targets and sheet.role_profile == ""
    assert plan_sheet(example_plan(), REPORT, MANAGER, catalog=catalog).has_targets


def test_both_formats_say_it_is_the_pairs_private_copy_and_hold_the_same_facts() -> None:
    plan, catalog = example_plan(), example_catalog()
    for write in (export.markdown, export.html):
        text = write(plan, REPORT, MANAGER, catalog=catalog, now=EXPORTED_AT)
        assert "private copy of Jonas Weber and Maya Okafor" in text
        for fact in ("Grew up in a family workshop", "3 levels to go", "First coffee held.", "Maya Okafor"):
            assert fact in text, (write.__name__, fact)


def test_an_owner_who_is_neither_participant_keeps_the_id_rather_than_vanishing() -> None:
    plan = example_plan()
    assert plan.grow is not None
    action = evolve(plan.grow.actions[0], owner_id="someone-else")
    odd = evolve(plan, grow=evolve(plan.grow, actions=(action,)))
    sheet = plan_sheet(odd, REPORT, MANAGER)
    assert sheet.grow is not None and sheet.grow.actions[0].owner == "someone-else"
