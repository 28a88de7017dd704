"""The change overview (変更案の概要): a ChangeOverview laid out like the seed document,
rendered to HTML and Markdown from jinja2 templates and to an xlsx. I/O edge.

The layout (which rows a 個表 has, what each change says) is built once, as a small
view model, in :mod:`kohyo.overview.view`; the templates only place it on the page,
so staff can restyle ``templates/overview/*.j2`` without touching the wording rules.
The xlsx is written by :mod:`kohyo.overview.xlsx`.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

from kohyo.check.findings import Finding, Report
from kohyo.config import Config
from kohyo.errors import KohyoError, WriteError
from kohyo.model.project import Master
from kohyo.overview.compare import ChangeOverview, blocking_findings, compare_masters
from kohyo.overview.view import build_view
from kohyo.overview.xlsx import write_overview_xlsx
from kohyo.read.master import check_master

TEMPLATE_FOLDER = ("templates", "overview")
TEMPLATES = {"overview.html": "overview.html.j2", "overview.md": "overview.md.j2"}


@dataclass
class Comparison:
    """Both masters as read and checked, and the overview unless one cannot be compared."""

    old: Master
    new: Master
    old_report: Report
    new_report: Report
    overview: ChangeOverview | None
    allow_errors: bool = True

    @property
    def old_blockers(self) -> list[Finding]:
        return self._blockers(self.old_report)

    @property
    def new_blockers(self) -> list[Finding]:
        return self._blockers(self.new_report)

    def _blockers(self, report: Report) -> list[Finding]:
        if self.allow_errors:
            return blocking_findings(report)
        return [f for f in report.findings if f.severity == "error"]


def compare_files(
    old_path: str | Path, new_path: str | Path, config: Config, *, allow_errors: bool = True
) -> Comparison:
    """Read and check both masters; compare them unless either cannot be compared: one with
    errors (unless *allow_errors*), or one whose errors make a comparison meaningless."""
    old, old_report = check_master(old_path, config)
    new, new_report = check_master(new_path, config)
    result = Comparison(old, new, old_report, new_report, None, allow_errors)
    if not (result.old_blockers or result.new_blockers):
        result.overview = compare_masters(old, new, config)
    return result


def template_dir(config: Config) -> Path:
    return config.base_dir.joinpath(*TEMPLATE_FOLDER)


def _environment(folder: Path) -> jinja2.Environment:
    missing = [t for t in TEMPLATES.values() if not (folder / t).is_file()]
    if missing:
        raise KohyoError(
            f"変更概要のテンプレートが見つかりません: {folder / missing[0]}"
            "（config.toml と同じフォルダーの templates/overview/ に置いてください）",
            path=str(folder),
        )
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder), encoding="utf-8"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["br"] = lambda s: Markup("<br>").join(escape(x) for x in str(s).split("\n"))
    env.filters["md"] = md_escape
    return env


# Markdown syntax a cell's text must not carry live into overview.md: emphasis, code, tables,
# autolinks and raw HTML (<…>), entities (&lt;), and links or images: a "]" directly before
# "(", "[" or ":" ([…](…), ![…](…), […][…], […]: …); a bracket alone ([現在]) stays as typed.
# A backslash makes any of them literal (CommonMark §2.4); no HTML escaping, which a
# Markdown reader would show as "&lt;".
_MD_SPECIAL = re.compile(r"[\\`*_~|<>&]|\](?=[(\[:])")
_MD_BLOCK_START = re.compile(r"^(?=[#+=-])|^(\d+)(?=[.)])")  # a heading, list or rule


def md_escape(text: object) -> str:
    """Text safe inside a Markdown table cell, heading or list item (one line)."""
    out = _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), str(text))
    out = _MD_BLOCK_START.sub(lambda m: (m.group(1) or "") + "\\", out, count=1)
    return out.replace("\n", "<br>")


def render_change_overview(ov: ChangeOverview, config: Config) -> dict[str, str]:
    """File name -> text, for the HTML and the Markdown overview."""
    env = _environment(template_dir(config))
    view = build_view(ov, config)
    out = {}
    for name, template in TEMPLATES.items():
        try:
            out[name] = env.get_template(template).render(v=view, today=date.today())
        except jinja2.TemplateError as exc:
            where = f"（{exc.lineno} 行目）" if isinstance(exc, jinja2.TemplateSyntaxError) else ""
            raise KohyoError(
                f"テンプレート {template_dir(config) / template} に誤りがあります{where}: {exc}"
            ) from None
    return out


def default_out_dir(config: Config, today: date | None = None) -> Path:
    return config.paths.output_dir / f"変更概要_{(today or date.today()):%Y%m%d}"


def write_change_overview(ov: ChangeOverview, out_dir: Path, config: Config) -> list[Path]:
    """Write overview.html, overview.md and overview.xlsx into *out_dir*; return their paths."""
    texts = render_change_overview(ov, config)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(f"出力先のフォルダーを作れません: {out_dir}: {exc.strerror}") from None
    written = []
    for name, text in texts.items():
        written.append(
            _replace(out_dir / name, lambda tmp, t=text: tmp.write_text(t, encoding="utf-8"))
        )
    view = build_view(ov, config)
    written.append(_replace(out_dir / "overview.xlsx", lambda tmp: write_overview_xlsx(view, tmp)))
    return written


def _replace(target: Path, write: Any) -> Path:
    """Write beside *target*, then swap it in: a reader never sees half a file."""
    tmp = target.with_name(f".{target.stem}.{os.getpid()}.tmp{target.suffix}")
    try:
        write(tmp)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise WriteError(
            f"{target} を書き込めません（{exc.strerror}）。Excel などで開いていれば閉じてから、"
            "もう一度実行してください"
        ) from None
    return target
