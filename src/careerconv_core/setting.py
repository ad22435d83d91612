"""What an adapter declares about one of its settings: name, type, range, meaning.

One declaration per setting, on the adapter's ``AdapterSpec``: careerconv.toml
is checked against it (``careerconv config check``) and the settings reference
in the docs is generated from it. A bare name declares a text setting (a
path when the name ends in ``path`` or ``directory``).
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable

from attrs import frozen

__all__ = ["Setting", "SettingType", "declared", "problem_with"]


class SettingType(enum.Enum):
    """The TOML values a setting takes."""

    TEXT = "text"
    PATH = "path"  # text; ``~`` is expanded and a relative path is taken from the home
    INTEGER = "integer"
    NUMBER = "number"
    FLAG = "flag"  # true or false


_EXPECTED = {
    SettingType.TEXT: "a text in quotes",
    SettingType.PATH: "a path in quotes",
    SettingType.INTEGER: "a whole number",
    SettingType.NUMBER: "a number",
    SettingType.FLAG: "true or false (without quotes)",
}


@frozen
class Setting:
    """One setting an adapter reads, with what it takes; ``minimum``/``maximum`` bound numbers.

    ``default`` is what an absent setting means, for the reference (None: no default);
    a path's default is taken from the home and handed to the adapter as if given.
    """

    name: str
    type: SettingType = SettingType.TEXT
    help: str = ""
    default: object = None
    minimum: float | None = None
    maximum: float | None = None

    @property
    def expected(self) -> str:
        """What the setting takes, for messages and the reference."""
        text = _EXPECTED[self.type]
        if self.minimum is not None and self.maximum is not None:
            return f"{text} from {self.minimum:g} to {self.maximum:g}"
        if self.minimum is not None:
            return f"{text} of {self.minimum:g} or more"
        if self.maximum is not None:
            return f"{text} of at most {self.maximum:g}"
        return text


def declared(settings: Iterable[str | Setting]) -> tuple[Setting, ...]:
    """The declarations, a bare name standing for a text (or path) setting."""
    out = []
    for item in settings:
        if isinstance(item, Setting):
            out.append(item)
        elif item.endswith(("path", "directory")):
            out.append(Setting(item, SettingType.PATH))
        else:
            out.append(Setting(item))
    return tuple(out)


def problem_with(setting: Setting, value: object, *, numbers_as_text: bool = False) -> str | None:
    """Why ``value`` does not fit ``setting`` (what it takes), or None when it fits.

    ``numbers_as_text`` also lets a number or flag be written as text (``"30"``,
    ``"yes"``): adapters read their settings as text and have always taken that.
    """
    if (
        numbers_as_text
        and isinstance(value, str)
        and setting.type not in (SettingType.TEXT, SettingType.PATH)
    ):
        value = _from_text(setting.type, value)
    kind = setting.type
    if kind in (SettingType.TEXT, SettingType.PATH):
        fits = isinstance(value, str) and "\x00" not in value
    elif kind is SettingType.FLAG:
        fits = isinstance(value, bool)
    elif kind is SettingType.INTEGER:
        fits = isinstance(value, int) and not isinstance(value, bool)
    else:
        fits = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if fits and isinstance(value, (int, float)) and not isinstance(value, bool):
        low, high = setting.minimum, setting.maximum
        fits = (low is None or value >= low) and (high is None or value <= high)
    return None if fits else setting.expected


def _from_text(kind: SettingType, text: str) -> object:
    """The number or flag a text spells, or the text itself when it spells none."""
    word = text.strip().lower()
    if kind is SettingType.FLAG:
        return {"true": True, "yes": True, "1": True, "false": False, "no": False, "0": False}.get(word, text)
    try:
        return int(word) if kind is SettingType.INTEGER else float(word)
    except ValueError:
        return text
