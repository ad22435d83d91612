"""The built-in competency catalog, the CSV importer and their registration."""

from __future__ import annotations

import re
from importlib.metadata import entry_points
from pathlib import Path

import pytest

from careerconv_core.domain.catalog import Catalog
from careerconv_core.errors import ConfigurationError, InvalidInput
from careerconv_core.hookspecs import AdapterKind
from careerconv_core.plugins import make_plugin_manager
from careerconv_core.ports import CompetencyCatalog
from careerconv_plugins.catalog import (
    CsvCatalog,
    format_competencies,
    format_roles,
    load_builtin_catalog,
    write_catalog,
)
from careerconv_plugins.catalog import plugin as catalog_plugin
from tests_support_paths import EXAMPLES, ROOT

FUNCTIONS = {
    "engineering",
    "product",
    "design",
    "marketing",
    "sales",
    "finance",
    "people",
    "operations",
    "data",
    "general-management",
}
ONET_SOC = re.compile(r"^\d{2}-\d{4}\.\d{2}$")
REPO = ROOT  # the repository root, for NOTICE and the shipped catalog


@pytest.fixture(scope="module")
def builtin() -> Catalog:
    return load_builtin_catalog()


def test_builtin_catalog_size_and_groups(builtin: Catalog) -> None:
    assert 40 <= len(builtin.competencies) <= 60
    groups = {c.group for c in builtin.competencies}
    assert len(groups) >= 6
    for comp in builtin.competencies:
        assert comp.description, comp.id
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", comp.id), comp.id


def test_builtin_roles_cover_every_function(builtin: Catalog) -> None:
    assert len(builtin.roles) >= 20
    assert {r.function for r in builtin.roles} == FUNCTIONS


def test_builtin_roles_have_top_competencies_and_onet_evidence(builtin: Catalog) -> None:
    for role in builtin.roles:
        assert 1 <= len(role.competency_ids) <= 10, role.id
        assert len(set(role.competency_ids)) == len(role.competency_ids), role.id
        assert role.evidence, f"{role.id} cites no O*NET-SOC code"
        for code in role.evidence:
            assert ONET_SOC.match(code), f"{role.id}: {code}"
        assert role.description
    # Every role resolves through the catalog's own lookups.
    for role in builtin.roles:
        assert builtin.role(role.id) is role
        for cid in role.competency_ids:
            assert builtin.competency(cid).id == cid


def test_builtin_names_are_not_a_licensed_deck(builtin: Catalog) -> None:
    # A few well-known names from licensed competency decks; ours must differ.
    licensed = {
        "dealing with paradox",
        "manages ambiguity",
        "instills trust",
        "nimble learning",
        "drives results",
        "strategic mindset",
        "business insight",
        "customer focus",
        "negotiating",
        "listening",
        "delegation",
        "composure",
        "programming/software development",
        "risk management",
        "product management",
    }
    names = {c.name.lower() for c in builtin.competencies}
    assert not names & licensed


def test_notice_names_onet_release_and_licence() -> None:
    notice = (REPO / "NOTICE").read_text(encoding="utf-8")
    assert "O*NET" in notice
    assert "CC BY 4.0" in notice
    assert "USDOL/ETA" in notice
    assert re.search(r"O\*NET 30\.2 Database", notice)


def test_plugin_registers_builtin_and_csv_through_entry_points() -> None:
    host = make_plugin_manager(load_entry_points=False, plugins=[catalog_plugin])
    adapters = host.adapters(AdapterKind.CATALOG)
    assert set(adapters) == {"builtin", "csv"}
    assert adapters["csv"].settings == ("competencies_path", "roles_path")
    catalog = host.create(AdapterKind.CATALOG, "builtin")
    assert isinstance(catalog, CompetencyCatalog)
    assert catalog.load() == load_builtin_catalog()


def test_careerconv_competency_catalogs_returns_catalog_specs() -> None:
    specs = list(catalog_plugin.careerconv_competency_catalogs())
    assert [(s.kind, s.name) for s in specs] == [
        (AdapterKind.CATALOG, "builtin"),
        (AdapterKind.CATALOG, "csv"),
    ]
    assert specs[0].factory({}).load() == load_builtin_catalog()


def test_entry_point_is_declared() -> None:
    names = {ep.name: ep.value for ep in entry_points(group="careerconv")}
    assert names.get("catalog") == "careerconv_plugins.catalog.plugin"


def test_csv_round_trip(tmp_path: Path, builtin: Catalog) -> None:
    comps, roles = tmp_path / "competencies.csv", tmp_path / "roles.csv"
    write_catalog(builtin, comps, roles)
    host = make_plugin_manager(load_entry_points=False, plugins=[catalog_plugin])
    imported = host.create(
        AdapterKind.CATALOG, "csv", {"competencies_path": str(comps), "roles_path": str(roles)}
    ).load()
    assert imported == builtin


