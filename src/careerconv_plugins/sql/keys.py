"""The data keys of one SQL store, in its ``plan_keys`` and ``sealing`` tables.

``plan_keys`` holds one row per plan (per outbox ``plan_id``): the data key,
wrapped by a master key, and that master's fingerprint. ``sealing`` holds the
fingerprint of the store's master key (``master``), of the one a rotation is
moving to (``next``, while it runs) and of the one before (``previous``).

Opening checks the given master against ``master`` before anything is read,
and seals a store written in clear text by an older careerconv (one
transaction, then the freed pages are scrubbed). A rotation re-wraps each
plan's data key in a transaction of its own, so a rotation killed half-way
loses nothing and the next run goes on from where it stopped; the stored
notes themselves are never decrypted or rewritten by it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager

from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from careerconv_core.errors import AdapterError, ConcurrentChange, ConfigurationError
from careerconv_plugins.sql.dialect import Dialect
from careerconv_plugins.sql.sealing import MasterKey, Sealer, is_sealed, seal, unseal

_CHUNK = 500
_INSERT_KEY = (
    "INSERT INTO plan_keys (plan_id, master, wrapped) VALUES (?, ?, ?) ON CONFLICT (plan_id) DO NOTHING"
)
_SET_META = (
    "INSERT INTO sealing (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value"
)
_ROTATE = "'careerconv store rotate-key'"

Writing = Callable[[str], AbstractContextManager[Dialect]]
"""The store's write transaction for an action (``SqlStore._writing``)."""


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def meta(db: Dialect) -> dict[str, str]:
    """The ``sealing`` table as a dict."""
    return {str(r[0]): str(r[1]) for r in db.execute("SELECT name, value FROM sealing").fetchall()}


def stored_keys(db: Dialect, ids: Collection[str]) -> dict[str, tuple[str, str]]:
    """``{plan id: (master fingerprint, wrapped key)}`` for those of ``ids`` that have a key."""
    found: dict[str, tuple[str, str]] = {}
    for chunk in _chunks(sorted(ids)):
        marks = ", ".join("?" for _ in chunk)
        sql = f"SELECT plan_id, master, wrapped FROM plan_keys WHERE plan_id IN ({marks})"  # noqa: S608 - placeholders
        for row in db.execute(sql, chunk).fetchall():
            found[str(row[0])] = (str(row[1]), str(row[2]))
    return found


def ciphers_for(
    sealer: Sealer, db: Dialect, ids: Collection[str], *, plans: Collection[str] = ()
) -> dict[str, AESGCM]:
    """The data key of each of ``ids``, made (and stored wrapped) for those that have none yet.

    Runs inside the write transaction. When another writer made a key for the
    same id first, a new plan in ``plans`` is refused as a concurrent change;
    any other id fails retryably (the next try takes the other writer's key).
    """
    stored = stored_keys(db, ids)
    ciphers = {i: sealer.cipher(i, master, wrapped, f"plan {i}") for i, (master, wrapped) in stored.items()}
    for key_id in sorted(set(ids) - set(stored)):
        master, wrapped, cipher = sealer.new_data_key(key_id)
        if db.execute(_INSERT_KEY, (key_id, master, wrapped)).rowcount != 1:
            if key_id in plans:
                raise ConcurrentChange(key_id, 0)
            raise AdapterError(
                sealer.adapter, f"{sealer.where}: a data key was made meanwhile; try again", retryable=True
            )
        ciphers[key_id] = cipher
    return ciphers


