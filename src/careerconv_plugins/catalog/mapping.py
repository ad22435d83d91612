"""Reading and writing a competency catalog as two CSV files (pure: text in, text out).

``competencies.csv`` has the columns ``id, name, group, description``;
``roles.csv`` has ``id, title, function, competency_ids, onet_codes,
description`` and, optionally, ``target_levels`` or ``onet_levels``. List
cells are separated by ``;``; ``competency_ids`` is ordered, most important
first, with one to ten ids (M6). ``target_levels`` pairs a competency id with
the 1-5 level the role calls for (``coaching-others=4``); ``onet_levels``
pairs it with the O*NET level and importance of the element it maps to
(``coaching-others=5.12/4.25``), turned into a 1-5 level by the one rule in
``careerconv_core.domain.target_levels``. A competency a row leaves out has
no target level; files without either column stay valid.

Rows are numbered as a spreadsheet shows them: the header is row 1. Every
error is an ``InvalidInput`` whose ``field`` names the file, the row and the
column, and whose ``expected`` says what would have been accepted.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

from careerconv_core.domain.catalog import Catalog, CatalogCompetency, RoleProfile
from careerconv_core.domain.pinnacle import check_rating
from careerconv_core.domain.target_levels import target_from_onet
from careerconv_core.errors import InvalidInput, label

COMPETENCY_COLUMNS = ("id", "name", "group", "description")
"""Columns of ``competencies.csv``, in the order written."""

ROLE_COLUMNS = ("id", "title", "function", "competency_ids", "onet_codes", "description")
"""Columns of ``roles.csv``, in the order written (``target_levels`` follows when a role has levels)."""

LEVEL_COLUMNS = ("target_levels", "onet_levels")
"""The optional columns that give each role's target levels: directly, or as O*NET figures."""

_COMPETENCY_REQUIRED = ("id", "name", "group")
_ROLE_REQUIRED = ("id", "title", "function", "competency_ids")
MAX_ROLE_COMPETENCIES = 10  # M6: the top ten competencies of a pinnacle role
LIST_SEPARATOR = ";"
PAIR_SEPARATOR = "="
FIGURE_SEPARATOR = "/"


def _where(source: str, row: int | None = None, column: str | None = None) -> str:
    parts = [source]
    if row is not None:
        parts.append(f"row {row}")
    if column is not None:
        parts.append(f"column {column}")
    return ", ".join(parts)


def decode(data: bytes, source: str) -> str:
    """Decode a CSV file's bytes as UTF-8 (a leading byte-order mark is allowed).

    :raises InvalidInput: naming the file and the row of the first byte that
        is not UTF-8, so the file can be re-saved as UTF-8.
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data[: exc.start].count(b"\n") + 1
        raise InvalidInput(
            _where(source, row),
            "UTF-8 text (save the file as 'CSV UTF-8')",
            f"byte {exc.start} (0x{data[exc.start]:02x}) is not UTF-8",
        ) from None


def _check_header(
    header: Sequence[str], source: str, columns: Sequence[str], required: Sequence[str]
) -> None:
    for name in header:
        if name not in columns:
            raise InvalidInput(
                _where(source, 1, label(name) if name else "(blank)"),
                f"only the columns {', '.join(columns)}",
                "unknown column",
            )
    for name in required:
        if name not in header:
            raise InvalidInput(
                _where(source, 1, name),
                f"a header row with the columns {', '.join(columns)}",
                "column missing",
            )
    if len(set(header)) != len(header):
        repeated = next(name for name in header if header.count(name) > 1)
        raise InvalidInput(_where(source, 1, repeated), "each column once", "column repeated")


def _records(
    text: str, source: str, columns: Sequence[str], required: Sequence[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(row number, {column: stripped cell})`` for each non-blank data row."""
    if not text.strip():
        raise InvalidInput(source, f"a header row ({','.join(columns)}) and data rows", "the file is empty")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = [cell.strip() for cell in next(reader)]
        _check_header(header, source, columns, required)
        row = reader.line_num
        for cells in reader:
            start, row = row + 1, reader.line_num
            if not any(cell.strip() for cell in cells):
                continue
            if len(cells) > len(header):
                raise InvalidInput(
                    _where(source, start, f"{len(header) + 1}"),
                    f"at most {len(header)} cells, one per header column",
                    f"{len(cells)} cells",
                )
            record = dict.fromkeys(columns, "")
            record.update({name: cell.strip() for name, cell in zip(header, cells, strict=False)})
            for name in required:
                if not record[name]:
                    raise InvalidInput(_where(source, start, name), "a value", "empty cell")
            yield start, record
    except csv.Error as exc:
        raise InvalidInput(
            _where(source, reader.line_num), "well-formed CSV (check the quotes)", str(exc)
        ) from None


