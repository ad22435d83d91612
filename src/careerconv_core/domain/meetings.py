"""The one-off meetings a plan holds beside the three conversations (M13, M14)."""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import field, frozen

from careerconv_core.errors import InvalidInput


class MeetingKind(enum.StrEnum):
    """The one-off meetings a plan can hold; the values are the stored text."""

    ABBREVIATED_SESSION = "abbreviated_session"  # M13: 60 minutes on life and dreams
    MANAGER_LIFE_STORY = "manager_life_story"  # M14: the manager's own life story

    @classmethod
    def of(cls, value: MeetingKind | str) -> MeetingKind:
        """The kind named ``value``, or ``InvalidInput`` naming the kinds there are."""
        try:
            return cls(value)
        except ValueError:
            raise InvalidInput("kind", " or ".join(k.value for k in cls), str(value)) from None


def _meeting_kind(value: MeetingKind | str) -> MeetingKind:
    return MeetingKind.of(value)  # a named function: mypy's attrs plugin takes no classmethod


@frozen
class Meeting:
    """A one-off meeting on the plan: an abbreviated session (M13) or a life-story request (M14)."""

    kind: MeetingKind = field(converter=_meeting_kind)
    start: datetime
    end: datetime
    sequence: int = 0
    cancelled: bool = False
    era: str = ""  # the handoff under which it was placed: its organizer (M12)
