"""The one rule from O*NET's figures to the level a role calls for, and the role profiles that carry it."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from careerconv_core.domain.catalog import RoleProfile
from careerconv_core.domain.target_levels import target_from_onet
from careerconv_core.errors import InvalidInput


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        ("0", 1),
        ("0.87", 1),
        ("0.875", 2),
        ("2.62", 2),
        ("2.625", 3),
        ("3.5", 3),
        ("4.37", 3),
        ("4.375", 4),
        ("6.12", 4),
        ("6.125", 5),
        ("7", 5),
    ],
)
def test_the_0_to_7_level_maps_linearly_onto_1_to_5_rounded_half_up(level: str, expected: int) -> None:
    assert target_from_onet(level, "3.00") == expected


def test_an_element_below_important_gives_no_target() -> None:
    assert target_from_onet("6.50", "2.99") is None
    assert target_from_onet("6.50", "3") == 5


@given(st.decimals(min_value=0, max_value=7, places=2), st.decimals(min_value=3, max_value=5, places=2))
def test_every_figure_on_the_scale_gives_a_level_that_grows_with_it(
    level: object, importance: object
) -> None:
    got = target_from_onet(str(level), str(importance))
    assert got is not None and 1 <= got <= 5
    assert got <= (target_from_onet("7", str(importance)) or 0)


@pytest.mark.parametrize(("level", "importance"), [("7.01", "4"), ("-1", "4"), ("5", "0.5"), ("x", "4")])
def test_figures_off_onets_scales_are_refused(level: str, importance: str) -> None:
    with pytest.raises(InvalidInput, match="O\\*NET"):
        target_from_onet(level, importance)


def test_a_profile_gives_one_level_per_competency_or_none() -> None:
    role = RoleProfile("r", "Role", "sales", ("a", "b"), target_levels=(4, None))
    assert role.target_level("a") == 4 and role.target_level("b") is None and role.target_level("z") is None
    assert RoleProfile("r", "Role", "sales", ("a",)).target_level("a") is None
    with pytest.raises(InvalidInput, match="one level per competency"):
        RoleProfile("r", "Role", "sales", ("a", "b"), target_levels=(4,))
    with pytest.raises(InvalidInput, match="target level of a"):
        RoleProfile("r", "Role", "sales", ("a",), target_levels=(6,))
