"""How much the command line says besides its answer: ``-q``, the default, ``-v``, ``-vv``.

Log records of careerconv and its adapters (loggers under ``careerconv``)
go to standard error, one line each. Nothing logged carries a note, a body
or a secret: adapters log what they do (``careerconv_plugins.http``: method, host,
path, status, time; never the query, credentials or a body).
"""

from __future__ import annotations

import logging
from typing import TextIO

LOGGERS = ("careerconv", "careerconv_core", "careerconv_plugins")
"""The loggers the switches set; every module logs under one of them (``__name__``)."""

_LEVELS = {-1: logging.ERROR, 0: logging.WARNING, 1: logging.INFO}
_LAST_RESORT = logging.lastResort
_CAPTURED: list[bool] = []  # holds True while captureWarnings is on from here (a host's own is left)


class _Handler(logging.StreamHandler):  # type: ignore[type-arg]
    """Ours, so configuring again (a test, a host calling main twice) replaces it."""


class _JsonLines(logging.Formatter):
    """Each record as one ``log`` document (``--json``): standard error stays one JSON object a line."""

    def format(self, record: logging.LogRecord) -> str:
        from careerconv.cli._output import log_document

        return log_document(record.levelname.lower(), record.name, record.getMessage())


def configure(stream: TextIO, verbosity: int, *, as_json: bool = False) -> None:
    """Log to ``stream`` at the level ``verbosity`` asks for (-1 quiet, 0, 1 -v, 2 or more -vv);
    ``as_json``: each record as a ``log`` document."""
    level = _LEVELS.get(verbosity, logging.DEBUG)
    handler = _Handler(stream)
    text = logging.Formatter("careerconv: %(levelname)s: %(name)s: %(message)s")
    handler.setFormatter(_JsonLines() if as_json else text)
    _last_resort(stream, as_json)
    for name in LOGGERS:
        logger = logging.getLogger(name)
        for old in [h for h in logger.handlers if isinstance(h, _Handler)]:
            logger.removeHandler(old)
        logger.addHandler(handler)
        logger.setLevel(level)
        logger.propagate = True  # a host's own logging configuration still sees them


def _last_resort(stream: TextIO, as_json: bool) -> None:
    """With ``--json``, a library's warning that no handler takes (logging's last resort) and a
    Python warning are ``log`` documents too: standard error stays one JSON object a line."""
    py_warnings = logging.getLogger("py.warnings")  # where captureWarnings logs them
    for old in [h for h in py_warnings.handlers if isinstance(h, _Handler)]:
        py_warnings.removeHandler(old)
    if as_json:
        last = _Handler(stream)
        last.setLevel(logging.WARNING)
        last.setFormatter(_JsonLines())
        logging.lastResort = last
        py_warnings.addHandler(last)
        if not _CAPTURED:
            logging.captureWarnings(True)
            _CAPTURED.append(True)
        return
    logging.lastResort = _LAST_RESORT
    if _CAPTURED:
        logging.captureWarnings(False)
        _CAPTURED.clear()
