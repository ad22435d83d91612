"""Competencies and pinnacle-role profiles a catalog offers (M5, M6).

A catalog is a starting point for the conversation, not a verdict: the
report and manager may name any competency or role of their own.
"""

from __future__ import annotations

from attrs import field, frozen

from careerconv_core.domain.ids import id_field
from careerconv_core.domain.pinnacle import check_rating
from careerconv_core.errors import InvalidInput, shown


def _non_empty(_instance: object, attribute: object, value: str) -> None:
    if not value.strip():
        raise InvalidInput(getattr(attribute, "name", "value"), "a non-empty text", "empty")


@frozen
class CatalogCompetency:
    """A competency: a stable id, a short name, its group and what it means."""

    id: str = field(validator=id_field)
    name: str = field(validator=_non_empty)
    group: str = field(validator=_non_empty)
    description: str = ""


@frozen
class RoleProfile:
    """A pinnacle role ("CTO of a public company") with its top competencies.

    ``competency_ids`` are ordered, most important first, at most ten (M6).
    ``evidence`` lists the occupation codes (O*NET-SOC for the built-in
    catalog) the profile draws on. ``target_levels`` says, competency by
    competency in the same order, the level of the 1-5 self-rating scale
    the role calls for (None where the profile gives none); an empty tuple,
    as in profiles written before levels existed, gives none at all.
    """

    id: str = field(validator=id_field)
    title: str = field(validator=_non_empty)
    function: str = field(validator=_non_empty)
    competency_ids: tuple[str, ...] = field(converter=tuple)
    evidence: tuple[str, ...] = field(default=())
    description: str = ""
    target_levels: tuple[int | None, ...] = field(default=(), converter=tuple)

    def __attrs_post_init__(self) -> None:
        if not 1 <= len(self.competency_ids) <= 10:
            raise InvalidInput(
                f"role {self.id}: competency_ids",
                "1 to 10 competencies (M6)",
                f"{len(self.competency_ids)} given",
            )
        if self.target_levels and len(self.target_levels) != len(self.competency_ids):
            raise InvalidInput(
                f"role {self.id}: target_levels",
                f"one level per competency ({len(self.competency_ids)}), or none at all",
                f"{len(self.target_levels)} given",
            )
        for cid, level in zip(self.competency_ids, self.target_levels, strict=False):
            check_rating(level, f"role {self.id}: target level of {cid}")

    def target_level(self, competency_id: str) -> int | None:
        """The 1-5 level this role calls for in ``competency_id``, or None if it names none."""
        levels = dict(zip(self.competency_ids, self.target_levels, strict=False))
        return levels.get(competency_id)


@frozen
class Catalog:
    """Competencies and role profiles, checked to refer to each other."""

    competencies: tuple[CatalogCompetency, ...] = field(converter=tuple)
    roles: tuple[RoleProfile, ...] = field(converter=tuple)

    def __attrs_post_init__(self) -> None:
        ids = [c.id for c in self.competencies]
        seen: set[str] = set()
        for ident in ids:
            if ident in seen:
                raise InvalidInput(f"competency {ident}", "unique competency ids", "duplicate id")
            seen.add(ident)
        role_ids: set[str] = set()
        for role in self.roles:
            if role.id in role_ids:
                raise InvalidInput(f"role {role.id}", "unique role ids", "duplicate id")
            role_ids.add(role.id)
            for cid in role.competency_ids:
                if cid not in seen:
                    raise InvalidInput(
                        f"role {role.id}: competency {cid}",
                        "an id listed among the competencies",
                        "unknown competency",
                    )

    def competency(self, competency_id: str) -> CatalogCompetency:
        """The competency with this id, or ``InvalidInput`` naming it."""
        for comp in self.competencies:
            if comp.id == competency_id:
                return comp
        raise InvalidInput("competency", "an id from the catalog", f"unknown id {shown(competency_id)}")

    def role(self, role_id: str) -> RoleProfile:
        """The role profile with this id, or ``InvalidInput`` naming it."""
        for role in self.roles:
            if role.id == role_id:
                return role
        raise InvalidInput("role", "an id from the catalog", f"unknown id {shown(role_id)}")
