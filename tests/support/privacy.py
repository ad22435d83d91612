"""Plant a unique marker in every private field of a value, found from the field declarations."""

from __future__ import annotations

import itertools
from typing import Any

import attrs

from careerconv_core.domain.visibility import VISIBILITY, Visibility


class Planter:
    """Replaces every declared private text with a unique marker and remembers its visibility."""

    def __init__(self, prefix: str = "SECRETMARK") -> None:
        self.prefix = prefix
        self.markers: dict[str, Visibility] = {}
        self._count = itertools.count(1)

    def _marker(self, visibility: Visibility) -> str:
        marker = f"{self.prefix}{visibility.value.upper()}{next(self._count):04d}Q"
        self.markers[marker] = visibility
        return marker

    def plant(self, value: Any) -> Any:
        """A copy of ``value`` with markers in every marked str or tuple[str] field, recursively."""
        if isinstance(value, tuple):
            return tuple(self.plant(v) for v in value)
        if not attrs.has(type(value)):
            return value
        changes: dict[str, Any] = {}
        for f in attrs.fields(type(value)):
            current = getattr(value, f.name)
            vis = f.metadata.get(VISIBILITY)
            if vis is not None and isinstance(current, str):
                changes[f.name] = self._marker(vis)
            elif vis is not None and isinstance(current, tuple) and all(isinstance(x, str) for x in current):
                changes[f.name] = tuple(self._marker(vis) for _ in (current or ("",)))
            else:
                planted = self.plant(current)
                if planted is not current:
                    changes[f.name] = planted
        init_names = {f.alias or f.name for f in attrs.fields(type(value)) if f.init}
        return (
            attrs.evolve(value, **{k: v for k, v in changes.items() if k in init_names}) if changes else value
        )

    def found_in(self, text: str, *visibilities: Visibility) -> list[str]:
        """Markers of the given visibilities that occur in ``text``."""
        return [m for m, v in self.markers.items() if v in visibilities and m in text]
