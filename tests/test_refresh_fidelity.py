"""`kohyo refresh` end to end on masters written by other programs (XlsxWriter, LibreOffice,
a macro workbook): every part kohyo does not own is byte-identical afterwards, every staff
feature survives, openpyxl and LibreOffice open the result, and LibreOffice's own
recalculation of 計 equals what kohyo cached."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from conftest_patch_helpers import assert_only_cells_differ, lo_csv_sheets, members
from fidelity.build_corpus import (
    build_libreoffice,
    build_xlsm,
    build_xlsxwriter,
    soffice_convert,
)
from kohyo.config import Config
from kohyo.edit.refresh import refresh_master
from libreoffice import soffice
from ooxml import assert_valid_xlsx
from xlsx_parts import OWNED_PARTS

CSV_ALL_SHEETS = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("corpus")
    books = {
        "xlsxwriter": build_xlsxwriter(folder / "xw"),
        "xlsm": build_xlsm(folder / "xlsm"),
    }
    lo = build_libreoffice(folder / "lo")
    if lo is not None:
        books["libreoffice"] = lo
    return books


def refreshed(corpus: dict[str, Path], kind: str, tmp_path: Path, cfg: Config) -> tuple[Path, Path]:
    if kind not in corpus:
        soffice()  # skips (or fails in CI) with the reason
    original = corpus[kind]
    work = tmp_path / original.name
    shutil.copy(original, work)
    result = refresh_master(work, cfg)
    assert result.written, result.report.findings
    assert {u.sheet for u in result.plan.updates} == {"1", "2"} or kind == "xlsm"
    return original, work


@pytest.mark.parametrize("kind", ["xlsxwriter", "libreoffice", "xlsm"])
def test_nothing_outside_kohyo_parts_changes(
    corpus, kind: str, tmp_path: Path, tmp_area_config
) -> None:
    original, work = refreshed(corpus, kind, tmp_path, tmp_area_config)
    before, after = members(original), members(work)
    patch_sheets = {n for n in before if n.startswith("xl/worksheets/sheet")} & set(after)
    kohyo_sheets = {n for n in patch_sheets if before[n][1] != after[n][1]}
    added = set(after) - set(before)
    assert len(added) == 1 and next(iter(added)).startswith("xl/worksheets/")
    lost = set(before) - set(after)
    assert lost <= {"xl/calcChain.xml"}
    for name, (_info, content, raw) in before.items():
        if name in OWNED_PARTS or name in kohyo_sheets or name in lost:
            continue
        assert after[name][1] == content, f"{name} changed"
        assert after[name][2] == raw, f"{name} was recompressed"
    for name in kohyo_sheets:
        assert_only_cells_differ(before[name][1], after[name][1], {"G5"})
    assert list(after)[: len(before) - len(lost)] == [n for n in before if n not in lost]


@pytest.mark.parametrize("kind", ["xlsxwriter", "libreoffice", "xlsm"])
def test_input_and_refreshed_master_conform(
    corpus, kind: str, tmp_path: Path, tmp_area_config
) -> None:
    """What XlsxWriter and LibreOffice write conforms, and so does kohyo's patch of it."""
    original, work = refreshed(corpus, kind, tmp_path, tmp_area_config)
    assert_valid_xlsx(original)
    assert_valid_xlsx(work)


def staff_features(path: Path) -> dict[str, object]:
    """What staff put in the corpus, as openpyxl sees it."""
    wb = openpyxl.load_workbook(path)
    ws1, ws2 = wb["1"], wb["2"]
    return {
        "comment": ws1["A1"].comment.text if ws1["A1"].comment else None,
        "validation": sorted(str(dv.formula1) for dv in ws1.data_validations.dataValidation),
        "freeze": ws1.freeze_panes,
        "conditional": len(ws1.conditional_formatting),
        "hidden": wb["リスト"].sheet_state,
        "tables": sorted(wb["テーブル"].tables),
        "names": sorted(wb.defined_names),
        "orientation": ws2.page_setup.orientation,
        "print_area": ws2.print_area,
        "charts": len(ws1._charts),
        "rich_text_b2": ws1["B2"].value,
        "title": wb.properties.title,
    }


@pytest.mark.parametrize("kind", ["xlsxwriter", "libreoffice"])
def test_staff_features_survive_and_openpyxl_reads(
    corpus, kind: str, tmp_path: Path, tmp_area_config
) -> None:
    original, work = refreshed(corpus, kind, tmp_path, tmp_area_config)
    before = staff_features(original)
    if kind == "xlsxwriter":  # the corpus really holds them
        assert before["comment"] and before["validation"] and before["tables"]
        assert before["freeze"] == "A2" and before["charts"] == 1
        # (images: openpyxl reads them only with Pillow; the byte-level test covers xl/media)
    assert staff_features(work) == before
    wb = openpyxl.load_workbook(work)
    assert wb.sheetnames[0] == "総括表"
    values = openpyxl.load_workbook(work, data_only=True)
    assert values["1"]["G5"].value == sum(
        v for v in (values["1"].cell(5, c).value for c in range(2, 7)) if isinstance(v, int)
    )


@pytest.mark.libreoffice
@pytest.mark.parametrize("kind", ["xlsxwriter", "libreoffice", "xlsm"])
def test_libreoffice_opens_and_agrees(corpus, kind: str, tmp_path: Path, tmp_area_config) -> None:
    soffice()
    _, work = refreshed(corpus, kind, tmp_path, tmp_area_config)
    pdf = soffice_convert(work, tmp_path / "pdf", "pdf")[0]
    assert pdf.read_bytes().startswith(b"%PDF")
    cached = openpyxl.load_workbook(work, data_only=True)
    sheets = lo_csv_sheets(soffice_convert(work, tmp_path / "csv", CSV_ALL_SHEETS, recalc=True))
    for name in ("1", "2") if kind != "xlsm" else ("1",):
        lo_total = sheets[name][4][6].replace(",", "")
        assert lo_total == str(cached[name]["G5"].value), (name, lo_total)
