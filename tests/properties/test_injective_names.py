"""Every name derived from a key stands for that key alone (issue: ``a/b`` and ``a_b``
shared one ticket file, so marking one done marked the other).

Each encoding is checked by decoding it (where it has a decoder) or by looking for
two keys with one name over generated keys, plus the known near-misses by hand.
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from careerconv_core.domain.tickets import parse_ticket_key, ticket_key
from careerconv_core.views import Participant, TicketStatus, TicketView
from careerconv_plugins.ics.mapping import resource_name
from careerconv_plugins.jira.mapping import label_for
from careerconv_plugins.localfiles.tracker_adapter import FileTracker
from careerconv_plugins.names import MAX_STEM, file_stem

ID_CHARS = "abcAB09._-@+:/=~"
ids = st.text(alphabet=ID_CHARS, min_size=1, max_size=40).filter(lambda s: s[0].isalnum())
any_text = st.text(max_size=300)


def decode_stem(stem: str) -> str:
    """Our own reading of ``file_stem``'s rules, independent of its code."""
    out, raw, i = [], bytearray(), 0
    while i < len(stem):
        ch = stem[i]
        if ch == "_":
            raw.append(int(stem[i + 1 : i + 3], 16))
            i += 3
            continue
        if raw:
            out.append(raw.decode("utf-8", "surrogatepass"))
            raw.clear()
        out.append(stem[i + 1].upper() if ch == "+" else ch)
        i += 2 if ch == "+" else 1
    if raw:
        out.append(raw.decode("utf-8", "surrogatepass"))
    return "".join(out)


@settings(max_examples=400)
@given(any_text)
def test_a_file_stem_decodes_to_its_key_or_ends_in_the_keys_hash(key: str) -> None:
    stem = file_stem(key)
    assert re.fullmatch(r"[a-z0-9._+~-]+", stem) and len(stem) <= MAX_STEM and not stem.startswith(".")
    if "~" in stem:
        assert len(stem) == MAX_STEM and stem.endswith(hashlib.sha256(key.encode()).hexdigest())
    elif key:
        assert decode_stem(stem) == key
    else:
        assert stem == "_"


def test_the_keys_that_used_to_share_a_file_get_their_own() -> None:
    keys = ["a/b", "a_b", "a:b", "A_b", "a_B", "Jonas", "jonas", ".x", "_2e" + "x", ""]
    stems = [file_stem(k) for k in keys]
    assert len(set(stems)) == len(keys)
    # case-insensitive file systems fold names: the stems must differ after folding too
    assert len({s.lower() for s in stems}) == len(keys)


@settings(max_examples=400)
@given(ids, ids)
def test_a_ticket_key_reads_back_as_its_plan_and_action(plan_id: str, action_id: str) -> None:
    assert parse_ticket_key(ticket_key(plan_id, action_id)) == (plan_id, action_id)


def test_ticket_keys_of_plans_with_the_separator_inside_are_distinct_and_others_unchanged() -> None:
    assert ticket_key("p-a-1", "x") != ticket_key("p", "1-a-x")
    assert ticket_key("x-a", "a-y") != ticket_key("x", "a-a-y")
    assert ticket_key("plan1", "a1") == "cc-plan1-a-a1"  # tickets made before keep their key
    with pytest.raises(Exception, match="ticket key"):
        parse_ticket_key("cc-p%2Dq-a-x")  # a plan part nobody would have written


@settings(max_examples=300)
@given(st.lists(any_text, min_size=2, max_size=8, unique=True))
def test_resource_names_and_jira_labels_never_share(keys: list[str]) -> None:
    keys += ["cc-" + "0" * 40, "cc-" + hashlib.sha256(b"a@b").hexdigest()[:40], "a@b"]
    keys = list(dict.fromkeys(keys))
    assert len({resource_name(k) for k in keys}) == len(keys)
    assert len({label_for("careerconv-", k) for k in keys}) == len(keys)


def test_literal_looking_hashed_names_are_hashed_too() -> None:
    hashed = resource_name("a@b")
    assert resource_name(hashed.removesuffix(".ics")) != hashed
    label = label_for("cc-", "a/b")
    assert label_for("cc-", label.removeprefix("cc-")) != label


def _ticket(key: str, title: str) -> TicketView:
    owner = Participant("r1", "Rae", "r1@example.com")
    return TicketView(key, "plan1", title, date(2027, 3, 1), owner, "done when done")


def test_two_actions_whose_ids_used_to_fold_together_keep_two_tickets(tmp_path: Path) -> None:
    tracker = FileTracker({"directory": str(tmp_path)})
    slash, underscore = ticket_key("plan1", "a/b"), ticket_key("plan1", "a_b")
    tracker.deliver_tickets([_ticket(slash, "first"), _ticket(underscore, "second")])
    assert len(list(tmp_path.glob("*.json"))) == 2
    # Someone marks the second done in its file: only the second reads back as done.
    path = tracker.folder.path(underscore)
    doc = json.loads(path.read_text()) | {"status": "done"}
    path.write_text(json.dumps(doc))
    assert tracker.pull_statuses([slash, underscore]) == {
        slash: TicketStatus.OPEN,
        underscore: TicketStatus.DONE,
    }


def test_a_ticket_file_of_an_earlier_version_is_read_only_for_its_own_key_and_moved(tmp_path: Path) -> None:
    tracker = FileTracker({"directory": str(tmp_path)})
    underscore, slash = ticket_key("plan1", "a_b"), ticket_key("plan1", "a/b")
    legacy = tmp_path / "cc-plan1-a-a_b.json"  # the folded name both keys used to get
    legacy.write_text(json.dumps({"key": underscore, "status": "done"}))
    assert tracker.pull_statuses([underscore, slash]) == {
        underscore: TicketStatus.DONE,
        slash: TicketStatus.DELETED,  # not a/b's file, whatever its name says
    }
    tracker.deliver_tickets([_ticket(underscore, "second")])
    assert not legacy.exists() and tracker.folder.path(underscore).exists()
