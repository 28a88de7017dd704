"""``kohyo book``: the vision's booklet of every 個表 (資料2-3), and where each one is printed.

:func:`build_book` writes ``<folder>/<name>.xlsx`` (the booklet, :mod:`kohyo.book.workbook`)
and ``<folder>/book.json`` (each project's printed page) — each through the one writer of
new files (:func:`kohyo.files.atomic.write_atomically`), the workbook leak-checked first. With
``pdf=True`` LibreOffice renders it and the pages are *read from the PDF*
(:func:`kohyo.book.pages.locate_projects`); when they differ from what the 目次 says, the
目次 (and the sheets' first page numbers) are corrected and the booklet rendered again.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from kohyo import __version__
from kohyo.book.look import BookLook, load_book_look
from kohyo.book.pages import booklet_projects, is_kohyo_page, locate_projects
from kohyo.book.workbook import BookPlan, plan_book, write_book_workbook
from kohyo.config import Config
from kohyo.distribute.leakcheck import markers_outside, scan_package
from kohyo.errors import KohyoError, WriteError
from kohyo.files.atomic import cleanup_stale_temps, write_atomically
from kohyo.files.digest import file_digest
from kohyo.files.names import fit_name, safe_name
from kohyo.files.pdf import (
    PdfError,
    convert_to_pdf,
    pdf_page_texts,
    require_pdftotext,
    require_soffice,
)
from kohyo.layout.kohyo import SheetLook, StrippedText, load_look
from kohyo.messages import t
from kohyo.model.project import Master, Project
from kohyo.templates_lookup import template_path

BOOK_JSON = "book.json"
MAX_RENDERS = 3  # the first, and up to two after correcting the 目次


@dataclass(frozen=True)
class BookEntry:
    number: int | None
    name: str
    page: int

    def to_dict(self) -> dict[str, Any]:
        return {"number": self.number, "name": self.name, "page": self.page}


@dataclass
class BookResult:
    folder: Path
    xlsx: Path
    json: Path
    pdf: Path | None
    pages: int  # the booklet's pages, 表紙 and 目次 included
    entries: list[BookEntry]
    from_pdf: bool  # pages read from the rendered PDF (else computed)
    start_page: int
    renders: int = 0
    stripped: list[StrippedText] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "pages": self.pages,
            "projects": [e.to_dict() for e in self.entries],
            "page_source": "pdf" if self.from_pdf else "computed",
            "start_page": self.start_page,
            "files": [str(p) for p in (self.xlsx, self.pdf, self.json) if p is not None],
            "warnings": [
                t("layout.stripped", sheet=s.sheet, cell=s.cell, removed=repr(s.removed))
                for s in self.stripped
            ]
            + self.notices,
        }


def book_folder(config: Config, day: date, out_dir: Path | None) -> Path:
    if out_dir is not None:
        return Path(out_dir)
    name = config.book.folder_pattern.format(date=day.isoformat(), area=config.area.short_name)
    return config.paths.output_dir / safe_name(name)


def build_book(
    master: Master,
    config: Config,
    *,
    out_dir: Path | None = None,
    pdf: bool = False,
    today: date | None = None,
) -> BookResult:
    """Write the booklet of *master*'s 個表 (and its PDF), and book.json; return the pages.

    Raises KohyoError (exit code 2) when anything cannot be written or read back.
    """
    if pdf:
        require_soffice()  # before writing anything
        require_pdftotext()
    issued = today or date.today()
    projects = booklet_projects(master, config)
    if not projects:
        raise KohyoError(t("book.no_projects", path=master.path), path=str(master.path))
    sheet = load_look(template_path(config, "kohyo_sheet.toml"))
    look = load_book_look(template_path(config, "book.toml"))
    folder = book_folder(config, issued, out_dir)
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(
            t("book.folder_failed", folder=folder, reason=exc.strerror or exc), path=str(folder)
        ) from exc
    cleanup_stale_temps(folder)
    raw = config.book.filename_pattern.format(area=config.area.short_name, date=issued.isoformat())
    xlsx = folder / fit_name(folder.resolve(), safe_name(raw))

    plan = plan_book(projects, config, sheet, look)
    pages = plan.computed_pages()
    stripped: list[StrippedText] = []
    _write(xlsx, plan, pages, master, config, sheet, look, issued, stripped)
    result = BookResult(folder, xlsx, folder / BOOK_JSON, None, plan.total_pages, [], False,
                        config.book.start_page, stripped=stripped)  # fmt: skip
    for p, placed in zip(plan.projects, plan.placed, strict=True):
        if placed.too_tall:
            result.notices.append(t("book.too_tall", number=p.number, name=p.name.text))
    if pdf:
        pages = _render_until_settled(result, plan, pages, master, config, sheet, look, issued)
    else:
        _remove_old_pdf(result.json, xlsx.with_suffix(".pdf"))
    result.entries = book_entries(plan.projects, pages)
    text = json.dumps(_book_doc(result, master, issued), ensure_ascii=False, indent=2) + "\n"
    write_atomically(result.json, text.encode("utf-8"), inputs=(master.path, config.path))
    return result


def _write(path: Path, plan: BookPlan, pages: list[int], master: Master, config: Config,
           sheet: SheetLook, look: BookLook, issued: date,
           stripped: list[StrippedText]) -> None:  # fmt: skip
    held = {id(p) for p in booklet_projects(master, config)}
    markers = markers_outside(master, lambda p: id(p) in held)
    del stripped[:]

    def check(tmp: Path) -> None:
        leaks = scan_package(tmp, markers) if markers else []
        if leaks:
            numbers = (t("list.separator") + "No.").join(
                sorted({str(lk.project_number) for lk in leaks})
            )
            raise KohyoError(t("book.leak", name=path.name, numbers=numbers, part=leaks[0].part),
                             path=str(path))  # fmt: skip

    def write(tmp: Path) -> None:
        write_book_workbook(tmp, plan, pages, config, sheet, look, issued, stripped)

    write_atomically(path, write, verify=check, inputs=(master.path, config.path))


def _render_until_settled(result: BookResult, plan: BookPlan, pages: list[int], master: Master,
                          config: Config, sheet: SheetLook, look: BookLook,
                          issued: date) -> list[int]:  # fmt: skip
    """Render, read each 個表's page from the PDF; while the 目次 or the page numbering
    disagree with the PDF, correct them and render again. Return the pages read."""
    names = [p.name.text for p in plan.projects]
    for attempt in range(1, MAX_RENDERS + 1):
        [made] = convert_to_pdf([result.xlsx], result.folder)
        result.pdf, result.renders = made, attempt
        texts = pdf_page_texts(made)
        located = locate_projects(names, texts)
        for p, at in zip(plan.projects, located.pages, strict=True):
            if at is None:
                raise PdfError(t("book.not_found_in_pdf", name=made.name, project=p.name.text,
                                 number="" if p.number is None else p.number), path=str(made))  # fmt: skip
        read = [config.book.start_page + at for at in located.pages if at is not None]
        result.pages, result.from_pdf = len(texts), True
        front = next((i for i, text in enumerate(texts) if is_kohyo_page(text)), 0)
        contents = front - plan.cover_pages
        settled = read == pages and contents == plan.contents_pages
        if located.split_pages and (settled or attempt == MAX_RENDERS):
            result.notices.append(
                t(
                    "book.split",
                    pages=t("list.separator").join(str(i + 1) for i in located.split_pages),
                )
            )
        if settled:
            return read
        if contents != plan.contents_pages and plan.contents_pages:
            plan = plan_book(plan.projects, config, sheet, look,
                             contents_pages_override=max(contents, 1))  # fmt: skip
        pages = read
        _write(result.xlsx, plan, pages, master, config, sheet, look, issued, result.stripped)
    result.notices.append(t("book.unsettled", count=MAX_RENDERS - 1))
    return pages


def _book_doc(result: BookResult, master: Master, issued: date) -> dict[str, Any]:
    return {
        "kohyo_version": __version__,
        "master": str(Path(master.path).resolve()),
        "date": issued.isoformat(),
        **result.to_dict(),
        "files": [p.name for p in (result.xlsx, result.pdf) if p is not None],
        "pdf_sha256": file_digest(result.pdf) if result.pdf else None,
    }


def _remove_old_pdf(book_json: Path, pdf: Path) -> None:
    """A booklet made again without --pdf leaves no PDF of the old pages beside it — but only
    one exactly as kohyo wrote it (book.json's sha256); anything else is the user's."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        sha = json.loads(book_json.read_text(encoding="utf-8")).get("pdf_sha256")
        if sha and pdf.is_file() and file_digest(pdf) == sha:
            pdf.unlink()


def book_entries(projects: list[Project], pages: list[int]) -> list[BookEntry]:
    return [BookEntry(p.number, p.name.text, n) for p, n in zip(projects, pages, strict=True)]