def _unique_records(
    text: str, source: str, columns: Sequence[str], required: Sequence[str]
) -> Iterator[tuple[int, dict[str, str]]]:
    """``_records``, refusing a row whose id an earlier row already has."""
    found: dict[str, int] = {}
    for row, rec in _records(text, source, columns, required):
        if rec["id"] in found:
            raise InvalidInput(
                _where(source, row, "id"),
                "a unique id",
                f"duplicate id {rec['id']!r} (first on row {found[rec['id']]})",
            )
        found[rec["id"]] = row
        yield row, rec


def _split(cell: str) -> list[str]:
    return [part.strip() for part in cell.split(LIST_SEPARATOR) if part.strip()]


def parse_competencies(text: str, source: str = "competencies.csv") -> list[CatalogCompetency]:
    """Competencies from the text of ``competencies.csv``; ``source`` names it in errors."""
    competencies = []
    for _, rec in _unique_records(text, source, COMPETENCY_COLUMNS, _COMPETENCY_REQUIRED):
        competencies.append(
            CatalogCompetency(
                id=rec["id"], name=rec["name"], group=rec["group"], description=rec["description"]
            )
        )
    return competencies


def parse_roles(text: str, known_competencies: Sequence[str], source: str = "roles.csv") -> list[RoleProfile]:
    """Role profiles from the text of ``roles.csv``.

    :param known_competencies: the competency ids a role may name.
    :param source: the file's name, for error messages.
    """
    known = set(known_competencies)
    roles = []
    for row, rec in _unique_records(text, source, ROLE_COLUMNS + LEVEL_COLUMNS, _ROLE_REQUIRED):
        ids = _split(rec["competency_ids"])
        where = _where(source, row, "competency_ids")
        if not 1 <= len(ids) <= MAX_ROLE_COMPETENCIES:
            raise InvalidInput(
                where,
                f"1 to {MAX_ROLE_COMPETENCIES} competency ids separated by "
                f"'{LIST_SEPARATOR}', most important first (M6)",
                f"{len(ids)} given",
            )
        for cid in ids:
            if cid not in known:
                raise InvalidInput(
                    where, "ids listed in the competencies file", f"unknown competency {cid!r}"
                )
        if len(set(ids)) != len(ids):
            repeated = next(cid for cid in ids if ids.count(cid) > 1)
            raise InvalidInput(where, "each competency once", f"{repeated!r} listed twice")
        roles.append(
            RoleProfile(
                id=rec["id"],
                title=rec["title"],
                function=rec["function"],
                # attrs' mypy plugin cannot type ``converter=tuple``; the value is a tuple.
                competency_ids=tuple(ids),  # type: ignore[arg-type]
                evidence=tuple(_split(rec["onet_codes"])),
                description=rec["description"],
                target_levels=_levels(rec, ids, source, row),  # type: ignore[arg-type]
            )
        )
    return roles


