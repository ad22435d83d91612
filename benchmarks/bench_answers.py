"""Reading attendees' iMIP REPLYs back from a real Dovecot: messages fetched and time.

A team of 8 reports: the three conversations each (24) plus the first year of
monthly check-ins (96), 120 invites, each answered once by its report, plus
one mail in ten that is no REPLY at all. Prints, for a first read, a re-read
with nothing new, and a read after one new REPLY: messages fetched, answers
told and wall time, with the load average (the machine is shared). Needs
Dovecot (``bash .ci/setup-imap.sh``). Run: ``python benchmarks/bench_answers.py``.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from adapters.mail.test_imap_replies import plain, reply
from careerconv_plugins.mail.calendar_adapter import ImipCalendarWithAnswers, imip_from_settings
from servers.imap import IMAP_PASSWORD, IMAP_USER, ImapServer, dovecot_path
from servers.smtp import make_certificate
from support.invites import team

ENV = "BENCH_IMAP_PASSWORD"


def _run(label: str, backend: ImipCalendarWithAnswers, uids: list[str]) -> None:
    began = time.perf_counter()
    report = backend.answers(uids)
    took = time.perf_counter() - began
    told = sum(len(v) for v in report.answers.values())
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    print(
        f"{label:<26} uids={len(uids):<4} fetched={backend.mailbox.fetched:<4} answers={told:<4} "
        f"time={took * 1000:.0f} ms  load average {load}"
    )


def main() -> None:
    binary = dovecot_path()
    if binary is None:
        sys.exit("bench_answers: /usr/sbin/dovecot is missing; run bash .ci/setup-imap.sh")
    with tempfile.TemporaryDirectory() as folder:
        server = ImapServer(binary, make_certificate(Path(folder)))
        server.start()
        try:
            views = team(reports=8, check_ins=12)
            uids = [v.uid for v in views]
            stamp = datetime(2026, 12, 1, 9, tzinfo=UTC)
            for n, view in enumerate(views):
                server.append(reply(view.uid, view.attendees[-1].email, "ACCEPTED", stamp=stamp))
                if n % 10 == 0:
                    server.append(plain(f"out of office {n}"))
            print(f"Dovecot on 127.0.0.1:{server.port}, {len(uids)} invites, {server.count()} messages")
            settings = {
                "host": "smtp.invalid",
                "imap_host": "127.0.0.1",
                "imap_port": str(server.port),
                "imap_security": "none",
                "imap_user": IMAP_USER,
                "imap_password_env": ENV,
                "state_directory": str(Path(folder) / "state"),
            }
            environ = {ENV: IMAP_PASSWORD}

            def backend() -> ImipCalendarWithAnswers:
                built = imip_from_settings(settings, environ=environ)
                assert isinstance(built, ImipCalendarWithAnswers)
                return built

            _run("first read", backend(), uids)
            _run("re-read, nothing new", backend(), uids)
            server.append(reply(uids[0], views[0].attendees[-1].email, "DECLINED", sequence=1))
            _run("re-read, one new REPLY", backend(), uids)
            no_state = {k: v for k, v in settings.items() if k != "state_directory"}
            stateless = imip_from_settings(no_state, environ=environ)
            assert isinstance(stateless, ImipCalendarWithAnswers)
            _run("without state_directory", stateless, uids)
        finally:
            server.stop()


if __name__ == "__main__":
    main()
