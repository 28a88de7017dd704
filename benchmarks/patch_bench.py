"""Patch a many-sheet master surgically vs. openpyxl load + save of the same file.

    .venv/bin/python benchmarks/patch_bench.py [SHEETS]   (default 2000)

Builds an XlsxWriter workbook of SHEETS 個表 sheets, then times
(a) ``PackagePatch``: G5 = SUM(B5:F5) with its cached value on every sheet, plus a
    総括表 of one row per sheet inserted first, then ``save``;
(b) the same refresh again on its own output (must change nothing);
(c) openpyxl ``load_workbook`` + ``save`` (what a careless refresh would do).
Wall-clock and CPU seconds are both printed (CPU is the fairer figure on a busy machine).
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import openpyxl

from kohyo.xlsx.patch import CellWrite, PackagePatch


def amounts_of(n: int) -> list[int | None]:
    return [(n * 7 + k * 13) % 5000 for k in range(5)]  # as build_many_sheets writes them


def timed(label: str, fn: Callable[[], object]) -> tuple[float, float, object]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"{label}: {wall:.2f} s wall, {cpu:.2f} s CPU")
    return wall, cpu, result


def main() -> int:
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from conftest_patch_helpers import summary_spec
    from fidelity.build_corpus import build_many_sheets

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 2000
    projects = [(n, f"事業{n}", amounts_of(n)) for n in range(1, count + 1)]

    def refresh(src: Path, dest: Path) -> int:
        p = PackagePatch.open(src)
        for number, _name, amounts in projects:
            total = sum(a for a in amounts if a is not None)
            p.set_cells(str(number), [CellWrite("G5", total, formula="SUM(B5:F5)")])
        p.put_sheet(summary_spec(projects), position="first")
        changed = len(p.changed_parts())
        if changed:
            p.save(dest)
        return changed

    with tempfile.TemporaryDirectory(prefix="kohyo-bench-") as tmp:
        folder = Path(tmp)
        _w, _c, src = timed(
            f"build {count} sheets with XlsxWriter", lambda: build_many_sheets(folder, count)
        )
        assert isinstance(src, Path)
        print(f"  file size {src.stat().st_size / 1e6:.1f} MB")
        out, again = folder / "patched.xlsx", folder / "again.xlsx"
        p_wall, p_cpu, changed = timed(
            f"PackagePatch: open + {count} cells + 総括表 of {count} rows + save",
            lambda: refresh(src, out),
        )
        print(f"  {changed} parts changed")
        _w, _c, changed = timed(
            "PackagePatch: same refresh on its own output", lambda: refresh(out, again)
        )
        print(f"  {changed} parts changed (must be 0)")

        def openpyxl_roundtrip() -> None:
            openpyxl.load_workbook(src).save(folder / "openpyxl.xlsx")

        o_wall, o_cpu, _r = timed("openpyxl load_workbook + save", openpyxl_roundtrip)
        print(f"ratio PackagePatch / openpyxl: {p_wall / o_wall:.3f} wall, {p_cpu / o_cpu:.3f} CPU")
    return 0


if __name__ == "__main__":
    sys.exit(main())
