"""Conversation 2: the pinnacle (M5), competencies and ratings (M6), focus (M7)."""

from __future__ import annotations

from typing import Any

from attrs import evolve, field, frozen

from careerconv_core.domain.ids import id_field, optional_id_field
from careerconv_core.domain.roles import Actor
from careerconv_core.domain.visibility import private, shared
from careerconv_core.errors import InvalidInput, RuleViolation

MAX_ROLES = 3
MAX_COMPETENCIES = 10

RATING_SCALE: dict[int, str] = {
    1: "new to me: I have not really practised it yet",
    2: "learning: I can do it with help",
    3: "capable: I do it on my own in familiar situations",
    4: "strong: I do it well in hard or new situations",
    5: "exemplary: others learn it from me",
}
"""The self-rating scale for competencies (M6): whole numbers 1 to 5."""

RATING_WORDS = "a whole number from 1 (new to me) to 5 (exemplary)"
"""What a rating takes, as messages and the record schemas say it."""


def check_rating(value: int | None, field_name: str) -> None:
    """Raise ``InvalidInput`` unless ``value`` is on the 1-5 scale (or None)."""
    if value is None:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value not in RATING_SCALE:
        raise InvalidInput(field_name, RATING_WORDS, "off the scale")


def rating_field(instance: Any, attribute: Any, value: Any) -> None:
    """An attrs validator of a competency's rating: on the 1-5 scale, or None."""
    # attrs runs validators once every field is set, so the competency id is there to name.
    check_rating(value, f"competencies[{instance.competency_id}].{attribute.name}")


@frozen
class PinnacleRole:
    """A dream role: which role, at which kind of company, decades from now (M5)."""

    id: str = field(validator=id_field)
    title: str = shared()
    company: str = shared(default="")
    catalog_role_id: str | None = field(default=None, validator=optional_id_field)


@frozen
class CompetencyRating:
    """A competency the chosen role needs, with the report's own rating (M6).

    The manager's observation sits beside the report's rating and never
    replaces it.
    """

    competency_id: str = field(validator=id_field)
    name: str
    self_rating: int | None = private(default=None, validator=rating_field)
    manager_observation: str = private(default="")
    manager_rating: int | None = private(default=None, validator=rating_field)


