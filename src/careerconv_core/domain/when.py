"""Moments as people read them: in their own time zone, with the zone named, beside UTC.

One way to write a time for a person, used by notices, the exports and the
command line, so a meeting reads the same everywhere it is shown.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo


def local(moment: datetime, time_zone: str) -> str:
    """``moment`` in ``time_zone``, e.g. ``Thu 2026-12-03 10:00 Europe/Berlin (09:00 UTC)``.

    A reader in UTC sees the UTC time once.
    """
    utc = moment.astimezone(UTC)
    if time_zone in {"UTC", "Etc/UTC"}:
        return f"{utc:%a %Y-%m-%d %H:%M} UTC"
    mine = moment.astimezone(ZoneInfo(time_zone))
    other_day = "" if mine.date() == utc.date() else f"{utc:%Y-%m-%d} "
    return f"{mine:%a %Y-%m-%d %H:%M} {time_zone} ({other_day}{utc:%H:%M} UTC)"


def day(value: date) -> str:
    """A calendar day with its weekday, e.g. ``Thu 2026-12-03``: the same in every time zone."""
    return f"{value:%a %Y-%m-%d}"
