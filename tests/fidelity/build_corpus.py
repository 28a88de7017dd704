"""Build the fidelity corpus: masters written by other programs, full of staff features.

``build_xlsxwriter(folder)`` writes a workbook with two 個表-like sheets and the
features a surgical patcher must not lose (a note, a drop-down fed by a hidden
sheet, conditional formats incl. a 2010 data bar, an image, a chart, a text
box, a sparkline, defined names, an Excel table, rich text, frozen panes, a
landscape print setup with print area and repeated rows, document properties).
``build_libreoffice(folder)`` is the same workbook after LibreOffice re-saved it.

Run as a script to write the corpus into a folder: ``python tests/fidelity/build_corpus.py DIR``.
"""

from __future__ import annotations

import io
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

import xlsxwriter

KOHYO_SHEETS = ("1", "2")
AMOUNTS = {"1": [21833, 18000, 15000, 12000, 9000], "2": [21833, None, None, None, None]}
YEARS = ["2020年度", "2021年度", "2022年度", "2023年度", "2024年度"]
TOWNS = ["青森市", "平内町", "今別町", "蓬田村", "外ヶ浜町"]
SOFFICE_MISSING = (
    "LibreOffice (soffice) is not installed: the LibreOffice-written variant is skipped"
)


def tiny_png(width: int = 4, height: int = 4, rgb: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    """A valid PNG of one colour, made without Pillow."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body))
            + kind
            + body
            + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def write_kohyo(wb: xlsxwriter.Workbook, ws, number: int, name: str, amounts: list) -> None:
    """The canonical 個表 grid (rows 1-8), with merges as in the contract."""
    label = wb.add_format({"bold": True, "border": 1, "bg_color": "#DDEBF7", "text_wrap": True})
    cell = wb.add_format({"border": 1, "text_wrap": True})
    money = wb.add_format({"border": 1, "num_format": "#,##0"})
    ws.set_column("A:A", 18)
    ws.set_column("B:G", 12)
    ws.write("A1", "事業名", label)
    ws.write("B1", number, cell)
    ws.merge_range("C1:D1", name, cell)
    ws.write("E1", "関係市町村", label)
    ws.merge_range("F1:G1", "全市町村", cell)
    ws.write("A2", "内容", label)
    ws.merge_range("B2:G2", "", cell)
    ws.write_rich_string(
        "B2",
        "○",
        wb.add_format({"bold": True, "color": "red"}),
        "圏域の起業・創業の促進",
        "（重点）",
        cell,
    )
    ws.write("A3", "連携効果", label)
    ws.merge_range("B3:G3", "圏域全体の雇用の創出", cell)
    ws.merge_range("A4:A5", "事業費見込額(単位：千円)", label)
    ws.write_row("B4", [*YEARS, "計"], label)
    for i, amount in enumerate(amounts):
        ws.write(4, 1 + i, amount if amount is not None else "—", money)
    ws.write("G5", "—", money)
    ws.merge_range("A6:A7", "連携市町村の役割分担", label)
    ws.write("B6", "青森市", cell)
    ws.merge_range("C6:G6", "事業企画、事業実施", cell)
    ws.write("B7", "連携町村", cell)
    ws.merge_range("C7:G7", "事業実施、費用負担等", cell)
    ws.write("A8", "成果指標", label)
    ws.write_row("B8", ["指標", None, "現状値（調査時点）", None, "目標値（2024年度）"], label)


def build_xlsxwriter(folder: Path, name: str = "kohyo_xlsxwriter.xlsx") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    wb = xlsxwriter.Workbook(str(path))
    wb.set_properties(
        {
            "title": "青森圏域 個表",
            "author": "企画課",
            "company": "青森市",
            "comments": "fidelity corpus",
        }
    )
    wb.set_custom_property("担当", "企画課")
    ws1 = wb.add_worksheet("1")
    ws2 = wb.add_worksheet("2")
    lists = wb.add_worksheet("リスト")
    tables = wb.add_worksheet("テーブル")
    write_kohyo(wb, ws1, 1, "地域企業ビジネス支援拠点運営事業", AMOUNTS["1"])
    write_kohyo(wb, ws2, 2, "圏域観光推進事業", AMOUNTS["2"])
    lists.write_column("A1", TOWNS)
    lists.hide()
    # sheet 1: note, cross-sheet drop-down, conditional formats, image, chart, frozen panes
    ws1.write_comment("A1", "事業番号は総括表と一致させること", {"visible": True})
    ws1.data_validation("B9", {"validate": "list", "source": "=リスト!$A$1:$A$5"})
    ws1.conditional_format(
        "B5:F5",
        {
            "type": "cell",
            "criteria": ">",
            "value": 20000,
            "format": wb.add_format({"bg_color": "#FFC7CE"}),
        },
    )
    ws1.conditional_format("B5:F5", {"type": "data_bar", "data_bar_2010": True})
    ws1.insert_image("I1", "dot.png", {"image_data": io.BytesIO(tiny_png())})
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "事業費", "categories": "='1'!$B$4:$F$4", "values": "='1'!$B$5:$F$5"})
    ws1.insert_chart("I8", chart)
    ws1.freeze_panes(1, 0)
    # sheet 2: text box, sparkline, landscape print setup with area and title rows
    ws2.insert_textbox("I2", "NO.4に統合", {"width": 200, "height": 60})
    ws2.add_sparkline("H5", {"range": "'2'!B5:F5"})
    ws2.set_landscape()
    ws2.set_paper(9)
    ws2.fit_to_pages(1, 0)
    ws2.print_area("A1:G12")
    ws2.repeat_rows(0, 0)
    ws2.set_header("&C個表")
    wb.define_name("事業費_1", "='1'!$B$5:$F$5")
    # a table on its own sheet
    tables.add_table(
        "A1:C4",
        {
            "name": "市町村表",
            "columns": [{"header": "市町村"}, {"header": "人口"}, {"header": "区分"}],
            "data": [
                ["青森市", 275000, "中枢"],
                ["平内町", 10000, "連携"],
                ["今別町", 2400, "連携"],
            ],
        },
    )
    wb.close()
    return path


def soffice_convert(src: Path, outdir: Path, target: str, *, recalc: bool = False) -> list[Path]:
    """Convert with a private LibreOffice profile (no clash with other soffice users) and
    return the files produced (a CSV export of all sheets makes one file per sheet).
    ``recalc`` forces LibreOffice to recalculate every formula on load."""
    exe = shutil.which("soffice")
    if exe is None:
        raise RuntimeError(SOFFICE_MISSING)
    outdir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kohyo-lo-") as profile:
        user = Path(profile) / "user"
        user.mkdir()
        mode = 0 if recalc else 1
        (user / "registrymodifications.xcu").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
            '<item oor:path="/org.openoffice.Office.Calc/Formula/Load">'
            f'<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>{mode}</value></prop></item>'
            "</oor:items>\n",
            encoding="utf-8",
        )
        cmd = [
            exe,
            f"-env:UserInstallation={Path(profile).as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            target,
            "--outdir",
            str(outdir),
            str(src),
        ]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    ext = target.split(":")[0]
    produced = sorted(outdir.glob(f"{src.stem}*.{ext}"))
    if proc.returncode != 0 or not produced:
        raise RuntimeError(f"soffice failed ({proc.returncode}): {proc.stdout}{proc.stderr}")
    return produced


def build_libreoffice(folder: Path, name: str = "kohyo_libreoffice.xlsx") -> Path | None:
    """The XlsxWriter workbook re-saved by LibreOffice; None when soffice is absent."""
    if shutil.which("soffice") is None:
        return None
    with tempfile.TemporaryDirectory(prefix="kohyo-corpus-") as tmp:
        src = build_xlsxwriter(Path(tmp) / "in", "kohyo_lo_source.xlsx")
        out = soffice_convert(src, Path(tmp) / "out", "xlsx")[0]
        folder.mkdir(parents=True, exist_ok=True)
        dest = folder / name
        shutil.copyfile(out, dest)
    return dest


def rewrite_members(
    path: Path, dest: Path, replace: dict[str, bytes | None], add: dict[str, bytes] | None = None
) -> Path:
    """A copy of ``path`` with members replaced / removed (None) / added, via zipfile."""
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            if info.filename in replace:
                if replace[info.filename] is not None:
                    out.writestr(info, replace[info.filename])
            else:
                out.writestr(info, src.read(info))
        for member, data in (add or {}).items():
            out.writestr(member, data)
    return dest


def build_xlsm(folder: Path) -> Path:
    """A macro-enabled workbook with a (fake) vbaProject.bin, via XlsxWriter."""
    folder.mkdir(parents=True, exist_ok=True)
    vba = folder / "vbaProject.bin"
    vba.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(range(256)) * 8)
    path = folder / "kohyo_macro.xlsm"
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("1")
    write_kohyo(wb, ws, 1, "マクロ付き", AMOUNTS["1"])
    wb.add_vba_project(str(vba))
    wb.close()
    return path


def build_refusals(folder: Path) -> Path:
    """Targets a patcher must refuse: shared formula (made by hand: XlsxWriter never writes
    one), array and dynamic-array formulas, a table header, merged cells."""
    folder.mkdir(parents=True, exist_ok=True)
    base = folder / "refusals_base.xlsx"
    wb = xlsxwriter.Workbook(str(base))
    ws = wb.add_worksheet("1")
    write_kohyo(wb, ws, 1, "拒否テスト", AMOUNTS["1"])
    ws.write_formula("H5", "=B5*2", None, 43666)
    ws.write_formula("H6", "=B6*2", None, 0)
    ws.write_array_formula("J1:J2", "{=B5:B6*2}", None, 43666)
    ws.write_dynamic_array_formula("K1:K2", "=B5:B6*3", None, 65499)
    ws.add_table(
        "A20:C22", {"name": "表1", "columns": [{"header": "a"}, {"header": "b"}, {"header": "c"}]}
    )
    wb.close()
    with zipfile.ZipFile(base) as z:
        sheet = z.read("xl/worksheets/sheet1.xml")
    sheet = re.sub(rb"<f>B5\*2</f>", b'<f t="shared" ref="H5:H6" si="0">B5*2</f>', sheet)
    sheet = re.sub(rb"<f>B6\*2</f>", b'<f t="shared" si="0"/>', sheet)
    return rewrite_members(base, folder / "refusals.xlsx", {"xl/worksheets/sheet1.xml": sheet})


def add_calc_chain(path: Path, dest: Path) -> Path:
    """``path`` with an xl/calcChain.xml, its relationship and content type (as Excel writes)."""
    with zipfile.ZipFile(path) as z:
        rels = z.read("xl/_rels/workbook.xml.rels")
        types = z.read("[Content_Types].xml")
    rels = rels.replace(
        b"</Relationships>",
        b'<Relationship Id="rId99" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/calcChain" '
        b'Target="calcChain.xml"/></Relationships>',
    )
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/xl/calcChain.xml" ContentType='
        b'"application/vnd.openxmlformats-officedocument.spreadsheetml.'
        b'calcChain+xml"/></Types>',
    )
    chain = (
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<calcChain xmlns="http://'
        b'schemas.openxmlformats.org/spreadsheetml/2006/main"><c r="H5" i="1"/></calcChain>'
    )
    return rewrite_members(
        path,
        dest,
        {"xl/_rels/workbook.xml.rels": rels, "[Content_Types].xml": types},
        {"xl/calcChain.xml": chain},
    )


def build_many_sheets(folder: Path, count: int, name: str | None = None) -> Path:
    """``count`` 個表 sheets (for the benchmark)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (name or f"kohyo_{count}_sheets.xlsx")
    wb = xlsxwriter.Workbook(str(path))
    for n in range(1, count + 1):
        amounts = [(n * 7 + k * 13) % 5000 for k in range(5)]
        write_kohyo(wb, wb.add_worksheet(str(n)), n, f"事業{n}", amounts)
    wb.close()
    return path


def main(argv: list[str]) -> int:
    folder = Path(argv[1] if len(argv) > 1 else "corpus")
    print(build_xlsxwriter(folder))
    lo = build_libreoffice(folder)
    print(lo if lo is not None else SOFFICE_MISSING)
    print(build_xlsm(folder))
    print(build_refusals(folder))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
