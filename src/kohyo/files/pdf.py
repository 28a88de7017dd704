"""PDF through LibreOffice headless: find ``soffice``, convert workbooks, fail clearly.

Each run uses its own throw-away LibreOffice profile (``-env:UserInstallation``),
so it works while staff have LibreOffice open and two runs never share a lock.
Sources are copied under ASCII names first: LibreOffice started with a non-UTF-8
locale mangles Japanese paths. All files go through one LibreOffice start
(starting it is most of the cost), with a time limit; on timeout the whole
process group is killed.

The PDFs are not byte-identical from run to run (LibreOffice stamps the
creation time and a random document ID into them); the xlsx files are.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from kohyo.errors import KohyoError
from kohyo.files.atomic import write_atomically
from kohyo.messages import t

SOFFICE_ENV = "KOHYO_SOFFICE"
"""Environment variable naming the soffice executable, when it is not on PATH."""

WINDOWS_CANDIDATES = (
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
MAC_CANDIDATES = ("/Applications/LibreOffice.app/Contents/MacOS/soffice",)
BASE_TIMEOUT = 120.0  # seconds for LibreOffice to start and convert the first file
PER_FILE_TIMEOUT = 60.0


def install_hint() -> str:
    return t("pdf.install_hint", env=SOFFICE_ENV)


class PdfError(KohyoError):
    """LibreOffice is missing, or could not convert a file (exit code 2)."""


def find_soffice() -> str | None:
    """The soffice executable: $KOHYO_SOFFICE, then PATH, then the usual install folders."""
    named = os.environ.get(SOFFICE_ENV)
    if named:
        return named if Path(named).is_file() else None
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    for candidate in (*WINDOWS_CANDIDATES, *MAC_CANDIDATES):
        if Path(candidate).is_file():
            return candidate
    return None


def require_soffice() -> str:
    """Like :func:`find_soffice`, but a missing LibreOffice is a PdfError saying what to install."""
    exe = find_soffice()
    if exe is None:
        named = os.environ.get(SOFFICE_ENV)
        where = t("pdf.not_a_file", env=SOFFICE_ENV, value=named) if named else ""
        raise PdfError(t("pdf.no_soffice", where=where, hint=install_hint()))
    return exe


def convert_to_pdf(
    sources: Sequence[Path],
    out_dir: Path,
    *,
    soffice: str | None = None,
    timeout: float | None = None,
) -> list[Path]:
    """Convert each workbook in *sources* to ``out_dir/<stem>.pdf``; return the PDFs in order.

    The PDFs are written under temporary names in *out_dir* and renamed into place,
    so a PDF with the final name is always complete. Raises PdfError.
    """
    if not sources:
        return []
    exe = soffice or require_soffice()
    out_dir.mkdir(parents=True, exist_ok=True)
    limit = timeout if timeout is not None else BASE_TIMEOUT + PER_FILE_TIMEOUT * len(sources)
    with tempfile.TemporaryDirectory(prefix=".~kohyo-pdf-", dir=out_dir) as tmp_name:
        tmp = Path(tmp_name)
        src_dir, pdf_dir = tmp / "src", tmp / "pdf"
        src_dir.mkdir()
        staged = []
        for i, src in enumerate(sources):
            copy = src_dir / f"{i:04d}{src.suffix.lower()}"
            shutil.copyfile(src, copy)
            staged.append(copy)
        _run(exe, staged, pdf_dir, tmp / "profile", limit)
        results = []
        for src, copy in zip(sources, staged, strict=True):
            made = pdf_dir / f"{copy.stem}.pdf"
            if not made.is_file() or not made.read_bytes()[:5] == b"%PDF-":
                raise PdfError(
                    t("pdf.not_made", name=src.name),
                    path=str(src),
                )
            final = out_dir / f"{src.stem}.pdf"
            _replace(made, final)
            results.append(final)
    return results


def _run(exe: str, files: list[Path], outdir: Path, profile: Path, timeout: float) -> None:
    cmd = [
        exe,
        f"-env:UserInstallation={profile.resolve().as_uri()}",
        "--headless",
        "--invisible",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
        str(outdir),
        *(str(f) for f in files),
    ]
    posix = os.name == "posix"
    try:
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            start_new_session=posix,  # its own process group, so a timeout kills every child
        )
    except OSError as exc:
        raise PdfError(
            t("pdf.cannot_start", exe=exe, reason=exc.strerror or exc, hint=install_hint())
        ) from exc
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill(proc, posix)
        raise PdfError(t("pdf.timeout", seconds=int(timeout))) from None
    if proc.returncode != 0:
        detail = (err or out).decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
        raise PdfError(t("pdf.failed", code=proc.returncode, detail=detail[0]))


def _kill(proc: subprocess.Popen[bytes], posix: bool) -> None:
    with contextlib.suppress(OSError):
        if posix:
            os.killpg(proc.pid, signal.SIGKILL)
        else:
            proc.kill()
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.communicate(timeout=10)


def _replace(src: Path, dest: Path) -> None:
    try:
        write_atomically(dest, lambda tmp: os.replace(src, tmp))
    except OSError as exc:  # Windows: the old PDF is open in a viewer
        raise PdfError(
            t("pdf.cannot_write", name=dest.name, reason=exc.strerror or exc),
            path=str(dest),
        ) from exc
