"""What the change overview's 「資料の掲載ページ等」 column says: 「・N ページ」 from the
booklet (its book.json or its PDF) and an optional remark per project (``remarks.toml``)."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from pathlib import Path

from kohyo.book.pages import booklet_projects, locate_projects, squeeze
from kohyo.config import Config
from kohyo.errors import ConfigError, KohyoError
from kohyo.files.pdf import pdf_page_texts
from kohyo.messages import t
from kohyo.model.project import Master, Project

PAGE_TEXT = "・{page} ページ"


def book_pages(book: Path, master: Master, config: Config) -> dict[int, tuple[str, int]]:
    """number -> (name, printed page) of every 個表 in *book* (book.json, or the booklet's PDF
    made from *master* with this config — its first PDF page is ``[book]`` start page)."""
    if book.suffix.lower() == ".pdf":
        projects = booklet_projects(master, config)
        located = locate_projects([p.name.text for p in projects], pdf_page_texts(book))
        return {
            p.number: (p.name.text, config.book.start_page + at)
            for p, at in zip(projects, located.pages, strict=True)
            if p.number is not None and at is not None
        }
    return _json_pages(book)


def _json_pages(book: Path) -> dict[int, tuple[str, int]]:
    def bad(reason: str) -> KohyoError:
        return KohyoError(t("book.ref.bad_json", path=book, reason=reason), path=str(book))

    try:
        doc = json.loads(book.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise KohyoError(t("book.ref.missing", path=book), path=str(book)) from None
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise bad(str(exc)) from None
    entries = doc.get("projects") if isinstance(doc, dict) else None
    if not isinstance(entries, list):
        raise bad(t("book.ref.no_projects"))
    pages: dict[int, tuple[str, int]] = {}
    for e in entries:
        ok = isinstance(e, dict) and isinstance(e.get("name"), str)
        number, page = (e.get("number"), e.get("page")) if ok else (None, None)
        if not ok or not isinstance(page, int) or isinstance(page, bool):
            raise bad(t("book.ref.bad_item", item=repr(e)[:160]))
        if isinstance(number, int) and not isinstance(number, bool):
            pages[number] = (e["name"], page)
    return pages


def load_remarks(config: Config) -> dict[int, str]:
    """number -> remark from ``[book] remarks`` (default: remarks.toml beside config.toml)."""
    path = config.book.remarks
    if path is None or not path.is_file():
        if path is not None and config.book.remarks_required:
            raise ConfigError(t("book.remarks.missing", path=path), path=str(path))
        return {}
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(
            t("book.remarks.unreadable", path=path, reason=exc), path=str(path)
        ) from None
    remarks: dict[int, str] = {}
    for key, value in raw.items():
        if not key.strip().isdigit() or not isinstance(value, str):
            raise ConfigError(t("book.remarks.bad", path=path, entry=key, value=repr(value)[:80]),
                              path=str(path))  # fmt: skip
        remarks[int(key)] = value.strip()
    return remarks


def reference_texts(
    added: Sequence[Project],
    pages: dict[int, tuple[str, int]] | None,
    remarks: dict[int, str],
    book: Path | None = None,
) -> dict[int, str]:
    """number -> the column's text for each new project: 「・N ページ」 and its remark.

    A new project the booklet does not hold under the same number and name is an error: the
    booklet was made from another master, and its page would be wrong.
    """
    out: dict[int, str] = {}
    for p in added:
        if p.number is None:
            continue
        parts = []
        if pages is not None:
            entry = pages.get(p.number)
            if entry is None or squeeze(entry[0]) != squeeze(p.name.text):
                raise KohyoError(t("book.ref.not_in_book", book=book, number=p.number,
                                   name=p.name.text), path=str(book))  # fmt: skip
            parts.append(PAGE_TEXT.format(page=entry[1]))
        if remarks.get(p.number):
            parts.append(remarks[p.number])
        if parts:
            out[p.number] = " ".join(parts)
    return out
