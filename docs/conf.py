"""Sphinx configuration for the careerconv documentation (Markdown pages through MyST)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# autodoc imports the package from the source tree, installed or not.
sys.path.insert(0, str(ROOT / "src"))

project = "careerconv"
author = "the careerconv contributors"
copyright = "the careerconv contributors"
release = "0.1.0"

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
]

source_suffix = {".md": "markdown"}
root_doc = "index"
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "README.md"]

myst_enable_extensions = ["colon_fence", "deflist"]
# Headings get anchors up to level 3, so pages can link to "page.md#a-section".
myst_heading_anchors = 3

autodoc_member_order = "bysource"
autodoc_typehints = "signature"
autodoc_default_options = {"members": True}

html_theme = "alabaster"
html_title = "careerconv"
