"""`python tests/rss_run.py ARGS...` runs `kohyo ARGS...` in this process and, at exit, writes
its peak resident set size in MB to the file named by $KOHYO_RSS_OUT (Linux ru_maxrss)."""

from __future__ import annotations

import atexit
import os
import resource
from pathlib import Path

from kohyo.cli import main


def _report() -> None:
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    Path(os.environ["KOHYO_RSS_OUT"]).write_text(f"{peak_mb:.1f}\n", encoding="utf-8")


atexit.register(_report)
main()
