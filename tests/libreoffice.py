"""Real LibreOffice for tests: find it, or skip with the reason (fail in CI where it must run)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest


def soffice() -> str:
    """Path of soffice; skip the test (with the reason shown) when absent, fail in CI."""
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if exe is None:
        reason = "LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui"
        if os.environ.get("KOHYO_REQUIRE_LIBREOFFICE"):
            pytest.fail(reason + " (KOHYO_REQUIRE_LIBREOFFICE is set)")
        pytest.skip(reason)
    return exe


def convert(
    src: Path, fmt: str, outdir: Path, *, timeout: float = 180, infilter: str | None = None
) -> Path:
    """Convert *src* with LibreOffice headless; return the produced file."""
    exe = soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    proc = subprocess.run(
        [
            exe,
            f"-env:UserInstallation=file://{profile.resolve()}",
            "--headless",
            "--norestore",
            *([f"--infilter={infilter}"] if infilter else []),
            "--convert-to",
            fmt,
            "--outdir",
            str(outdir),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    ext = fmt.split(":", 1)[0]
    out = outdir / f"{src.stem}.{ext}"
    if proc.returncode != 0 or not out.exists():
        raise AssertionError(
            f"LibreOffice could not convert {src.name} to {fmt}: rc={proc.returncode}\n"
            f"{proc.stdout}\n{proc.stderr}"
        )
    return out
