"""The one template lookup (kohyo.templates_lookup): an area's own copy, else kohyo's."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from kohyo.config import load_config
from kohyo.errors import ConfigError
from kohyo.mail.message import Letter, MailTemplates, render_letter
from kohyo.templates_lookup import (
    TEMPLATES,
    area_template_path,
    packaged_template_path,
    template_path,
)

ROOT = Path(__file__).resolve().parents[1]


def test_an_area_without_templates_gets_kohyos_own(tmp_config: Callable[..., Path]) -> None:
    config = load_config(tmp_config())
    for name in TEMPLATES:
        assert template_path(config, name) == packaged_template_path(name)
        assert template_path(config, name).is_file()


def test_an_areas_own_template_wins_file_by_file(tmp_config: Callable[..., Path]) -> None:
    config = load_config(tmp_config())
    own = config.base_dir / "templates" / "mail" / "body.j2"
    own.parent.mkdir(parents=True)
    own.write_text("{{ town }} 御中\n", encoding="utf-8")
    assert template_path(config, "mail/body.j2") == own
    assert template_path(config, "mail/subject.j2") == packaged_template_path("mail/subject.j2")
    assert area_template_path(config.base_dir, "mail/body.j2") == own
    letter = Letter("平内町", ("a@example.jp",), (), (), (1,), "2026-11-30")
    subject, body = render_letter(config, letter, MailTemplates(config))
    assert body == "平内町 御中\n"
    assert subject == render_letter(load_config(ROOT / "config.toml"), letter,
                                    MailTemplates(load_config(ROOT / "config.toml")))[0]  # fmt: skip


@pytest.mark.parametrize("make", ["folder", "broken link"])
def test_an_override_that_is_not_a_file_is_named(
    tmp_config: Callable[..., Path], make: str
) -> None:
    config = load_config(tmp_config())
    own = config.base_dir / "templates" / "summary.toml"
    own.parent.mkdir()
    if make == "folder":
        own.mkdir()
    else:
        if os.name == "nt":
            pytest.skip("symbolic links need privileges on Windows")
        own.symlink_to(config.base_dir / "nowhere.toml")
    with pytest.raises(ConfigError) as exc:
        template_path(config, "summary.toml")
    assert exc.value.message == (
        f"テンプレートの場所がファイルではありません: {own}。ファイルを置くか、"
        "取り除いて kohyo の既定のテンプレートを使ってください。"
    )


def test_an_unknown_name_is_a_bug_not_a_fallback(tmp_config: Callable[..., Path]) -> None:
    config = load_config(tmp_config())
    with pytest.raises(ValueError, match="not a kohyo template"):
        template_path(config, "kohyo_sheets.toml")


def test_refresh_without_templates_folder_writes_the_summary_with_its_look(
    cli_run: Callable[..., Any], tmp_config: Callable[..., Path], sample_master: Path
) -> None:
    """The 総括表 used to be written without its look when templates/ was not beside config."""

    def refreshed(templates: str) -> dict[str, bytes]:
        cfg = tmp_config({"refresh.distribute": "false"})
        if templates == "repository's copy":
            shutil.copytree(ROOT / "templates", cfg.parent / "templates")
        elif templates == "empty summary.toml":  # every key left out: the built-in look
            (cfg.parent / "templates").mkdir()
            (cfg.parent / "templates" / "summary.toml").write_text("", encoding="utf-8")
        master = shutil.copy2(sample_master, cfg.parent / "master.xlsx")
        result = cli_run("refresh", master, "--config", cfg)
        assert result.exit_code == 0, result.output
        with zipfile.ZipFile(master) as z:
            return {n: z.read(n) for n in z.namelist() if n.startswith("xl/")}

    beside = refreshed("repository's copy")
    assert refreshed("none") == beside
    assert refreshed("empty summary.toml")["xl/styles.xml"] != beside["xl/styles.xml"]


@pytest.mark.parametrize(
    ("name", "command", "message"),
    [
        ("summary.toml", "refresh", "総括表の書式ファイル {path} を読めません"),
        ("kohyo_sheet.toml", "distribute", "個表の書式ファイルの書き方に誤りがあります: {path}"),
        ("cover_sheet.toml", "distribute", "書き方に誤りがあります: {path}"),
    ],
)
def test_a_broken_override_stops_the_command_naming_the_file(
    cli_run: Callable[..., Any], tmp_config: Callable[..., Path], sample_master: Path,
    name: str, command: str, message: str,
) -> None:  # fmt: skip
    cfg = tmp_config({"refresh.distribute": "false"})
    own = cfg.parent / "templates" / name
    own.parent.mkdir()
    own.write_text("[page\n", encoding="utf-8")
    master = shutil.copy2(sample_master, cfg.parent / "master.xlsx")
    before = master.read_bytes()
    result = cli_run(command, master, "--config", cfg)
    assert result.exit_code == 2, result.output
    assert message.format(path=own) in result.stderr
    assert master.read_bytes() == before


def test_docs_list_every_template() -> None:
    doc = (ROOT / "docs" / "templates.md").read_text(encoding="utf-8")
    rows = [line.split("|")[1].strip() for line in doc.splitlines() if line.startswith("| `")]
    assert rows == [f"`{name}`" for name in TEMPLATES]
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "`kohyo init [DIR]" in readme and "docs/templates.md" in readme


def test_a_template_may_not_pull_in_other_files(tmp_config: Callable[..., Path]) -> None:
    config = load_config(tmp_config())
    own = config.base_dir / "templates" / "mail" / "body.j2"
    own.parent.mkdir(parents=True)
    own.write_text('{% include "../config.toml" %}\n', encoding="utf-8")
    letter = Letter("平内町", ("a@example.jp",), (), (), (1,), "2026-11-30")
    with pytest.raises(ConfigError) as exc:
        render_letter(config, letter, MailTemplates(config))
    assert exc.value.message == f"メールのテンプレート {own} を差し込みできません: ../config.toml"


def test_an_install_without_the_templates_package_says_reinstall() -> None:
    """An editable install made before templates/ became kohyo.templates has no such package
    (-S: no site-packages, so no editable finder; kohyo comes from src/ alone)."""
    code = (
        "import sys; sys.path.insert(0, sys.argv[1])\n"
        "from kohyo.errors import ConfigError\n"
        "from kohyo.templates_lookup import packaged_template_path\n"
        "try:\n    packaged_template_path('summary.toml')\n"
        "except ConfigError as exc:\n    print(exc.message)\n"
    )
    env = {**os.environ, "KOHYO_LANG": "ja", "PYTHONIOENCODING": "utf-8"}
    out = subprocess.run([sys.executable, "-I", "-S", "-c", code, str(ROOT / "src")], env=env,
                         capture_output=True, text=True, encoding="utf-8", check=True)  # fmt: skip
    assert out.stdout == (
        "kohyo の既定のテンプレート summary.toml が見つかりません（kohyo.templates）。"
        "kohyo を入れ直してください（リポジトリからは pip install -e .）。\n"
    )
