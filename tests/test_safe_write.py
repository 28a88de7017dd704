"""safe_write: the master is wholly old or wholly new, whatever happens (reliability promise 2).

Crash tests run a real child Python process on real files and SIGKILL it at every step:
deterministically through the test-only KOHYO_TEST_CRASH_AT hook, and from outside at
arbitrary moments.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest

from kohyo.errors import LockedError, WorkbookError, WriteError
from kohyo.files import atomic as sw
from kohyo.files import backup as bk
from kohyo.files import replace as rp
from kohyo.files.digest import bytes_digest, file_digest

NAME = "令和6年度 個表.xlsx"
OLD = random.Random(1).randbytes(2 * 2**20)
NEW = random.Random(2).randbytes(6 * 2**20)
SRC = str(Path(sw.__file__).resolve().parents[1])  # src/ (or site-packages)
IS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0

CHILD = """
import sys
from pathlib import Path
from kohyo.files import atomic as sw
from kohyo.files import replace as rp
from kohyo.files.digest import file_digest

target, backup_dir, new_file = map(Path, sys.argv[1:4])
new = new_file.read_bytes()

def write(tmp):
    with open(tmp, "wb") as f:
        for i in range(0, len(new), 65536):
            f.write(new[i : i + 65536])
            if i >= len(new) // 2:
                f.flush()
                sw.crash_point("during-write")

def verify(tmp):
    if tmp.read_bytes() != new:
        raise ValueError("temp differs")

