"""HTTP details every adapter that speaks HTTP shares."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


def retry_after_seconds(headers: Mapping[str, str] | None, now: datetime | None = None) -> float | None:
    """Seconds a server asked us to wait (RFC 9110 ``Retry-After``), or None when it did not say.

    Accepts both forms: delta-seconds (``120``) and an HTTP date. A date in the
    past, or a negative number, means "now" (0.0); anything unreadable is None,
    so the caller's own backoff decides.
    """
    raw = (headers or {}).get("Retry-After", "").strip()
    if not raw:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())
