"""Atomic JSON files in one folder, one per key: the shared mechanics of both adapters."""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path
from typing import Any

from careerconv_core.errors import AdapterError, ConfigurationError

_SAFE = re.compile(r"[^A-Za-z0-9._-]")


class JsonFolder:
    """One JSON document per key, written by write-then-rename so a crash never leaves half a file."""

    def __init__(self, adapter: str, directory: str | None) -> None:
        if not directory:
            raise ConfigurationError(
                f"{adapter}: set 'directory' to the folder to write files into"
            )
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
        except (OSError, ValueError) as exc:
            raise AdapterError(
                self.adapter, f"cannot read {self.path(key).name}: {type(exc).__name__}"
            ) from exc
        return data if isinstance(data, dict) else None

    def write(self, key: str, document: dict[str, Any]) -> bool:
        """Write ``document`` unless the file already holds it; True when written."""
        if self.read(key) == document:
            return False
        target = self.path(key)
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.root, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    json.dump(document, handle, indent=2, sort_keys=True, ensure_ascii=False)
                    handle.write("\n")
                os.replace(tmp, target)
            except BaseException:
                Path(tmp).unlink(missing_ok=True)
                raise
        except OSError as exc:
            # Disk full or read-only: nothing half-written; the dispatcher retries.
            raise AdapterError(
                self.adapter,
                f"cannot write {target.name}: {exc.strerror or type(exc).__name__}",
                retryable=True,
            ) from exc
        return True
