"""Rotating the master key, killed half-way or not, and sealing a store written in clear text.

A rotation re-wraps each plan's data key in a transaction of its own; killed
(SIGKILL) between plans, the store refuses to open until the rotation is run
again, which goes on from where it stopped; nothing is lost.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from attrs import evolve

from careerconv.cli import main
from careerconv_core.domain.life_story import LifeStory
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.errors import ConfigurationError
from careerconv_core.outbox import Channel, OutboxEntry
from careerconv_core.ports import PlanChange
from careerconv_plugins.sql.sealing import MasterKey, create_key_file, key_from_file
from careerconv_plugins.sqlite_store.adapter import SqliteStore
from servers import postgres_fixtures
from servers.postgres import find_bin_dir
from support.privacy import Planter
from support.sealed import markers_in, new_key, place
from support.world import World

postgres_server = postgres_fixtures.postgres_server
postgres_dsn = postgres_fixtures.postgres_dsn
__all__ = ["place"]  # the fixture, used by name

PLANS = 12
SRC = Path(__file__).resolve().parents[2] / "src"
TESTS = Path(__file__).resolve().parents[1]


def fill(store: Any, world: World | None = None, count: int = PLANS) -> dict[str, CareerPlan]:
    """``count`` plans with notes and one outbox entry each, committed one by one."""
    world = world or World(store=store)
    plans = {}
    for n in range(count):
        plan = CareerPlan.propose(f"p{n:03d}", "r1", "m1", world.clock())
        plan = evolve(plan, life_story=LifeStory(notes=f"notes of plan {n}"))
        entry = OutboxEntry(
            f"e{n}", f"k{n}", Channel.NOTIFIER, '{"n": 1}', plan.id, world.clock(), world.clock()
        )
        store.commit(PlanChange(plans=(plan,), outbox=(entry,)))
        plans[plan.id] = plan
    return plans


def test_a_rotation_rewraps_every_data_key_and_retires_the_old_key(
    place: dict[str, Any], tmp_path: Path
) -> None:
    old, new = new_key(tmp_path), new_key(tmp_path, "new.key")
    store = place["open"](old)
    plans = fill(store)
    store.close()
    rotating = place["open"](old, rotating_to=new)
    assert rotating.rotate_key() == PLANS
    assert rotating.load_plan("p003") == plans["p003"]  # the same store goes on under the new key
    rotating.close()
    with pytest.raises(ConfigurationError, match="holds the master key from before the last rotation"):
        place["open"](old)
    after = place["open"](new)
    assert {p.id: p for p in after.find_plans()} == plans
    assert after.sealing_status()["keys"] == {new.fingerprint: PLANS}
    after.close()


_KILLER = """
import os, signal, sys
from pathlib import Path
from careerconv_plugins.sql import sealing
from careerconv_plugins.sql.sealing import key_from_file
kind, target, old, new, after = sys.argv[1:6]
wrapped = [0]
real = sealing.MasterKey.wrap
def wrap_then_die(self, data_key, key_id):
    if wrapped[0] == int(after):
        os.kill(os.getpid(), signal.SIGKILL)  # between two plans' transactions: no cleanup at all
    wrapped[0] += 1
    return real(self, data_key, key_id)
sealing.MasterKey.wrap = wrap_then_die
if kind == "sqlite":
    from careerconv_plugins.sqlite_store.adapter import SqliteStore as Store
else:
    from careerconv_plugins.postgres_store.adapter import PostgresStore as Store
