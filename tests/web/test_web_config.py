"""The ``[web]`` table of careerconv.toml: checked like every table, with the fix named."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from careerconv.cli import main


def _check(tmp_path: Path, web: str) -> tuple[int, str]:
    home = tmp_path / "home"
    out, err = io.StringIO(), io.StringIO()
    assert main(["--home", str(home), "init"], stdout=out, stderr=err) == 0
    with (home / "careerconv.toml").open("a", encoding="utf-8") as config:
        config.write("\n[web]\n" + web)
    out, err = io.StringIO(), io.StringIO()
    code = main(["--home", str(home), "config", "check"], stdout=out, stderr=err)
    return code, out.getvalue() + err.getvalue()


@pytest.mark.parametrize(
    ("web", "said"),
    [
        ('base_ulr = "https://x.example"\n', "did you mean 'base_url'"),
        ('base_url = "https://x.example"\n', "base_url needs secret_env"),
        ('base_url = "ftp://x.example"\nsecret_env = "S"\n', "an http:// or https:// URL"),
        ("link_days = 400\n", "link_days"),
        ('allow_acting_for_others = "yes"\n', "allow_acting_for_others"),
    ],
    ids=["typo", "no-secret", "not-http", "too-many-days", "not-a-flag"],
)
def test_a_bad_web_table_is_refused_naming_the_setting(tmp_path: Path, web: str, said: str) -> None:
    code, text = _check(tmp_path, web)
    assert code != 0, text
    assert said in text and "Traceback" not in text


def test_a_sound_web_table_passes(tmp_path: Path) -> None:
    code, text = _check(
        tmp_path,
        'base_url = "https://hr.example.com/career"\nsecret_env = "CAREERCONV_WEB_SECRET"\n'
        'frame_ancestors = "https://hr.example.com"\n',
    )
    assert code == 0, text
