"""How every SQL store applies its schema: an ordered list of migrations, each run once.

Migration ``n`` (1-based) takes a database from version ``n - 1`` to ``n``.
Never edit a released migration: append a new one. Where the version is kept
and how the run is made exclusive is each database's own (``schema`` in its
folder); the schema text stays per database as well, written out in full, so
that a released migration can never change by editing something shared.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from careerconv_core.errors import ConfigurationError

Migrations = Sequence[Sequence[str]]


def apply_pending(
    migrations: Migrations,
    current: int,
    *,
    execute: Callable[[str], object],
    record: Callable[[int], object],
    store: str,
    elsewhere: str,
) -> None:
    """Run every migration after version ``current``, calling ``record(n)`` after each.

    A database written by a newer careerconv is refused rather than guessed at.

    :param store: names the database in the message, such as ``sqlite store 'a.db'``.
    :param elsewhere: the other way out, such as ``point 'path' at another file``.
    """
    latest = len(migrations)
    if current > latest:
        raise ConfigurationError(
            f"{store}: the database has schema version {current}, newer than this careerconv "
            f"understands ({latest}); upgrade careerconv or {elsewhere}"
        )
    for number in range(current + 1, latest + 1):
        for statement in migrations[number - 1]:
            execute(statement)
        record(number)
