"""How the SQLite store carries instants, days and lists (pure, no I/O).

Instants are stored as fixed-width UTC ISO text (``2026-11-25T09:00:00.000000Z``)
so that text order is time order and the indexes can compare them. Days are
``YYYY-MM-DD``; ``delivered_to`` is a JSON list as text. The rows themselves
are ``careerconv_plugins.sql.rows``'s.
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

from careerconv_core.domain.clock import require_aware
from careerconv_plugins.sql.rows import RowCodec

_UTC_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"


def utc_text(value: datetime) -> str:
    """``value`` as sortable UTC text; naive datetimes are refused."""
    return require_aware(value, "datetime").astimezone(UTC).strftime(_UTC_FORMAT)


def from_utc_text(text: str) -> datetime:
    """The aware UTC datetime written by ``utc_text``."""
    return datetime.strptime(text, _UTC_FORMAT).replace(tzinfo=UTC)


def _day(value: str | date) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


ROWS = RowCodec(
    to_moment=utc_text,
    from_moment=from_utc_text,
    to_day=date.isoformat,
    from_day=_day,
    to_list=json.dumps,
    from_list=json.loads,
)
"""The SQLite row codec."""
