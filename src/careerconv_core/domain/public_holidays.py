"""Public holidays of a region, from the ``holidays`` package: days that hold no working time.

A region is an ISO 3166 code: a country (``"DE"``) or a country and one of
its subdivisions (``"DE-BY"``, ``"US-CA"``). The package computes the dates
from rules, with no I/O, so the core can ask it directly.
"""

from __future__ import annotations

import re
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
        return f"unknown subdivision {subdivision!r} of {country} ({known_subdivisions(country)})"
    return None


def known_subdivisions(country: str) -> str:
    """The first few subdivisions of ``country``, for a message: ``"known: DE-BB, DE-BE, ..."``."""
    codes = _supported().get(country, ())
    if not codes:
        return f"{country} has no subdivisions"
    more = ", ..." if len(codes) > 8 else ""
    return "known: " + ", ".join(f"{country}-{s}" for s in codes[:8]) + more


def _key(name: str) -> str:
    """A name as names are compared: "United States" is "UnitedStates"."""
    return re.sub(r"[\W_]+", "", name).casefold()


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    """Every spelling the package knows of a country, by ``_key``: codes, aliases and its name."""
    import holidays  # noqa: PLC0415 - see _supported

    names: dict[str, str] = {}
    # The package's registry names each country's class after the country ("UnitedKingdom"),
    # beside its alpha-2, alpha-3 and other codes ("UK"); the codes alone are its public list.
    try:
        from holidays.registry import COUNTRIES  # noqa: PLC0415
    except ImportError:  # a future layout of the package: codes only
        COUNTRIES = {}  # noqa: N806
    for entry in COUNTRIES.values():
        if len(entry) >= 2 and entry[1] in _supported():
            for spelling in entry:
                if isinstance(spelling, str) and not spelling.startswith("Holidays"):
                    names.setdefault(_key(spelling), entry[1])
    for code in holidays.list_supported_countries(include_aliases=False):
        names[_key(code)] = code
    return names


def country_code(text: str) -> str | None:
    """The ISO 3166-1 alpha-2 code of the country ``text`` names (a code, or a name the package
    knows, such as ``"Germany"`` or ``"united states"``), or ``None``."""
    return _country_names().get(_key(text)) if _key(text) else None


@lru_cache(maxsize=256)
def _subdivision_names(country: str) -> dict[str, str]:
    import holidays  # noqa: PLC0415 - see _supported

    names = {_key(code): code for code in _supported().get(country, ())}
    aliases = getattr(holidays.country_holidays(country), "subdivisions_aliases", None) or {}
    for name, code in aliases.items():
        names.setdefault(_key(name), code)
    return names


def subdivision_code(country: str, text: str) -> str | None:
    """The code of ``country``'s subdivision ``text`` (a code such as ``"BY"``, or a name the
    package gives it, such as ``"Bayern"`` or ``"California"``), or ``None``."""
    return _subdivision_names(country).get(_key(text)) if country in _supported() else None


def has_subdivisions(country: str) -> bool:
    """Whether the package keeps holidays per subdivision of ``country``."""
    return bool(_supported().get(country))


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
