"""The docs stay honest: every command, option, finding code, public name and template is
documented, the generated command reference is current, and the library example runs."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import click
import pytest

import kohyo
from kohyo.check.findings import CATALOGUE
from kohyo.cli import COMMANDS, cli

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"


def _read(name: str) -> str:
    return (DOCS / name).read_text(encoding="utf-8")


def _commands() -> list[tuple[str, click.Command]]:
    ctx = click.Context(cli, info_name="kohyo")
    out = []
    for name in COMMANDS:
        command = cli.get_command(ctx, name)
        assert command is not None, name
        out.append((name, command))
    return out


def test_cli_reference_is_generated_from_the_current_commands() -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "gen_cli_docs.py"), "--check"],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("name", list(COMMANDS))
def test_every_command_is_in_the_readme_and_the_reference(name: str) -> None:
    assert f"kohyo {name}" in (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"## `kohyo {name}`" in _read("cli.md")


def test_every_finding_code_is_documented() -> None:
    codes_md = _read("codes.md")
    missing = [code for code in CATALOGUE if f"`{code}`" not in codes_md]
    assert missing == []


def test_every_public_name_is_documented() -> None:
    api_md = _read("api.md")
    missing = [n for n in kohyo.__all__ if n != "__version__" and f"`{n}" not in api_md]
    assert missing == []


def test_every_public_name_resolves() -> None:
    for name in kohyo.__all__:
        assert getattr(kohyo, name) is not None, name
    with pytest.raises(AttributeError):
        _ = kohyo.no_such_name  # type: ignore[attr-defined]


def test_every_template_is_documented() -> None:
    documented = "\n".join(
        p.read_text(encoding="utf-8") for p in [*DOCS.glob("*.md"), ROOT / "README.md"]
    )
    templates = [p.relative_to(ROOT / "templates").as_posix()
                 for p in (ROOT / "templates").rglob("*") if p.is_file()]  # fmt: skip
    assert templates
    missing = [t for t in templates if t not in documented]
    assert missing == []


def test_the_library_example_runs(sample_build, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    code = re.findall(r"```python\n(.*?)```", _read("api.md"), re.S)
    assert code, "docs/api.md has no python example"
    area = tmp_path / "area"
    (area / "workbooks").mkdir(parents=True)
    shutil.copy(ROOT / "config.toml", area / "config.toml")
    shutil.copytree(ROOT / "templates", area / "templates")
    shutil.copy(sample_build.master, area / "workbooks" / "master.xlsx")
    (area / "example.py").write_text(code[0], encoding="utf-8")
    result = subprocess.run([sys.executable, "example.py"], cwd=area,
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "7 個表"
    assert "[('2', 'G5'), ('3', 'G5')]" in lines
    assert "True True" in lines
    assert (area / "out").is_dir()
