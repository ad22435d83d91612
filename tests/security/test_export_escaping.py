"""The exports write what people typed literally: no markup, no broken tables, no NULs.

The Markdown is rendered by an independent CommonMark parser (markdown-it, with
GFM tables) and the HTML page is read by the standard library's parser; the
tests look at the elements they produce, not at our own strings.
"""

from __future__ import annotations

from html.parser import HTMLParser

import pytest
from markdown_it import MarkdownIt

from careerconv_core import export
from careerconv_core.domain.cadence import CheckInKind
from careerconv_core.domain.conversations import ConversationKind
from careerconv_core.domain.life_story import LifeStory
from careerconv_core.domain.people import Person
from careerconv_core.domain.pinnacle import CompetencyRating, Pinnacle, PinnacleRole
from careerconv_core.domain.plan import CareerPlan
from careerconv_core.domain.roles import Actor
from careerconv_core.errors import InvalidInput
from support.plans import at, grow_plan, scheduled

HOSTILE = "<script>alert(1)</script> | *bold* [link](http://x) `code` &amp; \x00nul\r\nnext | line"
BLOCK = "# heading\n- item\n1. first\n> quote\n    code\n===\n<img src=x onerror=alert(1)>"
ALLOWED = {"h1", "h2", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td", "strong", "br"}


def hostile_plan() -> CareerPlan:
    plan = scheduled().record_held(ConversationKind.LIFE_STORY, at(2, 1))
    plan = plan.record_life_story(LifeStory(notes=BLOCK + "\n" + HOSTILE, drives=(HOSTILE,)), at(2, 1))
    plan = plan.record_held(ConversationKind.PINNACLE, at(3, 1))
    pinnacle = Pinnacle(
        dream=HOSTILE,
        roles=(PinnacleRole("cpo", HOSTILE, HOSTILE),),
        crossed_out=(HOSTILE,),
        chosen_role_id="cpo",
        competencies=(CompetencyRating("strategy", HOSTILE), CompetencyRating("people", "People")),
    )
    plan = plan.record_pinnacle(pinnacle, Actor.MANAGER, at(3, 1))
    plan = plan.rate("strategy", 2, Actor.REPORT, at(3, 1)).rate("people", 3, Actor.REPORT, at(3, 1))
    plan = plan.choose_focus(("strategy",), Actor.REPORT, at(3, 1))
    plan = plan.observe("people", HOSTILE, 4, Actor.MANAGER, at(3, 1))
    plan = plan.write_grow(grow_plan(title=HOSTILE, done_when=HOSTILE), Actor.REPORT, at(5))
    plan = plan.record_held(ConversationKind.GROW_REVIEW, at(8, 1))
    return plan.check_in(CheckInKind.CHECK_IN, at(40), on_track=True, notes=BLOCK + "\n" + HOSTILE)


REPORT = Person("r1", "Rae <b>Report</b> | x", "r1@example.com")
MANAGER = Person("m1", "Max *Manager*", "m1@example.com")


class _Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.rows: list[int] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        if tag == "tr":
            self.rows.append(0)
        elif tag in ("td", "th"):
            self.rows[-1] += 1

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _read(html: str) -> _Elements:
    parsed = _Elements()
    parsed.feed(html)
    return parsed


def test_markdown_export_renders_every_hostile_text_literally() -> None:
    text = export.markdown(hostile_plan(), REPORT, MANAGER)
    assert "\x00" not in text and "\r" not in text
    rendered = _read(MarkdownIt("commonmark").enable("table").render(text))
    assert set(rendered.tags) <= ALLOWED, set(rendered.tags) - ALLOWED
    # Each table keeps its columns: 5 in the competencies, 6 in the actions, on every row.
    assert sorted(set(rendered.rows)) == [5, 6]
    shown = "".join(rendered.text)
    assert "<script>alert(1)</script>" in shown and "*bold*" in shown and "[link](http://x)" in shown
    assert "# heading" in shown and "- item" in shown and "1. first" in shown
    assert rendered.tags.count("h1") == 1  # only the title: a typed '# heading' is not one
    assert "Rae <b>Report</b> | x" in shown


def test_html_export_escapes_and_drops_control_characters() -> None:
    page = export.html(hostile_plan(), REPORT, MANAGER)
    assert "\x00" not in page
    parsed = _read(page)
    assert "script" not in parsed.tags and "img" not in parsed.tags and "b" not in parsed.tags
    assert "<script>alert(1)</script>" in "".join(parsed.text)


@pytest.mark.parametrize("name", ["Ana\x00", "Ana\r\nBcc: x@evil.example", "Ana\u2028B", "Ana\x1b[31m"])
def test_a_name_with_a_control_character_or_line_break_is_refused(name: str) -> None:
    with pytest.raises(InvalidInput, match=r"^name: .*control character"):
        Person("p1", name, "p1@example.com")


def test_mail_headers_and_bodies_carry_no_control_characters_even_from_a_view() -> None:
    """Defence in depth: a view built by a third-party plugin may hold any text."""
    from email import message_from_bytes, policy

    from careerconv_core.domain.notices import NoticeKind
    from careerconv_core.views import NoticeView, Participant
    from careerconv_plugins.mail.mapping import notice_message

    notice = NoticeView(
        key="k1",
        kind=next(iter(NoticeKind)),
        recipient=Participant("r1", "Rae\x00\r\nBcc: x@evil.example", "r1@example.com"),
        subject="Due\r\nBcc: y@evil.example\x00",
        body="line one\x00\r\nline two\x1b[31m",
    )
    raw = notice_message(notice, sender="cc@example.com", stamp=at(1)).as_bytes()
    assert b"\x00" not in raw and b"\x1b" not in raw
    parsed = message_from_bytes(raw, policy=policy.default)
    assert parsed["Bcc"] is None and len(parsed.get_all("To") or []) == 1
    assert parsed["To"].addresses[0].display_name == "Rae Bcc: x@evil.example"
    assert str(parsed["Subject"]) == "Due Bcc: y@evil.example"
    body = parsed.get_body()
    assert body is not None and body.get_content().splitlines()[:2] == ["line one", "line two[31m"]


def test_calendar_text_properties_carry_no_control_characters_even_from_a_view() -> None:
    from careerconv_core.views import Participant
    from careerconv_plugins.ics.mapping import events_of, invite_calendar, to_text
    from support.invites import MANAGER, invite

    hostile = Participant("r1", 'Rae\x00"\r\nATTENDEE:mailto:x@evil.example', "r1@example.com")
    view = invite(title="Title\x00\r\nATTENDEE:mailto:y@evil.example", attendees=(hostile,))
    text = to_text(invite_calendar(view, sequence=0, stamp=at(1)))
    assert "\x00" not in text
    (event,) = events_of(text)
    found = event.get("ATTENDEE")
    attendees = [str(a) for a in (found if isinstance(found, list) else [found])]
    assert attendees == ["mailto:r1@example.com"] and str(event["ORGANIZER"]) == f"mailto:{MANAGER.email}"
    assert str(event["SUMMARY"]) == "Title ATTENDEE:mailto:y@evil.example"