def opened(
    sealer: Sealer | None,
    db: Dialect,
    found: Sequence[tuple[str, str, tuple[str, ...], object]],
    *,
    adapter: str,
    where: str,
) -> list[str]:
    """The clear text of each stored ``(plan id, what, row ids, value)``, in order.

    ``what`` names the row in messages; ``row ids`` are what the value was sealed
    for. A value in clear text in an encrypted store is refused like a changed one:
    only something outside careerconv writes it there.
    """
    if sealer is None:
        if any(is_sealed(value) for *_, value in found):
            raise AdapterError(adapter, f"{where}: encrypted content, and the store was opened without a key")
        return [str(value) for *_, value in found]
    stored = stored_keys(db, {item[0] for item in found})
    out = []
    for plan_id, what, ids, value in found:
        if not is_sealed(value):
            raise AdapterError(
                adapter,
                f"{where}: {what} is in clear text in an encrypted store (written or changed outside "
                "careerconv); it was not read; restore the store from a backup",
            )
        if plan_id not in stored:
            raise AdapterError(
                adapter, f"{where}: the data key of {what} is gone (destroyed): its content is lost"
            )
        cipher = sealer.cipher(plan_id, *stored[plan_id], what)
        out.append(unseal(cipher, str(value), ids, sealer, what))
    return out


def check_open(sealer: Sealer | None, db: Dialect, store: str, rotating_to: MasterKey | None) -> bool:
    """Refuse a missing, wrong or superseded master key; seal a clear store. True when it sealed.

    Runs inside a write transaction, so two processes opening one clear store
    do not both seal it.
    """
    found = meta(db)
    if sealer is None:
        if "master" in found:
            raise ConfigurationError(
                f"{store} is encrypted and no master key was given; set 'key_file' or 'key_env' to its key"
            )
        return False
    key = sealer.master
    if "master" not in found:
        db.execute(
            "INSERT INTO sealing (name, value) VALUES ('master', ?) ON CONFLICT (name) DO NOTHING",
            (key.fingerprint,),
        )
        found = meta(db)
        if found["master"] == key.fingerprint and not found.get("sealed"):
            db.execute(_SET_META, ("sealed", "1"))
            return seal_clear_rows(sealer, db) > 0
    master, upcoming = found["master"], found.get("next")
    if rotating_to is not None:
        new = rotating_to.fingerprint
        if upcoming is not None and upcoming != new:
            raise ConfigurationError(
                f"{store}: a rotation to another new master key is half-way; run {_ROTATE} again with "
                "that key to finish it first"
            )
        if master == new:  # finished already: new data keys are wrapped by the new key
            sealer.master = rotating_to
        if master in (key.fingerprint, new):
            return False
    elif upcoming is not None:
        raise ConfigurationError(
            f"{store}: a master key rotation is half-way; run {_ROTATE} again with the same new key "
            "to finish it (nothing is lost)"
        )
    elif master == key.fingerprint:
        return False
    if found.get("previous") == key.fingerprint:
        raise ConfigurationError(
            f"{store}: {key.source} holds the master key from before the last rotation; point "
            f"'{key.setting}' at the new key (if a rotation was interrupted, run {_ROTATE} again)"
        )
    raise ConfigurationError(
        f"{store}: wrong master key: {key.source} is not the key this store was encrypted with; "
        f"set '{key.setting}' to the store's own key"
    )


def seal_clear_rows(sealer: Sealer, db: Dialect) -> int:
    """Seal every plan body and outbox payload still in clear text (a store from before sealing).

    Returns how many rows were sealed.
    """
    plans = [(str(r[0]), str(r[1])) for r in db.execute("SELECT id, body FROM plans").fetchall()]
    entries = [
        (str(r[0]), str(r[1]), str(r[2]))
        for r in db.execute("SELECT id, plan_id, payload FROM outbox").fetchall()
    ]
    ids = {p for p, body in plans if not is_sealed(body)} | {
        p for _, p, load in entries if not is_sealed(load)
    }
    ciphers = ciphers_for(sealer, db, ids)
    sealed_plans = [(seal(ciphers[p], body, "plan", p), p) for p, body in plans if not is_sealed(body)]
    if sealed_plans:
        db.executemany("UPDATE plans SET body = ? WHERE id = ?", sealed_plans)
    sealed_entries = [
        (seal(ciphers[p], load, "outbox", e, p), e) for e, p, load in entries if not is_sealed(load)
    ]
    if sealed_entries:
        db.executemany("UPDATE outbox SET payload = ? WHERE id = ?", sealed_entries)
    return len(sealed_plans) + len(sealed_entries)


