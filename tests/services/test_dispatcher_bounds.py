"""The dispatcher itself refuses a limit or a clock it cannot work with, not only the facade."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from careerconv_core.dispatch import MOST_PER_RUN, Dispatcher
from careerconv_core.errors import InvalidInput
from careerconv_core.testing import InMemoryStore


def test_a_limit_past_what_a_store_counts_or_a_clock_off_the_calendar_is_refused() -> None:
    now = datetime(2027, 1, 4, 9, tzinfo=UTC)
    dispatcher = Dispatcher(InMemoryStore(), {}, lambda: now)
    assert dispatcher.run_once(MOST_PER_RUN).claimed == 0
    for bad in (MOST_PER_RUN + 1, 10**30, 0, "5"):
        with pytest.raises(InvalidInput, match=r"limit: .*from 1 to 1000000"):
            dispatcher.run_once(bad)  # type: ignore[arg-type]
    far = Dispatcher(InMemoryStore(), {}, lambda: datetime(9999, 12, 31, tzinfo=UTC))
    with pytest.raises(InvalidInput, match="clock"):
        far.run_once(1)
