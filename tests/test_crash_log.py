"""An unexpected error is logged per run in the user's cache folder, and the message says where."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest

from kohyo.cli.common import cache_dir, guarded


@guarded
def broken_command() -> None:
    raise RuntimeError("壊れた内部状態")


@pytest.mark.skipif(os.name == "nt", reason="XDG_CACHE_HOME is the POSIX rule")
def test_each_run_logs_to_its_own_file_in_the_cache_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    logs = []
    for _ in range(2):
        with pytest.raises(click.exceptions.Exit) as e:
            broken_command()
        assert e.value.exit_code == 2
        err = capsys.readouterr().err
        (shown,) = re.findall(r"詳細は (\S+) に記録しました", err)
        logs.append(Path(shown))
    folder = tmp_path / "cache" / "kohyo"
    assert cache_dir() == folder
    assert sorted(folder.iterdir()) == sorted(logs) and len(set(logs)) == 2
    for log in logs:
        assert re.fullmatch(rf"error-\d{{8}}-\d{{6}}-{os.getpid()}(_\d+)?\.log", log.name)
        assert "RuntimeError: 壊れた内部状態" in log.read_text(encoding="utf-8")


@pytest.mark.skipif(os.name == "nt", reason="HOME is the POSIX fallback")
def test_without_xdg_cache_home_it_is_home_dot_cache(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "XDG_CACHE_HOME"}
    env["HOME"] = str(tmp_path)
    code = "from kohyo.cli.common import cache_dir; print(cache_dir())"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.stdout.strip() == str(tmp_path / ".cache" / "kohyo")
