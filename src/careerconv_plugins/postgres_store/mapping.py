"""How the PostgreSQL store carries instants, days and lists (pure, no I/O).

Instants travel as aware ``datetime`` (``timestamptz``), days as ``date``,
``delivered_to`` as a ``jsonb`` list. The rows themselves are
``careerconv_plugins.sql.rows``'s.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from psycopg.types.json import Jsonb

from careerconv_core.domain.clock import require_aware
from careerconv_plugins.sql.rows import RowCodec


def aware(value: datetime) -> datetime:
    """``value``, refused if naive: a naive value would be read in the session's zone."""
    return require_aware(value, "datetime")


def _same_day(value: date) -> date:
    return value


def _same_list(value: Sequence[str]) -> Sequence[str]:
    return value


ROWS = RowCodec(
    to_moment=aware,
    from_moment=aware,
    to_day=_same_day,
    from_day=_same_day,
    to_list=Jsonb,
    from_list=_same_list,
)
"""The PostgreSQL row codec."""