store = Store(target, key=key_from_file(Path(old), "s"), rotating_to=key_from_file(Path(new), "s"))
store.rotate_key()
"""


def _run_killed(place: dict[str, Any], old: Path, new: Path, after: int) -> int:
    env = {**os.environ, "PYTHONPATH": f"{SRC}{os.pathsep}{TESTS}"}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            textwrap.dedent(_KILLER),
            place["kind"],
            place["target"],
            old,
            new,
            str(after),
        ],
        env=env,
        capture_output=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == -9, done.stderr.decode()[-2000:]
    return done.returncode


def test_a_rotation_killed_between_plans_resumes_and_loses_nothing(
    place: dict[str, Any], tmp_path: Path
) -> None:
    old, new = new_key(tmp_path), new_key(tmp_path, "new.key")
    store = place["open"](old)
    plans = fill(store)
    store.close()
    assert _run_killed(place, tmp_path / "store.key", tmp_path / "new.key", after=5) == -9
    for key in (old, new):  # half-way: neither key opens the store for use
        with pytest.raises(
            ConfigurationError, match="rotation is half-way; run 'careerconv store rotate-key'"
        ):
            place["open"](key)
    other = new_key(tmp_path, "third.key")
    with pytest.raises(ConfigurationError, match="rotation to another new master key is half-way"):
        place["open"](old, rotating_to=other)
    resumed = place["open"](old, rotating_to=new)
    assert resumed.sealing_status()["keys"] == {new.fingerprint: 5, old.fingerprint: PLANS - 5}
    assert resumed.rotate_key() == PLANS - 5
    resumed.close()
    after = place["open"](new)
    assert {p.id: p for p in after.find_plans()} == plans
    assert len(after.outbox()) == PLANS  # the payloads open under the same data keys
    after.close()


def test_the_cli_rotates_the_home_key_file_and_resumes_after_a_kill(tmp_path: Path) -> None:
    home = tmp_path / "home"
    assert main(["--home", str(home), "init"]) == 0
    key_file = home / "careerconv.key"
    old_text = key_file.read_text()
    store = SqliteStore(home / "careerconv.db", key=key_from_file(key_file, "s"))
    plans = fill(store)
    store.close()
    # Killed half-way: the new key waits beside the old one, the old one still in place.
    upcoming = home / "careerconv.key.next"
    create_key_file(upcoming)
    killed = {"kind": "sqlite", "target": str(home / "careerconv.db")}
    assert _run_killed(killed, key_file, upcoming, after=4) == -9
    assert main(["--home", str(home), "status"]) != 0  # the store refuses to open meanwhile
    assert main(["--home", str(home), "store", "rotate-key"]) == 0
    assert not upcoming.exists() and key_file.read_text() != old_text
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    store = SqliteStore(home / "careerconv.db", key=key_from_file(key_file, "s"))
    assert {p.id: p for p in store.find_plans()} == plans
    store.close()
    assert main(["--home", str(home), "store", "key-status"]) == 0


def test_a_key_env_store_needs_the_new_key_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path / "home"
    assert main(["--home", str(home), "init"]) == 0
    monkeypatch.setenv("CC_OLD_KEY", (home / "careerconv.key").read_text().strip())
    config = home / "careerconv.toml"
    config.write_text(config.read_text().replace('key_file = "careerconv.key"', 'key_env = "CC_OLD_KEY"'))
    assert main(["--home", str(home), "store", "rotate-key"]) != 0  # which new key? refused
    create_key_file(tmp_path / "n.key")
    monkeypatch.setenv("CC_NEW_KEY", (tmp_path / "n.key").read_text().strip())
    assert main(["--home", str(home), "store", "rotate-key", "--new-key-env", "CC_NEW_KEY"]) == 0
    assert main(["--home", str(home), "status"]) != 0  # CC_OLD_KEY is now the retired key
    monkeypatch.setenv("CC_OLD_KEY", os.environ["CC_NEW_KEY"])
    assert main(["--home", str(home), "status"]) == 0


# ------------------------------------------------------- clear-text stores
def test_a_clear_text_store_is_sealed_on_first_open_with_a_key(place: dict[str, Any], tmp_path: Path) -> None:
    planter = Planter()
    clear = place["open"](None)
    world = World(store=clear)
    plans = {pid: planter.plant(p) for pid, p in fill(clear, world, 3).items()}
    shared = next(iter(planter.markers))
    at = world.clock()
    view = OutboxEntry("e-view", "k-view", Channel.TRACKER, f'{{"title": "{shared}"}}', "p000", at, at)
    clear.commit(PlanChange(plans=tuple(evolve(p, version=2) for p in plans.values()), outbox=(view,)))
    clear.close()
    if place["kind"] == "sqlite":  # the markers are there to be found, in clear text
        assert markers_in(planter, Path(place["target"]).read_bytes() + _side_files(place["target"]))
    key: MasterKey = new_key(tmp_path)
    sealed = place["open"](key)
    assert [p.id for p in sealed.find_plans()] == sorted(plans)
    assert all(sealed.load_plan(pid).life_story == p.life_story for pid, p in plans.items())
    assert next(e for e in sealed.outbox() if e.id == "e-view").payload == view.payload
    sealed.close()
    if place["kind"] == "sqlite":
        db = place["target"]
        for name in (db, f"{db}-wal", f"{db}-shm"):
            if Path(name).exists():
                assert markers_in(planter, Path(name).read_bytes()) == [], name
    else:  # the tables; PostgreSQL's WAL keeps what it logged before (docs/adapters/stores.md)
        dump = subprocess.run(
            [str(find_bin_dir() / "pg_dump"), place["target"]], capture_output=True, check=True
        ).stdout
        assert b"cc1:" in dump and markers_in(planter, dump) == []
    with pytest.raises(ConfigurationError, match="encrypted and no master key"):
        place["open"](None)


def _side_files(db: str) -> bytes:
    return b"".join(
        Path(f"{db}{side}").read_bytes() for side in ("-wal", "-shm") if Path(f"{db}{side}").exists()
    )


def test_the_cli_refuses_a_missing_or_wrong_key_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    home = tmp_path / "home"
    assert main(["--home", str(home), "init"]) == 0
    key_file = home / "careerconv.key"
    fill(SqliteStore(home / "careerconv.db", key=key_from_file(key_file, "s")), count=2)
    key_file.rename(tmp_path / "saved.key")
    capsys.readouterr()
    assert main(["--home", str(home), "status"]) != 0
    missing = capsys.readouterr().err.strip()
    assert "\n" not in missing and "'key_file'" in missing and "does not exist; restore the key" in missing
    create_key_file(key_file)  # a new key for an existing store: refused, nothing overwritten
    assert main(["--home", str(home), "status"]) != 0
    wrong = capsys.readouterr().err.strip()
    assert "\n" not in wrong and "wrong master key" in wrong and "set 'key_file'" in wrong
    (tmp_path / "saved.key").replace(key_file)
    assert main(["--home", str(home), "status"]) == 0
    store = SqliteStore(home / "careerconv.db", key=key_from_file(key_file, "s"))
    assert len(store.find_plans()) == 2  # nothing was lost
    store.close()
