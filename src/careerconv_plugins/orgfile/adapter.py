"""The org file as an ``HrisSource``: reads the whole file every time."""

from __future__ import annotations

import hashlib
from pathlib import Path

from careerconv_core.errors import AdapterError
from careerconv_core.ports import OrgSnapshot
from careerconv_plugins.orgfile.mapping import parse_org


class OrgFileSource:
    """Reads people from a TOML or CSV org file.

    A file has no change feed, so every read is a full read whatever the
    cursor: ``people`` is the whole org and ``removed`` is empty; compare two
    reads with ``careerconv_core.domain.org.diff_org`` to find who left and
    whose manager changed. The cursor returned is a digest of the file, so a
    caller can tell cheaply that nothing changed.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def read_people(self, cursor: str | None = None) -> OrgSnapshot:
        """Everyone in the file, checked as an org; raises ``InvalidInput`` naming the row."""
        del cursor  # always a full read; see the class docstring
        try:
            raw = self.path.read_bytes()
        except OSError as exc:
            raise AdapterError(
                "orgfile", f"cannot read {self.path}: {exc.strerror or type(exc).__name__}"
            ) from None
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            reason = f"{self.path} is not UTF-8 text; save it as UTF-8"
            raise AdapterError("orgfile", reason) from None
        parsed = parse_org(text, self.path.name)
        digest = "sha256:" + hashlib.sha256(raw).hexdigest()
        return OrgSnapshot(people=parsed.people, removed=(), cursor=digest)
