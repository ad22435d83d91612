"""Retry-After in both of its forms, as every HTTP adapter reads it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from careerconv_plugins.http import retry_after_seconds

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120.0),
        ("0", 0.0),
        ("-5", 0.0),
        ("Wed, 25 Nov 2026 12:01:30 GMT", 90.0),
        ("Wed, 25 Nov 2026 11:00:00 GMT", 0.0),  # already past: go now
        ("soon", None),
        ("", None),
    ],
)
def test_retry_after_forms(value: str, expected: float | None) -> None:
    assert retry_after_seconds({"Retry-After": value}, NOW) == expected


def test_no_header_means_the_caller_decides() -> None:
    assert retry_after_seconds({}, NOW) is None
    assert retry_after_seconds(None, NOW) is None
