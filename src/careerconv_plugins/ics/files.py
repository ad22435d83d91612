"""Atomic file writes and the outcome an ``OSError`` turns into.

A file is written to a temporary name in the same folder, flushed to disk and
then renamed over the old one, so a crash or a full disk leaves either the old
file or the new one, never half of either.
"""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path

from careerconv_core.ports import DeliveryOutcome, OutcomeStatus

# Errors that may pass by themselves (space freed, a disk back): try again later.
_TRANSIENT = {errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EAGAIN, errno.EBUSY, errno.EMFILE}


def write_atomic(path: Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` through a temporary file and a rename."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode())
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def read_text(path: Path) -> str | None:
    """The file's text, or None when it does not exist."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None


def os_error_outcome(key: str, path: Path, exc: OSError) -> DeliveryOutcome:
    """A RETRY (full disk, I/O error) or FAILED (no permission, read-only) outcome.

    The reason names the file and the errno, never the content.
    """
    code = errno.errorcode.get(exc.errno or 0, "unknown error")
    what = os.strerror(exc.errno) if exc.errno else type(exc).__name__
    if exc.errno in _TRANSIENT:
        return DeliveryOutcome(
            key,
            OutcomeStatus.RETRY,
            f"could not write {path}: {what} ({code}); will try again",
            retry_after=60.0,
        )
    return DeliveryOutcome(
        key,
        OutcomeStatus.FAILED,
        f"could not write {path}: {what} ({code}); fix the folder's permissions or the "
        "'directory' setting",
    )