def test_shipped_files_are_in_the_writers_canonical_form(builtin: Catalog) -> None:
    # Golden check both ways: parsing then formatting the shipped files gives them
    # back byte for byte, so an export of the built-in catalog is an exact copy.
    data = REPO / "src" / "careerconv_plugins" / "catalog" / "data"
    assert format_competencies(builtin) == (data / "competencies.csv").read_text("utf-8")
    assert format_roles(builtin) == (data / "roles.csv").read_text("utf-8")


def test_csv_accepts_bom_optional_columns_and_quoted_cells(tmp_path: Path) -> None:
    comps = tmp_path / "c.csv"
    roles = tmp_path / "r.csv"
    comps.write_bytes(
        '\ufeffid,name,group\r\ntalks,"Talks, clearly",Comms\r\n\r\nwrites,Writes,Comms\r\n'.encode()
    )
    roles.write_text(
        "function,id,title,competency_ids\nsales,seller,Seller, writes ; talks \n",
        encoding="utf-8",
    )
    catalog = CsvCatalog(comps, roles).load()
    assert [c.name for c in catalog.competencies] == ["Talks, clearly", "Writes"]
    role = catalog.role("seller")
    assert role.competency_ids == ("writes", "talks")
    assert role.evidence == ()


def _files(tmp_path: Path, comps: str | bytes, roles: str | bytes) -> CsvCatalog:
    cpath, rpath = tmp_path / "competencies.csv", tmp_path / "roles.csv"
    for path, content in ((cpath, comps), (rpath, roles)):
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8")
        else:
            path.write_bytes(content)
    return CsvCatalog(cpath, rpath)


GOOD_COMPS = "id,name,group,description\na,Alpha,G,\nb,Beta,G,\n"
GOOD_ROLES = "id,title,function,competency_ids,onet_codes,description\nr,Role,sales,a;b,,\n"


@pytest.mark.parametrize(
    ("comps", "roles", "file", "row", "column", "expected_words"),
    [
        pytest.param(
            "id,group,description\na,G,\n",
            GOOD_ROLES,
            "competencies.csv",
            1,
            "name",
            "header row",
            id="missing-column",
        ),
        pytest.param(
            GOOD_COMPS,
            "id,title,function,competency_ids\nr,Role,sales,a\nq,Q,sales,a;zzz\n",
            "roles.csv",
            3,
            "competency_ids",
            "competencies file",
            id="unknown-competency",
        ),
        pytest.param(
            "id,name,group\n" + "".join(f"c{i},C{i},G\n" for i in range(11)),
            "id,title,function,competency_ids\nr,Role,sales," + ";".join(f"c{i}" for i in range(11)),
            "roles.csv",
            2,
            "competency_ids",
            "1 to 10",
            id="eleven-competencies",
        ),
        pytest.param(
            "id,name,group\na,Alpha,G\nb,Beta,G\na,Again,G\n",
            GOOD_ROLES,
            "competencies.csv",
            4,
            "id",
            "unique id",
            id="duplicate-competency",
        ),
        pytest.param(
            GOOD_COMPS,
            GOOD_ROLES + "r,Again,sales,a,,\n",
            "roles.csv",
            3,
            "id",
            "unique id",
            id="duplicate-role",
        ),
        pytest.param(
            GOOD_COMPS,
            "id,title,function,competency_ids\nr,Role,,a\n",
            "roles.csv",
            2,
            "function",
            "a value",
            id="empty-cell",
        ),
        pytest.param(
            GOOD_COMPS,
            "id,title,function,competency_ids,onet_code\nr,Role,sales,a,x\n",
            "roles.csv",
            1,
            "onet_code",
            "onet_codes",
            id="misspelled-column",
        ),
        pytest.param(
            GOOD_COMPS,
            "id,title,function,competency_ids\nr,Role,sales,a,extra\n",
            "roles.csv",
            2,
            "5",
            "at most 4 cells",
            id="extra-cell",
        ),
        pytest.param(
            GOOD_COMPS,
            "id,title,function,competency_ids\nr,Role,sales,a;a\n",
            "roles.csv",
            2,
            "competency_ids",
            "each competency once",
            id="repeated-competency",
        ),
    ],
)
def test_bad_csv_names_file_row_and_column(  # noqa: PLR0917 - one parameter per table column
    tmp_path: Path,
    comps: str,
    roles: str,
    file: str,
    row: int,
    column: str,
    expected_words: str,
) -> None:
    with pytest.raises(InvalidInput) as info:
        _files(tmp_path, comps, roles).load()
    err = info.value
    assert err.field == f"{tmp_path / file}, row {row}, column {column}"
    assert expected_words in err.expected
    assert str(tmp_path / file) in str(err)


def test_empty_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        _files(tmp_path, GOOD_COMPS, "  \n").load()
    assert info.value.field == str(tmp_path / "roles.csv")
    assert "empty" in info.value.problem
    assert "header row" in info.value.expected


def test_wrong_encoding_names_row_and_says_utf8(tmp_path: Path) -> None:
    latin1 = "id,name,group\na,Alpha,G\nb,Équipe,G\n".encode("latin-1")
    with pytest.raises(InvalidInput) as info:
        _files(tmp_path, latin1, GOOD_ROLES).load()
    assert info.value.field == f"{tmp_path / 'competencies.csv'}, row 3"
    assert "UTF-8" in info.value.expected


