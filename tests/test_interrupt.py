"""Ctrl-C: exit 130, one message, and nothing half-made left behind (real process, real signal)."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REAL_CONFIG, SampleBuild
from libreoffice import soffice

pytestmark = pytest.mark.skipif(os.name != "posix", reason="SIGINT to a child needs POSIX")


def _wait_for(predicate, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_ctrl_c_during_pdf_conversion_exits_130_and_leaves_no_temp(
    sample_build: SampleBuild, tmp_path: Path
) -> None:
    soffice()  # skip with the reason when LibreOffice is absent
    shutil.copy(REAL_CONFIG, tmp_path / "config.toml")
    shutil.copytree(REAL_CONFIG.parent / "templates", tmp_path / "templates")
    master = Path(shutil.copy(sample_build.master, tmp_path / "master.xlsx"))
    out = tmp_path / "out"
    env = {**os.environ, "KOHYO_LANG": "ja", "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "kohyo", "distribute", str(master), "--pdf", "--out", str(out),
         "--config", str(tmp_path / "config.toml")],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=tmp_path,
    )  # fmt: skip
    try:
        started = _wait_for(lambda: out.is_dir() and any(out.glob(".~kohyo-pdf-*")), 120)
        assert started, "the PDF stage never started"
        time.sleep(0.5)  # LibreOffice is working in the temporary folder now
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, err.decode()
    assert err.decode().strip() == "エラー: 中断しました。マスターは変更していません。"
    assert b"Traceback" not in err
    assert not [p.name for p in out.iterdir() if p.name.startswith(".~kohyo")]
    assert not list(out.glob("*.kohyo-tmp"))
