"""個表 sheets rendered once for every town's workbook that holds them.

A project's 個表 sheet is the same in each town's workbook but for its header and
footer (``[page] sheet_header``/``sheet_footer`` of ``cover_sheet.toml`` may name the
town). So the master's 個表 are written once, all into one XlsxWriter workbook, and
each sheet's XML is kept in two pieces: everything before the header/footer, deflated
once, and what follows it. A town's workbook (:func:`kohyo.distribute.town.write_town_workbook`)
then takes each of its sheets as that deflated piece plus the town's own header/footer
and the rest, deflated on the spot (:func:`kohyo.xlsx.zipcopy.deflate_piece`): the cost
is one rendering per 個表 plus one small piece per sheet and town. The leak check scans each
piece once, for the markers of every town (:func:`kohyo.distribute.leakcheck.scan_piece`);
each town's check then scans only its header/footer.

Two things make a sheet's XML fit any town's package:

- its text is written inline (``t="inlineStr"``), not as indexes into the rendering
  workbook's shared strings — a town's file must not hold another town's texts, and the
  leak check (:mod:`kohyo.distribute.leakcheck`) scans every part;
- its cell styles are the 個表 formats pinned to the first style indexes
  (:func:`pin_kohyo_formats`) in the rendering workbook and in every town's workbook, so a
  sheet's ``s="…"`` mean the same in each.
"""

from __future__ import annotations

import functools
import io
import re
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from kohyo.config import Config
from kohyo.distribute.leakcheck import Needles, ScannedPiece, scan_piece
from kohyo.layout.cover import CoverLook, date_fields
from kohyo.layout.kohyo import SheetLook, StrippedText, kohyo_formats, write_kohyo_sheet
from kohyo.layout.pagetext import set_page_texts
from kohyo.model.project import Project
from kohyo.xlsx.xmlbytes import esc
from kohyo.xlsx.zipcopy import Deflated, deflate_piece

# a shared-string cell as XlsxWriter writes it: <c r="B3" s="4" t="s"><v>12</v></c>
_SHARED_CELL = re.compile(rb'<c r="([A-Z]+[0-9]+)"( s="[0-9]+")? t="s"><v>([0-9]+)</v></c>')
_STRING_ITEM = re.compile(rb"<si>(.*?)</si>", re.DOTALL)


def pin_kohyo_formats(wb: xlsxwriter.Workbook, look: SheetLook) -> None:
    """Give the 個表 formats the first style indexes of *wb*, in a fixed order.

    XlsxWriter numbers formats as it first writes them; numbering them before anything
    is written makes the numbers the same in every workbook that pins them first."""
    for fmt in kohyo_formats(wb, look).values():
        fmt._get_xf_index()  # type: ignore[attr-defined]


@dataclass(frozen=True)
class PageText:
    """A worksheet's header and footer as XlsxWriter holds them."""

    header: str
    footer: str
    changed: bool  # whether the sheet has a <headerFooter> at all

    @classmethod
    def of(cls, ws: Worksheet) -> PageText:
        return cls(ws.header, ws.footer, ws.header_footer_changed)

    def xml(self) -> bytes:
        """The ``<headerFooter>`` element, as XlsxWriter writes it."""
        if not self.changed:
            return b""
        out = "<headerFooter>"
        if self.header:
            out += f"<oddHeader>{esc(self.header)}</oddHeader>"
        if self.footer:
            out += f"<oddFooter>{esc(self.footer)}</oddFooter>"
        return (out + "</headerFooter>").encode()


