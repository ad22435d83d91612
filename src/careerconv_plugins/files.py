"""The one atomic file write every adapter that writes files uses, and how its errors read.

``write_atomic`` writes to a temporary file in the same folder, flushes it to
disk (``fsync``), renames it over the target (``os.replace``, atomic on
POSIX and Windows) and then flushes the folder, so that the rename itself
survives a power cut; a folder it creates is flushed into its parent too. A
crash or a full disk leaves the old file or the new one, never half of
either; a crash between the temporary file and the rename can leave a
``.<name>.*.tmp`` beside it, which no reader takes for the file. A new file
is readable by its owner only (career data), and so is a folder it creates;
a file that is replaced keeps the permissions it had. Such leftovers (and a
store's ``.<name>.*.new``) older than ``STALE_AFTER`` are removed the first
time a process writes into that folder or builds an adapter on it
(``sweep_owned``), and so are those of a process that is gone
(``remove_stale_temporaries``): a restart after a crash cleans up.

A file that is read, changed and written back from several others (the ics
adapter's per-person calendars) is rebuilt under ``folder_lock``, so two
dispatchers side by side cannot each write a version missing the other's event.

Which ``OSError`` is worth trying again is decided here, once:

* **retryable** (``RETRYABLE_ERRNOS``): ``ENOSPC`` and ``EDQUOT`` (space or
  quota is usually freed by rotation or cleanup, without touching
  careerconv's settings), ``EIO`` (a disk or network mount coming back),
  ``EAGAIN``, ``EINTR``, ``EBUSY`` (the file is briefly held elsewhere) and
  ``EMFILE``/``ENFILE`` (out of file handles for now). The outbox retries
  them with a capped backoff and dead-letters them after ``max_attempts``,
  so a disk that stays full still ends as a failure that names the errno.
* **not retryable**: everything else, notably ``EACCES``/``EPERM`` (the
  folder's permissions), ``EROFS`` (a read-only mount), ``ENOTDIR`` or
  ``EISDIR`` (the ``directory`` setting): a person has to change something,
  and repeating the write would only repeat the error.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import tempfile
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

from careerconv_core.errors import AdapterError, ConfigurationError
from careerconv_core.ports import DeliveryOutcome
from careerconv_plugins.outcomes import error_outcome

RETRYABLE_ERRNOS = frozenset(
    {
        errno.ENOSPC,
        errno.EDQUOT,
        errno.EIO,
        errno.EAGAIN,
        errno.EINTR,
        errno.EBUSY,
        errno.EMFILE,
        errno.ENFILE,
    }
)
"""``OSError.errno`` values after which the same write may succeed later, unchanged."""

RETRY_AFTER = 60.0
"""Seconds to wait at least before writing again: a full disk does not clear in a moment."""


STALE_AFTER = 600.0
"""Seconds after which a temporary file of ours is a crash's leftover, not a write in progress."""

LOCK_NAME = ".careerconv.lock"
"""The lock file ``folder_lock`` holds in a folder; it is never removed (removing it would race)."""

# ".<target>.<pid>-<random>.tmp" (or ".new"): the writer's process id tells a leftover
# of a dead process from a write in progress, so a restart cleans up at once.
_TEMPORARY = re.compile(r"^\..+\.(?P<pid>[0-9]+)-[^.]+\.(?:tmp|new)$")
_OLDER_TEMPORARY = re.compile(r"^\..+\.(?:tmp|new)$")

_swept: set[Path] = set()


def temporary_prefix(name: str) -> str:
    """The ``mkstemp`` prefix of a temporary file for ``name``: hidden, with this process's id."""
    return f".{name}.{os.getpid()}-"


def _writer_is_gone(pid: int) -> bool:
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:
        return False  # alive, someone else's: leave it to the age rule
    return False


def remove_stale_temporaries(folder: Path, *, now: float | None = None) -> list[Path]:
    """Remove this folder's leftover temporary files of interrupted writes; return them.

    A temporary file is a leftover when the process that made it is gone, or
    when it is older than ``STALE_AFTER`` (a writer on another machine sharing
    the folder, or a name from before process ids were part of it). Only names
    our own writers make are touched; a folder that cannot be listed is left as it is.
    """
    removed: list[Path] = []
    cutoff = (time.time() if now is None else now) - STALE_AFTER
    try:
        candidates = [p for p in folder.iterdir() if _OLDER_TEMPORARY.match(p.name)]
    except OSError:
        return removed
    for path in candidates:
        match = _TEMPORARY.match(path.name)
        with contextlib.suppress(OSError):
            if not path.is_file() or path.is_symlink():
                continue
            if (match and _writer_is_gone(int(match["pid"]))) or path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path)
    return removed


def _sweep_once(folder: Path) -> None:
    """Clean ``folder`` the first time this process writes there (a restart after a crash)."""
    if folder not in _swept:
        _swept.add(folder)
        remove_stale_temporaries(folder)


def sweep_owned(folder: Path) -> None:
    """Clean an adapter's folder and the folders in it, once per process, when it is built.

    So the next run after a crash cleans every folder a configured adapter
    writes into, also one it has nothing new to write to.
    """
    _sweep_once(folder)
    with contextlib.suppress(OSError):
        for child in folder.iterdir():
            if child.is_dir() and not child.is_symlink():
                _sweep_once(child)


