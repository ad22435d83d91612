"""What people typed, made literal for a Markdown document or an HTML page.

Every text in an export passes through one of these: a name, a note or a
title reads exactly as it was typed, never as markup, and carries no control
character into the document.
"""

from __future__ import annotations

import re
from html import escape

from careerconv_core.domain.text import one_line, without_controls

# Every ASCII punctuation character CommonMark lets a backslash escape and that could
# start markup inline: emphasis, code, links, raw HTML, entities, table cells.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>&|~!#])")
# What else makes a line a list item, a rule or a setext underline (``#``, ``>`` and ``*``
# are escaped wherever they stand); leading spaces would make it code.
_MD_BLOCK_START = re.compile(r"^([-+=])|^(\d+)([.)])")


def md(text: object) -> str:
    """``text`` for one line of Markdown (a heading, a list item, a table cell): literal, no markup."""
    return _MD_INLINE.sub(r"\\\1", one_line(str(text)))


def md_block(text: str) -> str:
    """Many lines of the pair's own text as literal Markdown paragraphs: line breaks kept."""
    lines = []
    for line in without_controls(text).split("\n"):
        escaped = _MD_INLINE.sub(r"\\\1", line.strip())
        escaped = _MD_BLOCK_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", escaped)
        lines.append(escaped + ("  " if escaped else ""))
    return "\n".join(lines).rstrip()


def h(text: object) -> str:
    """``text`` for HTML: escaped, without the control characters HTML does not allow."""
    return escape(without_controls(str(text)))


def h_block(text: str) -> str:
    """Many lines of the pair's own text as HTML paragraphs, escaped, line breaks kept."""
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", without_controls(text)) if p.strip()]
    return "".join("<p>" + "<br>".join(h(line) for line in p.split("\n")) + "</p>" for p in paragraphs)
