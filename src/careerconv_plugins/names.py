"""File names made from keys: one key, one name, and never one name for two keys.

A key (a ticket key, a person id, an invite UID) may hold any character an id
allows and more. Folding the unsafe ones into ``_`` made ``a/b`` and ``a_b``
one file, so one action's ticket overwrote the other's. ``file_stem`` is an
injective encoding instead, readable where the key is plain:

- ``a``-``z``, ``0``-``9``, ``-`` and ``.`` (not leading) stay as they are;
- an upper-case letter becomes ``+`` and the letter, so two keys that differ only
  in case stay two files on a case-insensitive file system (macOS, Windows);
- every other character becomes ``_`` and two hex digits per UTF-8 byte;
- a stem longer than ``MAX_STEM`` keeps its start and ends in ``~`` and the key's
  SHA-256, a character the first three rules never write.
"""

from __future__ import annotations

import hashlib

MAX_STEM = 200
"""Longest stem, leaving room for a suffix within the usual 255-byte name limit."""

_PLAIN = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-.")


def file_stem(key: str) -> str:
    """The file name (without suffix) for ``key``; distinct keys always get distinct stems."""
    out: list[str] = []
    for i, ch in enumerate(key):
        if ch in _PLAIN and not (i == 0 and ch == "."):  # a leading dot would hide the file
            out.append(ch)
        elif "A" <= ch <= "Z":
            out.append("+" + ch.lower())
        else:
            out.extend(f"_{byte:02x}" for byte in ch.encode("utf-8", "surrogatepass"))
    stem = "".join(out)
    if len(stem) > MAX_STEM:
        digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
        stem = f"{stem[: MAX_STEM - len(digest) - 1]}~{digest}"
    # The empty key needs a name too; a lone "_" is never written for any other key.
    return stem or "_"