@contextlib.contextmanager
def folder_lock(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on ``folder`` (``flock`` on its ``LOCK_NAME``) while the block runs.

    Advisory: every careerconv process that rebuilds a file there takes it, so
    their read-modify-write steps run one after the other. The kernel drops the
    lock when a holder dies, so a killed dispatcher never leaves it held.

    :raises OSError: the folder or its lock file cannot be made or opened.
    """
    _make_folder(folder)
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write ``data`` (text as UTF-8) to ``path`` atomically and durably; create its folder.

    :raises OSError: nothing was replaced when it is raised before the rename;
        after it (the folder's flush), the new file is in place but may not
        survive a power cut, so the caller reports a retry.
    """
    folder = path.parent
    _make_folder(folder)
    _sweep_once(folder)
    # Text that cannot be UTF-8 (a lone surrogate from hostile input) is written with a
    # replacement character rather than failing the whole delivery.
    body = data.encode("utf-8", "replace") if isinstance(data, str) else data
    fd, temp = tempfile.mkstemp(prefix=temporary_prefix(path.name), suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(body)
            handle.flush()
            os.fsync(handle.fileno())
        # A replaced file keeps its mode; a new one keeps mkstemp's owner-only mode.
        with contextlib.suppress(FileNotFoundError):
            os.chmod(temp, path.stat().st_mode & 0o7777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _sync_folder(folder)


def _make_folder(folder: Path) -> None:
    """Create ``folder`` and any missing parents, flushing each new entry into its parent."""
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        current = current.parent
    for new in reversed(missing):
        try:
            new.mkdir(mode=0o700)  # career data: the folder is its owner's only
        except FileExistsError:
            continue  # made meanwhile by another process: its entry is that process's to flush
        _sync_folder(new.parent)


def _sync_folder(folder: Path) -> None:
    """Flush the folder's entries, so the rename is on disk (POSIX; Windows has no folder handles)."""
    flags = getattr(os, "O_DIRECTORY", None)
    if flags is None:
        return
    try:
        fd = os.open(folder, os.O_RDONLY | flags)
    except PermissionError:
        return  # a folder we may write but not read (mode -wx) cannot be flushed: best effort

    try:
        os.fsync(fd)
    except OSError as exc:
        # Some file systems (certain network and FUSE mounts) cannot flush a folder.
        if exc.errno not in (errno.EINVAL, errno.ENOTSUP):
            raise
    finally:
        os.close(fd)


def read_text(path: Path) -> str | None:
    """The file's UTF-8 text, or None when it does not exist.

    Bytes that are not UTF-8 (a file edited or damaged by hand) read as
    replacement characters: such a file compares as different from anything
    careerconv writes, so it is written again instead of failing the port.
    """
    try:
        return path.read_bytes().decode("utf-8", "replace")
    except FileNotFoundError:
        return None


def is_retryable(exc: OSError) -> bool:
    """Whether the same write may succeed later without anyone changing anything."""
    return exc.errno in RETRYABLE_ERRNOS


def write_error(adapter: str, path: Path, exc: OSError) -> AdapterError:
    """The ``AdapterError`` for a failed write of ``path``: retryable per ``is_retryable``.

    The reason names the file and the errno, never the content.
    """
    code = errno.errorcode.get(exc.errno or 0, "unknown error")
    what = os.strerror(exc.errno) if exc.errno else type(exc).__name__
    if is_retryable(exc):
        return AdapterError(
            adapter,
            f"could not write {path}: {what} ({code}); will try again",
            retryable=True,
            retry_after=RETRY_AFTER,
        )
    return AdapterError(
        adapter,
        f"could not write {path}: {what} ({code}); fix the folder's permissions or the 'directory' setting",
    )


def os_error_outcome(key: str, path: Path, exc: OSError) -> DeliveryOutcome:
    """A RETRY (full disk, I/O error) or FAILED (no permission, read-only) outcome for ``key``."""
    return error_outcome(key, write_error("files", path, exc))


def folder_setting(settings: Mapping[str, str], name: str, *, where: str) -> Path | None:
    """The folder the setting ``name`` names (``~`` expanded), or None when it is empty.

    :param where: names the adapter in messages, such as ``calendar 'ics'``.
    :raises ConfigurationError: the setting names a file.
    """
    raw = settings.get(name, "").strip()
    if not raw:
        return None
    path = Path(raw).expanduser()
    if path.exists() and not path.is_dir():
        raise ConfigurationError(
            f"{where}: setting {name!r} points to {path}, which is a file; give a folder instead"
        )
    sweep_owned(path)
    return path


def required_folder(
    settings: Mapping[str, str], name: str, *, where: str, purpose: str, example: str
) -> Path:
    """Like ``folder_setting``, for a setting that must be given.

    :param purpose: what the folder holds, such as ``.ics files``; ``example`` a value.
    :raises ConfigurationError: the setting is missing or names a file.
    """
    path = folder_setting(settings, name, where=where)
    if path is None:
        raise ConfigurationError(
            f"{where}: setting {name!r} is missing; set it to the folder for {purpose}, "
            f'for example {name} = "{example}"'
        )
    return path