@frozen
class Pinnacle:
    """What conversation 2 produced: the dream, up to three roles, the competencies, the focus."""

    dream: str = private(default="")
    roles: tuple[PinnacleRole, ...] = field(default=())
    crossed_out: tuple[str, ...] = private(default=())
    chosen_role_id: str | None = field(default=None, validator=optional_id_field)
    competencies: tuple[CompetencyRating, ...] = field(default=())
    focus: tuple[str, ...] = field(default=())

    def __attrs_post_init__(self) -> None:
        if len(self.roles) > MAX_ROLES:
            raise RuleViolation(
                "M5",
                f"{len(self.roles)} pinnacle roles given, at most {MAX_ROLES} are kept",
                "narrow the dream down to two or three roles; list the rest as crossed out",
            )
        ids = [r.id for r in self.roles]
        if len(set(ids)) != len(ids):
            raise InvalidInput("pinnacle.roles", "distinct role ids", "duplicate role id")
        if self.chosen_role_id is not None and self.chosen_role_id not in ids:
            raise InvalidInput(
                "pinnacle.chosen_role_id",
                f"one of the pinnacle roles {ids}",
                f"unknown role {self.chosen_role_id!r}",
            )
        if len(self.competencies) > MAX_COMPETENCIES:
            raise RuleViolation(
                "M6",
                f"{len(self.competencies)} competencies listed, at most {MAX_COMPETENCIES}",
                "keep the ten the chosen role needs most",
            )
        comp_ids = [c.competency_id for c in self.competencies]
        if len(set(comp_ids)) != len(comp_ids):
            raise InvalidInput("pinnacle.competencies", "distinct competency ids", "duplicate id")
        for cid in self.focus:
            if cid not in comp_ids:
                raise InvalidInput(
                    "pinnacle.focus", "ids of listed competencies", f"unknown competency {cid!r}"
                )

    def competency(self, competency_id: str) -> CompetencyRating:
        """The listed competency with this id, or ``InvalidInput``."""
        for comp in self.competencies:
            if comp.competency_id == competency_id:
                return comp
        raise InvalidInput(
            "competency_id",
            "the id of a listed competency",
            f"unknown competency {competency_id!r}",
        )

    def merged(self, recorded: Pinnacle, by: Actor) -> Pinnacle:
        """What ``by`` recorded of conversation 2, merged so nobody overwrites the other (M6, M7).

        The manager records roles and competencies; self-ratings and focus in
        a manager's record are refused unless they only repeat what the report
        set. The report's ratings and focus, and the manager's observations,
        are kept unless their owner changes them: a competency the report rated
        or chose as a focus stays listed when the manager's record leaves it
        out, since only the report removes their own work.
        """
        old = {c.competency_id: c for c in self.competencies}
        if by is Actor.MANAGER:
            if any(
                c.self_rating is not None
                and c.self_rating != getattr(old.get(c.competency_id), "self_rating", None)
                for c in recorded.competencies
            ):
                _only_the_report_rates(by, "leave self_rating empty; add your view as manager_observation")
            if recorded.focus and recorded.focus != self.focus:
                _only_the_report_chooses_focus(by, "leave focus empty; the report chooses it")
            merged = tuple(
                evolve(c, self_rating=old[c.competency_id].self_rating) if c.competency_id in old else c
                for c in recorded.competencies
            )
            listed = {c.competency_id for c in merged}
            merged += tuple(
                c
                for c in self.competencies
                if c.competency_id not in listed
                and (c.self_rating is not None or c.competency_id in self.focus)
            )
            focus = self.focus
        else:
            merged = tuple(
                evolve(
                    c,
                    manager_observation=old[c.competency_id].manager_observation,
                    manager_rating=old[c.competency_id].manager_rating,
                )
                if c.competency_id in old
                else evolve(c, manager_observation="", manager_rating=None)
                for c in recorded.competencies
            )
            focus = recorded.focus
        return evolve(recorded, competencies=merged, focus=focus)

    def rated(self, competency_id: str, rating: int, by: Actor) -> Pinnacle:
        """The report's own rating of one competency (M6). Only the report rates."""
        _only_the_report_rates(
            by, "add your view as manager_observation in the pinnacle record; the report rates themselves"
        )
        check_rating(rating, f"competencies[{competency_id}].self_rating")
        comp = self.competency(competency_id)
        return self._replace(evolve(comp, self_rating=rating))

    def observed(self, competency_id: str, observation: str, rating: int | None, by: Actor) -> Pinnacle:
        """The manager's observation beside the report's rating (M6); it replaces nothing."""
        if by is not Actor.MANAGER:
            raise RuleViolation(
                "M6",
                "observations are the manager's view",
                "as the report, give your own rating as self_rating in your pinnacle record",
            )
        check_rating(rating, f"competencies[{competency_id}].manager_rating")
        comp = self.competency(competency_id)
        return self._replace(evolve(comp, manager_observation=observation, manager_rating=rating))

    def focused(self, competency_ids: tuple[str, ...], by: Actor) -> Pinnacle:
        """The competencies the report chose to develop now (M7)."""
        _only_the_report_chooses_focus(by, "ask the report which competencies they want to develop now")
        if not competency_ids:
            raise InvalidInput("focus", "at least one listed competency id", "empty")
        return evolve(self, focus=tuple(dict.fromkeys(competency_ids)))

    def _replace(self, comp: CompetencyRating) -> Pinnacle:
        return evolve(
            self,
            competencies=tuple(
                comp if c.competency_id == comp.competency_id else c for c in self.competencies
            ),
        )


def _only_the_report_rates(by: Actor, fix: str) -> None:
    """M6: the report rates their own ability; the manager never sets or overwrites it."""
    if by is not Actor.REPORT:
        raise RuleViolation("M6", "the manager may not set or overwrite the report's self-ratings", fix)


def _only_the_report_chooses_focus(by: Actor, fix: str) -> None:
    """M7: only the report picks which competencies to develop now; the manager cannot."""
    if by is not Actor.REPORT:
        raise RuleViolation("M7", "only the report chooses focus competencies", fix)
