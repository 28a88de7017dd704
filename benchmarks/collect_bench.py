"""Time ``kohyo collect`` on a big area: N returns of an M-個表 master.

    python -m benchmarks.collect_bench OUT_DIR [--projects 500] [--munis 30]

Makes the synthetic master (:mod:`benchmarks.synth`), refreshes and distributes it, lets every
town change one role text and one KPI 現状値 in its first 個表 (openpyxl load+save, as a
town would), then times the plan (``collect_returns``) and the write (``apply_returns``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import openpyxl

from benchmarks.synth import make_master
from kohyo.collect.apply import apply_returns, collect_returns
from kohyo.distribute.build import distribute_master
from kohyo.edit.refresh import refresh_master
from kohyo.read.master import read_master


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("out_dir", type=Path)
    ap.add_argument("--projects", type=int, default=500)
    ap.add_argument("--munis", type=int, default=30)
    args = ap.parse_args(argv)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    master = args.out_dir / "master.xlsx"
    config = make_master(master, args.projects, args.munis)
    refresh_master(master, config)
    dist = distribute_master(read_master(master, config), config)
    returns = args.out_dir / "returns"
    returns.mkdir(exist_ok=True)
    towns = [t for t in dist.towns if t.projects]
    for i, town in enumerate(towns):
        wb = openpyxl.load_workbook(dist.folder / town.files[0].name)
        ws = wb[town.sheets[1 + i % (len(town.sheets) - 1)]]  # a different 個表 per town
        ws["C7"] = f"{town.town}が返送で書き換えた役割"
        ws["D9"] = f"{len(town.projects)}件 (2025年度実績)"
        wb.save(returns / f"{town.town}.xlsx")
    sheets = sum(len(t.sheets) - 1 for t in towns)
    t0 = time.perf_counter()
    plan = collect_returns([returns], config, master=master)
    t1 = time.perf_counter()
    apply_returns(plan, config)
    t2 = time.perf_counter()
    counts = plan.to_dict()["counts"]
    print(f"master: {args.projects} 個表, {args.munis} municipalities; "
          f"{len(towns)} returns holding {sheets} 個表")  # fmt: skip
    print(f"collect (plan):  {t1 - t0:6.2f} s   {counts}")
    print(f"collect --apply: {t2 - t1:6.2f} s   (write, verify, backup, ledger)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
