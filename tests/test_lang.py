"""Messages in Japanese by default and in English with --lang en or KOHYO_LANG=en:
the same failure, both languages, one line, no traceback."""

from __future__ import annotations

import os
import re
import shutil
import string
import subprocess
import sys
from pathlib import Path

import click
import pytest

from builders import project, write_master
from conftest import REAL_CONFIG
from kohyo.cli import cli
from kohyo.messages import CATALOGUE, t

REPO = Path(__file__).resolve().parents[1]


def fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_both_languages_take_the_same_fields(key: str) -> None:
    ja, en = CATALOGUE[key]
    assert fields(ja) == fields(en), key
    assert ja != en


def test_routes_name_exactly_the_modules_holding_each_first_part() -> None:
    import importlib

    from kohyo.messages import ROUTES, STAGES

    held: dict[str, list[str]] = {}
    seen: dict[str, str] = {}
    for stage in STAGES:
        for key in importlib.import_module(f"kohyo.messages.{stage}").MESSAGES:
            assert key not in seen, f"{key!r} is in {seen.get(key)} and {stage}"
            seen[key] = stage
            first = key.partition(".")[0]
            if stage not in held.setdefault(first, []):
                held[first].append(stage)
    assert {k: sorted(v) for k, v in held.items()} == {k: sorted(v) for k, v in ROUTES.items()}
    assert set(CATALOGUE) == set(seen)
    package = REPO / "src" / "kohyo" / "messages"
    assert {p.stem for p in package.glob("*.py")} - {"__init__"} == set(STAGES)


