"""The audit trail of a SQL store: its ``audit`` and ``audit_head`` tables.

Every function here runs inside the caller's write transaction, so a record
is written with the change that caused it or not at all. Records are
numbered from 1; each carries the hash of the one before and its own
(``careerconv_core.disclosures.link``); ``audit_head`` holds the count and a
mark of the last hash, so a record cut from the end is found too. The
database refuses UPDATE and DELETE on ``audit`` (triggers in the schema);
the chain finds what is done around them (a file edited by hand, the
triggers dropped).

In an encrypted store the chain is keyed by a random key of its own, kept
wrapped by the master key in ``plan_keys`` under ``~audit`` (an id no plan can
have), so nobody without the master key can write a chain that checks; and
the detail of each record (recipient, data kinds, consent) is sealed under its
plan's data key, so destroying a plan's key leaves its records' numbers,
times and kinds, and the chain still checks.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from careerconv_core.disclosures import (
    GENESIS,
    Disclosure,
    DisclosureKind,
    StoredRecord,
    TrailEntry,
    Verdict,
    head_mark,
    link,
    verify,
)
from careerconv_plugins.sql import keys
from careerconv_plugins.sql.dialect import Dialect
from careerconv_plugins.sql.sealing import Sealer, is_sealed, seal, unseal

CHAIN_KEY_ID = "~audit"
"""The ``plan_keys`` row of the chain key: ids start with a letter or digit, so no plan has it."""

_COLUMNS = "seq, at, subject_id, plan_id, kind, detail, prev, hash"
_INSERT = f"INSERT INTO audit ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"  # noqa: S608 - ours
_PAGE = 5_000  # rows read at a time by verify: memory stays flat over a long trail


def moment(at: datetime) -> str:
    """``at`` as the fixed-width UTC text the trail stores and hashes (the same in every database)."""
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def chain_secret(sealer: Sealer | None, db: Dialect) -> bytes:
    """The chain key (made and stored wrapped on first use); empty for a store without a master key."""
    if sealer is None:
        return b""
    found = keys.stored_keys(db, [CHAIN_KEY_ID]).get(CHAIN_KEY_ID)
    if found is not None:
        return sealer.secret(CHAIN_KEY_ID, *found)
    master, wrapped, raw = sealer.new_secret(CHAIN_KEY_ID)
    made = db.execute(
        "INSERT INTO plan_keys (plan_id, master, wrapped) VALUES (?, ?, ?) ON CONFLICT (plan_id) DO NOTHING",
        (CHAIN_KEY_ID, master, wrapped),
    )
    if made.rowcount != 1:  # another process opening the store made it first: theirs is the key
        return chain_secret(sealer, db)
    return raw


def append(sealer: Sealer | None, db: Dialect, secret: bytes, records: Sequence[Disclosure]) -> None:
    """Append ``records`` to the trail, after the head (read locked: one appender at a time)."""
    if not records:
        return
    row = db.execute(f"SELECT seq, last FROM audit_head WHERE id = 1{db.row_lock}").fetchone()  # noqa: S608 - constant
    seq, prev = int(row[0]), str(row[1])
    plan_ids = {r.plan_id for r in records if r.plan_id}
    stored = keys.stored_keys(db, plan_ids) if sealer is not None else {}
    rows = []
    for record in records:
        seq += 1
        detail = record.detail()
        if sealer is not None and record.plan_id in stored:
            cipher = sealer.cipher(record.plan_id, *stored[record.plan_id], f"plan {record.plan_id}")
            detail = seal(cipher, detail, "audit", str(seq))
        fields = (moment(record.at), record.subject_id, record.plan_id or "", record.kind.value, detail)
        digest = link(secret, prev, seq, fields)
        rows.append((seq, *fields, prev, digest))
        prev = digest
    db.executemany(_INSERT, rows)
    db.execute(
        "UPDATE audit_head SET seq = ?, last = ?, mark = ? WHERE id = 1",
        (seq, prev, head_mark(secret, seq, prev)),
    )


def trail(sealer: Sealer | None, db: Dialect, subject_id: str) -> list[TrailEntry]:
    """Every record about ``subject_id``, oldest first, details opened where their key is left."""
    found = db.execute(
        "SELECT seq, at, subject_id, plan_id, kind, detail FROM audit WHERE subject_id = ? ORDER BY seq",
        (subject_id,),
    ).fetchall()
    stored = keys.stored_keys(db, {str(r[3]) for r in found if r[3]}) if sealer is not None else {}
    out = []
    for r in found:
        plan_id, value = str(r[3]), str(r[5])
        detail: dict[str, object] | None
        if not is_sealed(value):
            detail = dict(Disclosure.parse_detail(value))
        elif sealer is None or plan_id not in stored:
            detail = None
        else:
            what = f"audit record {r[0]}"
            cipher = sealer.cipher(plan_id, *stored[plan_id], what)
            detail = dict(Disclosure.parse_detail(unseal(cipher, value, ("audit", str(r[0])), sealer, what)))
        out.append(TrailEntry(int(r[0]), str(r[1]), str(r[2]), plan_id, DisclosureKind(str(r[4])), detail))
    return out


def _records(db: Dialect) -> Iterator[StoredRecord]:
    after = -1
    while True:
        page = db.execute(
            f"SELECT {_COLUMNS} FROM audit WHERE seq > ? ORDER BY seq LIMIT ?",  # noqa: S608 - ours
            (after, _PAGE),
        ).fetchall()
        for r in page:
            yield StoredRecord(int(r[0]), tuple(str(v) for v in r[1:6]), str(r[6]), str(r[7]))
        if len(page) < _PAGE:
            return
        after = int(page[-1][0])


def check(db: Dialect, secret: bytes) -> Verdict:
    """The whole trail checked against its chain and its head."""
    row = db.execute("SELECT seq, mark FROM audit_head WHERE id = 1").fetchone()
    head = None if row is None or (int(row[0]) == 0 and not row[1]) else (int(row[0]), str(row[1]))
    return verify(_records(db), secret, head)


__all__ = ["CHAIN_KEY_ID", "GENESIS", "TrailEntry", "append", "chain_secret", "check", "moment", "trail"]
