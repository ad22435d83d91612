"""Write docs/images/plan-page.png: the example plan's HTML export as Debian's Chromium shows it.

Run from the repository root, after ``bash .ci/setup-browser.sh`` and
``pip install -e ".[test]" pillow``:

    python scripts/screenshot-plan.py [--out docs/images/plan-page.png] [--width 900]

It exports the same example plan the browser test reads (tests/support/
example_plan.py, with the example organisation's catalog in
examples/catalog), opens it from a file with every other request refused,
takes a full-page screenshot and stores it as a palette PNG (Pillow), so the
picture in the docs stays small (it refuses to write one of 300 KB or more).
"""

# ruff: noqa: T201 - a command-line tool: printing what it wrote is its output
from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]  # the example plan lives beside the tests

from careerconv_core import export  # noqa: E402
from support.browser import chromium, chromium_path  # noqa: E402
from support.example_plan import EXPORTED_AT, MANAGER, REPORT, example_catalog, example_plan  # noqa: E402

LIMIT = 300 * 1024
COLOURS = 96  # text, three bar colours and their anti-aliasing: plenty for a sharp picture


def _shot(html: str, width: int, executable: str) -> bytes:
    with tempfile.TemporaryDirectory() as folder, chromium(executable) as browser:
        page_file = Path(folder) / "plan.html"
        page_file.write_text(html, encoding="utf-8")
        context = browser.new_context(viewport={"width": width, "height": 800})
        context.route(
            "**/*",
            lambda route: route.continue_() if route.request.url == page_file.as_uri() else route.abort(),
        )
        page = context.new_page()
        page.goto(page_file.as_uri())
        png: bytes = page.screenshot(full_page=True)
        context.close()
        return png


def _small(png: bytes) -> bytes:
    from PIL import Image  # noqa: PLC0415 - only this tool needs Pillow, not the tests

    picture = Image.open(io.BytesIO(png)).convert("RGB")
    out = io.BytesIO()
    picture.quantize(COLOURS, dither=Image.Dither.NONE).save(out, "PNG", optimize=True)
    return out.getvalue()


def main() -> int:
    """Export, render, shrink and write the screenshot; print where and how big."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images" / "plan-page.png")
    parser.add_argument("--width", type=int, default=900, help="the browser window's width in CSS pixels")
    args = parser.parse_args()
    executable = chromium_path()
    if executable is None:
        print("screenshot-plan: no chromium; run: bash .ci/setup-browser.sh", file=sys.stderr)
        return 2
    html = export.html(example_plan(), REPORT, MANAGER, catalog=example_catalog(), now=EXPORTED_AT)
    png = _small(_shot(html, args.width, executable))
    if len(png) >= LIMIT:
        print(f"screenshot-plan: {len(png)} bytes, over {LIMIT}; try a smaller --width", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_bytes(png)
    print(f"wrote {args.out} ({len(png) // 1024} KB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
