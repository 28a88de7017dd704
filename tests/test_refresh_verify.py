"""Refresh's verifying re-read: raw-copied parts proven the same byte for byte are not
parsed again, and the guarantee holds — what is on disk is what we meant to write."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from kohyo.config import Config
from kohyo.edit.refresh import (
    _content,
    _only_totals,
    expected_after,
    patch_derived,
    refresh_master,
    verify_refreshed,
)
from kohyo.errors import WriteError
from kohyo.files.atomic import PAUSE_ENV
from kohyo.read.master import check_master
from kohyo.xlsx.patch import CellWrite, PackagePatch
from kohyo.xlsx.zipcopy import identical_members


def _patched(master_path: Path, config: Config) -> tuple[PackagePatch, dict, list[str]]:
    master, report = check_master(master_path, config)
    assert not report.has_errors
    patch = PackagePatch.open(master_path)
    expected = expected_after(master, patch)
    patch_derived(patch, master, config)
    return patch, expected, [p.sheet for p in master.projects]


def test_identical_members_are_exactly_the_raw_copies(sample_master: Path, tmp_area_config):
    patch, _expected, _sheets = _patched(sample_master, tmp_area_config)
    out = sample_master.with_name("out.xlsx")
    patch.save(out)
    same = identical_members(patch.source, out.read_bytes())
    changed = set(patch.changed_parts())
    names = set(zipfile.ZipFile(out).namelist())
    assert changed and same
    assert same == names - changed  # every raw copy proven, no changed part among them
    assert identical_members(b"not a zip", out.read_bytes()) == set()


def test_verify_with_source_accepts_the_patch_and_reads_less(sample_master, tmp_area_config):
    patch, expected, _sheets = _patched(sample_master, tmp_area_config)
    out = sample_master.with_name("out.xlsx")
    patch.save(out)
    verify_refreshed(out, tmp_area_config, expected, source=patch.source)  # no error
    verify_refreshed(out, tmp_area_config, expected)  # the full re-read agrees


def test_verify_with_source_catches_a_changed_sheet_that_was_to_be_copied(
    sample_master: Path, tmp_area_config: Config
) -> None:
    patch, expected, sheets = _patched(sample_master, tmp_area_config)
    # A sheet the refresh leaves alone comes out different (as a faulty copy would):
    # its part is no longer the raw copy, so it is read — and its 事業名 differs.
    untouched = next(s for s in sheets if patch.sheet_part(s) not in patch.changed_parts())
    master, _ = check_master(sample_master, tmp_area_config)
    cell = next(p.name.cell for p in master.projects if p.sheet == untouched)
    assert cell is not None
    patch.set_cells(untouched, [CellWrite(cell, "別の事業", None)])
    out = sample_master.with_name("out.xlsx")
    patch.save(out)
    with pytest.raises(WriteError):
        verify_refreshed(out, tmp_area_config, expected, source=patch.source)


def test_verify_with_source_catches_a_sheet_pointing_at_another_part(
    sample_master: Path, tmp_area_config: Config
) -> None:
    patch, expected, sheets = _patched(sample_master, tmp_area_config)
    out = sample_master.with_name("out.xlsx")
    patch.save(out)
    # Two untouched 個表 whose parts swapped (as a wrong workbook.xml would have them): the
    # bytes of each part are the same, but a sheet no longer names the part it had, so its
    # copy proves nothing for it: refused.
    a, b = [s for s in sheets if patch.sheet_part(s) not in patch.changed_parts()][:2]
    parts = dict(expected["parts"])
    parts[a], parts[b] = parts[b], parts[a]
    wrong = {**expected, "parts": parts}
    with pytest.raises(WriteError):
        verify_refreshed(out, tmp_area_config, wrong, source=patch.source)
    verify_refreshed(out, tmp_area_config, expected, source=patch.source)
    # ... and a project whose content we did not expect is caught whichever way it is read
    bad = dict(expected)
    bad["projects"] = [dict(expected["projects"][0], name="違う"), *expected["projects"][1:]]
    with pytest.raises(WriteError):
        verify_refreshed(out, tmp_area_config, bad, source=patch.source)
    with pytest.raises(WriteError):
        verify_refreshed(out, tmp_area_config, bad)


def test_refresh_end_to_end_still_verified(sample_master: Path, tmp_area_config) -> None:
    result = refresh_master(sample_master, tmp_area_config)
    assert result.written
    again, report = check_master(sample_master, tmp_area_config)
    assert not [f for f in report.findings if f.code == "total-mismatch"]
    assert [p.sheet for p in again.projects] == [p.sheet for p in result.master.projects]


# --- the patched parts: proven by the patcher's own check, not parsed again ----------------


def _wrong_totals(master_path: Path, config: Config, count: int = 3) -> list[str]:
    """Make *count* 計 of *master_path* wrong (a number off by one); return their sheets."""
    master, _report = check_master(master_path, config)
    chosen = [p for p in master.projects if p.costs.total and p.costs.total.cell][:count]
    patch = PackagePatch.open(master_path)
    for p in chosen:
        assert p.costs.total is not None and p.costs.total.cell is not None
        patch.set_cells(p.sheet, [CellWrite(p.costs.total.cell, 987654321)])
    patch.save(master_path)
    return [p.sheet for p in chosen]


def _member_data_offset(path: Path, member: str) -> tuple[int, int]:
    """Where *member*'s compressed bytes start in the archive at *path*, and how many."""
    data = path.read_bytes()
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo(member)
    name_len = int.from_bytes(data[info.header_offset + 26 : info.header_offset + 28], "little")
    extra_len = int.from_bytes(data[info.header_offset + 28 : info.header_offset + 30], "little")
    return info.header_offset + 30 + name_len + extra_len, info.compress_size


