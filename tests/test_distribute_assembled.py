"""Town workbooks assembled from 個表 sheets rendered once equal what XlsxWriter writes per town.

The reference is the per-town renderer (``write_town_workbook`` without ``shared=``): every
sheet written again for every town, as distribute did before. Both are read with openpyxl and
compared cell for cell and style for style, with the print setup, header/footer, defined
names and document properties.
"""

from __future__ import annotations

import importlib
import random
import sys
import zipfile
import zlib
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from lxml import etree

from kohyo.collect.base import sent_projects, sent_sheets
from kohyo.collect.stamp import open_stamp, town_marks
from kohyo.config import Config
from kohyo.distribute.build import distribute_master, projects_of
from kohyo.distribute.leakcheck import _norm, _norm_each
from kohyo.distribute.town import load_looks, write_town_workbook
from kohyo.files.digest import file_digest
from kohyo.model.project import Master
from kohyo.read.master import check_master
from kohyo.xlsx.zipcopy import deflate_piece
from libreoffice import convert
from ooxml import assert_valid_xlsx

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # benchmarks/ is a folder of the repository, not of the package
    sys.path.insert(0, str(REPO))
make_master = importlib.import_module("benchmarks.synth").make_master
DAY = date(2026, 11, 29)


def _xml(obj: Any) -> bytes:
    """An openpyxl object as the XML it stands for (its repr shows addresses)."""
    return etree.tostring(obj.to_tree())


def _style(c: Any) -> tuple[Any, ...]:
    return (_xml(c.font), _xml(c.fill), _xml(c.border), c.number_format, _xml(c.alignment),
            _xml(c.protection))  # fmt: skip


def _sheet(ws: Any) -> dict[str, Any]:
    cells = {
        c.coordinate: (c.value, c.data_type, _style(c))
        for row in ws.iter_rows()
        for c in row
        if c.value is not None or c.has_style
    }
    return {
        "cells": cells,
        "merged": sorted(str(r) for r in ws.merged_cells.ranges),
        "widths": {k: (d.width, d.customWidth) for k, d in ws.column_dimensions.items()},
        "heights": {k: (d.height, d.customHeight) for k, d in ws.row_dimensions.items()},
        "setup": _xml(ws.page_setup),
        "options": _xml(ws.print_options),
        "margins": _xml(ws.page_margins),
        "props": _xml(ws.sheet_properties),
        "views": _xml(ws.views),
        "format": _xml(ws.sheet_format),
        "header": (ws.oddHeader.left.text, ws.oddHeader.center.text, ws.oddHeader.right.text),
        "footer": (ws.oddFooter.left.text, ws.oddFooter.center.text, ws.oddFooter.right.text),
        "hf": _xml(ws.HeaderFooter),
        "print_area": ws.print_area,
        "print_titles": ws.print_title_rows,
        "state": ws.sheet_state,
        "dimensions": ws.dimensions,
    }


def _book(path: Path) -> dict[str, Any]:
    wb = openpyxl.load_workbook(path)
    return {
        "sheets": wb.sheetnames,
        "active": wb.active.title if wb.active else None,
        "names": sorted((n, repr(v.attr_text)) for n, v in wb.defined_names.items()),
        "custom": [(p.name, p.value) for p in wb.custom_doc_props.props],
        "core": _xml(wb.properties),
        **{f"sheet:{ws.title}": _sheet(ws) for ws in wb.worksheets},
    }


def _assert_same(a: Any, b: Any, where: str) -> None:
    """*a* == *b*, failing with the first differing item's path."""
    if isinstance(a, dict) and isinstance(b, dict):
        assert a.keys() == b.keys(), where
        for k in a:
            _assert_same(a[k], b[k], f"{where}/{k}")
    else:
        assert a == b, where


def _assert_same_as_reference(master: Master, config: Config, folder: Path) -> list[Path]:
    result = distribute_master(master, config, out_dir=folder / "new", today=DAY, parallel=False)
    looks = load_looks(config)
    stamp = open_stamp(config, DAY, file_digest(Path(master.path)))
    made = []
    for town in result.towns:
        assembled = result.folder / town.files[0].name
        reference = folder / "reference" / assembled.name
        reference.parent.mkdir(exist_ok=True)
        projects = projects_of(master, town.town)
        marks = town_marks(stamp, town.town, sent_sheets(sent_projects(projects, config)))
        stripped: list[Any] = []
        sheets = write_town_workbook(reference, town.town, projects, config, looks, DAY,
                                     stripped, marks=marks)  # fmt: skip
        assert sheets == town.sheets
        _assert_same(_book(assembled), _book(reference), town.town)
        assert_valid_xlsx(assembled)
        made.append(assembled)
    again = distribute_master(master, config, out_dir=folder / "again", today=DAY, parallel=False)
    for a, b in zip(result.towns, again.towns, strict=True):
        assert a.files[0].sha256 == b.files[0].sha256  # byte-deterministic
    return made


