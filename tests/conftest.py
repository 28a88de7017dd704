"""Shared fixtures: the real config, a CLI runner, configs modified in tmp_path, and the
sample master freshly built."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner

from kohyo.cli import cli
from kohyo.config import Config, load_config

ROOT = Path(__file__).resolve().parents[1]
REAL_CONFIG = ROOT / "config.toml"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``slow`` run only when asked: ``-m slow`` (or any -m naming it) or
    ``KOHYO_SLOW=1``."""
    if "slow" in (config.getoption("-m") or "") or os.environ.get("KOHYO_SLOW") == "1":
        return
    skip = pytest.mark.skip(reason="slow: run with -m slow or KOHYO_SLOW=1")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _japanese_messages(monkeypatch: pytest.MonkeyPatch) -> None:
    """Messages in Japanese unless a test says otherwise; `--lang en` must not leak out."""
    monkeypatch.setenv("KOHYO_LANG", "ja")


@pytest.fixture(scope="session")
def config() -> Config:
    return load_config(REAL_CONFIG)


@pytest.fixture
def tmp_area_config(tmp_path: Path) -> Config:
    """The real config.toml as tmp_path/config.toml: backups and output under tmp_path,
    templates/ copied beside it."""
    text = REAL_CONFIG.read_text(encoding="utf-8")
    text = text.replace('backup_dir = "workbooks/backup"', f'backup_dir = "{tmp_path / "backup"}"')
    text = text.replace('output_dir = "out"', f'output_dir = "{tmp_path / "out"}"')
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return load_config(path)


@dataclass(frozen=True)
class SampleBuild:
    folder: Path
    master: Path
    master_before: Path


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory: pytest.TempPathFactory) -> SampleBuild:
    """A fresh build of the sample masters (the committed ones may have been refreshed).

    Read it, never write it: tests that change the master take ``sample_master``.
    """
    dest = tmp_path_factory.mktemp("sample")
    script = ROOT / "scripts" / "build_sample.py"
    result = subprocess.run([sys.executable, str(script), "--dest", str(dest)],
                            capture_output=True, text=True, timeout=120)  # fmt: skip
    assert result.returncode == 0, result.stderr
    return SampleBuild(dest, dest / "master.xlsx", dest / "master_before.xlsx")


@pytest.fixture
def sample_master(sample_build: SampleBuild, tmp_path: Path) -> Path:
    """The freshly built sample master, copied to tmp_path/work/master.xlsx."""
    work = tmp_path / "work"
    work.mkdir()
    return Path(shutil.copy(sample_build.master, work / "master.xlsx"))


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str
    exception: BaseException | None

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def cli_run() -> Callable[..., CliResult]:
    """Run `kohyo ARGS...` in-process through the real click group."""

    def run(*args: str | Path, env: dict[str, str] | None = None) -> CliResult:
        runner = CliRunner()
        result = runner.invoke(cli, [str(a) for a in args], env=env, catch_exceptions=True)
        exc = result.exception
        if isinstance(exc, SystemExit):
            exc = None
        return CliResult(result.exit_code, result.stdout, result.stderr, exc)

    return run


def _section(text: str, table: str) -> tuple[int, int] | None:
    """(start, end) of the body of [table] in TOML source, or None."""
    m = re.compile(rf"^\[{re.escape(table)}\]\s*$", re.M).search(text)
    if m is None:
        return None
    nxt = re.compile(r"^\[", re.M).search(text, m.end())
    return m.end(), (nxt.start() if nxt else len(text))


def edit_toml(text: str, table: str, key: str, value: str | None) -> str:
    """Set `key = value` (TOML source) in [table], adding table or key if absent; None drops it."""
    span = _section(text, table)
    if span is None:
        if value is None:
            return text
        return text.rstrip("\n") + f"\n\n[{table}]\n{key} = {value}\n"
    start, end = span
    body = text[start:end]
    line = re.compile(rf"^{re.escape(key)}\s*=.*(?:\n|$)", re.M)
    if value is None:
        body = line.sub("", body, count=1)
    elif line.search(body):
        body = line.sub(lambda _: f"{key} = {value}\n", body, count=1)
    else:
        body = f"\n{key} = {value}" + body
    return text[:start] + body + text[end:]


@pytest.fixture
def tmp_config(tmp_path: Path) -> Callable[..., Path]:
    """Write a modified copy of the real config.toml into its own folder under tmp_path.

    ``tmp_config({"plan.fiscal_years": "[2019, 2020]"})``: keys are "table.key", values TOML
    source text (None removes the key). Relative paths in it resolve against that folder.
    """
    counter = iter(range(10_000))

    def make(changes: dict[str, str | None] | None = None) -> Path:
        text = REAL_CONFIG.read_text(encoding="utf-8")
        for dotted, value in (changes or {}).items():
            table, key = dotted.rsplit(".", 1)
            text = edit_toml(text, table, key, value)
        folder = tmp_path / f"config{next(counter)}"
        folder.mkdir()
        path = folder / "config.toml"
        path.write_text(text, encoding="utf-8")
        return path

    return make
