"""The change overview (変更案の概要): a ChangeOverview laid out like the seed document,
rendered to HTML and Markdown from jinja2 templates and to an xlsx. I/O edge.

The layout (which rows a 個表 has, what each change says) is built once, as a small
view model, in :mod:`kohyo.overview.view`; the templates only place it on the page,
so staff can restyle the templates ``overview/*.j2`` (an area's own copy in
``templates/overview/`` beside config.toml, see :mod:`kohyo.templates_lookup`) without
touching the wording rules.
The xlsx is written by :mod:`kohyo.overview.xlsx`.
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import jinja2
from markupsafe import Markup, escape

from kohyo import __version__
from kohyo.check.findings import Finding, Report
from kohyo.config import Config
from kohyo.errors import KohyoError, WriteError
from kohyo.files.atomic import check_not_input, write_atomically
from kohyo.layout.look import SheetLook, load_look
from kohyo.messages import t
from kohyo.model.chars import strip_unsafe_text
from kohyo.model.project import Master
from kohyo.overview.compare import ChangeOverview, blocking_findings, compare_masters
from kohyo.overview.markdown import md_escape
from kohyo.overview.view import OverviewView, build_view
from kohyo.overview.xlsx import write_overview_xlsx
from kohyo.read.master import check_master
from kohyo.templates_lookup import template_loader, template_path

TEMPLATE_FOLDER = "overview"
TEMPLATES = {"overview.html": "overview.html.j2", "overview.md": "overview.md.j2"}
__all__ = ["md_escape", "render_change_overview", "write_change_overview"]


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


def _template_paths(config: Config) -> dict[str, Path]:
    """Each overview template's file, resolved before anything is rendered."""
    return {t: template_path(config, f"{TEMPLATE_FOLDER}/{t}") for t in TEMPLATES.values()}


_AUTOESCAPED = ("html.j2",)


def _environment(config: Config, cache: Path | None = None) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=template_loader(config, TEMPLATE_FOLDER),
        autoescape=jinja2.select_autoescape(enabled_extensions=_AUTOESCAPED, default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        finalize=_without_controls,
    )
    env.filters["br"] = lambda s: Markup("<br>").join(escape(x) for x in str(s).split("\n"))
    env.filters["md"] = md_escape
    env.bytecode_cache = _bytecode_cache(cache, env)
    return env


class _TemplateCache(jinja2.FileSystemBytecodeCache):
    """jinja2's cache of compiled templates in a folder: one file per template name, used
    only while the template's text is the one it was compiled from (an area that edits its
    own copy gets it compiled anew). Not keyed by the template's path, as jinja2 would: a
    master compared from many folders (tests, benchmarks) would leave a file for each; the
    same text found at another path reuses the code (whose tracebacks then name the first
    path). A folder that cannot be read or written costs a compile, never the command."""

    def get_bucket(
        self, environment: jinja2.Environment, name: str, filename: str | None, source: str
    ) -> jinja2.bccache.Bucket:
        return super().get_bucket(environment, name, None, source)

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except OSError:
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache(cache: Path | None, env: jinja2.Environment) -> jinja2.BytecodeCache | None:
    """The overview templates' compiled code kept under *cache* (``kohyo diff``: the user's
    cache folder), so a later run skips compiling them; None: compiled every time.

    Compiled code also depends on the environment's settings and on the kohyo and jinja2
    that compiled it: each combination has its own folder, never another's code."""
    if cache is None:
        return None
    under = repr((__version__, jinja2.__version__, _AUTOESCAPED, env.trim_blocks,
                  env.lstrip_blocks, env.keep_trailing_newline, env.newline_sequence,
                  env.finalize is not None, env.undefined.__name__, sorted(env.filters)))  # fmt: skip
    folder = cache / f"overview-{hashlib.sha256(under.encode()).hexdigest()[:16]}"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return _TemplateCache(str(folder))


def _without_controls(value: object) -> object:
    """Every value a template prints, without control or bidi characters (model/chars.py)."""
    if isinstance(value, str):
        return type(value)(strip_unsafe_text(value))  # Markup stays Markup
    return value


def render_change_overview(
    ov: ChangeOverview,
    config: Config,
    references: dict[int, str] | None = None,
    *,
    template_cache: Path | None = None,
) -> dict[str, str]:
    """File name -> text, for the HTML and the Markdown overview; *references* fill the new
    projects' 資料の掲載ページ等 column (:func:`kohyo.book.reference.reference_texts`).
    *template_cache*: a folder to keep the compiled templates in (see :func:`_bytecode_cache`)."""
    view = build_view(ov, config, kohyo_look(config), references)
    return _render(view, config, template_cache)


def _render(view: OverviewView, config: Config, template_cache: Path | None) -> dict[str, str]:
    paths = _template_paths(config)
    env = _environment(config, template_cache)
    out = {}
    for name, template in TEMPLATES.items():
        try:
            out[name] = env.get_template(template).render(v=view, today=date.today())
        except jinja2.TemplateError as exc:
            syntax = isinstance(exc, jinja2.TemplateSyntaxError)
            where = t("overview.template.line", line=getattr(exc, "lineno", "?")) if syntax else ""
            raise KohyoError(
                t(
                    "overview.template.error",
                    path=paths[template],
                    where=where,
                    detail=exc,
                )
            ) from None
    return out


def kohyo_look(config: Config) -> SheetLook:
    """The 個表 look (``templates/kohyo_sheet.toml``) the overview's tables are laid out with."""
    return load_look(template_path(config, "kohyo_sheet.toml"))


def default_out_dir(config: Config, today: date | None = None) -> Path:
    return config.paths.output_dir / f"変更概要_{(today or date.today()):%Y%m%d}"


def write_change_overview(
    ov: ChangeOverview,
    out_dir: Path,
    config: Config,
    references: dict[int, str] | None = None,
    *,
    inputs: Sequence[Path] = (),
    template_cache: Path | None = None,
) -> list[Path]:
    """Write overview.html, overview.md and overview.xlsx into *out_dir*; return their paths.

    None of them may replace one of *inputs* (the masters compared): WriteError, nothing written.
    *template_cache* as for :func:`render_change_overview`.
    """
    for name in (*TEMPLATES, "overview.xlsx"):
        check_not_input(out_dir / name, inputs)
    view = build_view(ov, config, kohyo_look(config), references)  # one view for all three
    texts = _render(view, config, template_cache)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(t("overview.no_folder", path=out_dir, reason=exc.strerror)) from None
    written = [_replace(out_dir / name, _text_writer(text)) for name, text in texts.items()]
    written.append(_replace(out_dir / "overview.xlsx", lambda tmp: write_overview_xlsx(view, tmp)))
    return written


def _text_writer(text: str) -> Callable[[Path], None]:
    def write(tmp: Path) -> None:
        tmp.write_text(text, encoding="utf-8")

    return write


def _replace(target: Path, write: Callable[[Path], None]) -> Path:
    """Write beside *target*, then swap it in: a reader never sees half a file."""
    try:
        return write_atomically(target, write)
    except OSError as exc:
        raise WriteError(t("overview.cannot_write", path=target, reason=exc.strerror)) from None
