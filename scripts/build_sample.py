"""Build the sample masters from their TOML data, reproducibly.

    python scripts/build_sample.py            # write workbooks/master.xlsx, master_before.xlsx
    python scripts/build_sample.py --check    # exit 1 if the committed files are stale

見本のマスター（workbooks/master.xlsx と master_before.xlsx）を
workbooks/sample/*.toml から作り直します。--check は作り直した結果と
リポジトリにあるファイルを比べ、違えば 1 で終わります。

The files are deterministic: fixed document timestamps (XlsxWriter also fixes the
zip members' dates), so a rebuild from the same data gives the same bytes. The
check compares each zip member's uncompressed bytes, which does not depend on
the zlib version that compressed them.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import zipfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
try:
    import kohyo  # noqa: F401
except ImportError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(ROOT / "src"))

import xlsxwriter  # noqa: E402

from kohyo.config import Config, load_config  # noqa: E402
from kohyo.errors import KohyoError  # noqa: E402
from kohyo.layout.kohyo import SheetLook, StrippedText, load_look, write_kohyo_sheet  # noqa: E402
from kohyo.layout.text import wrapped_lines  # noqa: E402
from kohyo.sample import SampleWorkbook, load_sample  # noqa: E402
from kohyo.templates_lookup import template_path  # noqa: E402

SAMPLES = {  # output file -> data file, both relative to workbooks/
    "master.xlsx": "sample/master.toml",
    "master_before.xlsx": "sample/master_before.toml",
}
COVER_SHEET = "表紙"
COVER_WIDTH = 70  # one column; narrow enough for A4 even where Calibri falls back to a wider font
FIXED_TIME = datetime(2021, 4, 1, 0, 0, 0, tzinfo=UTC)
WORKBOOK_OPTIONS = {  # data is never turned into formulas, numbers or links behind our back
    "strings_to_formulas": False,
    "strings_to_numbers": False,
    "strings_to_urls": False,
}


def write_cover(
    wb: xlsxwriter.Workbook, book: SampleWorkbook, config: Config, look: SheetLook
) -> None:
    """A small first sheet: the area, the title and a line saying this is sample data."""
    ws = wb.add_worksheet(COVER_SHEET)
    base = {"font_name": look.font_name, "valign": "vcenter"}
    big = wb.add_format({**base, "font_size": 16, "bold": True})
    mid = wb.add_format({**base, "font_size": 13})
    small = wb.add_format({**base, "font_size": look.font_size, "text_wrap": True})
    ws.set_column(0, 0, COVER_WIDTH)
    ws.hide_gridlines(2)
    ws.set_paper(9)
    ws.fit_to_pages(1, 0)
    ws.set_row(0, 30)
    ws.set_row(1, 24)
    lines = wrapped_lines(book.note, COVER_WIDTH * 7 / (look.font_size * 2 / 3) * 0.9)
    ws.set_row(3, lines * look.font_size * look.line_spacing + look.row_padding)
    ws.write_string(0, 0, config.area.name, big)
    ws.write_string(1, 0, book.title, mid)
    ws.write_string(3, 0, book.note, small)


def build_one(data: Path, out: Path, config: Config, look: SheetLook) -> list[StrippedText]:
    """Write *out* from *data*; return the cells that lost characters (none, for clean data)."""
    book = load_sample(data, config)
    stripped: list[StrippedText] = []
    tmp = out.with_name(out.name + ".kohyo-tmp")
    wb = xlsxwriter.Workbook(str(tmp), WORKBOOK_OPTIONS)
    wb.set_properties({
        "title": f"{config.area.name} {book.title}",
        "subject": "kohyo 見本データ",
        "author": "kohyo",
        "comments": "scripts/build_sample.py で作成",
        "created": FIXED_TIME,
    })  # fmt: skip
    write_cover(wb, book, config, look)
    for project in book.projects:
        write_kohyo_sheet(wb, project.sheet, project, config, look, stripped=stripped)
    wb.close()
    os.replace(tmp, out)
    return stripped


def build(dest: Path, root: Path = ROOT) -> list[Path]:
    """Build every sample into *dest*; return the files written."""
    config = load_config(root / "config.toml")
    look = load_look(template_path(config, "kohyo_sheet.toml"))
    dest.mkdir(parents=True, exist_ok=True)
    written = []
    for name, data in SAMPLES.items():
        out = dest / name
        for s in build_one(root / "workbooks" / data, out, config, look):
            print(
                f"注意: {name} シート {s.sheet} {s.cell}: 使えない文字 {s.removed!r} を除きました"
            )
        written.append(out)
    return written


def zip_differences(a: Path, b: Path) -> list[str]:
    """Zip members whose uncompressed bytes differ (or that only one file has)."""
    with zipfile.ZipFile(a) as za, zipfile.ZipFile(b) as zb:
        names_a, names_b = za.namelist(), zb.namelist()
        diff = sorted(set(names_a) ^ set(names_b))
        diff += [n for n in names_a if n in names_b and za.read(n) != zb.read(n)]
        if not diff and names_a != names_b:
            diff.append("(member order)")
    return diff


def check(dest: Path) -> int:
    with tempfile.TemporaryDirectory() as tmp:
        fresh = build(Path(tmp))
        stale = []
        for new in fresh:
            old = dest / new.name
            if not old.exists():
                stale.append(f"{old} がありません")
                continue
            try:
                diff = zip_differences(old, new)
            except zipfile.BadZipFile:
                diff = ["(not a zip file)"]
            if diff:
                stale.append(f"{old} が見本データと違います: {', '.join(diff)}")
    if stale:
        print("\n".join(stale), file=sys.stderr)
        print("python scripts/build_sample.py で作り直してください。", file=sys.stderr)
        return 1
    print("見本のマスターは最新です。")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="見本のマスターを TOML の見本データから作ります。")
    parser.add_argument(
        "--check", action="store_true", help="作り直して比べるだけ（違えば終了コード 1）"
    )
    parser.add_argument(
        "--dest",
        type=Path,
        default=ROOT / "workbooks",
        help="出力先（既定: workbooks/）。--check ではここにあるファイルと比べます",
    )
    args = parser.parse_args(argv)
    try:
        if args.check:
            return check(args.dest)
        for path in build(args.dest):
            print(f"作成しました: {path}")
    except KohyoError as exc:
        print(exc.message, file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
