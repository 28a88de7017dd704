"""The double-click launchers in scripts/: present, CRLF, UTF-8, and calling real options.

cmd.exe itself is not available here; what can be checked without Windows is checked:
line ends, encoding, the steps every launcher must take, and that each kohyo invocation
names a command and options that `kohyo <command> --help` lists.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SCRIPTS = REPO / "scripts"
REQUIRED = ["kohyo_refresh.bat", "kohyo_validate.bat", "kohyo_distribute.bat",
            "kohyo_mail_dryrun.bat"]  # fmt: skip
LAUNCHERS = sorted(p.name for p in SCRIPTS.glob("*.bat"))
INVOCATION = re.compile(r'^"%KOHYO%"\s+(?P<command>[a-z-]+)(?P<args>[^\r\n]*)$', re.M)


def test_the_required_launchers_exist() -> None:
    assert set(REQUIRED) <= set(LAUNCHERS)


@pytest.mark.parametrize("name", LAUNCHERS)
def test_crlf_utf8_and_ascii_until_chcp(name: str) -> None:
    data = (SCRIPTS / name).read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf"), "a BOM breaks cmd.exe's first line"
    assert data.endswith(b"\r\n")
    assert data.count(b"\n") == data.count(b"\r\n"), "every line must end in CRLF"
    assert b"\r\r" not in data
    text = data.decode("utf-8")
    head = text[: text.index("chcp 65001")]
    assert head.isascii(), "nothing but ASCII before the code page is UTF-8"


@pytest.mark.parametrize("name", LAUNCHERS)
def test_each_launcher_takes_the_same_steps(name: str) -> None:
    text = (SCRIPTS / name).read_text(encoding="utf-8")
    lines = [line.strip() for line in text.splitlines()]
    assert lines[0] == "@echo off"
    assert "chcp 65001 > nul" in lines
    assert 'cd /d "%~dp0.."' in lines  # the repository root, whatever folder it was started from
    assert 'set "KOHYO=%CD%\\.venv\\Scripts\\kohyo.exe"' in lines
    assert 'if not exist "%KOHYO%" call :setup' in lines
    assert "py -m venv .venv" in lines
    assert any(
        line.startswith('".venv\\Scripts\\python.exe" -m pip install -e .') for line in lines
    )
    assert lines.index("pause") > max(
        i for i, line in enumerate(lines) if line.startswith('"%KOHYO%"')
    )
    assert 'set "RC=%ERRORLEVEL%"' in lines
    for code in ('"%RC%"=="0"', '"%RC%"=="1"'):
        assert any(code in line and "echo" in line for line in lines), code
    # Japanese for staff: every outcome is explained.
    assert "[完了]" in text and "[エラーあり]" in text and "[実行できませんでした]" in text
    # No ASCII ( ) inside an echo of an if: cmd would end the line there inside a block.
    for line in lines:
        if line.startswith("if ") and " echo " in line:
            assert "(" not in line.split(" echo ", 1)[1], line


def invocations() -> list[tuple[str, str, list[str]]]:
    out = []
    for name in LAUNCHERS:
        text = (SCRIPTS / name).read_text(encoding="utf-8")
        found = list(INVOCATION.finditer(text))
        assert len(found) == 1, f"{name}: one kohyo command per launcher"
        m = found[0]
        out.append((name, m["command"], m["args"].split()))
    return out


@pytest.mark.parametrize(("name", "command", "args"), invocations(), ids=LAUNCHERS)
def test_invocations_name_real_commands_and_options(
    name: str, command: str, args: list[str], cli_run
) -> None:
    res = cli_run(command, "--help")
    assert res.exit_code == 0, f"{name}: kohyo {command} does not exist"
    options = [a for a in args if a.startswith("-")]
    assert all(re.fullmatch(r"--[a-z-]+", o) for o in options), options
    for option in options:
        assert re.search(rf"(?<![\w-]){re.escape(option)}\b", res.stdout), f"{name}: {option}"
    assert not [a for a in args if not a.startswith("-")], "no paths: config.toml decides"


def test_validate_launcher_writes_and_opens_the_report() -> None:
    text = (SCRIPTS / "kohyo_validate.bat").read_text(encoding="utf-8")
    assert '"%KOHYO%" validate --report --open' in text


def test_gitattributes_keeps_crlf() -> None:
    lines = (REPO / ".gitattributes").read_text(encoding="utf-8").splitlines()
    assert "*.bat text eol=crlf" in lines


def test_staff_guide_names_every_launcher() -> None:
    guide = (REPO / "docs" / "staff-guide.md").read_text(encoding="utf-8")
    for name in LAUNCHERS:
        assert name in guide, name
    for code in ("0", "1", "2"):
        assert f"| {code} |" in guide