def _flip(path: Path, at: int) -> None:
    data = bytearray(path.read_bytes())
    data[at] ^= 0x01
    path.write_bytes(bytes(data))


def _patched_with_totals(master_path: Path, config: Config):
    wrong = _wrong_totals(master_path, config)
    patch, expected, _sheets = _patched(master_path, config)
    out = master_path.with_name("out.xlsx")
    patch.save(out)
    return wrong, patch, expected, out


def test_only_the_planned_totals_make_a_patched_part_trusted(sample_master, tmp_area_config):
    wrong, patch, expected, out = _patched_with_totals(sample_master, tmp_area_config)
    parts = {expected["parts"][s] for s in wrong}
    assert parts <= set(patch.changed_parts())
    assert set(patch.checked_writes()) >= parts
    assert _only_totals(patch, expected) == parts  # the 計 rewritten, and nothing else
    verify_refreshed(out, tmp_area_config, expected, patch=patch)  # reads none of them
    verify_refreshed(out, tmp_area_config, expected)  # the full re-read agrees on every one
    # A 計 planned with another value, or at another cell, proves nothing for its part
    sheet = wrong[0]
    cell, value = expected["totals"][sheet]
    for planned in [(cell, value + 1), ("A1", value)]:
        other = {**expected, "totals": {**expected["totals"], sheet: planned}}
        assert expected["parts"][sheet] not in _only_totals(patch, other)


def test_a_patched_part_with_more_than_its_total_is_read_again(sample_master, tmp_area_config):
    wrong = _wrong_totals(sample_master, tmp_area_config)
    patch, expected, _sheets = _patched(sample_master, tmp_area_config)
    master, _ = check_master(sample_master, tmp_area_config)
    project = next(p for p in master.projects if p.sheet == wrong[0])
    assert project.name.cell is not None
    patch.set_cells(project.sheet, [CellWrite(project.name.cell, "別の事業")])  # a faulty patch
    out = sample_master.with_name("out.xlsx")
    patch.save(out)
    assert expected["parts"][project.sheet] not in _only_totals(patch, expected)
    with pytest.raises(WriteError):  # read again: its 事業名 is not what it was
        verify_refreshed(out, tmp_area_config, expected, patch=patch)


def test_a_patched_part_rewritten_after_its_cells_is_read_again(sample_master, tmp_area_config):
    wrong, patch, expected, _out = _patched_with_totals(sample_master, tmp_area_config)
    part = expected["parts"][wrong[0]]
    assert part in patch.checked_writes()
    # Another edit of the whole part (as a header/footer rewrite would make) ends the proof
    patch._write(part, patch._read(part) or b"")
    assert part not in patch.checked_writes()
    assert part not in _only_totals(patch, expected)


def test_the_summary_is_trusted_only_as_built(sample_master, tmp_area_config):
    _wrong, patch, _expected, _out = _patched_with_totals(sample_master, tmp_area_config)
    summary = patch.sheet_part(tmp_area_config.summary.sheet_name)
    assert patch.generated_sheets() == {summary: tmp_area_config.summary.sheet_name}
    patch._write(summary, patch._read(summary) or b"")  # no longer what put_sheet built
    assert patch.generated_sheets() == {}


