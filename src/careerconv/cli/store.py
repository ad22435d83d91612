"""The store's master key: ``store new-key``, ``store rotate-key`` and ``store key-status``.

``rotate-key`` re-wraps every plan's data key under a new master key, one
plan per transaction: killed half-way, it is run again and goes on. With the
embedded defaults (``key_file``) and no new key given, it makes the new key
beside the old one (``careerconv.key.next``) and puts it in the old one's place
once every data key is re-wrapped.
"""

from __future__ import annotations

import argparse
import contextlib
import os
from pathlib import Path
from typing import Any

from careerconv.cli._common import Invocation, UsageError, add_command

_NEXT = ".next"


def _store_settings(inv: Invocation) -> tuple[Any, str, dict[str, str]]:
    """The app, the store's adapter name and its settings, as ``careerconv.toml`` gives them."""
    from careerconv import config
    from careerconv_core.ports import AdapterKind

    app = inv.app()
    section = config.section(app.config, "store")
    name = str(section["adapter"])
    declared = app.host.adapter_spec(AdapterKind.STORE, name).declared_settings
    settings = config.adapter_settings(section.get("settings"), "[store]", inv.home, declared)
    if "key_file" not in settings and "key_env" not in settings:
        raise UsageError(
            "[store] names no master key ('key_file' or 'key_env'); set one and open the store once "
            "(that encrypts it) before rotating"
        )
    return app, name, settings


def cmd_rotate_key(args: argparse.Namespace, inv: Invocation) -> None:
    """Re-wrap every data key under a new master key; crash-safe and resumable."""
    from careerconv_core.ports import AdapterKind
    from careerconv_plugins.sql.sealing import ROTATING_TO, create_key_file, shown_path

    app, name, settings = _store_settings(inv)
    installing: tuple[Path, Path] | None = None
    if args.new_key_file:
        new = {"key_file": str(Path(args.new_key_file).expanduser().absolute())}
        if not os.path.lexists(new["key_file"]):
            raise UsageError(
                f"--new-key-file {shown_path(args.new_key_file)} does not exist; "
                "make it first with: careerconv store new-key --file PATH"
            )
    elif args.new_key_env:
        new = {"key_env": args.new_key_env}
    elif "key_file" in settings:
        current = Path(settings["key_file"])
        upcoming = current.with_name(current.name + _NEXT)
        create_key_file(upcoming)  # kept when a rotation was interrupted: the same new key goes on
        new, installing = {"key_file": str(upcoming)}, (upcoming, current)
    else:
        raise UsageError("the store's key comes from 'key_env': give the new key with --new-key-env NAME")
    rotating = {**settings, **{ROTATING_TO + k: v for k, v in new.items()}}
    store = app.host.create(AdapterKind.STORE, name, rotating)
    try:
        if not callable(getattr(store, "rotate_key", None)):
            raise UsageError(f"the {name!r} store does not encrypt at rest: there is no key to rotate")
        count = store.rotate_key()
    finally:
        store.close()
    from careerconv.cli._upkeep_documents import KeyRotated

    if installing is not None:
        upcoming, current = installing
        os.replace(upcoming, current)  # the store already wants the new key: the file follows
        with contextlib.suppress(OSError):
            folder = os.open(current.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        inv.show(KeyRotated(count, str(current), None, None))
    else:
        setting = next(iter(new))
        inv.show(KeyRotated(count, None, setting, new[setting]))


def cmd_new_key(args: argparse.Namespace, inv: Invocation) -> None:
    """Write a new random master key to an owner-only file, or print it (for a ``key_env`` variable)."""
    from careerconv.cli._upkeep_documents import NewKey
    from careerconv_plugins.sql.sealing import create_key_file, new_key_text, shown_path

    if args.file is None:
        inv.show(NewKey(None, new_key_text()))
        return
    path = Path(args.file).expanduser()
    try:
        made = create_key_file(path)
    except (OSError, ValueError) as exc:  # ValueError: a NUL in the path
        reason = getattr(exc, "strerror", None) or "not a path"
        raise UsageError(
            f"cannot write {shown_path(path)} ({reason}); give a path in a folder you can write to"
        ) from None
    if not made:
        raise UsageError(f"{shown_path(path)} exists; a key is never overwritten (the store may need it)")
    inv.show(NewKey(str(path), None))


def cmd_key_status(args: argparse.Namespace, inv: Invocation) -> None:
    """Whether the store is encrypted, its key's fingerprint, and a rotation under way."""
    from careerconv.cli._upkeep_documents import KeyStatus, WrappedKeys

    app = inv.app()
    try:
        status = getattr(app.store, "sealing_status", None)
        if status is None:
            inv.show(KeyStatus(False, None, [], None))
            return
        found = status()
    finally:
        app.close()
    wrapped = [WrappedKeys(master[:16], count) for master, count in sorted(found["keys"].items())]
    rotating = str(found["next"])[:16] if found["next"] else None
    inv.show(KeyStatus(True, str(found["master"])[:16], wrapped, rotating))


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``store new-key``, ``store rotate-key`` and ``store key-status``."""
    p = add_command(sub, "store", None, "the store's master key: make one, rotate it, show it")
    ss = p.add_subparsers(dest="store_command", required=True, metavar="SUBCOMMAND")
    q = ss.add_parser("rotate-key", help="re-wrap every plan's data key under a new master key (resumable)")
    q.set_defaults(fn=cmd_rotate_key)
    which = q.add_mutually_exclusive_group()
    which.add_argument("--new-key-file", metavar="PATH", help="the new key's file (owner-only)")
    which.add_argument("--new-key-env", metavar="NAME", help="the environment variable holding the new key")
    q = ss.add_parser("new-key", help="write a new master key to --file PATH, or print one")
    q.set_defaults(fn=cmd_new_key)
    q.add_argument("--file", metavar="PATH", help="write it to this owner-only file (never overwritten)")
    ss.add_parser("key-status", help="the master key's fingerprint and any rotation under way").set_defaults(
        fn=cmd_key_status
    )
