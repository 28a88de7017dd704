"""Messages in Japanese by default and in English with --lang en or KOHYO_LANG=en:
the same failure, both languages, one line, no traceback."""

from __future__ import annotations

import shutil
import string
from pathlib import Path

import pytest

from builders import project, write_master
from conftest import REAL_CONFIG
from kohyo.messages import CATALOGUE, t

REPO = Path(__file__).resolve().parents[1]


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_both_languages_take_the_same_fields(key: str) -> None:
    ja, en = CATALOGUE[key]
    assert fields(ja) == fields(en), key
    assert ja != en


def test_t_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    assert t("file.empty") == "空のファイル（0 バイト）です。"
    monkeypatch.setenv("KOHYO_LANG", "en_US.UTF-8")
    assert t("file.empty") == "The file is empty (0 bytes)."


def _xls(tmp_path: Path) -> Path:
    path = tmp_path / "old.xlsx"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    return path


def _not_xlsx(tmp_path: Path) -> Path:
    path = tmp_path / "notes.xlsx"
    path.write_text("これは Excel ファイルではありません", encoding="utf-8")
    return path


def _master(tmp_path: Path) -> Path:
    path = tmp_path / "m.xlsx"
    write_master(path, [project()])
    return path


def _locked(tmp_path: Path) -> Path:
    path = _master(tmp_path)
    (tmp_path / f"~${path.name}").write_bytes(b"owner")
    return path


def _bad_toml(tmp_path: Path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text("[area\nname = 1\n", encoding="utf-8")
    return path


# (command, how to make the failure, Japanese fragment, English fragment)
FAILURES = [
    ("validate", lambda p: p / "nowhere.xlsx", "ファイルが見つかりません", "File not found"),
    ("validate", _xls, "古い Excel 形式（.xls）", "the old Excel format (.xls)"),
    ("validate", _not_xlsx, "Excel ファイル（.xlsx）ではありません", "not an Excel file (.xlsx)"),
    ("validate", lambda p: p, "フォルダーです", "This is a folder"),
    ("refresh", _locked, "Excel で開かれています", "is open in Excel"),
    (
        "validate",
        "config-missing",
        "設定ファイルが見つかりません",
        "The settings file was not found",
    ),
    ("validate", "config-syntax", "設定ファイルの書き方に誤りがあります", "syntax error"),
]


@pytest.mark.parametrize(("command", "make", "ja", "en"), FAILURES,
                         ids=[f"{c}-{ja}" for c, _, ja, _ in FAILURES])  # fmt: skip
@pytest.mark.parametrize("how", ["--lang", "KOHYO_LANG"])
def test_the_same_failure_in_both_languages(
    tmp_path: Path, cli_run, command: str, make, ja: str, en: str, how: str
) -> None:
    config: Path = REAL_CONFIG
    target: Path
    if make == "config-missing":
        config, target = tmp_path / "none.toml", _master(tmp_path)
    elif make == "config-syntax":
        config, target = _bad_toml(tmp_path), _master(tmp_path)
    else:
        target = make(tmp_path)
    if command == "refresh":  # backups of a refresh go into the test folder, not the repo
        shutil.copy(REAL_CONFIG, tmp_path / "config.toml")
        config = tmp_path / "config.toml"
    args = [command, target, "--config", config]
    japanese = cli_run(*args, "--lang", "ja")
    if how == "--lang":
        english = cli_run(*args, "--lang", "en")
    else:
        english = cli_run(*args, env={"KOHYO_LANG": "en"})
    for res, prefix, fragment in ((japanese, "エラー: ", ja), (english, "Error: ", en)):
        assert res.exit_code == 2, res.output
        assert res.stderr.startswith(prefix), res.stderr
        assert fragment in res.stderr, res.stderr
        assert res.stderr.count("\n") == 1 and "Traceback" not in res.output


def test_refresh_report_in_both_languages(tmp_path: Path, tmp_area_config, cli_run) -> None:
    config = tmp_area_config.path
    for lang, expected in (
        ("ja", ["事業1 計: 空欄 → 300（シート「1」G5）", "総括表: 作成しました（具体的取組の総数 1事業）",
                "マスターを更新しました"]),
        ("en", ["Project 1 total: blank → 300 (sheet '1' G5)", "総括表: created (1 projects)",
                "Saved "]),
    ):  # fmt: skip
        path = tmp_path / f"{lang}.xlsx"
        write_master(path, [project(1, costs=[100, 200, None, None, None], total=None)])
        res = cli_run("refresh", path, "--config", config, "--lang", lang)
        assert res.exit_code == 0, res.output
        for line in expected:
            assert line in res.stdout, (lang, res.stdout)
        again = cli_run("refresh", path, "--config", config, "--lang", lang)
        nothing = "変更はありません" if lang == "ja" else "Nothing to change"
        assert nothing in again.stdout


def test_validate_counts_and_errors_line_in_english(tmp_path: Path, cli_run) -> None:
    path = tmp_path / "m.xlsx"
    write_master(path, [project(4, costs=[100, "約200", None, None, None], total=100)])
    res = cli_run("validate", path, "--config", REAL_CONFIG, "--lang", "en")
    assert res.exit_code == 1
    assert "1 error(s), 0 warning(s), 0 info (1 project sheets)" in res.stdout
    assert "Cost for FY2021 is not a number" in res.stdout
    res = cli_run("refresh", path, "--config", REAL_CONFIG, "--lang", "en")
    assert res.exit_code == 1 and "The master has errors; nothing was written." in res.stdout
