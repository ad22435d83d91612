"""Moving an issue through its workflow: the shortest path of transitions to a goal status.

Jira only tells which transitions an issue may take *from where it is now*
(``GET issue/{key}/transitions``); a workflow such as To Do -> In Progress ->
Done has no direct To Do -> Done. So the walk learns the workflow as it goes
(status -> transitions seen from it, kept for the run, as every issue of the
project shares it), takes the shortest known path to a goal, and where none is
known yet steps to the nearest status it has not seen the transitions of
(never into a done status on the way to another). A named ``done_transition``
must be on the path to done.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any, Protocol

from attrs import frozen

MAX_STEPS = 8
"""Transitions one walk may take: real workflows are a few steps deep."""


class Transitions(Protocol):
    """What the walk needs from the client."""

    def transitions(self, issue_key: str) -> list[dict[str, Any]]:
        """Transitions the issue may take now."""
        ...

    def transition(self, issue_key: str, transition_id: str) -> None:
        """Take one transition."""
        ...


@frozen
class Step:
    """One transition: its id, name and the status it leads to (id, category key)."""

    id: str
    name: str
    to: str
    category: str


@frozen
class Walk:
    """What a walk did: the transitions taken (names, in order) and, if it stopped short, why."""

    taken: tuple[str, ...]
    failure: str | None = None


def _steps(options: Sequence[dict[str, Any]]) -> list[Step]:
    out = []
    for t in options:
        to = t.get("to") or {}
        category = str((to.get("statusCategory") or {}).get("key", ""))
        if t.get("id") is not None and to.get("id") is not None:
            out.append(Step(str(t["id"]), str(t.get("name", "")), str(to["id"]), category))
    return out


class Workflow:
    """The workflow as learnt so far (status id -> steps from it), and walks through it."""

    def __init__(self, client: Transitions, done_transition: str | None) -> None:
        self.client = client
        self.done_transition = done_transition
        self.graph: dict[str, list[Step]] = {}

    def _named(self, step: Step) -> bool:
        return self.done_transition is not None and step.name.lower() == self.done_transition.lower()

    def _goal(self, step: Step, to_done: bool, used: bool) -> bool:
        if not to_done:
            return step.category != "done"
        return step.category == "done" and (self.done_transition is None or used or self._named(step))

    def _next(self, start: str, to_done: bool, used: bool) -> Step | None:
        """The first step of the shortest known path to a goal, else of one to an unexplored status."""
        queue: deque[tuple[str, bool, Step | None]] = deque([(start, used, None)])
        seen = {(start, used)}
        explore: Step | None = None
        while queue:
            status, named, first = queue.popleft()
            for step in self.graph.get(status, []):
                now_named = named or self._named(step)
                head = first or step
                if self._goal(step, to_done, named):
                    return head
                # A close never passes through a done status without the named transition:
                # that would leave the ticket done the wrong way.
                if to_done and step.category == "done":
                    continue
                if step.to not in self.graph and explore is None:
                    explore = head  # nearest status whose transitions are not known yet
                if (step.to, now_named) not in seen:
                    seen.add((step.to, now_named))
                    queue.append((step.to, now_named, head))
        return explore

    def walk(self, issue_key: str, status: str, *, to_done: bool) -> Walk:
        """Move the issue from ``status`` to a done status (``to_done``) or an open one."""
        taken: list[str] = []
        used = False
        visited = {status}
        for _ in range(MAX_STEPS):
            options = self.client.transitions(issue_key)
            self.graph[status] = _steps(options)
            step = self._next(status, to_done, used)
            if step is None or (step.to in visited and not self._goal(step, to_done, used)):
                return Walk(tuple(taken), self._no_path(issue_key, options, to_done, taken))
            self.client.transition(issue_key, step.id)
            taken.append(step.name)
            reached = self._goal(step, to_done, used)
            used = used or self._named(step)
            status = step.to
            visited.add(status)
            if reached:
                return Walk(tuple(taken))
        return Walk(tuple(taken), f"the workflow of {issue_key} needs more than {MAX_STEPS} transitions")

    def _no_path(
        self, issue_key: str, options: Sequence[dict[str, Any]], to_done: bool, taken: Sequence[str]
    ) -> str:
        names = ", ".join(sorted(str(t.get("name")) for t in options)) or "none"
        moved = f" (moved through {', '.join(taken)} looking for one)" if taken else ""
        if not to_done:
            return (
                f"the workflow of {issue_key} has no transition back to an open status from its "
                f"current status (available: {names}){moved}; reopen the ticket in Jira"
            )
        target = f"named {self.done_transition!r}" if self.done_transition else "to a done status"
        return (
            f"the workflow of {issue_key} has no transition {target} from its current status "
            f"(available: {names}){moved}; set 'done_transition' or close the ticket in Jira"
        )
