"""The one atomic file write, and how every adapter that writes files reads its errors."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
import time
from datetime import date
from pathlib import Path

import pytest

from careerconv_core.errors import ConfigurationError
from careerconv_core.ports import OutcomeStatus
from careerconv_core.views import HrisSummaryView
from careerconv_plugins import files
from careerconv_plugins.localfiles.hris_writer_adapter import FileSummaries
from careerconv_plugins.localfiles.tracker_adapter import FileTracker


def test_a_write_replaces_the_file_whole_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "new" / "folder" / "a.ics"
    files.write_atomic(target, "first")
    files.write_atomic(target, "second ✓")
    assert target.read_text(encoding="utf-8") == "second ✓"
    assert files.read_text(target) == "second ✓"
    assert sorted(p.name for p in target.parent.iterdir()) == ["a.ics"]
    assert files.read_text(tmp_path / "missing") is None


def test_the_file_and_then_its_folder_are_flushed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    synced: list[bool] = []
    real = os.fsync

    def recording(fd: int) -> None:
        synced.append(stat.S_ISDIR(os.fstat(fd).st_mode))
        real(fd)

    monkeypatch.setattr(files.os, "fsync", recording)
    files.write_atomic(tmp_path / "a.json", b"{}")
    assert synced == [False, True]  # the data before the rename, the folder after it


def test_new_folders_are_flushed_into_their_parents(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flushed: list[str] = []
    real = os.fsync

    def recording(fd: int) -> None:
        if stat.S_ISDIR(os.fstat(fd).st_mode):
            flushed.append(os.readlink(f"/proc/self/fd/{fd}"))
        real(fd)

    monkeypatch.setattr(files.os, "fsync", recording)
    files.write_atomic(tmp_path / "a" / "b" / "x.ics", "x")
    # tmp_path gets "a", "a" gets "b", then "b" gets the renamed file.
    assert flushed == [str(tmp_path), str(tmp_path / "a"), str(tmp_path / "a" / "b")]


def test_a_new_file_is_private_and_a_replaced_one_keeps_its_mode(tmp_path: Path) -> None:
    new, shared = tmp_path / "new.ics", tmp_path / "shared.ics"
    files.write_atomic(new, "x")
    assert stat.S_IMODE(new.stat().st_mode) == 0o600
    shared.write_text("old", encoding="utf-8")
    shared.chmod(0o644)
    files.write_atomic(shared, "new")
    assert stat.S_IMODE(shared.stat().st_mode) == 0o644 and shared.read_text(encoding="utf-8") == "new"


def test_text_that_is_not_utf8_neither_crashes_a_read_nor_a_write(tmp_path: Path) -> None:
    damaged = tmp_path / "damaged.ics"
    damaged.write_bytes(b"BEGIN:VCALENDAR\n\xff\xfe")
    assert files.read_text(damaged) == "BEGIN:VCALENDAR\n\ufffd\ufffd"
    files.write_atomic(tmp_path / "hostile.json", '{"title": "\ud800"}')  # a lone surrogate
    assert (tmp_path / "hostile.json").read_bytes() == b'{"title": "?"}'


def test_a_failed_write_keeps_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "a.txt"
    files.write_atomic(target, "old")

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(OSError, match="No space left"):
        files.write_atomic(target, "new")
    assert target.read_text() == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]


@pytest.mark.parametrize(
    "code",
    [errno.ENOSPC, errno.EDQUOT, errno.EIO, errno.EAGAIN, errno.EINTR, errno.EBUSY, errno.EMFILE],
)
def test_errors_that_pass_by_themselves_are_retried(code: int) -> None:
    outcome = files.os_error_outcome("k1", Path("/data/k1.ics"), OSError(code, os.strerror(code)))
    assert outcome.status is OutcomeStatus.RETRY
    assert outcome.retry_after == files.RETRY_AFTER
    assert errno.errorcode[code] in outcome.reason and "/data/k1.ics" in outcome.reason


@pytest.mark.parametrize("code", [errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR, errno.EISDIR])
def test_errors_a_person_must_fix_are_not(code: int) -> None:
    outcome = files.os_error_outcome("k1", Path("/data/k1.ics"), OSError(code, os.strerror(code)))
    assert outcome.status is OutcomeStatus.FAILED
    assert "'directory' setting" in outcome.reason


def test_the_file_tracker_and_hr_record_classify_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tracker = FileTracker({"directory": str(tmp_path / "tickets")})
    summaries = FileSummaries({"directory": str(tmp_path / "hris")})
    summary = HrisSummaryView(
        external_id="careerconv-plan-1",
        person_id="r1",
        goal=None,
        focus_competencies=("Hiring",),
        plan_started=None,
        last_updated=date(2027, 1, 14),
        next_review=None,
    )
    for code, status in ((errno.EACCES, OutcomeStatus.FAILED), (errno.ENOSPC, OutcomeStatus.RETRY)):

        def refuse(_path: Path, _data: str | bytes, code: int = code) -> None:
            raise OSError(code, os.strerror(code))

        monkeypatch.setattr("careerconv_plugins.localfiles.client.write_atomic", refuse)
        [written] = summaries.deliver_summaries([summary])
        assert written.status is status, errno.errorcode[code]
        assert errno.errorcode[code] in written.reason
        assert tracker.folder.deliver("k", {"status": "open"}).status is status
    monkeypatch.undo()
    assert [o.status for o in summaries.deliver_summaries([summary, summary])] == [
        OutcomeStatus.DELIVERED,
        OutcomeStatus.UNCHANGED,
    ]


def test_folder_settings(tmp_path: Path) -> None:
    (tmp_path / "a-file").write_text("x")
    assert files.folder_setting({}, "state_directory", where="mail adapter 'imip'") is None
    assert files.folder_setting({"d": " ~/x "}, "d", where="w") == Path("~/x").expanduser()
    with pytest.raises(ConfigurationError, match="which is a file; give a folder instead"):
        files.folder_setting({"d": str(tmp_path / "a-file")}, "d", where="w")
    with pytest.raises(ConfigurationError, match='for example directory = "calendars"'):
        files.required_folder({}, "directory", where="w", purpose=".ics files", example="calendars")


def _leftover(folder: Path, name: str, age: float) -> Path:
    path = folder / name
    path.write_text("half a write")
    then = path.stat().st_mtime - age
    os.utime(path, (then, then))
    return path


def test_a_dead_writers_and_an_old_temporary_file_are_removed_on_the_next_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "_swept", set())
    argv = [sys.executable, "-c", "import os; print(os.getpid())"]
    dead = subprocess.run(argv, capture_output=True, text=True, check=True)
    gone = int(dead.stdout)  # a process that has ended: its id is (almost surely) free now
    tmp_path.mkdir(exist_ok=True)
    killed = _leftover(tmp_path, f".a.ics.{gone}-x1y2.tmp", age=1)
    live = _leftover(tmp_path, f".b.ics.{os.getppid()}-x1y2.tmp", age=1)  # a writer still running
    old = _leftover(tmp_path, ".c.json.k3j4.tmp", age=files.STALE_AFTER + 5)  # an older name
    young = _leftover(tmp_path, ".d.json.k3j4.tmp", age=5)
    store = _leftover(tmp_path, f".careerconv.db.{gone}-q1.new", age=1)
    theirs = _leftover(tmp_path, "notes.tmp", age=files.STALE_AFTER + 5)  # not a name of ours
    files.write_atomic(tmp_path / "e.ics", "new")
    assert not killed.exists() and not old.exists() and not store.exists()
    assert live.exists() and young.exists() and theirs.exists()
    assert (tmp_path / "e.ics").read_text() == "new"


def test_a_folder_is_cleaned_once_per_process(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(files, "_swept", set())
    files.write_atomic(tmp_path / "a.ics", "one")
    late = _leftover(tmp_path, ".x.ics.k3j4.tmp", age=files.STALE_AFTER + 5)
    files.write_atomic(tmp_path / "a.ics", "two")  # the listing is not repeated on every write
    assert late.exists()
    assert files.remove_stale_temporaries(tmp_path) == [late] and not late.exists()


def test_the_folder_lock_lets_one_holder_in_at_a_time(tmp_path: Path) -> None:
    holding = tmp_path / "held"
    script = (
        "import sys, time; from pathlib import Path; from careerconv_plugins import files\n"
        "with files.folder_lock(Path(sys.argv[1])):\n"
        "    Path(sys.argv[2]).write_text('in'); time.sleep(0.5); Path(sys.argv[2]).write_text('out')\n"
    )
    other = subprocess.Popen([sys.executable, "-c", script, str(tmp_path), str(holding)])
    try:
        while not holding.exists() and other.poll() is None:
            time.sleep(0.01)
        with files.folder_lock(tmp_path):
            seen = holding.read_text()
    finally:
        other.wait(timeout=30)
    assert seen == "out"  # let in only after the other holder finished its step
    assert (tmp_path / files.LOCK_NAME).stat().st_mode & 0o777 == 0o600
