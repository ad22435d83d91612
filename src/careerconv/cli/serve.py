"""``serve``: the web surface (the report's and the manager's pages) run alone, with uvicorn."""

from __future__ import annotations

import argparse

from careerconv.cli._args import positive
from careerconv.cli._common import Invocation, UsageError, add_command


def cmd_serve(args: argparse.Namespace, inv: Invocation) -> None:
    """Serve the pages on ``--host``:``--port`` until interrupted."""
    try:
        import uvicorn

        from careerconv.web import from_home
    except ImportError:
        raise UsageError('the web surface needs its extra: pip install "careerconv[web]"') from None
    app = from_home(str(inv.home))
    inv.out(f"serving the careerconv pages on http://{args.host}:{args.port} (Ctrl-C stops)")
    # No access log: a signed link is in the address, and a log is no place for it.
    uvicorn.run(
        app, host=args.host, port=int(args.port), access_log=False, log_level="warning", server_header=False
    )


def register(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``serve``."""
    p = add_command(
        sub, "serve", cmd_serve, "serve the report's and the manager's pages (needs the web extra)"
    )
    p.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1: this machine only)"
    )
    p.add_argument("--port", type=positive(int, most=65535), default=8000, help="port (default 8000)")
