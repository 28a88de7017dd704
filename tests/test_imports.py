"""Each command imports only what it uses: run through the real entry point in a fresh
Python, then look at ``sys.modules`` (which modules, not how long they took)."""

from __future__ import annotations

import json
import os
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
                   "kohyo.edit", "kohyo.layout.kohyo", "kohyo.check.report",
                   # plain output (a pipe, as here) is written without rich's Console
                   "rich.console", "rich.progress", "rich.table", "traceback",
                   "kohyo.book", "kohyo.cli.refresh", "kohyo.cli.distribute")  # fmt: skip
# The message catalogue's stage modules that reading and checking a master never need.
OTHER_STAGES = tuple(f"kohyo.messages.{s}" for s in ("edit", "write", "distribute", "overview",
                                                     "mail", "sample", "book", "data",
                                                     "collect"))  # fmt: skip


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
    assert heavy(modules, OTHER_STAGES) == []
    assert "kohyo.messages.check" in modules  # the stage the summary line comes from


def test_validate_on_a_terminal_still_uses_rich(area: Path) -> None:
    env = {**os.environ, "FORCE_COLOR": "1"}
    proc = subprocess.run([sys.executable, "-c", PROBE, json.dumps(["validate", "master.xlsx"])],
                          cwd=area, capture_output=True, text=True, timeout=120, env=env)  # fmt: skip
    modules = set(json.loads(proc.stderr.rsplit("@@modules@@", 1)[1]))
    assert "rich.console" in modules
    assert "\x1b[" in proc.stdout  # colour, as before


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
                           "kohyo.book", "kohyo.collect", "kohyo.data",
                           # the live-Excel path and its progress bar: only for --live
                           "kohyo.live", "rich.progress")) == []  # fmt: skip


def test_refresh_with_distribution_imports_no_live_excel_nor_progress_bar(area: Path) -> None:
    modules = imported(["refresh", "--config", "config.toml", "master.xlsx"], area)
    assert "kohyo.distribute.build" in modules  # it did distribute
    assert heavy(modules, ("xlwings", "kohyo.live", "rich.progress", "pandas", "numpy",
                           # its table, to a pipe, is plain text (a line longer than the
                           # console, as the folder's here, is still wrapped by rich)
                           "rich.table",
                           "smtplib", "openpyxl", "kohyo.mail", "kohyo.data",
                           "kohyo.overview")) == []  # fmt: skip


def test_diff_imports_no_mail_distribution_or_frames(area: Path) -> None:
    modules = imported(["diff", "--config", "config.toml", "master_before.xlsx",
                        "master.xlsx"], area)  # fmt: skip
    assert "kohyo.overview.compare" in modules
    assert heavy(modules, ("xlwings", "pandas", "numpy", "smtplib", "openpyxl",
                           "kohyo.distribute", "kohyo.mail", "kohyo.collect", "kohyo.data",
                           "kohyo.edit", "rich.console", "kohyo.live")) == []  # fmt: skip


def test_diff_json_imports_no_booklet_nor_writers(area: Path) -> None:
    modules = imported(["diff", "--json", "--config", "config.toml", "master_before.xlsx",
                        "master.xlsx"], area)  # fmt: skip
    assert "kohyo.overview.compare" in modules
    assert heavy(modules, ("kohyo.book", "rich.console", "kohyo.files.pdf")) == []
