"""Setting up: ``init``, ``adapters``, and the ``demo`` of the whole method on an example team."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from careerconv.cli import store as store_commands
from careerconv.cli._args import path_arg
from careerconv.cli._common import Invocation, UsageError, add_command

if TYPE_CHECKING:
    from careerconv_core.services import Clock


def cmd_init(args: argparse.Namespace, inv: Invocation) -> None:
    """Write careerconv.toml with embedded defaults, the store's master key, and create the store."""
    from careerconv.config import CONFIG_NAME, DEFAULT_CONFIG, KEY_NAME
    from careerconv_plugins.files import write_atomic  # owner-only file in owner-only folders
    from careerconv_plugins.sql.sealing import create_key_file

    home = inv.home
    config = home / CONFIG_NAME
    if home.exists() and not home.is_dir():
        raise UsageError(f"--home {home} is not a folder; give a folder (it is created if missing)")
    if config.exists() and not args.force:
        raise UsageError(f"{config} exists; use --force to overwrite it")
    try:
        write_atomic(config, DEFAULT_CONFIG)
        made_key = create_key_file(home / KEY_NAME)  # an existing key is kept: it opens the store
    except OSError as exc:
        raise UsageError(
            f"cannot write {config} ({exc.strerror}); give --home a folder you can write to"
        ) from None
    app = inv.app()
    app.store  # noqa: B018 - opening the store creates and migrates it
    app.close()
    from careerconv.cli._upkeep_documents import Initialised

    inv.show(Initialised(str(home), str(config), str(home / KEY_NAME) if made_key else None))


def cmd_adapters(args: argparse.Namespace, inv: Invocation) -> None:
    """List the installed adapters, kind by kind, with their settings."""
    from careerconv.cli._documents import AdapterEntry, Adapters
    from careerconv.facade import plugin_host
    from careerconv_core.ports import PORTS

    host = plugin_host()
    found = [
        AdapterEntry(kind.name, name, spec.summary, [s.name for s in spec.declared_settings])
        for kind in PORTS
        for name, spec in host.adapters(kind).items()
    ]
    inv.show(Adapters(found))


def cmd_config_check(args: argparse.Namespace, inv: Invocation) -> None:
    """Check careerconv.toml against every adapter's declared settings; print OK or each problem."""
    from careerconv.cli._documents import ConfigCheck
    from careerconv.config import CONFIG_NAME, read_config
    from careerconv.config_check import problems
    from careerconv.facade import plugin_host
    from careerconv_core.errors import ConfigurationError

    found = problems(read_config(inv.home), plugin_host(), inv.home)
    inv.show(ConfigCheck(str(inv.home / CONFIG_NAME), list(found)))
    if found:
        raise ConfigurationError(f"{len(found)} problem(s) in {inv.home / CONFIG_NAME}; fix each line above")


def cmd_demo(args: argparse.Namespace, inv: Invocation) -> None:
    """Run the example team end to end: each step is this command line, on the demo's clock."""
    from careerconv.cli import main
    from careerconv.demo import run_demo

    def run_cli(argv: Sequence[str], clock: Clock) -> int:
        return main(argv, clock=clock, stdin=inv.stdin, stdout=inv.stdout, stderr=inv.stderr)

    run_demo(Path(args.example), inv.home, run_cli=run_cli, force=args.force, say=inv.out)


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``init``, ``config check``, ``adapters``, ``demo`` and the ``store`` commands."""
    p = add_command(sub, "init", cmd_init, "create careerconv.toml with embedded defaults and an empty store")
    p.add_argument("--force", action="store_true", help="overwrite an existing careerconv.toml")
    p = add_command(sub, "config", None, "check careerconv.toml")
    cs = p.add_subparsers(dest="config_command", required=True, metavar="SUBCOMMAND")
    cs.add_parser("check", help="check every table and setting; print OK or each problem").set_defaults(
        fn=cmd_config_check
    )
    add_command(sub, "adapters", cmd_adapters, "list the installed adapters and their settings")
    p = add_command(sub, "demo", cmd_demo, "run the example team end to end on embedded defaults")
    p.add_argument(
        "example",
        nargs="?",
        type=path_arg,
        default="examples",
        help="folder with org.toml (default ./examples)",
    )
    p.add_argument("--force", action="store_true", help="start over in an existing --home")
    store_commands.register(sub)
