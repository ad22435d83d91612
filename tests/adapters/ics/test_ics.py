"""The ``ics`` calendar backend: files on disk, checked by four parsers and golden files."""

from __future__ import annotations

import errno
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from attrs import evolve

from careerconv_core.errors import ConfigurationError
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.plugins import make_plugin_manager
from careerconv_core.ports import CalendarBackend, OutcomeStatus
from careerconv_core.views import Participant
from careerconv_plugins import files
from careerconv_plugins.ics import mapping
from careerconv_plugins.ics import plugin as ics_plugin
from careerconv_plugins.ics.adapter import IcsCalendar, from_settings
from support.ics_parsers import check_ics
from support.invites import AGENDA, MANAGER, QUESTIONS, REPORT, cancelled, invite, moved

GOLDEN = Path(__file__).parent / "golden"
STAMP = datetime(2026, 11, 20, 8, 30, tzinfo=UTC)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("CAREERCONV_UPDATE_GOLDEN"):
        path.write_bytes(text.encode())
    assert text.encode() == path.read_bytes(), f"{name} differs from the golden file"


@pytest.fixture
def backend(tmp_path: Path) -> IcsCalendar:
    return IcsCalendar(tmp_path / "cal", clock=lambda: STAMP)


def test_golden_request_cancel_and_person_files() -> None:
    view = invite()
    request = mapping.to_text(mapping.invite_calendar(view, sequence=0, stamp=STAMP))
    cancel = mapping.to_text(mapping.invite_calendar(cancelled(view), sequence=1, stamp=STAMP))
    person = mapping.to_text(
        mapping.person_calendar(
            [
                mapping.invite_event(view, sequence=0, stamp=STAMP, person_ids=True),
                mapping.invite_event(
                    moved(invite("cc-plan1-conv2"), hours=24 * 7),
                    sequence=1,
                    stamp=STAMP,
                    person_ids=True,
                ),
            ],
            "Career conversations r1",
        )
    )
    _golden("invite_request.ics", request)
    _golden("invite_cancel.ics", cancel)
    _golden("person.ics", person)
    for text in (request, cancel):
        check_ics(text, expect_events=1)
    check_ics(person, expect_events=2)


def test_event_carries_the_method_texts_and_people(backend: IcsCalendar) -> None:
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.DELIVERED
    text = backend.invite_path("cc-plan1-conv1").read_text()
    cal = check_ics(text, expect_events=1)
    assert cal["METHOD"] == "REQUEST"
    [event] = cal.walk("VEVENT")
    assert event["UID"] == "cc-plan1-conv1"
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Berlin"
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert str(event["ORGANIZER"]) == "mailto:mara@example.com"
    assert [str(a) for a in [event["ATTENDEE"]]] == ["mailto:ravi@example.com"]
    description = str(event["DESCRIPTION"])
    assert all(item in description for item in AGENDA + QUESTIONS)
    assert "Mentoring:" in description


def test_one_file_per_person_with_all_their_events(backend: IcsCalendar) -> None:
    other = Participant("r2", "Rae Other", "rae@example.com")
    backend.deliver_invites([invite(), invite("cc-plan2-conv1", attendees=(other,))])
    manager = check_ics(backend.person_path("m1").read_text(), expect_events=2)
    assert "METHOD" not in manager
    check_ics(backend.person_path("r1").read_text(), expect_events=1)
    check_ics(backend.person_path("r2").read_text(), expect_events=1)


def test_second_delivery_of_the_same_invite_writes_nothing(backend: IcsCalendar) -> None:
    view = invite()
    backend.deliver_invites([view])
    paths = [backend.invite_path(view.uid), backend.person_path("m1"), backend.person_path("r1")]
    before = [(p.stat().st_ino, p.stat().st_mtime_ns) for p in paths]
    [outcome] = backend.deliver_invites([view])
    assert outcome.status is OutcomeStatus.UNCHANGED
    assert [(p.stat().st_ino, p.stat().st_mtime_ns) for p in paths] == before


def test_moved_invite_keeps_uid_and_bumps_sequence_once(backend: IcsCalendar) -> None:
    view = invite()
    backend.deliver_invites([view])
    later = moved(view)
    assert backend.deliver_invites([later])[0].status is OutcomeStatus.DELIVERED
    assert backend.deliver_invites([later])[0].status is OutcomeStatus.UNCHANGED
    [event] = check_ics(backend.invite_path(view.uid).read_text()).walk("VEVENT")
    assert event["UID"] == view.uid
    assert event["SEQUENCE"] == 1
    assert event.start == later.start
    person = check_ics(backend.person_path("r1").read_text(), expect_events=1)
    assert next(iter(person.walk("VEVENT"))).start == later.start


