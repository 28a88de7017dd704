"""Where each template comes from: the area's own copy, else the one kohyo ships.

Every template (the looks, the new-個表 pattern, the mail and overview text) is found
here and nowhere else. An area overrides any one of them by putting a file at the same
relative path in ``templates/`` beside its config.toml; whatever it does not override
comes from the package ``kohyo.templates`` (the repository's ``templates/`` folder,
shipped in the wheel). docs/templates.md lists them for staff.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path
from typing import TYPE_CHECKING

from kohyo.config import Config
from kohyo.errors import ConfigError
from kohyo.messages import t

if TYPE_CHECKING:
    import jinja2

PACKAGE = "kohyo.templates"
AREA_FOLDER = "templates"  # beside config.toml

# Every template kohyo reads, by its path under templates/ (always with "/"), and what it is.
TEMPLATES: dict[str, str] = {
    "kohyo_sheet.toml": "個表の書式 (look of a 個表 sheet)",
    "cover_sheet.toml": "配布用ブックの一覧の書式 (look of the distributed cover sheet)",
    "summary.toml": "総括表の書式 (look of the 総括表)",
    "new_kohyo.toml": "新しい個表のひな形 (what `kohyo new` starts from)",
    "book.toml": "個表集の表紙・目次の書式 (look of the booklet's cover and contents)",
    "mail/subject.j2": "メールの件名 (mail subject)",
    "mail/body.j2": "メールの本文 (mail body)",
    "overview/overview.html.j2": "変更概要 HTML (change overview, HTML)",
    "overview/overview.md.j2": "変更概要 Markdown (change overview, Markdown)",
    "history/summary.md.j2": "具体的取組の推移 Markdown (history summary, Markdown)",
}


def template_path(config: Config, name: str) -> Path:
    """The file to read for template *name*: the area's own if it has one, else kohyo's.

    An override that exists but is not a file (a folder, a broken link) is an error
    naming it rather than silently ignored.
    """
    own = area_template_path(config.base_dir, name)
    if own.is_file():
        return own
    if own.exists() or own.is_symlink():
        raise ConfigError(t("templates.not_a_file", path=own), path=str(own))
    return packaged_template_path(name)


def area_template_path(area_dir: Path, name: str) -> Path:
    """Where an area keeps its own copy of template *name* (which need not exist)."""
    return area_dir / AREA_FOLDER / Path(*_known(name).split("/"))


def packaged_template_path(name: str) -> Path:
    """kohyo's default for template *name*, from the installed package."""
    parts = _known(name).split("/")
    try:
        root = importlib.resources.files(PACKAGE)
    except ModuleNotFoundError:  # an editable install made before templates/ was a package
        raise ConfigError(t("templates.default_missing", name=name, path=PACKAGE)) from None
    # A wheel is installed unpacked (pip never imports from a zip), so this is a real path.
    path = Path(str(root.joinpath(*parts)))
    if not path.is_file():
        raise ConfigError(t("templates.default_missing", name=name, path=path), path=str(path))
    return path


def template_loader(config: Config, folder: str) -> jinja2.BaseLoader:
    """A jinja2 loader for the templates under *folder* (``mail``, ``overview``), each
    looked up on its own, so an area may override one and keep kohyo's other."""
    import jinja2  # here, not at the top: the commands that only read looks skip its import

    def load(name: str) -> tuple[str, str, None] | None:
        if f"{folder}/{name}" not in TEMPLATES:
            return None  # e.g. an {% include %} of another file: jinja2's TemplateNotFound
        path = template_path(config, f"{folder}/{name}")
        try:
            return path.read_text(encoding="utf-8-sig"), str(path), None
        except UnicodeDecodeError:
            raise ConfigError(t("templates.not_utf8", path=path), path=str(path)) from None
        except OSError as exc:
            raise ConfigError(
                t("templates.unreadable", path=path, reason=exc.strerror), path=str(path)
            ) from None

    return jinja2.FunctionLoader(load)


def _known(name: str) -> str:
    if name not in TEMPLATES:
        raise ValueError(f"not a kohyo template: {name!r}")  # a bug in kohyo, not in the area
    return name
