"""The questions ``careerconv record`` asks at a terminal, answer by answer, as a record document.

The answers come back in the same shape as a record file (``[life_story]``,
``[pinnacle]`` or ``[grow]``), so they are checked by the same code.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from careerconv_core.domain.catalog import Catalog

Ask = Callable[[str], str]
"""Shows a prompt and returns the line typed."""

_WHOLE = re.compile(r"-?[0-9]{1,6}", re.ASCII)


def whole(answer: str) -> int | None:
    """``answer`` as a whole number of a few ASCII digits, else None.

    ``str.isdigit`` is no test: it takes '²' and 5000 digits, which ``int`` refuses.
    """
    return int(answer) if _WHOLE.fullmatch(answer) else None


class _Questions:
    def __init__(self, ask: Ask) -> None:
        self._ask = ask

    def one(self, prompt: str, default: str = "") -> str:
        answer = self._ask(f"{prompt}{f' [{default}]' if default else ''}: ").strip()
        return answer or default

    def many(self, prompt: str) -> list[str]:
        return [x.strip() for x in self.one(f"{prompt} (comma-separated)").split(",") if x.strip()]

    def rating(self, prompt: str, default: str) -> int:
        """A whole number, asked again until one is typed (the scale itself is checked later)."""
        from careerconv_core.errors import shown

        while True:
            answer = self.one(prompt, default)
            number = whole(answer)
            if number is not None:
                return number
            self._ask(f"  {shown(answer)} is not a whole number; press Enter and type one, such as 3 ")


def outcome_from_answers(
    name: str, *, ask: Ask, catalog: Callable[[], Catalog], as_report: bool
) -> dict[str, Any]:
    """Ask for the outcome ``name`` field by field; ``catalog`` is loaded for the pinnacle only."""
    q = _Questions(ask)
    if name == "life_story":
        return {
            "life_story": {
                "notes": q.one("What did you learn (notes stay between you two)"),
                "drives": q.many("Core drives"),
                "values": q.many("Values"),
            }
        }
    if name == "pinnacle":
        return {"pinnacle": _pinnacle(q, catalog(), as_report)}
    return {"grow": _grow(q)}


def _pinnacle(q: _Questions, catalog: Catalog, as_report: bool) -> dict[str, Any]:
    roles = []
    for n in range(3):
        title = q.one(f"Pinnacle role {n + 1} (empty to stop)")
        if not title:
            break
        roles.append({"id": f"role{n + 1}", "title": title, "company": q.one("  at which kind of company")})
    chosen = q.one("Which role is the goal (1-3)", "1") if roles else ""
    comp_ids = q.many(
        f"Competency ids for that role (e.g. {', '.join(c.id for c in catalog.competencies[:3])})"
    )
    comps: list[dict[str, Any]] = []
    for cid in comp_ids[:10]:
        entry: dict[str, Any] = {"competency_id": cid}
        if as_report:
            entry["self_rating"] = q.rating(f"  your rating for {cid}, 1-5", "3")
        comps.append(entry)
    table: dict[str, Any] = {
        "dream": q.one("The dream, in a sentence"),
        "roles": roles,
        "crossed_out": q.many("Careers crossed out"),
        "competencies": comps,
    }
    number = whole(chosen)
    if roles and number is not None and 1 <= number <= len(roles):
        table["chosen_role_id"] = f"role{number}"
    if as_report:
        table["focus"] = q.many("Which competencies do you choose to develop now")
    return table


def _grow(q: _Questions) -> dict[str, Any]:
    goal_role = q.one("Goal: the id of the pinnacle role", "role1")
    actions = []
    for n in range(10):
        title = q.one(f"Will: action {n + 1} (empty to stop)")
        if not title:
            break
        actions.append(
            {
                "id": f"a{n + 1}",
                "title": title,
                "owner_id": q.one("  owner (person id)"),
                "due": q.one("  due date YYYY-MM-DD"),
                "done_when": q.one("  done when"),
                "opportunity": {
                    "kind": q.one("  where in the current job (role/project/team_responsibility)", "project"),
                    "description": q.one("  which one"),
                },
            }
        )
    return {
        "goal": {"role_id": goal_role, "statement": q.one("Goal in your words")},
        "actions": actions,
    }