def test_change_without_a_new_sequence_still_goes_above_the_stored_one(
    backend: IcsCalendar,
) -> None:
    view = invite(sequence=3)
    backend.deliver_invites([view])
    backend.deliver_invites([evolve(view, title="Career conversation 1 (room changed)")])
    [event] = check_ics(backend.invite_path(view.uid).read_text()).walk("VEVENT")
    assert event["SEQUENCE"] == 4


def test_cancel_writes_method_cancel_and_removes_from_person_files(
    backend: IcsCalendar,
) -> None:
    view = invite()
    keep = invite("cc-plan1-conv2", start=view.start + timedelta(days=7))
    backend.deliver_invites([view, keep])
    [outcome] = backend.deliver_invites([cancelled(view)])
    assert outcome.status is OutcomeStatus.DELIVERED
    cal = check_ics(backend.invite_path(view.uid).read_text(), expect_events=1)
    assert cal["METHOD"] == "CANCEL"
    [event] = cal.walk("VEVENT")
    assert (event["STATUS"], event["SEQUENCE"]) == ("CANCELLED", 1)
    person = check_ics(backend.person_path("r1").read_text(), expect_events=1)
    assert [e["UID"] for e in person.walk("VEVENT")] == ["cc-plan1-conv2"]
    assert backend.deliver_invites([cancelled(view)])[0].status is OutcomeStatus.UNCHANGED


def test_cancel_of_an_unknown_invite_writes_nothing(backend: IcsCalendar) -> None:
    [outcome] = backend.deliver_invites([cancelled(invite())])
    assert outcome.status is OutcomeStatus.UNCHANGED
    assert not backend.invite_path("cc-plan1-conv1").exists()


def test_removed_attendee_loses_the_event_from_their_file(backend: IcsCalendar) -> None:
    other = Participant("r2", "Rae Other", "rae@example.com")
    view = invite(attendees=(REPORT, other))
    backend.deliver_invites([view])
    check_ics(backend.person_path("r2").read_text(), expect_events=1)
    backend.deliver_invites([evolve(view, attendees=(REPORT,), sequence=1)])
    check_ics(backend.person_path("r2").read_text(), expect_events=0)


def test_full_disk_is_a_retry_and_leaves_the_old_file_whole(
    backend: IcsCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    view = invite()
    backend.deliver_invites([view])
    old = backend.invite_path(view.uid).read_bytes()

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "fsync", full)
    [outcome] = backend.deliver_invites([moved(view)])
    assert outcome.status is OutcomeStatus.RETRY
    assert "ENOSPC" in outcome.reason
    assert view.uid in outcome.reason
    assert backend.invite_path(view.uid).read_bytes() == old
    leftovers = [p for p in backend.directory.rglob("*") if p.name.endswith(".tmp")]
    assert leftovers == []


def test_person_file_failure_retries_and_is_rebuilt_next_time(
    backend: IcsCalendar, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = files.write_atomic

    def refuse_people(path: Path, text: str) -> None:
        if path.parent.name == "people":
            raise OSError(errno.EIO, os.strerror(errno.EIO))
        real(path, text)

    monkeypatch.setattr("careerconv_plugins.ics.adapter.write_atomic", refuse_people)
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.RETRY
    monkeypatch.setattr("careerconv_plugins.ics.adapter.write_atomic", real)
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.UNCHANGED
    check_ics(backend.person_path("r1").read_text(), expect_events=1)


def test_permission_error_fails_with_the_fix(backend: IcsCalendar, monkeypatch: pytest.MonkeyPatch) -> None:
    def denied(*_args: object, **_kwargs: object) -> None:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr("careerconv_plugins.ics.adapter.write_atomic", denied)
    [outcome] = backend.deliver_invites([invite()])
    assert outcome.status is OutcomeStatus.FAILED
    assert "'directory' setting" in outcome.reason


def test_busy_reads_the_person_files(backend: IcsCalendar) -> None:
    view = invite()
    backend.deliver_invites([view, invite("cc-x", start=view.start + timedelta(days=40))])
    day = timedelta(days=1)
    report = backend.busy([MANAGER, REPORT], view.start - day, view.end + day)
    assert report.available
    assert [(i.start, i.end) for i in report.busy["r1"]] == [(view.start, view.end)]
    assert [(i.start, i.end) for i in report.busy["m1"]] == [(view.start, view.end)]
    backend.deliver_invites([cancelled(view)])
    report = backend.busy([REPORT], view.start - timedelta(days=1), view.end)
    assert report.available
    assert report.busy["r1"] == ()


def test_busy_without_any_file_is_unavailable_with_a_reason(backend: IcsCalendar) -> None:
    start = datetime(2026, 12, 1, tzinfo=UTC)
    report = backend.busy([REPORT], start, start + timedelta(days=7))
    assert not report.available
    assert "r1" in report.reason
    assert "working hours" in report.reason


def test_settings_and_plugin_registration(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="'directory'"):
        from_settings({})
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ConfigurationError, match="is a file"):
        from_settings({"directory": str(tmp_path / "afile")})
    host = make_plugin_manager(load_entry_points=False, plugins=[ics_plugin])
    made = host.create(AdapterKind.CALENDAR, "ics", {"directory": str(tmp_path / "c")})
    assert isinstance(made, CalendarBackend)


