"""Refresh's verifying re-read: raw-copied parts proven the same byte for byte are not
parsed again, and the guarantee holds — what is on disk is what we meant to write."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from kohyo.config import Config
from kohyo.edit.refresh import expected_after, patch_derived, refresh_master, verify_refreshed
from kohyo.errors import WriteError
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
