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
from careerconv_plugins.files import is_retryable, write_atomic, write_error
from careerconv_plugins.outcomes import error_outcome

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class JsonFolder:
    """One JSON document per key in ``directory``; errors are ``AdapterError`` naming the file."""

    def __init__(self, adapter: str, directory: str | None) -> None:
        if not directory:
            raise ConfigurationError(f"{adapter}: set 'directory' to the folder to write files into")
        self.adapter = adapter
        self.root = Path(directory)

    def path(self, key: str) -> Path:
        """The file for ``key`` (keys are made file-safe)."""
        return self.root / f"{_SAFE.sub('_', key)}.json"

    def read(self, key: str) -> dict[str, Any] | None:
        """The document for ``key``, or None when there is none."""
        try:
            data = json.loads(self.path(key).read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except OSError as exc:
            raise AdapterError(
                self.adapter,
                f"cannot read {self.path(key).name}: {type(exc).__name__}",
                retryable=is_retryable(exc),
            ) from exc
        except ValueError as exc:  # edited by hand into something that is not JSON
            raise AdapterError(
                self.adapter,
                f"cannot read {self.path(key).name}: {type(exc).__name__}; fix or delete the file",
            ) from exc
        return data if isinstance(data, dict) else None

    def write(self, key: str, document: dict[str, Any]) -> bool:
        """Write ``document`` unless the file already holds it; True when written.

        :raises AdapterError: the write failed; retryable for a full disk or an
            I/O error, not for a missing permission or a read-only folder.
        """
        if self.read(key) == document:
            return False
        target = self.path(key)
        text = json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        try:
            write_atomic(target, text)
        except OSError as exc:
            raise write_error(self.adapter, target, exc) from exc
        return True

    def remove(self, key: str) -> DeliveryOutcome:
        """Delete the file for ``key`` as an outcome: DELIVERED, UNCHANGED (already gone) or an error."""
        try:
            self.path(key).unlink()
        except FileNotFoundError:
            return DeliveryOutcome(key, OutcomeStatus.UNCHANGED)
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