def test_sample_master_assembled_equals_reference(tmp_area_config: Config, sample_build: Any,
                                                  tmp_path: Path) -> None:  # fmt: skip
    master, _report = check_master(sample_build.master, tmp_area_config)
    assert master is not None
    made = _assert_same_as_reference(master, tmp_area_config, tmp_path)
    assert len(made) == len(tmp_area_config.area.municipalities)
    pdf = convert(made[0], "pdf", tmp_path / "pdf")  # LibreOffice opens an assembled file
    assert pdf.stat().st_size > 0


def test_synthetic_master_with_drift_assembled_equals_reference(tmp_path: Path) -> None:
    config = make_master(tmp_path / "m" / "master.xlsx", 24, 6, seed=3, drift=0.5)
    master, _report = check_master(tmp_path / "m" / "master.xlsx", config)
    assert master is not None
    made = _assert_same_as_reference(master, config, tmp_path)
    assert len(made) == 6
    convert(made[-1], "pdf", tmp_path / "pdf")


def test_page_texts_from_data_and_the_sheets_own(tmp_area_config: Config, sample_build: Any,
                                                 tmp_path: Path) -> None:  # fmt: skip
    """A cover header naming the project (escaped: & < >) and an empty cover footer (the
    sheet's own footer stays): still the same as the reference."""
    look = tmp_area_config.path.parent / "templates" / "cover_sheet.toml"
    text = look.read_text(encoding="utf-8")
    text = text.replace('sheet_header = "&L{area}&C{town}&R事業番号 {number}"',
                        'sheet_header = "&L{name} <{town}> & {sheet}"')  # fmt: skip
    text = text.replace('sheet_footer = "&L{date_wareki}作成&C&P / &N"', 'sheet_footer = ""')
    look.write_text(text, encoding="utf-8")
    master, _report = check_master(sample_build.master, tmp_area_config)
    assert master is not None
    first = master.projects[0]
    renamed = type(first.name)(**{**vars(first.name), "text": "A&B <x> " + first.name.text})
    master.projects[0] = type(first)(**{**vars(first), "name": renamed})
    made = _assert_same_as_reference(master, tmp_area_config, tmp_path)
    with zipfile.ZipFile(made[0]) as zf:
        sheet = zf.read("xl/worksheets/sheet2.xml").decode()
    assert "&amp;&amp;B &lt;x&gt;" in sheet and "<oddFooter>" in sheet


def test_assembled_sheets_hold_their_text_inline(tmp_path: Path) -> None:
    """No town's file carries a shared-strings table with other towns' texts."""
    config = make_master(tmp_path / "m" / "master.xlsx", 12, 4, seed=5)
    master, _report = check_master(tmp_path / "m" / "master.xlsx", config)
    assert master is not None
    result = distribute_master(master, config, out_dir=tmp_path / "out", today=DAY)
    for town in result.towns:
        with zipfile.ZipFile(result.folder / town.files[0].name) as zf:
            sheets = [n for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
            for name in sheets[1:]:
                xml = zf.read(name).decode()
                assert 't="s"' not in xml and 't="inlineStr"' in xml, name


def test_deflated_pieces_concatenate_to_one_stream() -> None:
    rng = random.Random(7)
    for _ in range(50):
        pieces = [bytes(rng.randrange(256) for _ in range(rng.randrange(0, 3000)))
                  for _ in range(rng.randrange(1, 4))]  # fmt: skip
        data = b"".join(deflate_piece(p, last=i == len(pieces) - 1) for i, p in enumerate(pieces))
        assert zlib.decompress(data, -15) == b"".join(pieces)


@pytest.mark.parametrize("seed", range(5))
def test_pieces_normalised_together_as_one_by_one(seed: int) -> None:
    rng = random.Random(seed)
    alphabet = ["a", " ", "\u3000", "\u3099", "\u309b", "\u0301", "e", "ｶ", "ﾞ", "\u00a0",
                "\u2028", "\n", "\t", "が", "①", "\u1100", "\u1161", "\u11a8", "\x1c", "㍻",
                "\x1f"]  # fmt: skip
    for _ in range(3000):
        pieces = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 5)))
                  for _ in range(rng.randint(0, 6))]  # fmt: skip
        assert _norm_each(pieces) == "\x1f".join(_norm(p) for p in pieces), pieces