def test_unsafe_uid_gets_a_hashed_file_name(backend: IcsCalendar) -> None:
    view = invite("plan/1@careerconv")
    backend.deliver_invites([view])
    path = backend.invite_path(view.uid)
    assert path.parent == backend.invites_dir
    assert path.name.startswith("cc-")
    assert "/" not in path.name
    assert "@" not in path.name
    check_ics(path.read_text(), expect_events=1)


def test_a_batch_with_several_changes_of_one_invite_keeps_the_last(backend: IcsCalendar) -> None:
    view = invite()
    outcomes = backend.deliver_invites([view, moved(view), cancelled(moved(view))])
    assert [o.status for o in outcomes] == [OutcomeStatus.UNCHANGED] * 3
    assert not backend.invite_path(view.uid).exists()
    backend.deliver_invites([view])
    outcomes = backend.deliver_invites([cancelled(moved(view)), moved(view)])
    assert len(outcomes) == 2
    cal = check_ics(backend.invite_path(view.uid).read_text())
    assert cal["METHOD"] == "CANCEL"


def test_a_bad_invite_fails_alone(backend: IcsCalendar) -> None:
    bad = evolve(invite("cc-bad"), time_zone="Mars/Olympus_Mons")
    outcomes = backend.deliver_invites([bad, invite()])
    assert [o.status for o in outcomes] == [OutcomeStatus.FAILED, OutcomeStatus.DELIVERED]
    assert "time_zone" in outcomes[0].reason


# Berlin falls back on 2027-10-31 at 01:00Z: 02:00-03:00 local happens twice.
REPEATED_HOUR = [datetime(2027, 10, 31, 0, 45, tzinfo=UTC), datetime(2027, 10, 31, 1, 45, tzinfo=UTC)]


@pytest.mark.parametrize("start", REPEATED_HOUR, ids=["first-02:45", "second-02:45"])
def test_an_event_in_the_repeated_hour_of_a_fall_back_means_one_instant_to_every_parser(
    start: datetime,
) -> None:
    import vobject
    from ical.calendar_stream import IcsCalendarStream

    view = invite(start=start, minutes=30)
    text = mapping.to_text(mapping.invite_calendar(view, sequence=0, stamp=STAMP))
    check_ics(text, expect_events=1)
    (event,) = mapping.events_of(text)
    assert event["DTSTART"].dt == start and event["DTSTART"].dt.utcoffset() == timedelta(0)
    assert "TZID" not in event["DTSTART"].params
    assert vobject.readOne(text).vevent.dtstart.value == start
    (strict,) = IcsCalendarStream.calendar_from_ics(text).events
    assert strict.dtstart == start and strict.dtend == start + timedelta(minutes=30)


def test_an_event_outside_the_repeated_hour_keeps_the_organizer_zone() -> None:
    start = datetime(2027, 10, 31, 2, 15, tzinfo=UTC)  # 03:15 CET, once
    text = mapping.to_text(mapping.invite_calendar(invite(start=start), sequence=0, stamp=STAMP))
    (event,) = mapping.events_of(text)
    assert str(event["DTSTART"].params["TZID"]) == "Europe/Berlin" and event["DTSTART"].dt == start