@dataclass(frozen=True)
class SharedSheet:
    """One 個表 sheet, rendered once, ready to be placed in any town's package."""

    sheet: str  # the project's sheet name, name and number, for the page texts (only these:
    name: str  # a town's worker is sent each of its sheets, and a Project pickles slowly)
    number: int | None
    last_row: int  # 0-based extent of the grid (the print area)
    last_col: int
    own: PageText  # the sheet's own header/footer (kohyo_sheet.toml)
    piece: ScannedPiece  # the XML before <headerFooter> (deflated) and after, leak-scanned
    stripped: tuple[StrippedText, ...]

    def member(self, town: str, config: Config, cover: CoverLook, margins: tuple[float, float],
               issued: date) -> Deflated:  # fmt: skip
        """The sheet's part in *town*'s workbook."""
        piece = self.piece
        rest = self.page_text(town, config, cover, margins, issued).xml() + piece.tail
        crc = zlib.crc32(rest, piece.head_crc)
        return Deflated(piece.head + deflate_piece(rest, last=True), crc,
                        piece.head_size + len(rest))  # fmt: skip

    def page_text(self, town: str, config: Config, cover: CoverLook,
                  margins: tuple[float, float], issued: date) -> PageText:  # fmt: skip
        """The header/footer the sheet has in *town*'s workbook (cover look over its own)."""
        ws = _scratch_worksheet()  # only its header, footer and their flag are set and read
        ws.header, ws.footer = self.own.header, self.own.footer
        ws.header_footer_changed = self.own.changed
        set_page_texts(
            ws, cover.sheet_header, cover.sheet_footer, margins, area=config.area.name, town=town,
            sheet=self.sheet, name=self.name, number="" if self.number is None else str(self.number),
            **date_fields(issued),
        )  # fmt: skip
        return PageText.of(ws)


@functools.cache
def _scratch_worksheet() -> Worksheet:
    """One worksheet per process to fill in page texts (a new one costs ~0.1 ms each time)."""
    return Worksheet()


def render_shared_sheets(
    projects: list[Project],
    config: Config,
    look: SheetLook,
    cover: CoverLook,
    issued: date,
    options: dict[str, bool],
    needles: Needles,
) -> dict[str, SharedSheet]:
    """Every 個表 of *projects* (already with derived 計), rendered once; by sheet name.
    Each is leak-scanned for *needles*, the candidate markers of every town."""
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, options)
    # the first sheet is the selected one; the 個表 sheets never are in a town's workbook
    taken = {p.sheet.casefold() for p in projects}
    first = next(n for n in (f"_{i}" for i in range(len(taken) + 1)) if n.casefold() not in taken)
    wb.add_worksheet(first)
    pin_kohyo_formats(wb, look)
    margins = (look.margin_header, look.margin_footer)
    rendered: list[tuple[Project, Worksheet, PageText, list[StrippedText]]] = []
    for p in projects:
        stripped: list[StrippedText] = []
        write_kohyo_sheet(wb, p.sheet, p, config, look, stripped=stripped)
        ws = wb.get_worksheet_by_name(p.sheet)
        own = PageText.of(ws)
        # any town: the same margins and the same presence of the element as in every town
        set_page_texts(ws, cover.sheet_header, cover.sheet_footer, margins,
                       area=config.area.name, town="", sheet=p.sheet, name=p.name.text,
                       number="", **date_fields(issued))  # fmt: skip
        rendered.append((p, ws, own, stripped))
    wb.close()
    with zipfile.ZipFile(buf) as zf:
        names = set(zf.namelist())
        strings = _shared_strings(zf.read("xl/sharedStrings.xml") if
                                  "xl/sharedStrings.xml" in names else b"")  # fmt: skip
        shared: dict[str, SharedSheet] = {}
        for i, (p, ws, own, stripped) in enumerate(rendered, 2):
            xml = _inline_strings(zf.read(f"xl/worksheets/sheet{i}.xml"), strings)
            page = PageText.of(ws).xml()
            at = xml.rfind(page) if page else len(xml)
            if at < 0:
                raise AssertionError(f"header/footer of {p.sheet!r} not found")  # a bug, not data
            head, tail = xml[:at], xml[at + len(page) :]
            piece = scan_piece(head, deflate_piece(head, last=False), tail, needles)
            shared[p.sheet] = SharedSheet(p.sheet, p.name.text, p.number, ws.dim_rowmax,
                                          ws.dim_colmax, own, piece, tuple(stripped))  # fmt: skip
    return shared


def _shared_strings(sst: bytes) -> list[bytes]:
    """The content of each ``<si>`` of a sharedStrings part XlsxWriter wrote."""
    return _STRING_ITEM.findall(sst)


def _inline_strings(sheet: bytes, strings: list[bytes]) -> bytes:
    """*sheet* with each shared-string cell holding its text inline (``<is>`` takes the
    same content as ``<si>``: ``<t>``, with ``xml:space`` where XlsxWriter set it)."""

    def inline(m: re.Match[bytes]) -> bytes:
        style = m.group(2) or b""
        return b'<c r="%s"%s t="inlineStr"><is>%s</is></c>' % (
            m.group(1), style, strings[int(m.group(3))],
        )  # fmt: skip

    return _SHARED_CELL.sub(inline, sheet)