digest = file_digest(target)
print("start", flush=True)
rp.replace_atomically(target, write, verify, expected_digest=digest, backup_dir=backup_dir, keep=3)
print("done", flush=True)
"""


def make_env(root: Path) -> tuple[Path, Path]:
    folder = root / "共有" / "マスター"
    folder.mkdir(parents=True)
    target = folder / NAME
    target.write_bytes(OLD)
    return target, root / "backup"


@pytest.fixture
def env(tmp_path: Path) -> tuple[Path, Path]:
    return make_env(tmp_path)


def temps(folder: Path) -> list[Path]:
    return sorted(p for p in folder.iterdir() if p.name.startswith(sw.TEMP_PREFIX))


def backups(backup_dir: Path, name: str = NAME) -> list[Path]:
    p = Path(name)
    return bk.list_backups(backup_dir, p.stem, p.suffix)


def child(
    target: Path, backup_dir: Path, crash_at: str | None = None, env: dict[str, str] | None = None
) -> subprocess.Popen[str]:
    new_file = target.parent.parent / "new.bin"
    new_file.write_bytes(NEW)
    script = target.parent.parent / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    child_env = {**os.environ, "PYTHONPATH": SRC}
    child_env.pop(sw.CRASH_ENV, None)
    if crash_at:
        child_env[sw.CRASH_ENV] = crash_at
    child_env.update(env or {})
    args = [sys.executable, str(script), str(target), str(backup_dir), str(new_file)]
    return subprocess.Popen(
        args, env=child_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )


def replace(target: Path, data: bytes, backup_dir: Path, keep: int = 10, **kw: object) -> Path:
    def write(tmp: Path) -> None:
        tmp.write_bytes(data)

    digest = file_digest(target)
    return rp.replace_atomically(
        target, write, lambda p: None,
        expected_digest=digest, backup_dir=backup_dir, keep=keep, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def assert_wholly_old_or_new(target: Path, backup_dir: Path) -> None:
    data = target.read_bytes()
    assert data in (OLD, NEW), f"partial master: {len(data)} bytes"
    if data == NEW:
        assert [b.read_bytes() for b in backups(backup_dir)] == [OLD]


def assert_next_call_cleans_up(target: Path, backup_dir: Path) -> None:
    """A later run removes what the killed one left and then works normally."""
    replace(target, b"third", backup_dir)
    assert target.read_bytes() == b"third"
    assert temps(target.parent) == []


# --- crashes --------------------------------------------------------------------------------

STEPS = ["during-write", *sw.CRASH_STEPS]


@pytest.mark.parametrize("step", STEPS)
def test_kill_at_each_step_leaves_master_wholly_old_or_new(env, step):
    target, backup_dir = env
    proc = child(target, backup_dir, crash_at=step)
    out, _ = proc.communicate(timeout=60)
    killed = -signal.SIGKILL if hasattr(signal, "SIGKILL") else signal.SIGTERM
    assert proc.returncode == killed, out
    assert "start" in out and "done" not in out

    replaced = step == "after-replace"
    assert target.read_bytes() == (NEW if replaced else OLD)
    backed_up = step in ("after-backup", "after-replace")
    assert [b.read_bytes() for b in backups(backup_dir)] == ([OLD] if backed_up else [])
    left = temps(target.parent)
    assert len(left) == (0 if replaced else 1)  # the kill was real: its temp is still there
    if step == "during-write":
        assert 0 < left[0].stat().st_size < len(NEW)

    assert sw.cleanup_stale_temps(target.parent) == left  # dead pid on this host: stale now
    assert temps(target.parent) == []
    assert_next_call_cleans_up(target, backup_dir)


@pytest.mark.parametrize("step", ["during-write", "after-backup"])
def test_next_replace_removes_the_killed_runs_temp(env, step):
    target, backup_dir = env
    proc = child(target, backup_dir, crash_at=step)
    proc.communicate(timeout=60)
    assert len(temps(target.parent)) == 1
    assert_next_call_cleans_up(target, backup_dir)


def run_child(target: Path, backup_dir: Path, kill_after: float | None = None) -> float:
    """Run the child; SIGKILL it ``kill_after`` seconds after it starts writing. Return its time."""
    proc = child(target, backup_dir)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "start"
    started = time.perf_counter()
    if kill_after is not None:
        time.sleep(kill_after)
        proc.kill()  # SIGKILL on POSIX, TerminateProcess on Windows
    proc.communicate(timeout=60)
    return time.perf_counter() - started


@pytest.mark.parametrize("fraction", [0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0])
def test_kill_from_outside_at_any_moment(tmp_path, fraction):
    # Kill points spread over the duration of an undisturbed run on this machine.
    duration = run_child(*make_env(tmp_path / "undisturbed"))
    target, backup_dir = make_env(tmp_path / "killed")
    run_child(target, backup_dir, kill_after=fraction * duration)
    assert_wholly_old_or_new(target, backup_dir)
    assert_next_call_cleans_up(target, backup_dir)


def test_child_without_kill_replaces_and_backs_up(env):
    target, backup_dir = env
    out, _ = child(target, backup_dir).communicate(timeout=60)
    assert "done" in out
    assert target.read_bytes() == NEW
    assert [b.read_bytes() for b in backups(backup_dir)] == [OLD]
    assert temps(target.parent) == []


# --- the ordinary path --------------------------------------------------------------------


def test_replace_returns_backup_of_old_content_and_uses_temp_beside_target(env):
    target, backup_dir = env
    seen: list[Path] = []

    def write(tmp: Path) -> None:
        seen.append(tmp)
        tmp.write_bytes(NEW)

    backup = rp.replace_atomically(
        target, write, lambda p: seen.append(p),
        expected_digest=file_digest(target), backup_dir=backup_dir, keep=3,
        now=datetime(2025, 4, 1, 9, 30, 5),
    )  # fmt: skip
    assert target.read_bytes() == NEW
    assert backup == backup_dir / "令和6年度 個表_20250401-093005.xlsx"
    assert backup.read_bytes() == OLD
    tmp, verified = seen
    assert tmp == verified and tmp.parent == target.parent
    assert tmp.name.startswith(f".~kohyo-{NAME}.") and tmp.name.endswith(".kohyo-tmp")
    assert not tmp.exists() and temps(target.parent) == []


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_replace_keeps_the_masters_permissions(env):
    target, backup_dir = env
    target.chmod(0o640)
    replace(target, NEW, backup_dir)
    assert target.stat().st_mode & 0o777 == 0o640


def test_backup_keeps_the_masters_modification_time(env):
    target, backup_dir = env
    os.utime(target, (1_700_000_000, 1_700_000_000))
    backup = replace(target, NEW, backup_dir)
    assert backup.stat().st_mtime == 1_700_000_000


def test_keep_below_one_is_a_programming_error(env):
    target, backup_dir = env
    with pytest.raises(ValueError):
        replace(target, NEW, backup_dir, keep=0)


def test_missing_master(env):
    target, backup_dir = env
    digest = file_digest(target)
    target.unlink()
    with pytest.raises(WriteError, match="見つかりません") as e:
        rp.replace_atomically(
            target, lambda p: p.write_bytes(NEW), lambda p: None,
            expected_digest=digest, backup_dir=backup_dir, keep=3,
        )  # fmt: skip
    assert NAME in e.value.message
    assert temps(target.parent) == []


# --- locked --------------------------------------------------------------------------------


def test_owner_file_means_open_in_excel(env):
    target, _ = env
    (target.parent / f"~${NAME}").write_bytes(b"\x05staff")
    with pytest.raises(LockedError) as e:
        rp.check_not_locked(target)
    assert NAME in e.value.message and "閉じて" in e.value.message
    assert "kohyo refresh --live" in e.value.message
    assert e.value.exit_code == 2


def test_truncated_owner_file_of_a_long_name(tmp_path):
    target = tmp_path / "連携中枢都市圏ビジョン個表.xlsx"
    target.write_bytes(OLD)
    (tmp_path / ("~$" + target.name[2:])).write_bytes(b"")
    with pytest.raises(LockedError, match="閉じて"):
        rp.check_not_locked(target)


def test_short_name_is_not_blocked_by_another_files_owner_file(tmp_path):
    target = tmp_path / "master.xlsx"
    target.write_bytes(OLD)
    (tmp_path / "~$ster.xlsx").write_bytes(b"")  # owner file of ster.xlsx
    rp.check_not_locked(target)


def test_locked_master_is_not_written(env):
    target, backup_dir = env
    (target.parent / f"~${NAME}").write_bytes(b"")
    called = []
    with pytest.raises(LockedError, match="閉じて"):
        rp.replace_atomically(
            target, called.append, called.append,
            expected_digest=file_digest(target), backup_dir=backup_dir, keep=3,
        )  # fmt: skip
    assert called == [] and target.read_bytes() == OLD
    assert temps(target.parent) == [] and not backup_dir.exists()


@pytest.mark.skipif(IS_ROOT or os.name == "nt", reason="root ignores permission bits")
def test_read_only_master_is_locked(env):
    target, backup_dir = env
    target.chmod(0o444)
    with pytest.raises(LockedError) as e:
        replace(target, NEW, backup_dir)
    assert NAME in e.value.message and "閉じて" in e.value.message
    assert target.read_bytes() == OLD and temps(target.parent) == []


@pytest.mark.skipif(not IS_ROOT, reason="chattr +i needs root (chmod covers non-root)")
def test_immutable_master_is_locked_even_for_root(env):
    # As root, chmod 0o444 is ignored; the immutable attribute is not. It stands in for a
    # file Excel holds on Windows (open for writing fails with PermissionError).
    target, backup_dir = env
    chattr = shutil.which("chattr")
    if not chattr or subprocess.run([chattr, "+i", str(target)], capture_output=True).returncode:
        pytest.skip("chattr +i not supported here")
    try:
        with pytest.raises(LockedError) as e:
            replace(target, NEW, backup_dir)
        assert NAME in e.value.message and "閉じて" in e.value.message
        assert target.read_bytes() == OLD and temps(target.parent) == []
    finally:
        subprocess.run([chattr, "-i", str(target)], check=True)


def test_replace_refused_by_the_os_leaves_original(env, monkeypatch):
    # What Windows does when another program holds the master at the moment of os.replace.
    target, backup_dir = env

    def refuse(*args: object) -> None:
        raise PermissionError(13, "別のプロセスが使用中です")

    monkeypatch.setattr(rp, "_put_in_place", refuse)
    with pytest.raises(WriteError) as e:
        replace(target, NEW, backup_dir)
    msg = e.value.message
    assert NAME in msg and "元のファイルはそのまま" in msg and "反映されていません" in msg
    assert target.read_bytes() == OLD and temps(target.parent) == []


# --- changed, failed verify -----------------------------------------------------------------


def test_master_changed_before_the_call(env):
    target, backup_dir = env
    digest = file_digest(target)
    target.write_bytes(b"saved by Excel meanwhile")
    with pytest.raises(WriteError) as e:
        rp.replace_atomically(
            target, lambda p: p.write_bytes(NEW), lambda p: None,
            expected_digest=digest, backup_dir=backup_dir, keep=3,
        )  # fmt: skip
    assert "読み込み後に変更されました" in e.value.message
    assert "何も書き込んでいません" in e.value.message and NAME in e.value.message
    assert target.read_bytes() == b"saved by Excel meanwhile"
    assert temps(target.parent) == [] and backups(backup_dir) == []


def test_master_changed_while_writing(env):
    target, backup_dir = env

    def write(tmp: Path) -> None:
        tmp.write_bytes(NEW)
        target.write_bytes(b"saved by Excel meanwhile")

    with pytest.raises(WriteError, match="読み込み後に変更されました"):
        rp.replace_atomically(
            target, write, lambda p: None,
            expected_digest=file_digest(target), backup_dir=backup_dir, keep=3,
        )  # fmt: skip
    assert target.read_bytes() == b"saved by Excel meanwhile"
    assert temps(target.parent) == [] and backups(backup_dir) == []


def test_master_changed_right_after_backup(env, monkeypatch):
    target, backup_dir = env
    prune = rp.prune_backups

    def prune_then_excel_saves(*args: object) -> None:
        prune(*args)  # type: ignore[arg-type]
        with open(target, "ab") as f:
            f.write(b"+")

    monkeypatch.setattr(rp, "prune_backups", prune_then_excel_saves)
    with pytest.raises(WriteError, match="読み込み後に変更されました"):
        replace(target, NEW, backup_dir)
    assert target.read_bytes() == OLD + b"+"
    assert temps(target.parent) == [] and backups(backup_dir) == []


@pytest.mark.parametrize("where", ["write", "verify"])
def test_failing_write_or_verify_leaves_master_and_no_temp(env, where):
    target, backup_dir = env

    def boom(tmp: Path) -> None:
        tmp.write_bytes(NEW[:1000])
        raise ValueError("セルが壊れています")

    def write_new(tmp: Path) -> None:
        tmp.write_bytes(NEW)

    write, verify = (boom, lambda p: None) if where == "write" else (write_new, boom)
    with pytest.raises(WriteError) as e:
        rp.replace_atomically(
            target, write, verify,
            expected_digest=file_digest(target), backup_dir=backup_dir, keep=3,
        )  # fmt: skip
    assert NAME in e.value.message and "セルが壊れています" in e.value.message
    assert isinstance(e.value.__cause__, ValueError)
    assert target.read_bytes() == OLD
    assert temps(target.parent) == [] and backups(backup_dir) == []


def test_kohyo_error_from_verify_passes_through(env):
    target, backup_dir = env

    def verify(tmp: Path) -> None:
        raise WorkbookError("書き出したファイルを読み込めません")

    with pytest.raises(WorkbookError, match="読み込めません"):
        rp.replace_atomically(
            target, lambda p: p.write_bytes(NEW), verify,
            expected_digest=file_digest(target), backup_dir=backup_dir, keep=3,
        )  # fmt: skip
    assert target.read_bytes() == OLD and temps(target.parent) == []


def test_interrupt_during_write_leaves_no_temp(env):
    target, backup_dir = env

    def write(tmp: Path) -> None:
        tmp.write_bytes(NEW[:1000])
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        rp.replace_atomically(
            target, write, lambda p: None,
            expected_digest=file_digest(target), backup_dir=backup_dir, keep=3,
        )  # fmt: skip
    assert target.read_bytes() == OLD and temps(target.parent) == []


# --- backups ---------------------------------------------------------------------------------


def test_rotation_keeps_exactly_keep_newest_of_that_master_only(env):
    target, backup_dir = env
    backup_dir.mkdir()
    others = [backup_dir / "令和6年度 個表_2024_20200101-000000.xlsx",  # another master's stem
              backup_dir / "令和6年度 個表_20200101-000000.xlsm",  # another suffix
              backup_dir / "令和6年度 個表.xlsx"]  # fmt: skip
    for o in others:
        o.write_bytes(b"other")
    for i in range(6):
        replace(target, f"v{i + 1}".encode(), backup_dir, keep=3)
    assert [b.read_bytes() for b in backups(backup_dir)] == [b"v3", b"v4", b"v5"]
    assert all(o.read_bytes() == b"other" for o in others)


def test_backup_names_in_one_second_do_not_collide_and_sort_by_time(env):
    target, backup_dir = env
    now = datetime(2025, 4, 1, 9, 30, 5)
    for i in range(12):  # past _09 -> _10, where unpadded numbers would mis-sort
        replace(target, f"v{i + 1}".encode(), backup_dir, keep=20, now=now)
    names = backup_files(backup_dir)
    assert len(set(names)) == 12
    assert names[:3] == [
        "令和6年度 個表_20250401-093005.xlsx",
        "令和6年度 個表_20250401-093005_01.xlsx",
        "令和6年度 個表_20250401-093005_02.xlsx",
    ]
    contents = [(backup_dir / n).read_bytes() for n in names]
    assert contents == [OLD] + [f"v{i}".encode() for i in range(1, 12)]
    assert [p.name for p in backups(backup_dir)] == names


def test_backup_after_pruned_same_second_still_sorts_last(env):
    target, backup_dir = env
    now = datetime(2025, 4, 1, 9, 30, 5)
    for i in range(4):
        replace(target, f"v{i + 1}".encode(), backup_dir, keep=2, now=now)
    names = backup_files(backup_dir)
    assert [(backup_dir / n).read_bytes() for n in names] == [b"v2", b"v3"]


def test_backup_names_with_the_real_clock_sort_by_time(env):
    target, backup_dir = env
    for i in range(5):
        replace(target, f"v{i + 1}".encode(), backup_dir, keep=10)
    names = backup_files(backup_dir)
    contents = [(backup_dir / n).read_bytes() for n in names]
    assert contents == [OLD, b"v1", b"v2", b"v3", b"v4"]


# --- stale temps ---------------------------------------------------------------------------


def temp_name(host: str, pid: int) -> str:
    return f".~kohyo-{NAME}.{host}-{pid}-0123abcd.kohyo-tmp"


def dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return int(proc.stdout)


@pytest.mark.skipif(os.name == "nt", reason="Windows judges stale temps by age only")
def test_cleanup_removes_dead_pid_temps_of_this_host_only(tmp_path):
    pid, host = dead_pid(), sw._host_token()
    dead = tmp_path / temp_name(host, pid)
    alive = tmp_path / temp_name(host, os.getpid())
    other_pc = tmp_path / temp_name("ffffffff" if host != "ffffffff" else "00000000", pid)
    for p in (dead, alive, other_pc):
        p.write_bytes(b"x")
    assert sw.cleanup_stale_temps(tmp_path) == [dead]
    assert alive.exists() and other_pc.exists()


def test_cleanup_removes_old_temps_and_never_touches_other_files(tmp_path):
    old_time = time.time() - 2 * 3600
    ours_old = tmp_path / temp_name("ffffffff", os.getpid())
    ours_new = tmp_path / temp_name("00000000", os.getpid())
    foreign = [tmp_path / n for n in (f"~${NAME}", NAME, ".~kohyo-x.tmp", "a.kohyo-tmp")]
    for p in (ours_old, ours_new, *foreign):
        p.write_bytes(b"x")
        if p is not ours_new:
            os.utime(p, (old_time, old_time))
    assert sw.cleanup_stale_temps(tmp_path) == [ours_old]
    assert ours_new.exists() and all(p.exists() for p in foreign)


def test_cleanup_of_missing_folder_is_quiet(tmp_path):
    assert sw.cleanup_stale_temps(tmp_path / "nowhere") == []


# --- backups are written as atomically as the master, and only verified ones count ----------


def backup_files(backup_dir: Path) -> list[str]:
    """The backups in the folder by name (their .sha256 records left out)."""
    return sorted(p.name for p in backup_dir.iterdir() if not p.name.endswith(bk.RECORD_SUFFIX))


def test_killed_backup_leaves_no_file_under_a_backup_name(env):
    target, backup_dir = env
    proc = child(target, backup_dir, crash_at="backup-after-write")
    proc.communicate(timeout=60)
    assert proc.returncode == -signal.SIGKILL
    assert target.read_bytes() == OLD and backups(backup_dir) == []
    (left,) = temps(backup_dir)  # the half-made backup is only a temp file …
    assert_next_call_cleans_up(target, backup_dir)
    assert not left.exists()  # … that the next run removes
    assert [b.read_bytes() for b in backups(backup_dir)] == [OLD]


def test_broken_backups_are_neither_counted_nor_kept(env):
    target, backup_dir = env
    backup_dir.mkdir()
    good = [replace(target, f"v{i}".encode(), backup_dir, keep=10) for i in range(2)]
    stem = "令和6年度 個表"
    broken = [backup_dir / f"{stem}_20990101-000000.xlsx",  # a killed copy: 0 bytes
              backup_dir / f"{stem}_20990101-000001.xlsx"]  # fmt: skip
    broken[0].write_bytes(b"")
    broken[1].write_bytes(OLD[:1000])  # truncated
    altered = good[1]
    altered.write_bytes(b"changed after it was written")
    replace(target, b"v2", backup_dir, keep=2)
    kept = backups(backup_dir)
    assert [b.read_bytes() for b in kept] == [OLD, b"v1"]  # the two newest that verify
    assert not any(b.exists() for b in (*broken, altered))
    assert all(bk.backup_verifies(b) for b in kept)
    assert backup_files(backup_dir) == [b.name for b in kept]
    records = sorted(p.name for p in backup_dir.iterdir() if p.name.endswith(bk.RECORD_SUFFIX))
    assert records == [b.name + bk.RECORD_SUFFIX for b in kept]


def test_a_backup_is_recorded_in_sha256sum_format(env):
    target, backup_dir = env
    backup = replace(target, NEW, backup_dir)
    record = backup.with_name(backup.name + bk.RECORD_SUFFIX).read_text(encoding="utf-8")
    assert record == f"{file_digest(backup)}  {backup.name}\n"
    assert file_digest(backup) == bytes_digest(OLD)


@pytest.mark.skipif(os.name == "nt", reason="POSIX permission bits")
def test_backup_has_the_masters_permissions(env):
    target, backup_dir = env
    target.chmod(0o640)
    backup = replace(target, NEW, backup_dir)
    assert backup.stat().st_mode & 0o777 == 0o640


# --- a save by another program in the last window before the replacement ---------------------

SAVE_LIKE_EXCEL = """
import os, sys
target = sys.argv[1]
tmp = target + ".excel-tmp"
with open(tmp, "wb") as f:
    f.write(b"saved by Excel meanwhile")
