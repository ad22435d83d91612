"""The files a careerconv home holds: owner-only modes; a store on a bad disk is told as what it is."""

from __future__ import annotations

import contextlib
import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from careerconv_core.errors import AdapterError, ConfigurationError
from careerconv_plugins.sqlite_store.adapter import SqliteStore
from support.cli import Cli
from support.sealed import home_key
from tests_support_paths import EXAMPLES


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def cli(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Cli:
    return Cli(tmp_path / "home", capsys, monkeypatch)


def test_every_file_with_plan_data_is_owner_only(cli: Cli, tmp_path: Path) -> None:
    cli("init")
    cli("org", "import", str(EXAMPLES / "org.toml"))
    cli("propose", "jonas")
    cli("accept", "jonas", "--as", "jonas")
    cli("ready", "jonas")
    cli("schedule", "jonas", "--start", "2027-01-05")
    cli("dispatch")
    for fmt in ("md", "html"):
        cli("export", "jonas", "--format", fmt, "--out", str(cli.home / f"jonas.{fmt}"))
    home = cli.home
    db = home / "careerconv.db"
    files = [p for p in home.rglob("*") if p.is_file()]
    assert {
        db,
        home / "jonas.md",
        home / "jonas.html",
        home / "careerconv.toml",
        home / "careerconv.key",
    } <= set(files)
    assert any(p.suffix == ".ics" for p in files) and any(p.suffix == ".eml" for p in files)
    wrong = {str(p.relative_to(home)): oct(mode(p)) for p in files if mode(p) != 0o600}
    assert wrong == {}
    folders = [home, *(p for p in home.rglob("*") if p.is_dir())]
    assert len(folders) > 4
    assert {str(p): oct(mode(p)) for p in folders if mode(p) != 0o700} == {}

    # The write-ahead log and its index, while a connection holds them open.
    store = SqliteStore(db, key=home_key(home))
    try:
        store.load_person("jonas")
        for side in ("careerconv.db-wal", "careerconv.db-shm"):
            assert mode(home / side) == 0o600, side
    finally:
        store.close()


def test_a_new_store_file_is_owner_only_even_under_a_loose_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        store = SqliteStore(tmp_path / "s.db")
        store.cursor("org")
        assert mode(tmp_path / "s.db") == 0o600 and mode(tmp_path / "s.db-wal") == 0o600
        store.close()
    finally:
        os.umask(old)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_an_empty_store_file_is_refused_not_made_a_new_store(tmp_path: Path) -> None:
    empty = tmp_path / "careerconv.db"
    empty.touch()
    with pytest.raises(ConfigurationError, match=r"empty file \(0 bytes\).*backup"):
        SqliteStore(empty)
    assert empty.stat().st_size == 0  # left as it was found
    folder = tmp_path / "a-folder.db"
    folder.mkdir()
    with pytest.raises(ConfigurationError, match="is a folder"):
        SqliteStore(folder)


def test_a_file_that_is_no_store_is_called_so(tmp_path: Path) -> None:
    other = tmp_path / "notes.db"
    other.write_text("not sqlite at all, but long enough to have a header" * 20)
    with pytest.raises(ConfigurationError, match="not a usable careerconv database"):
        SqliteStore(other)


@contextlib.contextmanager
def tmpfs(where: Path, size: str) -> Iterator[bool]:
    """A small tmpfs at ``where`` (we run as root); False when mounting is not allowed here."""
    where.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(where)],
        capture_output=True,
        check=False,
    )
    try:
        yield done.returncode == 0
    finally:
        if done.returncode == 0:
            subprocess.run(["umount", str(where)], check=False)


def run(home: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("careerconv")
    env = {**os.environ, "CAREERCONV_NOW": "2027-01-04T08:00:00+00:00"}
    return subprocess.run(
        [str(exe), "--home", str(home), *argv], capture_output=True, text=True, env=env, check=False
    )


def _read_only(where: Path) -> None:
    subprocess.run(["mount", "-o", "remount,ro", str(where)], check=True)


def test_a_read_only_home_is_reported_as_read_only_and_the_store_is_left_alone(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    with tmpfs(disk, "4m") as mounted:
        if not mounted:
            pytest.fail("mounting a tmpfs is needed for this test (run as root)")
        home = disk / "home"
        assert run(home, "init").returncode == 0
        assert run(home, "org", "import", str(EXAMPLES / "org.toml")).returncode == 0
        before = (home / "careerconv.db").read_bytes()
        _read_only(disk)
        done = run(home, "status")
        assert done.returncode == 1 and done.stderr.count("\n") == 1, done.stderr
        assert "read-only" in done.stderr and "write access" in done.stderr
        assert "not a usable" not in done.stderr and "new file" not in done.stderr
        done = run(disk / "fresh", "init")
        assert done.returncode == 2 and done.stderr.count("\n") == 1, done.stderr
        assert "Read-only file system" in done.stderr
        assert (disk / "home" / "careerconv.db").read_bytes() == before
    with pytest.raises(ConfigurationError, match=r"cannot create .* \(No such file or directory\)"):
        SqliteStore(tmp_path / "missing-folder" / "x.db")  # said so, never "damaged"


def test_a_full_disk_when_the_store_is_created_is_reported_as_a_full_disk(tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    with tmpfs(disk, "64k") as mounted:
        if not mounted:
            pytest.fail("mounting a tmpfs is needed for this test (run as root)")
        with contextlib.suppress(OSError), (disk / "ballast").open("wb") as out:
            while True:
                out.write(b"\0" * 4096)
        with pytest.raises(AdapterError, match="the disk is full") as caught:
            SqliteStore(disk / "careerconv.db")
        assert caught.value.retryable
        assert not (disk / "careerconv.db").exists()  # nothing half-made is left to be taken for a store
        assert [p.name for p in disk.iterdir()] == ["ballast"]