@pytest.mark.parametrize("where", ["patched", "summary", "copied"])
def test_a_byte_flipped_in_the_written_file_is_caught(sample_master, tmp_area_config, where):
    wrong, patch, expected, out = _patched_with_totals(sample_master, tmp_area_config)
    changed = set(patch.changed_parts())
    member = {
        "patched": expected["parts"][wrong[0]],
        "summary": patch.sheet_part(tmp_area_config.summary.sheet_name),
        "copied": next(p for s, p in expected["parts"].items() if p not in changed),
    }[where]
    start, size = _member_data_offset(out, member)
    _flip(out, start + size // 2)
    with pytest.raises(WriteError, match="一致しません"):
        verify_refreshed(out, tmp_area_config, expected, patch=patch)


def test_a_file_from_another_patch_is_refused(sample_master, tmp_area_config):
    _wrong, _patch, expected, out = _patched_with_totals(sample_master, tmp_area_config)
    unsaved, _expected, _sheets = _patched(sample_master, tmp_area_config)
    with pytest.raises(WriteError):  # this patch wrote nothing: nothing it checked is there
        verify_refreshed(out, tmp_area_config, expected, patch=unsaved)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses the pause hook's files")
@pytest.mark.parametrize("where", ["patched", "summary"])
def test_refresh_refuses_a_temp_file_corrupted_before_the_swap(
    sample_master: Path, tmp_area_config: Config, where: str
) -> None:
    """End to end: a byte of the written temp file flips between its fsync and the check
    (a faulty disk, another program): exit 2, the master untouched, no backup."""
    wrong = _wrong_totals(sample_master, tmp_area_config)
    before = sample_master.read_bytes()
    with zipfile.ZipFile(sample_master) as zf:
        names = zf.namelist()
    gate = sample_master.parent.parent / "gate"
    cmd = [sys.executable, "-m", "kohyo", "refresh", str(sample_master), "--no-distribute"]
    cmd += ["--config", str(tmp_area_config.path)]
    env = {**os.environ, PAUSE_ENV: f"after-fsync={gate}"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)  # fmt: skip
    deadline = time.monotonic() + 120
    while not Path(f"{gate}.waiting").exists():
        assert time.monotonic() < deadline and proc.poll() is None, proc.communicate()
        time.sleep(0.01)
    (tmp,) = [p for p in sample_master.parent.iterdir() if p.name.endswith(".kohyo-tmp")]
    with zipfile.ZipFile(tmp) as zf:
        new = [n for n in zf.namelist() if n not in names]
    # the 個表 part of the first wrong 計, or the 総括表 (new: the sample has none yet)
    patch = PackagePatch(before)
    member = patch.sheet_part(wrong[0]) if where == "patched" else new[0]
    start, size = _member_data_offset(tmp, member)
    _flip(tmp, start + size // 2)
    gate.touch()
    _out, err = proc.communicate(timeout=120)
    assert proc.returncode == 2, err
    assert sample_master.read_bytes() == before
    assert not (tmp_area_config.paths.backup_dir).exists() or not list(
        tmp_area_config.paths.backup_dir.iterdir()
    )
    assert not [p for p in sample_master.parent.iterdir() if p.name.endswith(".kohyo-tmp")]


def test_expected_contents_are_made_on_demand_and_read_like_a_list(
    sample_master: Path, tmp_area_config: Config
) -> None:
    master, _ = check_master(sample_master, tmp_area_config)
    projects = expected_after(master)["projects"]
    made = [_content(p) for p in master.projects]
    assert len(projects) == len(made) and list(projects) == made
    assert projects[-1] == made[-1] and projects[1:3] == made[1:3]
    with pytest.raises(IndexError):
        projects[len(made)]


def test_verify_with_the_patch_but_no_parts_reads_every_changed_part(
    sample_master: Path, tmp_area_config: Config
) -> None:
    wrong, patch, _expected, out = _patched_with_totals(sample_master, tmp_area_config)
    master, _ = check_master(sample_master, tmp_area_config)
    plain = expected_after(master)  # no parts: nothing of the 個表 is taken as proven
    assert plain["parts"] == {} and wrong
    verify_refreshed(out, tmp_area_config, plain, patch=patch)
