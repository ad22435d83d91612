"""JSON files in one folder, one per key: the I/O both embedded adapters share.

Writes go through ``careerconv_plugins.files.write_atomic`` (temporary file,
fsync, rename, fsync of the folder), so a crash never leaves half a file, and
a failed write reads the same as in every other adapter that writes files.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from careerconv_core.errors import AdapterError, ConfigurationError
from careerconv_core.ports import DeliveryOutcome, OutcomeStatus
from careerconv_plugins.files import is_retryable, sweep_owned, write_atomic, write_error
from careerconv_plugins.names import file_stem
from careerconv_plugins.outcomes import error_outcome

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class JsonFolder:
    """One JSON document per key in ``directory``; errors are ``AdapterError`` naming the file."""

    def __init__(self, adapter: str, directory: str | None) -> None:
        if not directory:
            raise ConfigurationError(f"{adapter}: set 'directory' to the folder to write files into")
        self.adapter = adapter
        self.root = Path(directory)
        sweep_owned(self.root)  # a crashed run's temporary files

    def path(self, key: str) -> Path:
        """The file for ``key``: an injective encoding of it (``names.file_stem``)."""
        return self.root / f"{file_stem(key)}.json"

    def _legacy_path(self, key: str) -> Path | None:
        """The file an earlier version wrote for ``key``, when its name differs from today's.

        That name folded unsafe characters into ``_``, so it may belong to another
        key: it is only taken when the document inside names ``key``.
        """
        legacy = self.root / f"{_SAFE.sub('_', key)}.json"
        return None if legacy == self.path(key) else legacy

    def _load(self, path: Path) -> dict[str, Any] | None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AdapterError(
                self.adapter, f"cannot read {path.name}: {type(exc).__name__}", retryable=is_retryable(exc)
            ) from exc
        except ValueError as exc:  # edited by hand into something that is not JSON
            raise AdapterError(
                self.adapter, f"cannot read {path.name}: {type(exc).__name__}; fix or delete the file"
            ) from exc
        return data if isinstance(data, dict) else None

    def _legacy(self, key: str) -> Path | None:
        """The earlier version's file for ``key``, if there is one and it is really ``key``'s."""
        legacy = self._legacy_path(key)
        if legacy is None:
            return None
        data = self._load(legacy)
        if data is None or key not in (data.get("key"), data.get("external_id")):
            return None
        return legacy

    def read(self, key: str) -> dict[str, Any] | None:
        """The document for ``key``, or None when there is none."""
        found = self._load(self.path(key))
        if found is None and (legacy := self._legacy(key)) is not None:
            return self._load(legacy)
        return found

    def write(self, key: str, document: dict[str, Any]) -> bool:
        """Write ``document`` unless the file already holds it; True when written.

        :raises AdapterError: the write failed; retryable for a full disk or an
            I/O error, not for a missing permission or a read-only folder.
        """
        if self.read(key) == document:
            return False
        target = self.path(key)
        text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        legacy = self._legacy(key)
        try:
            write_atomic(target, text)
            if legacy is not None:  # moved to its own name; the old one may be another key's
                legacy.unlink(missing_ok=True)
        except OSError as exc:
            raise write_error(self.adapter, target, exc) from exc
        return True

    def remove(self, key: str) -> DeliveryOutcome:
        """Delete the file for ``key`` as an outcome: DELIVERED, UNCHANGED (already gone) or an error."""
        try:
            legacy = self._legacy(key)
        except AdapterError as exc:
            return error_outcome(key, exc)
        try:
            if legacy is not None:
                legacy.unlink(missing_ok=True)
            self.path(key).unlink()
        except FileNotFoundError:
            status = OutcomeStatus.DELIVERED if legacy is not None else OutcomeStatus.UNCHANGED
            return DeliveryOutcome(key, status)
        except OSError as exc:
            return error_outcome(key, write_error(self.adapter, self.path(key), exc))
        return DeliveryOutcome(key, OutcomeStatus.DELIVERED)

    def deliver(self, key: str, document: dict[str, Any], *, named: bool = False) -> DeliveryOutcome:
        """``write`` as an outcome: DELIVERED, UNCHANGED (the file already held it), RETRY or FAILED.

        :param named: give the file's name as the outcome's reference.
        """
        try:
            written = self.write(key, document)
        except AdapterError as exc:
            return error_outcome(key, exc)
        status = OutcomeStatus.DELIVERED if written else OutcomeStatus.UNCHANGED
        return DeliveryOutcome(key, status, reference=self.path(key).name if named else None)
