"""Who may see a field (ARCHITECTURE section 4).

Every private field of the domain is declared with ``private()`` or
``shared()``; views are built from the field list, and the privacy test
plants a marker in every field declared here and checks it never leaves the
process. A field without a mark carries no personal content (ids, dates,
states).
"""

from __future__ import annotations

import enum
from typing import Any

from attrs import field


class Visibility(enum.Enum):
    """How far a field may travel."""

    PAIR = "pair"  # the report and their current manager only
    SHARED = "shared"  # also people the report chose (a new manager, with consent)
    SUMMARY = "summary"  # may reach HR systems, when the report agreed


VISIBILITY = "careerconv_visibility"


def private(**kwargs: Any) -> Any:
    """An attrs field seen by the report and their current manager only."""
    return field(metadata={VISIBILITY: Visibility.PAIR}, **kwargs)


def shared(**kwargs: Any) -> Any:
    """An attrs field that may be shown to people the report chose."""
    return field(metadata={VISIBILITY: Visibility.SHARED}, **kwargs)


def summary(**kwargs: Any) -> Any:
    """An attrs field that may reach HR systems when the report agreed."""
    return field(metadata={VISIBILITY: Visibility.SUMMARY}, **kwargs)
