"""The plan's record of steps taken in the report's name by someone else.

Once a web surface gives the report their own page, a step of theirs taken
elsewhere (the command line's ``--as``, when ``[web] allow_acting_for_others``
lets it) is the exception, and the plan keeps it: who acted, for whom, which
step, when. The entry goes on the plan in the same change as the step itself,
so it cannot be lost between the two, and it is shown wherever the plan is.
Ids, a step's name and a time only: no note.
"""

from __future__ import annotations

from datetime import datetime

from attrs import frozen

from careerconv_core.domain.clock import require_aware


@frozen
class ActedFor:
    """``by`` took ``step`` at ``at`` in the name of ``for_id`` (the report)."""

    at: datetime
    by: str  # who acted: "the command line", with the account it ran under when known
    for_id: str
    step: str  # the command or page, such as "accept"

    def __attrs_post_init__(self) -> None:
        require_aware(self.at, "acted_for.at")

    def said(self) -> str:
        """The entry in plain words, without the time (shown beside it)."""
        return f"{self.step}: taken in {self.for_id}'s name by {self.by}"