def test_broken_quotes_name_the_row(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput) as info:
        _files(tmp_path, 'id,name,group\na,Alpha,G\nb,"Be"ta,G\n', GOOD_ROLES).load()
    assert info.value.field.startswith(f"{tmp_path / 'competencies.csv'}, row 3")
    assert "CSV" in info.value.expected


def test_missing_settings_and_files_are_configuration_errors(tmp_path: Path) -> None:
    host = make_plugin_manager(load_entry_points=False, plugins=[catalog_plugin])
    with pytest.raises(ConfigurationError, match="roles_path"):
        host.create(AdapterKind.CATALOG, "csv", {"competencies_path": "x.csv"})
    catalog = host.create(
        AdapterKind.CATALOG,
        "csv",
        {"competencies_path": str(tmp_path / "nope.csv"), "roles_path": str(tmp_path / "r.csv")},
    )
    with pytest.raises(ConfigurationError, match=r"competencies_path .*nope\.csv"):
        catalog.load()


LEVEL_COMPS = "id,name,group\na,Alpha,G\nb,Beta,G\nc,Gamma,G\n"


def test_roles_take_target_levels_directly_or_as_onet_figures(tmp_path: Path) -> None:
    roles = (
        "id,title,function,competency_ids,target_levels,onet_levels\n"
        "direct,Direct,sales,a;b;c, c=2 ; a=5 ,\n"
        "onet,From O*NET,sales,a;b;c,,a=6.25/4.50;b=3.10/2.40;c=1.00/3.00\n"
        "none,Without levels,sales,a,,\n"
    )
    catalog = _files(tmp_path, LEVEL_COMPS, roles).load()
    assert catalog.role("direct").target_levels == (5, None, 2)
    # O*NET figures go through the one rule: 6.25 -> 5; importance 2.40 is below important -> none.
    assert catalog.role("onet").target_levels == (5, None, 2)
    assert catalog.role("none").target_levels == ()


def test_levels_round_trip_as_target_levels_and_old_files_keep_their_columns(tmp_path: Path) -> None:
    roles = "id,title,function,competency_ids,onet_levels\nr,Role,sales,a;b,b=4.40/3.5\n"
    catalog = _files(tmp_path, LEVEL_COMPS, roles).load()
    text = format_roles(catalog)
    assert text.splitlines() == [
        "id,title,function,competency_ids,onet_codes,description,target_levels",
        "r,Role,sales,a;b,,,b=4",
    ]
    write_catalog(catalog, tmp_path / "c2.csv", tmp_path / "r2.csv")
    assert CsvCatalog(tmp_path / "c2.csv", tmp_path / "r2.csv").load() == catalog
    old = _files(tmp_path, GOOD_COMPS, GOOD_ROLES).load()
    assert old.role("r").target_levels == ()
    assert format_roles(old) == GOOD_ROLES


@pytest.mark.parametrize(
    ("cells", "column", "expected_words"),
    [
        pytest.param("target_levels\nr,Role,sales,a;b,a=6", "target_levels", "1 to 5", id="off-scale"),
        pytest.param("target_levels\nr,Role,sales,a;b,a=high", "target_levels", "1 to 5", id="not-a-number"),
        pytest.param("target_levels\nr,Role,sales,a;b,c=3", "target_levels", "this row's", id="not-listed"),
        pytest.param("target_levels\nr,Role,sales,a;b,a=3;a=4", "target_levels", "once", id="twice"),
        pytest.param("target_levels\nr,Role,sales,a;b,4;3", "target_levels", "pairs", id="no-ids"),
        pytest.param("onet_levels\nr,Role,sales,a;b,a=5.5", "onet_levels", "IMPORTANCE", id="one-figure"),
        pytest.param("onet_levels\nr,Role,sales,a;b,a=7.5/4", "onet_levels", "0 to 7", id="onet-level"),
        pytest.param("onet_levels\nr,Role,sales,a;b,a=5/6", "onet_levels", "1 to 5", id="onet-importance"),
        pytest.param(
            "target_levels,onet_levels\nr,Role,sales,a;b,a=3,a=5/4", "onet_levels", "one column", id="both"
        ),
    ],
)
def test_bad_levels_name_file_row_and_column(
    tmp_path: Path, cells: str, column: str, expected_words: str
) -> None:
    roles = "id,title,function,competency_ids," + cells + "\n"
    with pytest.raises(InvalidInput) as info:
        _files(tmp_path, LEVEL_COMPS, roles).load()
    assert info.value.field == f"{tmp_path / 'roles.csv'}, row 2, column {column}"
    assert expected_words in info.value.expected


def test_the_example_organisation_catalog_imports_with_levels() -> None:
    catalog = CsvCatalog(EXAMPLES / "catalog" / "competencies.csv", EXAMPLES / "catalog" / "roles.csv").load()
    vp = catalog.role("vp-engineering")
    assert all(level is not None for level in vp.target_levels)
    assert catalog.role("staff-engineer").target_levels == ()
