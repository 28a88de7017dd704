"""No output of any command replaces the master or another input; `--out` is kohyo's own folder.

The issue: `kohyo distribute --out <the master's folder>` with a `distribution.filename_pattern`
lacking `{town}` wrote a town workbook over the master.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from builders import project, write_master
from conftest import REAL_CONFIG
from kohyo.config import load_config
from kohyo.errors import ConfigError
from kohyo.files.digest import file_digest

TOWN = "平内町"


def master_in(folder: Path, name: str = "master.xlsx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    write_master(folder / name, [project(1, "観光振興事業"), project(2)])
    return folder / name


@pytest.mark.parametrize("pattern", ['"master.xlsx"', '"{area}_個表_{date}.xlsx"', '"{town!r}"'])
def test_a_filename_pattern_without_town_is_a_config_error(
    tmp_config: Callable[..., Path], pattern: str
) -> None:
    path = tmp_config({"distribution.filename_pattern": pattern})
    if "{town" in pattern:  # a conversion still names the field: accepted
        load_config(path)
        return
    with pytest.raises(ConfigError) as e:
        load_config(path)
    assert "distribution.filename_pattern" in e.value.message and "{town}" in e.value.message


def test_the_issue_master_folder_and_pattern_without_town(
    tmp_path: Path, tmp_config: Callable[..., Path], cli_run: Callable[..., Any]
) -> None:
    master = master_in(tmp_path / "共有")
    digest = file_digest(master)
    config = tmp_config({"distribution.filename_pattern": '"master.xlsx"'})
    res = cli_run("distribute", master, "--town", TOWN, "--out", master.parent, "--config", config)
    assert res.exit_code == 2 and "{town}" in res.stderr
    assert file_digest(master) == digest


@pytest.mark.parametrize("force", [False, True])
def test_no_output_replaces_the_master_even_with_force(
    tmp_path: Path, tmp_config: Callable[..., Path], cli_run: Callable[..., Any], force: bool
) -> None:
    # A pattern with {town}, and a master that happens to carry a town's file name.
    master = master_in(tmp_path / "共有", f"{TOWN}.xlsx")
    digest = file_digest(master)
    config = tmp_config({"distribution.filename_pattern": '"{town}.xlsx"'})
    args = ["distribute", master, "--town", TOWN, "--out", master.parent, "--config", config]
    res = cli_run(*args, *(["--force"] if force else []))
    assert res.exit_code == 2
    assert "上書きしません" in res.stderr
    assert file_digest(master) == digest
    assert sorted(p.name for p in master.parent.iterdir()) == [master.name]


def test_out_into_a_folder_of_other_files_needs_force(
    tmp_path: Path, cli_run: Callable[..., Any]
) -> None:
    master = master_in(tmp_path / "m")
    out = tmp_path / "共有フォルダー"
    out.mkdir()
    (out / "予算.xlsx").write_bytes(b"staff's own file")
    args = ["distribute", master, "--town", TOWN, "--out", out, "--config", REAL_CONFIG]
    res = cli_run(*args)
    assert res.exit_code == 2 and "予算.xlsx" in res.stderr and "--force" in res.stderr
    assert sorted(p.name for p in out.iterdir()) == ["予算.xlsx"]
    res = cli_run(*args, "--force")
    assert res.exit_code == 0, res.output
    assert (out / "予算.xlsx").read_bytes() == b"staff's own file"
    assert (out / "manifest.json").is_file()
    # the folder is kohyo's now (its files are in the manifest): a re-run needs no --force
    (out / "予算.xlsx").unlink()
    assert cli_run(*args).exit_code == 0


def test_out_into_another_masters_distribution_needs_force(
    tmp_path: Path, cli_run: Callable[..., Any]
) -> None:
    first, second = master_in(tmp_path / "a"), master_in(tmp_path / "b")
    out = tmp_path / "配布"
    base = ["--town", TOWN, "--out", out, "--config", REAL_CONFIG]
    assert cli_run("distribute", first, *base).exit_code == 0
    before = (out / "manifest.json").read_bytes()
    res = cli_run("distribute", second, *base)
    assert res.exit_code == 2 and str(first.resolve()) in res.stderr and "--force" in res.stderr
    assert (out / "manifest.json").read_bytes() == before
    assert cli_run("distribute", second, *base, "--force").exit_code == 0
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert doc["master"] == str(second.resolve())


def test_the_same_master_again_into_its_own_out_folder(
    tmp_path: Path, cli_run: Callable[..., Any]
) -> None:
    master = master_in(tmp_path / "m")
    out = tmp_path / "配布"
    args = ["distribute", master, "--out", out, "--config", REAL_CONFIG]
    assert cli_run(*args).exit_code == 0
    write_master(master, [project(1, "観光振興事業")])  # edited since: same master file
    assert cli_run(*args).exit_code == 0


def test_overview_never_replaces_a_master_it_compares(
    tmp_path: Path, cli_run: Callable[..., Any]
) -> None:
    old = master_in(tmp_path / "out", "overview.xlsx")
    new = master_in(tmp_path / "new")
    digest = file_digest(old)
    res = cli_run("diff", old, new, "--out", old.parent, "--config", REAL_CONFIG)
    assert res.exit_code == 2 and "上書きしません" in res.stderr
    assert file_digest(old) == digest
    assert sorted(p.name for p in old.parent.iterdir()) == ["overview.xlsx"]


def test_a_partial_run_after_an_edit_leaves_a_folder_that_is_still_kohyos(
    tmp_path: Path, cli_run: Callable[..., Any]
) -> None:
    master = master_in(tmp_path / "m")
    out = tmp_path / "配布"
    base = ["distribute", master, "--out", out, "--config", REAL_CONFIG]
    assert cli_run(*base).exit_code == 0
    before = sorted(p.name for p in out.iterdir())
    write_master(master, [project(1, "観光振興事業")])  # edited: the other towns' files are stale
    res = cli_run(*base, "--town", TOWN)
    assert res.exit_code == 0 and "記載とファイルを外しました" in res.stdout
    doc = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    listed = [f["name"] for e in doc["towns"].values() for f in e["files"]]
    # base/ keeps what every town was sent (kohyo collect merges returns of earlier files too)
    assert sorted(p.name for p in out.iterdir()) == sorted(["manifest.json", "base", *listed])
    assert len(before) > len(listed) + 1
    assert cli_run(*base).exit_code == 0  # no --force needed
