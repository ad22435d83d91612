"""Public holidays of a region, from the ``holidays`` package: days that hold no working time.

A region is an ISO 3166 code: a country (``"DE"``) or a country and one of
its subdivisions (``"DE-BY"``, ``"US-CA"``). The package computes the dates
from rules, with no I/O, so the core can ask it directly.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

_FIX = "an ISO 3166 country such as 'DE', or a country and subdivision such as 'DE-BY'"


@lru_cache(maxsize=1)
def _supported() -> dict[str, tuple[str, ...]]:
    import holidays  # noqa: PLC0415 - 0.15 s to import: only for people who have holidays

    return {country: tuple(subs) for country, subs in holidays.list_supported_countries().items()}


def region_problem(region: str) -> str | None:
    """Why ``region`` names no holiday calendar (with what would work), or ``None`` when it does."""
    country, _, subdivision = region.partition("-")
    supported = _supported()
    if country not in supported:
        return f"unknown holiday country {country!r}"
    if subdivision and subdivision not in supported[country]:
        known = ", ".join(f"{country}-{s}" for s in supported[country][:8])
        more = ", ..." if len(supported[country]) > 8 else ""
        listed = f" (known: {known}{more})" if known else f" ({country} has no subdivisions)"
        return f"unknown subdivision {subdivision!r} of {country}{listed}"
    return None


def expected() -> str:
    """What a holiday region looks like, for error messages."""
    return _FIX


@lru_cache(maxsize=4096)
def days_off(region: str, first: int, last: int) -> frozenset[int]:
    """Date ordinals from ``first`` to ``last`` that are public holidays in ``region``."""
    import holidays  # noqa: PLC0415 - see _supported

    country, _, subdivision = region.partition("-")
    years = range(date.fromordinal(first).year, date.fromordinal(last).year + 1)
    calendar = holidays.country_holidays(country, subdiv=subdivision or None, years=years)
    return frozenset(d.toordinal() for d in calendar if first <= d.toordinal() <= last)


@lru_cache(maxsize=1024)
def _year_off(region: str, year: int) -> frozenset[int]:
    return days_off(region, date(year, 1, 1).toordinal(), date(year, 12, 31).toordinal())


def is_off(region: str | None, ordinal: int) -> bool:
    """Whether the date ``ordinal`` is a public holiday in ``region`` (never, for ``None``)."""
    return region is not None and ordinal in _year_off(region, date.fromordinal(ordinal).year)