os.replace(tmp, target)
"""
SAVE_IN_PLACE = """
import sys
with open(sys.argv[1], "r+b") as f:
    f.truncate(0)
    f.write(b"saved by Excel meanwhile")
"""


def hold_window(gate: Path) -> dict[str, str]:
    return {sw.PAUSE_ENV: f"before-replace={gate}"}


def wait_for(path: Path, proc: subprocess.Popen[str] | None = None) -> None:
    deadline = time.monotonic() + 60
    while not path.exists():
        assert time.monotonic() < deadline, "the child never reached the window"
        assert proc is None or proc.poll() is None, proc.communicate()
        time.sleep(0.01)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
@pytest.mark.parametrize("save", [SAVE_LIKE_EXCEL, SAVE_IN_PLACE], ids=["rename", "in-place"])
def test_a_save_in_the_last_window_is_not_lost(env, save):
    target, backup_dir = env
    gate = target.parent.parent / "gate"
    proc = child(target, backup_dir, env=hold_window(gate))
    wait_for(Path(f"{gate}.waiting"), proc)  # every check passed; the swap is next
    subprocess.run([sys.executable, "-c", save, str(target)], check=True)
    gate.touch()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0 and "done" not in out
    assert "読み込み後に変更されました" in err
    assert target.read_bytes() == b"saved by Excel meanwhile"  # nothing lost
    assert temps(target.parent) == [] and backups(backup_dir) == []


def test_the_window_held_open_without_a_save_still_replaces(env):
    target, backup_dir = env
    gate = target.parent.parent / "gate"
    proc = child(target, backup_dir, env=hold_window(gate))
    wait_for(Path(f"{gate}.waiting"), proc)
    gate.touch()
    out, _ = proc.communicate(timeout=60)
    assert "done" in out and target.read_bytes() == NEW
    assert [b.read_bytes() for b in backups(backup_dir)] == [OLD]  # what the swap took out
    assert temps(target.parent) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_refresh_stops_with_exit_2_when_the_master_is_saved_in_the_window(
    sample_master: Path, tmp_area_config
):
    gate = sample_master.parent / "gate"
    cmd = [sys.executable, "-m", "kohyo", "refresh", str(sample_master), "--no-distribute"]
    cmd += ["--config", str(tmp_area_config.path)]
    proc = subprocess.Popen(
        cmd, env={**os.environ, **hold_window(gate)}, stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    wait_for(Path(f"{gate}.waiting"), proc)
    subprocess.run([sys.executable, "-c", SAVE_LIKE_EXCEL, str(sample_master)], check=True)
    gate.touch()
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 2
    assert "読み込み後に変更されました" in err and "何も書き込んでいません" in err
    assert sample_master.read_bytes() == b"saved by Excel meanwhile"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_swap_in_returns_exactly_what_it_replaced_and_swaps_back(tmp_path):
    from kohyo.files.swap import swap_back, swap_in

    new, target = tmp_path / "new", tmp_path / "target"
    new.write_bytes(b"new")
    target.write_bytes(b"what was there")
    held = swap_in(new, target, tmp_path / "spare")
    assert held == new and held.read_bytes() == b"what was there"
    assert target.read_bytes() == b"new"
    swap_back(held, target)
    assert target.read_bytes() == b"what was there" and new.read_bytes() == b"new"
    assert not (tmp_path / "spare").exists()  # used on Windows only


def test_a_save_that_cannot_be_swapped_back_is_kept_and_so_is_the_backup(env, monkeypatch):
    # Only the failure of the swap back is simulated; the swap and the save are real.
    target, backup_dir = env
    if not sys.platform.startswith("linux"):
        pytest.skip("renameat2 is Linux's")

    def save_then_fail(held: Path, master: Path) -> None:
        raise OSError(5, "I/O error")

    def write(tmp: Path) -> None:
        tmp.write_bytes(NEW)

    def verify(tmp: Path) -> None:  # the last thing before the swap: another program saves
        pass

    monkeypatch.setattr(rp, "swap_back", save_then_fail)
    real_put = rp._put_in_place

    def saved_just_before(tmp: Path, master: Path, digest: str) -> None:
        master.write_bytes(b"saved by Excel meanwhile")
        real_put(tmp, master, digest)

    monkeypatch.setattr(rp, "_put_in_place", saved_just_before)
    with pytest.raises(rp.SwapBackFailed) as e:
        rp.replace_atomically(
            target, write, verify,
            expected_digest=file_digest(target), backup_dir=backup_dir, keep=3,
        )  # fmt: skip
    (rescue,) = target.parent.glob("*_saved.xlsx")
    assert rescue.read_bytes() == b"saved by Excel meanwhile" and str(rescue) in e.value.message
    assert target.read_bytes() == NEW
    assert [b.read_bytes() for b in backups(backup_dir)] == [OLD]
    assert temps(target.parent) == []


def test_a_whole_backup_from_before_records_is_left_alone_and_not_counted(env):
    import zipfile

    target, backup_dir = env
    backup_dir.mkdir()
    legacy = backup_dir / "令和6年度 個表_20200101-000000.xlsx"
    with zipfile.ZipFile(legacy, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
    data = legacy.read_bytes()
    for i in range(3):
        replace(target, f"v{i}".encode(), backup_dir, keep=1)
    assert legacy.read_bytes() == data
    assert [b.read_bytes() for b in backups(backup_dir)] == [data, b"v1"]  # + the newest one
