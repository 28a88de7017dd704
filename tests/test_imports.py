"""Each command imports only what it uses: run through the real entry point in a fresh
Python, then look at ``sys.modules`` (which modules, not how long they took)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, SampleBuild

PROBE = """
import json, sys
sys.argv = ["kohyo", *json.loads(sys.argv[1])]
from kohyo.cli import main
try:
    main()
except SystemExit:
    pass
sys.stdout.flush()
sys.stderr.write("@@modules@@" + json.dumps(sorted(sys.modules)))
"""

# Heavy or unrelated to reading a master: never needed to validate one.
NOT_FOR_READING = ("xlwings", "jinja2", "pandas", "numpy", "xlsxwriter", "smtplib", "email",
                   "multiprocessing", "openpyxl", "kohyo.overview", "kohyo.distribute",
                   "kohyo.mail", "kohyo.book", "kohyo.collect", "kohyo.data", "kohyo.live",
                   "kohyo.edit", "kohyo.layout.kohyo", "kohyo.check.report")  # fmt: skip


def imported(args: list[str], cwd: Path) -> set[str]:
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(args)], cwd=cwd,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert "@@modules@@" in proc.stderr, proc.stderr
    return set(json.loads(proc.stderr.rsplit("@@modules@@", 1)[1]))


def heavy(modules: set[str], names: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(m == n or m.startswith(n + ".") for n in names))


@pytest.fixture
def area(sample_build: SampleBuild, tmp_path: Path) -> Path:
    shutil.copy(sample_build.master, tmp_path / "master.xlsx")
    shutil.copy(sample_build.master_before, tmp_path / "master_before.xlsx")
    text = (ROOT / "config.toml").read_text(encoding="utf-8")
    text = text.replace('backup_dir = "workbooks/backup"', f'backup_dir = "{tmp_path / "bk"}"')
    text = text.replace('output_dir = "out"', f'output_dir = "{tmp_path / "out"}"')
    (tmp_path / "config.toml").write_text(text, encoding="utf-8")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    return tmp_path


def test_validate_imports_only_the_reader(area: Path) -> None:
    modules = imported(["validate", "--config", "config.toml", "master.xlsx"], area)
    assert "kohyo.read.master" in modules  # the probe did run the command
    assert "kohyo.check.rules" in modules
    assert heavy(modules, NOT_FOR_READING) == []


def test_validate_json_and_dump_import_only_the_reader(area: Path) -> None:
    for args in (["validate", "--json", "master.xlsx"], ["dump", "master.xlsx"]):
        modules = imported([*args, "--config", "config.toml"], area)
        assert "kohyo.read.parse" in modules
        assert heavy(modules, NOT_FOR_READING) == [], args


def test_refresh_without_distribution_imports_no_writer_of_other_files(area: Path) -> None:
    modules = imported(["refresh", "--no-distribute", "--config", "config.toml",
                        "master.xlsx"], area)  # fmt: skip
    assert "kohyo.edit.refresh" in modules
    assert heavy(modules, ("xlwings", "jinja2", "pandas", "numpy", "xlsxwriter", "smtplib",
                           "openpyxl", "kohyo.overview", "kohyo.distribute", "kohyo.mail",
                           "kohyo.book", "kohyo.collect", "kohyo.data")) == []  # fmt: skip


def test_diff_imports_no_mail_distribution_or_frames(area: Path) -> None:
    modules = imported(["diff", "--config", "config.toml", "master_before.xlsx",
                        "master.xlsx"], area)  # fmt: skip
    assert "kohyo.overview.compare" in modules
    assert heavy(modules, ("xlwings", "pandas", "numpy", "smtplib", "openpyxl",
                           "kohyo.distribute", "kohyo.mail", "kohyo.collect", "kohyo.data",
                           "kohyo.edit")) == []  # fmt: skip
