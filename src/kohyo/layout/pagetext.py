"""Header and footer text of a printed sheet, built once for every writer.

A look's ``header``/``footer`` is a template with ``{area}``, ``{number}``, ``{name}``,
``{sheet}`` (and, on a town's workbook, ``{town}``, ``{date}``, ``{date_wareki}``). The
values come from data, so each is cleaned like cell text, kept on one line, and its ``&``
doubled: in a header ``&`` starts a code (``&P`` is the page number). Excel ignores a
header longer than 255 characters, so the text is cut there, never between the two
characters of an escape.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

from kohyo.layout.text import clean_text

if TYPE_CHECKING:
    from xlsxwriter.worksheet import Worksheet

    from kohyo.config import Config
    from kohyo.model.project import Project

MAX_PAGE_TEXT = 255  # Excel ignores a longer header or footer
MAX_NAME = 60  # a longer project name is cut, with …


@functools.lru_cache(maxsize=1 << 12)  # the same area, town and 個表 on many sheets
def _field(value: str) -> str:
    return clean_text(value)[0].replace("\n", " ").replace("&", "&&")


def page_text(template: str, **fields: str) -> str:
    """*template* filled with *fields*: cleaned, one line, ``&`` escaped, ≤ 255 characters."""
    name = fields.get("name", "")
    if len(name) > MAX_NAME:
        fields["name"] = name[: MAX_NAME - 1] + "…"
    text = template.format(**{k: _field(v) for k, v in fields.items()})
    if len(text) > MAX_PAGE_TEXT:
        text = text[:MAX_PAGE_TEXT]
        # never end on half of an escape (&&) or a code (&P)
        trailing = len(text) - len(text.rstrip("&"))
        if trailing % 2:
            text = text[:-1]
    return text


def sheet_fields(project: Project, config: Config, sheet_name: str) -> dict[str, str]:
    """The fields a 個表's own header and footer may use."""
    number = "" if project.number is None else str(project.number)
    return {"area": config.area.name, "number": number, "name": project.name.text,
            "sheet": sheet_name}  # fmt: skip


def sheet_page_text(template: str, project: Project, config: Config, sheet_name: str) -> str:
    """A 個表's header or footer from *template* (the look's ``header``/``footer``)."""
    return page_text(template, **sheet_fields(project, config, sheet_name))


def set_page_texts(
    ws: Worksheet, header: str, footer: str, margins_cm: tuple[float, float], **fields: str
) -> None:
    """Header and footer from templates (an empty template leaves the sheet's own as it is)."""
    cm = 1 / 2.54
    if header:
        ws.set_header(page_text(header, **fields), {"margin": margins_cm[0] * cm})
    if footer:
        ws.set_footer(page_text(footer, **fields), {"margin": margins_cm[1] * cm})
