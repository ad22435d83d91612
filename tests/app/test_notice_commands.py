"""Every notice names what to type, and what it names is a command careerconv takes (M10).

Each notice kind's text is rendered with a report's fields; every
``careerconv ...`` command in it is parsed by the real command line (a
local time without an offset, as the texts give, included).
"""

from __future__ import annotations

import argparse
import contextlib
import io
import re
import shlex

import pytest

from careerconv.cli import build_parser
from careerconv_core.domain.notices import NOTICE_TEXTS, REFUSED, NoticeKind

FIELDS = {
    "report": "Jonas Weber",
    "report_id": "jonas",
    "manager": "Maya Okafor",
    "manager_id": "maya",
    "reader_id": "maya",
    "when": "Thu 2027-01-21 10:00 Europe/Berlin (09:00 UTC)",
    "conversation": "Conversation 2 (pinnacle)",
    "conversation_id": "pinnacle",
    "action": "mentor",
    "answer_by": "2027-01-18",
    "why": REFUSED,
    "attendee": "Jonas Weber",
    "meeting": "Career conversation 2: your pinnacle",
    "move": "'careerconv reschedule jonas pinnacle --to 2030-01-15T10:00'",
}


def commands(text: str) -> list[list[str]]:
    """The ``careerconv`` command lines quoted in a notice's text."""
    return [shlex.split(line)[1:] for line in re.findall(r"'(careerconv [^']+)'", text)]


@pytest.mark.parametrize("kind", list(NoticeKind), ids=lambda k: k.value)
def test_each_notice_names_the_report_when_and_what_to_type(kind: NoticeKind) -> None:
    subject, body = NOTICE_TEXTS[kind].render(**FIELDS)
    assert "Jonas Weber (jonas)" in body and "manager: Maya Okafor" in body
    assert f"When: {FIELDS['when']}" in body
    assert "What to do: " in body
    assert "{" not in subject + body, "every field is filled in"


@pytest.mark.parametrize("kind", list(NoticeKind), ids=lambda k: k.value)
def test_each_suggested_command_is_one_the_command_line_takes(kind: NoticeKind) -> None:
    _, body = NOTICE_TEXTS[kind].render(**FIELDS)
    found = commands(body)
    if kind is not NoticeKind.ACCESS_ENDED:  # the one notice with nothing to do
        assert found, f"{kind.value} names no command"
    parser = build_parser()
    for argv in found:
        refused = io.StringIO()
        try:
            with contextlib.redirect_stderr(refused):
                args = parser.parse_args(argv)
        except SystemExit:
            pytest.fail(f"{kind.value}: 'careerconv {shlex.join(argv)}' is refused: {refused.getvalue()}")
        assert isinstance(args, argparse.Namespace) and args.fn is not None