def test_a_key_loads_only_its_stage_in_a_fresh_process() -> None:
    probe = (
        "import sys; from kohyo.messages import t, CATALOGUE\n"
        "assert 'nope.nothing' not in CATALOGUE\n"
        "t('validate.count', count=1)\n"
        "print(sorted(m for m in sys.modules if m.startswith('kohyo.messages.')))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    assert out.strip() == "['kohyo.messages.check']"


def test_an_unknown_key_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        t("validate.no_such_message")
    with pytest.raises(KeyError):
        t("nosuchstage.message")


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


# Bad command lines: click's English usage errors come out in Japanese, exit code 2 kept.
USAGE_ERRORS = [
    (["validate", "--no-such-option"], "'--no-such-option' というオプションはありません。",
     "No such option"),
    (["validate", "--jsn"], "'--jsn' というオプションはありません。 '--json' のことですか？",
     "Did you mean '--json'?"),
    (["validate", "--lang", "fr"],
     "'--lang' の値が正しくありません: 'fr' は使えません（'ja', 'en' のいずれかを指定してください）。",
     "'fr' is not one of 'ja', 'en'."),
    (["no-such-command"], "'no-such-command' というコマンドはありません。", "No such command"),
    (["diff"], "引数 'OLD' を指定してください。", "Missing argument 'OLD'."),
    (["new"], "オプション '--name' を指定してください。", "Missing option '--name'."),
    (["new", "--name", "x", "--after", "x"],
     "'--after' の値が正しくありません: 'x' は整数ではありません。", "is not a valid integer"),
    (["validate", "a.xlsx", "b.xlsx"], "余分な引数があります（b.xlsx）。",
     "Got unexpected extra argument (b.xlsx)"),
    (["distribute", "--town"], "'--town' には値を指定してください。",
     "Option '--town' requires an argument."),
    (["mail", "--summary", "/no/such/file.txt"],
     "'--summary' の値が正しくありません: '/no/such/file.txt' が見つかりません。",
     "does not exist"),
    (["mail", "--resend"], "--resend は --send と一緒に指定してください。",
     "--resend goes with --send."),
]  # fmt: skip


@pytest.mark.parametrize(
    ("args", "ja", "en"), USAGE_ERRORS, ids=[" ".join(a) for a, _, _ in USAGE_ERRORS]
)
def test_usage_errors_in_japanese(cli_run, args: list[str], ja: str, en: str) -> None:
    res = cli_run(*args)
    assert res.exit_code == 2, res.output
    assert res.exception is None
    lines = res.stderr.splitlines()
    assert lines[0].startswith("使い方: ") or "--town" in args, res.stderr
    assert lines[-1] == f"エラー: {ja}", res.stderr
    assert "Error" not in res.stderr and "Usage" not in res.stderr and "Try " not in res.stderr
    english = cli_run(*args, env={"KOHYO_LANG": "en"})
    assert english.exit_code == 2
    assert en in english.stderr and "Error: " in english.stderr, english.stderr


def test_a_usage_error_names_the_help_option_in_japanese() -> None:
    res = subprocess.run(
        [sys.executable, "-m", "kohyo", "validate", "--nope"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "KOHYO_LANG": "ja", "PYTHONIOENCODING": "utf-8"},
        timeout=60,
    )
    assert res.returncode == 2
    assert res.stderr.splitlines() == [
        "使い方: kohyo validate [OPTIONS] [MASTER]",
        "「kohyo validate --help」で使い方を表示します。",
        "",
        "エラー: '--nope' というオプションはありません。 '--open' のことですか？",
    ]


def test_the_language_option_applies_to_errors_found_before_it(cli_run) -> None:
    """`validate --bad --lang en`: the error is found before --lang's callback runs."""
    res = cli_run("validate", "--bad", "--lang", "en")
    assert res.exit_code == 2 and "Error: No such option" in res.stderr, res.stderr


def _commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(cli)
    return [(name, cli.get_command(ctx, name)) for name in cli.list_commands(ctx)]


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_every_command_and_option_has_help_in_both_languages(cli_run, lang: str) -> None:
    for name, command in _commands():
        assert f"help.{name}" in CATALOGUE, name
        res = cli_run(name, "--lang", lang, "--help")
        assert res.exit_code == 0, res.output
        for param in command.params:
            if isinstance(param, click.Option):
                key = f"help.{name}.{param.name}"
                key = key if key in CATALOGUE else f"help.option.{param.name}"
                assert key in CATALOGUE, (name, param.name)
                text = CATALOGUE[key][0 if lang == "ja" else 1]
                assert " ".join(text.split())[:20] in " ".join(res.stdout.split()), (name, key)
        heading = "オプション:" if lang == "ja" else "Options:"
        assert heading in res.stdout and res.stdout.startswith(
            "使い方: " if lang == "ja" else "Usage: "
        )


def test_group_help_lists_commands_in_the_language_asked(cli_run) -> None:
    ja = cli_run("--help")
    en = cli_run("--help", env={"KOHYO_LANG": "en"})
    assert "コマンド:" in ja.stdout and "マスターの個表を検証します" in ja.stdout
    assert "Commands:" in en.stdout and "Validate every project sheet in MASTER." in en.stdout


def test_one_key_lives_in_one_stage_module() -> None:
    import importlib

    from kohyo.messages import STAGES

    modules = [importlib.import_module(f"kohyo.messages.{stage}") for stage in STAGES]
    total = sum(len(m.MESSAGES) for m in modules)
    assert total == len(CATALOGUE)
    assert all(ja and en for ja, en in CATALOGUE.values())


def test_severity_labels_are_shared(monkeypatch: pytest.MonkeyPatch) -> None:
    from kohyo.cli.codes import codes_markdown
    from kohyo.messages import severity_label

    assert [severity_label(s) for s in ("error", "warning", "info")] == ["エラー", "警告", "情報"]
    assert "| `no-projects` | エラー |" in codes_markdown()
    monkeypatch.setenv("KOHYO_LANG", "en")
    assert [severity_label(s) for s in ("error", "warning", "info")] == ["error", "warning", "info"]
    assert "| `no-projects` | error | No project sheets" in codes_markdown()


def test_docs_codes_md_is_what_kohyo_codes_prints(cli_run) -> None:
    res = cli_run("codes")
    assert res.exit_code == 0
    assert (REPO / "docs" / "codes.md").read_text(encoding="utf-8") == res.stdout


JAPANESE = re.compile(r"[\u3000-\u303f\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff9f]")


def test_english_texts_have_no_japanese() -> None:
    from kohyo.check.findings import CATALOGUE as FINDINGS

    english = [(k, en) for k, (_, en) in CATALOGUE.items()]
    english += [(code, kind.en) for code, kind in FINDINGS.items()]
    assert [(k, text) for k, text in english if JAPANESE.search(text)] == []


def test_every_literal_message_key_exists() -> None:
    """A typo in t("…") would only show when that message is needed: catch it here."""
    used: set[str] = set()
    for path in (REPO / "src" / "kohyo").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(re.findall(r"""\bt\(\s*"([a-z_.]+)"\s*[,)]""", text))
        used |= set(re.findall(r"""fail\([^()]*?"((?:config)\.[a-z_.]+)"\s*[,)]""", text))
    assert len(used) > 300
    assert sorted(used - set(CATALOGUE)) == []
