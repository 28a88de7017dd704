"""Which 個表 go into the booklet, and on which printed page each one lands. Pure.

The booklet prints as many whole 個表 on a page as fit, one below the other, and never
splits one across pages. How much fits is worked out from the same numbers the printer
uses: the 個表 grid's row heights (:mod:`kohyo.layout.grid`), the paper and margins of the
個表 look, and the print scale that fits the grid's width on the paper. A safety margin
covers what the renderers round differently; ``kohyo book --pdf`` then reads the real
pages back from the PDF (:func:`locate_projects`) instead of trusting this estimate.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from kohyo.config import Config
from kohyo.layout.look import PrintLook
from kohyo.layout.text import column_pixels
from kohyo.model import labels
from kohyo.model.project import Master, Project
from kohyo.read.normalize import nfkc

CM = 72 / 2.54  # points per centimetre
PAPER_POINTS = {  # portrait (width, height), points
    "A4": (595.28, 841.89),
    "A3": (841.89, 1190.55),
    "B4": (728.50, 1031.81),  # JIS
    "B5": (515.91, 728.50),  # JIS
    "Letter": (612.0, 792.0),
}
HEIGHT_SAFETY = 0.95  # share of the printable height the estimate fills at most
WIDTH_SAFETY = 1.02  # the grid is taken this much wider when the scale is worked out


def booklet_projects(master: Master, config: Config) -> list[Project]:
    """The 個表 the booklet holds, in number order (projects without a number last, as read).

    The one place that decides what the booklet leaves out: it holds every project the
    master gives — the booklet is for everyone — and nothing that is not a project.
    """
    numbered = sorted((p for p in master.projects if p.number is not None),
                      key=lambda p: p.number or 0)  # fmt: skip
    return numbered + [p for p in master.projects if p.number is None]


@dataclass(frozen=True)
class PageFrame:
    """What one printed page holds: the print scale (percent) and the usable height at that
    scale, in the worksheet's points (a row of *h* points prints *h* × scale / 100 tall)."""

    scale: int
    height: float  # worksheet points that fit on a page, safety margin taken off

    @staticmethod
    def of(look: PrintLook, widths: Sequence[float]) -> PageFrame:
        """The frame for a grid with column *widths* (Excel's units) printed with *look*."""
        paper_w, paper_h = PAPER_POINTS[look.paper]
        if look.landscape:
            paper_w, paper_h = paper_h, paper_w
        printable_w = paper_w - (look.margin_left + look.margin_right) * CM
        printable_h = paper_h - (look.margin_top + look.margin_bottom) * CM
        grid_w = sum(column_pixels(w) for w in widths) * 0.75 * WIDTH_SAFETY
        scale = 100
        if look.fit_to_width and grid_w > printable_w:
            scale = max(10, math.floor(100 * printable_w / grid_w))
        return PageFrame(scale, printable_h * HEIGHT_SAFETY * 100 / scale)


@dataclass(frozen=True)
class Placed:
    """One 個表 in the booklet's 個表 sheet: first row (0-based), page index (0-based)."""

    row: int
    page: int
    height: float
    too_tall: bool = False  # taller than a page: it cannot help being split


def paginate(sizes: Sequence[tuple[float, int]], frame: PageFrame, gap: float) -> list[Placed]:
    """Stack 個表 of *sizes* ((height in points, rows)) on pages of *frame*, a *gap*-point row
    between two on one page.

    Greedy, in order: a 個表 joins the page when it fits whole below the last one (after
    the gap), else it starts a new page. The gap row is written only between two 個表 on one
    page, so every page begins with a 個表.
    """
    placed: list[Placed] = []
    row, page, used = 0, 0, 0.0
    for i, (h, n_rows) in enumerate(sizes):
        if i == 0:
            used = h
        elif used + gap + h <= frame.height:
            row += 1  # the gap row
            used += gap + h
        else:
            page += 1
            used = h
        placed.append(Placed(row, page, h, h > frame.height))
        row += n_rows
    return placed


def contents_pages(rows: Sequence[float], frame_height: float, head: float) -> int:
    """Pages the 目次 takes: its title and heading (*head* points) once, then *rows*."""
    pages, used = 1, head
    for h in rows:
        if used + h > frame_height:
            pages += 1
            used = head
        used += h
    return pages


# --- pages read back from the PDF ----------------------------------------------------------


def squeeze(text: str) -> str:
    """*text* as searched in a PDF's text: NFKC, without any white space."""
    return "".join(nfkc(text).split())


@dataclass(frozen=True)
class Located:
    """Where the PDF put each 個表 (0-based page index per project, None when not found)
    and whether any page's labels say a 個表 was split across pages."""

    pages: list[int | None]
    split_pages: list[int]  # 0-based indices of pages whose 個表 look cut


def is_kohyo_page(text: str) -> bool:
    """A page of 個表 (not the 表紙 or the 目次): it has a 事業費見込額 label."""
    return squeeze(labels.COSTS) in squeeze(text)


def locate_projects(names: Sequence[str], page_texts: Sequence[str]) -> Located:
    """The page of each 個表 named *names* (in booklet order) in *page_texts* (one per PDF
    page): each name is looked for on 個表 pages, from the page the previous one was on.

    A page whose names, 事業費見込額 labels and 成果指標 labels do not number alike holds a
    part of a 個表 whose other part is on another page.
    """
    squeezed = [squeeze(t) if is_kohyo_page(t) else "" for t in page_texts]
    found: list[int | None] = []
    at = 0
    on_page: dict[int, int] = {}
    for name in names:
        key = squeeze(name)
        hit = next((i for i in range(at, len(squeezed)) if key and key in squeezed[i]), None)
        found.append(hit)
        if hit is not None:
            at = hit
            on_page[hit] = on_page.get(hit, 0) + 1
    costs, kpis = squeeze(labels.COSTS), squeeze(labels.KPIS)
    split = [
        i
        for i, text in enumerate(squeezed)
        if text and not (text.count(costs) == text.count(kpis) == on_page.get(i, 0))
    ]
    return Located(found, split)