def rotate(
    sealer: Sealer, writing: Writing, new: MasterKey, progress: Callable[[str], object] | None = None
) -> int:
    """Re-wrap every data key by ``new``, one plan per transaction; return how many were re-wrapped.

    ``progress`` is called with each plan id after its transaction committed.
    Run again after a crash, it goes on with the plans still wrapped by the
    old key; the store's ``master`` becomes ``new`` only when none is left.
    """
    old = sealer.master
    with writing("rotate key") as db:
        state = meta(db)
        if state["master"] == new.fingerprint and "next" not in state:
            return 0
        db.execute(_SET_META, ("next", new.fingerprint))
    count = 0
    while True:
        with writing("rotate key") as db:
            left = [
                str(r[0])
                for r in db.execute(
                    "SELECT plan_id FROM plan_keys WHERE master <> ? ORDER BY plan_id", (new.fingerprint,)
                ).fetchall()
            ]
            if not left:  # checked and finished in one transaction: no key is left behind
                db.execute(_SET_META, ("master", new.fingerprint))
                db.execute(_SET_META, ("previous", old.fingerprint))
                db.execute("DELETE FROM sealing WHERE name = 'next'")
                break
        for key_id in left:
            with writing("rotate key") as db:
                row = db.execute(
                    f"SELECT master, wrapped FROM plan_keys WHERE plan_id = ?{db.row_lock}",  # noqa: S608 - constant
                    (key_id,),
                ).fetchone()
                if row is None or str(row[0]) == new.fingerprint:
                    continue  # destroyed, or re-wrapped by another run meanwhile
                wrapped = sealer.rewrap(key_id, str(row[0]), str(row[1]), new)
                db.execute(
                    "UPDATE plan_keys SET master = ?, wrapped = ? WHERE plan_id = ?",
                    (new.fingerprint, wrapped, key_id),
                )
            if key_id.startswith("~"):  # the store's own key (the audit chain's): re-wrapped, not counted
                continue
            count += 1
            if progress is not None:
                progress(key_id)
    sealer.master = new
    sealer.keys[new.fingerprint] = new
    return count


def destroy(db: Dialect, plan_id: str) -> bool:
    """Delete the plan's wrapped data key and everything sealed under it; True when there was a key."""
    gone = db.execute("DELETE FROM plan_keys WHERE plan_id = ?", (plan_id,)).rowcount
    db.execute("DELETE FROM due WHERE plan_id = ?", (plan_id,))
    db.execute("DELETE FROM plans WHERE id = ?", (plan_id,))
    db.execute("DELETE FROM outbox WHERE plan_id = ?", (plan_id,))
    return gone > 0


def destroy_many(db: Dialect, plan_ids: Sequence[str]) -> int:
    """``destroy`` for many plans, a few statements per 500; how many had a key."""
    gone = 0
    for chunk in _chunks(list(plan_ids)):
        marks = ", ".join("?" for _ in chunk)
        gone += db.execute(f"DELETE FROM plan_keys WHERE plan_id IN ({marks})", chunk).rowcount  # noqa: S608
        for sql in (
            f"DELETE FROM due WHERE plan_id IN ({marks})",  # noqa: S608 - placeholders only
            f"DELETE FROM plans WHERE id IN ({marks})",  # noqa: S608 - placeholders only
            f"DELETE FROM outbox WHERE plan_id IN ({marks})",  # noqa: S608 - placeholders only
        ):
            db.execute(sql, chunk)
    return gone


def status(db: Dialect) -> Mapping[str, object]:
    """The store's sealing state: master fingerprint, a rotation under way, keys by master."""
    state = meta(db)
    # Plan ids start with a letter or digit: a "~" key is the store's own (the audit chain's).
    counted = db.execute(
        "SELECT master, count(*) FROM plan_keys WHERE substr(plan_id, 1, 1) <> '~' GROUP BY master"
    ).fetchall()
    by_master = {str(r[0]): int(r[1]) for r in counted}
    return {"master": state.get("master"), "next": state.get("next"), "keys": by_master}