def _levels(rec: dict[str, str], ids: Sequence[str], source: str, row: int) -> tuple[int | None, ...]:
    """The row's target levels in the order of its competencies; empty when it gives none."""
    if rec["target_levels"] and rec["onet_levels"]:
        raise InvalidInput(
            _where(source, row, "onet_levels"),
            "levels in one column only: target_levels (1-5) or onet_levels (O*NET figures)",
            "both columns filled",
        )
    column = "target_levels" if rec["target_levels"] else "onet_levels"
    if not rec[column]:
        return ()
    where = _where(source, row, column)
    given: dict[str, int | None] = {}
    for part in _split(rec[column]):
        cid, sep, value = (piece.strip() for piece in part.partition(PAIR_SEPARATOR))
        if not sep or not value:
            example = "coaching-others=4" if column == "target_levels" else "coaching-others=5.12/4.25"
            raise InvalidInput(where, f"competency=level pairs separated by ';' ({example})", repr(part))
        if cid not in ids:
            raise InvalidInput(where, "ids from this row's competency_ids", f"unknown competency {cid!r}")
        if cid in given:
            raise InvalidInput(where, "each competency once", f"{cid!r} listed twice")
        given[cid] = _level(value, column, where, cid)
    return tuple(given.get(cid) for cid in ids)


def _level(value: str, column: str, where: str, cid: str) -> int | None:
    if column == "onet_levels":
        level, sep, importance = value.partition(FIGURE_SEPARATOR)
        if not sep:
            raise InvalidInput(where, "LEVEL/IMPORTANCE, as O*NET prints them (5.12/4.25)", f"{cid}={value}")
        try:
            return target_from_onet(level, importance)
        except InvalidInput as exc:
            raise InvalidInput(where, exc.expected, f"{cid}: {exc.problem}") from None
    if not value.isdigit():
        raise InvalidInput(where, "a whole number from 1 to 5", f"{cid}={value}")
    try:
        check_rating(int(value), cid)
    except InvalidInput:
        raise InvalidInput(where, "a whole number from 1 to 5", f"{cid}={value}") from None
    return int(value)


def parse_catalog(
    competencies_text: str,
    roles_text: str,
    *,
    competencies_source: str = "competencies.csv",
    roles_source: str = "roles.csv",
) -> Catalog:
    """A checked ``Catalog`` from the text of both files."""
    competencies = parse_competencies(competencies_text, competencies_source)
    roles = parse_roles(roles_text, [c.id for c in competencies], roles_source)
    # attrs' mypy plugin cannot type ``converter=tuple``; both values are tuples.
    return Catalog(
        competencies=tuple(competencies),  # type: ignore[arg-type]
        roles=tuple(roles),  # type: ignore[arg-type]
    )


def _write(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    writer.writerows(rows)
    return out.getvalue()


def format_competencies(catalog: Catalog) -> str:
    """The catalog's competencies as the text of ``competencies.csv``."""
    return _write(
        COMPETENCY_COLUMNS,
        [(c.id, c.name, c.group, c.description) for c in catalog.competencies],
    )


def format_roles(catalog: Catalog) -> str:
    """The catalog's role profiles as the text of ``roles.csv``.

    Target levels are written as ``target_levels`` (whatever they were read
    from), and only when some role has them, so a catalog without levels
    keeps the columns it always had.
    """
    with_levels = any(any(level is not None for level in r.target_levels) for r in catalog.roles)
    rows = []
    for r in catalog.roles:
        row = [
            r.id,
            r.title,
            r.function,
            LIST_SEPARATOR.join(r.competency_ids),
            LIST_SEPARATOR.join(r.evidence),
            r.description,
        ]
        if with_levels:
            pairs = zip(r.competency_ids, r.target_levels, strict=False)
            row.append(LIST_SEPARATOR.join(f"{c}{PAIR_SEPARATOR}{n}" for c, n in pairs if n is not None))
        rows.append(row)
    return _write(ROLE_COLUMNS + (("target_levels",) if with_levels else ()), rows)
