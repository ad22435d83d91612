"""The base of the plan's steps that live beside their rules (cadence, handoff).

``CareerPlan`` takes its M10 steps from ``cadence.CadencePart`` and its
M12-M13 steps from ``handoff.HandoffPart``. Each of those is a
``PlanPart``: it declares, for the type checker only, what every part
reads of the plan and the few helpers the plan gives them.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Self

from careerconv_core.domain.conversations import Conversation, ConversationKind
from careerconv_core.domain.status import PlanStatus


class PlanPart:
    """What a part of ``CareerPlan`` may rely on; it holds no state of its own."""

    __slots__ = ()

    if TYPE_CHECKING:  # provided by CareerPlan, which every part is a base of
        id: str
        report_id: str
        manager_id: str
        status: PlanStatus
        conversations: tuple[Conversation, ...]
        last_touched_at: datetime | None

        def conversation(self, kind: ConversationKind) -> Conversation: ...
        def _changed(self, **changes: Any) -> Self: ...
        def _cancel_scheduled(self) -> Self: ...
        def _require_active(self, step: str) -> None: ...
        def _require_held(self, kind: ConversationKind, step: str) -> None: ...
