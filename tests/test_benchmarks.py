"""The benchmark script keeps working, and the synthetic masters it runs on say what they claim.

No timing is asserted here: figures live in benchmarks/RESULTS.md, made by
``python -m benchmarks.run``.
"""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kohyo.overview.render import compare_files
from kohyo.read.master import check_master

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # benchmarks/ is a folder of the repository, not of the package
    sys.path.insert(0, str(REPO))
synth = importlib.import_module("benchmarks.synth")
make_master, make_master_pair = synth.make_master, synth.make_master_pair
make_projects, municipality_names = synth.make_projects, synth.municipality_names
run = importlib.import_module("benchmarks.run")


def test_quick_run_prints_the_table_and_writes_the_markdown(tmp_path: Path) -> None:
    pytest.importorskip("python_calamine", reason="baseline (b): pip install -e .[bench]")
    out = tmp_path / "RESULTS.md"
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--quick", "--out", str(out),
         "--cache", str(tmp_path / "cache")],
        cwd=REPO, capture_output=True, text=True, timeout=600, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    for label in ("validate", "refresh", "distribute", "diff", "(a) openpyxl load+save",
                  "(b) calamine read all", "(c) XlsxWriter constant_memory",
                  "refresh, every 計 wrong", "refresh, 10 % of 計 wrong",
                  "print the findings (every 計 wrong)", "--json findings (every 計 wrong)",
                  "collect (plan + apply)", "book (no PDF)", "kohyo validate (process)",
                  "kohyo refresh + distribution (process)", "kohyo diff (process)"):  # fmt: skip
        assert label in proc.stdout
    verdicts = [line for line in proc.stdout.splitlines() if line[:4] in ("PASS", "MISS")]
    # five ratios, two print times, refresh memory, three process latencies; no growth
    # with one size
    assert len(verdicts) == 11, verdicts
    assert any("refresh peak memory" in line for line in verdicts)
    assert any("refresh, every 計 wrong ≤ 0.05 × (a)" in line for line in verdicts)
    assert any("kohyo validate (process) ≤ 0.15 s" in line for line in verdicts)
    assert "5 findings printed" in proc.stdout  # every 計 of the variant is wrong
    md = out.read_text(encoding="utf-8")
    for heading in ("## Targets", "## Figures", "## Machine", "## Method"):
        assert heading in md
    assert "load average at start" in md
    assert "| 5 | 3 | validate |" in md


def test_without_calamine_the_rest_is_still_measured(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "python_calamine", None)  # import fails, as uninstalled
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.chdir(REPO)
    assert run.main(["--quick", "--tasks", "validate,distribute",
                     "--cache", str(tmp_path / "cache")]) == 0  # fmt: skip
    printed = capsys.readouterr().out
    assert "(b) calamine read all" not in printed
    assert "(c) XlsxWriter constant_memory" in printed  # its values read back with openpyxl
    assert "MISS  validate ≤ 3.0 × (b): not measured — python-calamine is not installed" in printed


def test_bad_sizes_are_refused_with_a_message() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--sizes", "50,x"],
        cwd=REPO, capture_output=True, text=True, timeout=60, check=False,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )  # fmt: skip
    assert proc.returncode == 2
    assert "--sizes" in proc.stderr


def _content(p):  # type: ignore[no-untyped-def]
    return (
        p.name.text, p.municipalities, p.content.text, p.effect.text,
        {y: c.value for y, c in p.costs.amounts.items()},
        [(r.who, r.text) for r in p.roles],
        [(i.name, i.current, i.target) for i in p.indicators],
        [n.text for n in p.notes],
    )  # fmt: skip


def test_drifted_sheets_read_back_as_the_projects_written(tmp_path: Path) -> None:
    config = make_master(tmp_path / "master.xlsx", 30, 6, seed=4, drift=1.0)
    master, report = check_master(tmp_path / "master.xlsx", config)
    written = make_projects(30, municipality_names(6, 4), 4)
    assert [_content(p) for p in master.projects] == [_content(p) for p in written]
    codes = {f.code for f in report.findings}
    assert codes == {"number-stored-as-text"}  # the full-width amounts, and nothing else


def test_drift_is_really_there(tmp_path: Path) -> None:
    config = make_master(tmp_path / "master.xlsx", 30, 6, seed=4, drift=1.0)
    master, _report = check_master(tmp_path / "master.xlsx", config)
    headers = {h.text for p in master.projects for h in p.costs.headers}
    assert "令和２年度" in headers
    label_rows = {p.block_cells["内容"] for p in master.projects}
    assert label_rows >= {"A2", "A3"}  # a blank row inserted above 内容 on some sheets


def test_no_drift_by_default(tmp_path: Path) -> None:
    config = make_master(tmp_path / "master.xlsx", 10, 4, seed=1)
    _master, report = check_master(tmp_path / "master.xlsx", config)
    assert report.findings == []


def test_the_amended_master_differs_by_what_was_amended(tmp_path: Path) -> None:
    old, new, config = make_master_pair(tmp_path, 40, 5, seed=2, drift=0.2)
    ov = compare_files(old, new, config).overview
    assert ov is not None
    assert (ov.old_count, ov.new_count) == (40, 41)
    assert (len(ov.added), len(ov.changed), len(ov.removed)) == (2, 3, 1)
    assert len(ov.renumbered) > 0
