"""People's text on its way into places that give some characters a meaning.

One rule for control characters, used by the domain (a name is refused when it
has one) and by every writer (mail headers, calendar properties, exports) as a
second line of defence: a NUL or a line break must never end a header, start
an injected property or break a document apart.
"""

from __future__ import annotations

import re

# C0 controls except tab and line feed, DEL, C1 controls, and the Unicode line and
# paragraph separators, which some readers treat as line breaks.
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROLS_AND_BREAKS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def has_controls(text: str) -> bool:
    """Whether ``text`` holds a character no one-line field may carry (tab and line breaks too)."""
    return _CONTROLS_AND_BREAKS.search(text) is not None


def without_controls(text: str) -> str:
    """``text`` with control characters removed; tabs and line feeds stay, CR LF becomes LF."""
    return _CONTROLS.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def one_line(text: str) -> str:
    """``text`` on one line: control characters removed, every run of white space one space."""
    return " ".join(without_controls(text).split())
