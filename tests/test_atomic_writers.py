"""Every file kohyo writes goes through the one primitive, files.atomic.write_atomically.

Shown by its hooks: the test-only KOHYO_TEST_INTERRUPT_AT raises KeyboardInterrupt, and
KOHYO_TEST_CRASH_AT SIGKILLs the process, at a step inside write_atomically only. Whatever
the writer, the target then holds its old content (or does not exist), and no temp file
stays behind (after an interrupt) or only one the next run removes (after a kill).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from builders import project, write_master
from conftest import REAL_CONFIG
from kohyo.check.report import write_findings_report
from kohyo.config import Config
from kohyo.distribute.build import MANIFEST_NAME, distribute_master
from kohyo.files import atomic
from kohyo.files.digest import bytes_digest, file_digest
from kohyo.files.names import TEMP_NAME_CHARS
from kohyo.files.pdf import convert_to_pdf, find_soffice
from kohyo.mail.send import write_eml
from kohyo.overview.compare import compare_masters
from kohyo.overview.render import write_change_overview
from kohyo.read.master import check_master, read_master

OLD = b"old content, still whole"


def temps(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(atomic.TEMP_PREFIX))


def master_file(tmp_path: Path) -> Path:
    write_master(tmp_path / "master.xlsx", [project(1, "観光振興事業"), project(2)])
    return tmp_path / "master.xlsx"


# --- the primitive ---------------------------------------------------------------------------


def test_bytes_and_callable_content(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    assert atomic.write_atomically(target, b"one") == target
    assert target.read_bytes() == b"one"
    atomic.write_atomically(target, lambda tmp: tmp.write_bytes(b"two"))
    assert target.read_bytes() == b"two" and temps(tmp_path) == []


def test_temp_is_beside_the_target_in_the_stale_pattern(tmp_path: Path) -> None:
    seen: list[Path] = []
    atomic.write_atomically(tmp_path / "長い名前の検証結果.xlsx", seen.append)
    (tmp,) = seen
    assert tmp.parent == tmp_path and atomic._TEMP_RE.match(tmp.name)
    longest_pid = 7 - len(str(os.getpid()))  # Linux pids have up to 7 digits
    assert len(tmp.name) + longest_pid <= TEMP_NAME_CHARS


@pytest.mark.parametrize("where", ["write", "verify", "commit"])
@pytest.mark.parametrize("exc", [ValueError("boom"), KeyboardInterrupt()])
def test_failure_anywhere_leaves_old_target_and_no_temp(
    tmp_path: Path, where: str, exc: BaseException
) -> None:
    target = tmp_path / "a.bin"
    target.write_bytes(OLD)

    def fail(*args: object) -> None:
        raise exc

    def write(tmp: Path) -> None:
        tmp.write_bytes(b"half")
        if where == "write":
            fail()

    with pytest.raises(type(exc)):
        atomic.write_atomically(
            target,
            write,
            verify=fail if where == "verify" else None,
            commit=fail if where == "commit" else atomic._rename,
        )
    assert target.read_bytes() == OLD and temps(tmp_path) == []


def test_an_existing_temp_name_is_never_overwritten(tmp_path: Path) -> None:
    taken = tmp_path / ".~kohyo-x.kohyo-tmp"
    taken.write_bytes(b"someone else's")
    with pytest.raises(FileExistsError):
        atomic.write_atomically(tmp_path / "a.bin", b"new", tmp=taken)
    assert taken.read_bytes() == b"someone else's"


def test_digest_of_bytes_and_of_a_streamed_file(tmp_path: Path) -> None:
    data = os.urandom(3 * (1 << 20) + 7)  # more than one chunk
    (tmp_path / "f").write_bytes(data)
    import hashlib  # the independent oracle

    assert bytes_digest(data) == file_digest(tmp_path / "f") == hashlib.sha256(data).hexdigest()


# --- every writer, interrupted just before its rename ----------------------------------------


@pytest.fixture
def interrupted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(atomic.INTERRUPT_ENV, "after-verify")


def test_report_writer(tmp_path: Path, config: Config, interrupted: None) -> None:
    master = master_file(tmp_path)
    _, report = check_master(master, config)
    dest = tmp_path / "out" / "検証結果.xlsx"
    dest.parent.mkdir()
    dest.write_bytes(OLD)
    with pytest.raises(KeyboardInterrupt):
        write_findings_report(report, master, dest)
    assert dest.read_bytes() == OLD and temps(dest.parent) == []


def test_overview_writer(tmp_path: Path, config: Config, interrupted: None) -> None:
    m = read_master(master_file(tmp_path), config)
    out = tmp_path / "out"
    with pytest.raises(KeyboardInterrupt):
        write_change_overview(compare_masters(m, m, config), out, config)
    assert os.listdir(out) == []


def test_eml_writer(tmp_path: Path, interrupted: None) -> None:
    path = tmp_path / "outbox" / "平内町_2026-11-30.eml"
    with pytest.raises(KeyboardInterrupt):
        write_eml(SimpleNamespace(data=b"From: a@example.jp\r\n\r\nbody"), path)  # type: ignore[arg-type]
    assert os.listdir(path.parent) == []


def test_town_workbook_and_manifest_writers(
    tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    master = read_master(master_file(tmp_path), config)
    out = tmp_path / "dist"
    monkeypatch.setenv(atomic.INTERRUPT_ENV, "after-verify")
    with pytest.raises(KeyboardInterrupt):
        distribute_master(master, config, out_dir=out, parallel=False)
    assert os.listdir(out) == []  # not one town file, no manifest, no temp
    # the manifest is the last file written: interrupt only that one
    monkeypatch.delenv(atomic.INTERRUPT_ENV)
    result = distribute_master(master, config, out_dir=out, parallel=False)
    before = (out / MANIFEST_NAME).read_bytes()
    monkeypatch.setenv(atomic.INTERRUPT_ENV, "after-write")
    calls = {"n": 0}
    real = atomic.crash_point

    def only_the_last(step: str) -> None:  # let the town files pass, stop the manifest
        calls["n"] += step == "after-write"
        if calls["n"] > len(result.towns):
            real(step)

    monkeypatch.setattr(atomic, "crash_point", only_the_last)
    with pytest.raises(KeyboardInterrupt):
        distribute_master(master, config, out_dir=out, parallel=False, today=result.date)
    assert (out / MANIFEST_NAME).read_bytes() == before and temps(out) == []


@pytest.mark.skipif(find_soffice() is None, reason="LibreOffice not installed")
def test_pdf_writer(tmp_path: Path, interrupted: None) -> None:
    src = master_file(tmp_path)
    out = tmp_path / "pdf"
    out.mkdir()
    (out / "master.pdf").write_bytes(OLD)
    with pytest.raises(KeyboardInterrupt):
        convert_to_pdf([src], out)
    assert sorted(os.listdir(out)) == ["master.pdf"]
    assert (out / "master.pdf").read_bytes() == OLD


# --- a real kill of the CLI ----------------------------------------------------------------


def test_killed_report_write_leaves_old_report_and_a_stale_temp(tmp_path: Path) -> None:
    master = master_file(tmp_path)
    report = tmp_path / "検証結果.xlsx"
    report.write_bytes(OLD)
    env = {**os.environ, atomic.CRASH_ENV: "after-fsync"}
    cmd = [sys.executable, "-m", "kohyo", "validate", str(master), "--report", str(report)]
    cmd += ["--config", str(REAL_CONFIG)]
    proc = subprocess.run(cmd, env=env, capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert report.read_bytes() == OLD
    (left,) = temps(tmp_path)
    assert atomic.cleanup_stale_temps(tmp_path) == [left]
    env.pop(atomic.CRASH_ENV)
    proc = subprocess.run(cmd, env=env, capture_output=True, timeout=120)
    assert proc.returncode in (0, 1), proc.stderr  # 1: the master has findings
    assert report.read_bytes()[:2] == b"PK" and temps(tmp_path) == []
