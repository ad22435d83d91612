"""The three conversations, in order (M3), and their lengths."""

from __future__ import annotations

import enum
from datetime import datetime

from attrs import evolve, field, frozen

from careerconv_core.domain.clock import require_aware
from careerconv_core.errors import InvalidInput, RuleViolation


class ConversationKind(enum.Enum):
    """The three conversations, in the order they are held (M3)."""

    LIFE_STORY = "life_story"
    PINNACLE = "pinnacle"
    GROW_REVIEW = "grow_review"

    @property
    def number(self) -> int:
        """1, 2 or 3."""
        return ORDER.index(self) + 1

    @property
    def label(self) -> str:
        """Readable name for messages: ``"GROW review"``."""
        return _LABELS[self]

    @property
    def title(self) -> str:
        """The conversation's name as managers say it."""
        return _TITLES[self]


ORDER = (ConversationKind.LIFE_STORY, ConversationKind.PINNACLE, ConversationKind.GROW_REVIEW)

_LABELS = {
    ConversationKind.LIFE_STORY: "life story",
    ConversationKind.PINNACLE: "pinnacle",
    ConversationKind.GROW_REVIEW: "GROW review",
}

_TITLES = {
    ConversationKind.LIFE_STORY: "Career conversation 1: your life story",
    ConversationKind.PINNACLE: "Career conversation 2: the pinnacle of your career",
    ConversationKind.GROW_REVIEW: "Career conversation 3: your GROW plan",
}


def _length(_instance: object, attribute: object, value: int) -> None:
    if not 15 <= value <= 240:
        name = getattr(attribute, "name", "length")
        raise InvalidInput(f"lengths.{name}", "minutes from 15 to 240", f"{value} minutes")


@frozen
class ConversationLengths:
    """Minutes per conversation (M3). The method's defaults sum to 2 h 45 min."""

    life_story: int = field(default=60, validator=_length)
    pinnacle: int = field(default=60, validator=_length)
    grow_review: int = field(default=45, validator=_length)

    def minutes(self, kind: ConversationKind) -> int:
        """The length of ``kind``."""
        return int(getattr(self, kind.value))

    @property
    def total(self) -> int:
        """All three together, in minutes (M11's initial budget per report)."""
        return self.life_story + self.pinnacle + self.grow_review


class ConversationStatus(enum.Enum):
    """Where one conversation stands."""

    NOT_SCHEDULED = "not_scheduled"
    SCHEDULED = "scheduled"
    HELD = "held"
    CANCELLED = "cancelled"


@frozen
class Conversation:
    """One of the three conversations: when it is, whether it was held.

    ``sequence`` counts real changes to its calendar invite (RFC 5545 SEQUENCE).
    ``era`` is the handoff through which its organizer held the plan when it
    was placed ("" for the manager who proposed it): the invite's organizer
    and UID follow from it, so a new manager's meeting is a new event (M12).
    """

    kind: ConversationKind
    status: ConversationStatus = ConversationStatus.NOT_SCHEDULED
    start: datetime | None = None
    end: datetime | None = None
    held_at: datetime | None = None
    sequence: int = 0
    era: str = ""

    def scheduled(self, start: datetime, end: datetime, era: str = "") -> Conversation:
        """This conversation placed at ``start``-``end``; a move counts as a change."""
        require_aware(start, f"{self.kind.value}.start")
        require_aware(end, f"{self.kind.value}.end")
        if self.status is ConversationStatus.HELD:
            raise RuleViolation(
                "M4",
                f"conversation {self.kind.number} was already held",
                "schedule only conversations not yet held",
            )
        if end <= start:
            raise InvalidInput(f"{self.kind.value}.end", "an end after the start")
        if era != self.era:  # another organizer's event: a new one, never theirs updated (M12)
            return evolve(
                self, status=ConversationStatus.SCHEDULED, start=start, end=end, sequence=0, era=era
            )
        if (start, end) == (self.start, self.end) and self.status is ConversationStatus.SCHEDULED:
            return self
        # A move, or a new invite after a cancellation, is a new revision (RFC 5545 SEQUENCE).
        moved = self.status in (ConversationStatus.SCHEDULED, ConversationStatus.CANCELLED)
        return evolve(
            self,
            status=ConversationStatus.SCHEDULED,
            start=start,
            end=end,
            sequence=self.sequence + 1 if moved else self.sequence,
        )

    def held(self, at: datetime) -> Conversation:
        """This conversation, recorded as held at ``at``."""
        return evolve(self, status=ConversationStatus.HELD, held_at=require_aware(at, "held_at"))

    def cancelled(self) -> Conversation:
        """This conversation, called off (its invite is cancelled)."""
        if self.status is not ConversationStatus.SCHEDULED:
            return self
        return evolve(self, status=ConversationStatus.CANCELLED, sequence=self.sequence + 1)


def fresh_conversations() -> tuple[Conversation, ...]:
    """The three conversations, none scheduled yet, in the method's order (M3)."""
    return tuple(Conversation(kind) for kind in ORDER)
