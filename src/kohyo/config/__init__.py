"""config.toml: every area-specific fact, loaded into one typed, validated object.

This module holds what a Config *is* (the typed settings) and where config.toml is
found; :mod:`kohyo.config.sections` reads and checks each table of it.

No place name, fiscal year or path is hard-coded elsewhere; another area works
by editing config.toml alone. Relative paths are resolved against the config
file's folder, so commands work from any current directory.
"""

from __future__ import annotations

import fnmatch
import tomllib
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from kohyo.errors import ConfigError
from kohyo.messages import t

WINDOWS_FORBIDDEN = set('<>:"/\\|?*')


@dataclass(frozen=True)
class Area:
    """The collaboration area: its name, its central city and every municipality (``[area]``)."""

    name: str
    short_name: str
    central_city: str
    municipalities: tuple[str, ...]
    all_label: str = "全市町村"
    partner_label: str = "連携町村"

    @property
    def partners(self) -> tuple[str, ...]:
        return tuple(m for m in self.municipalities if m != self.central_city)


@dataclass(frozen=True)
class Plan:
    """The vision's fiscal years, money unit and KPI target year (``[plan]``)."""

    fiscal_years: tuple[int, ...]
    unit: str = "千円"
    target_year: int | None = None

    @property
    def kpi_target_year(self) -> int:
        return self.target_year if self.target_year is not None else self.fiscal_years[-1]


@dataclass(frozen=True)
class Paths:
    """The master, the output folder and the backup folder (``[paths]``)."""

    master: Path
    output_dir: Path
    backup_dir: Path


@dataclass(frozen=True)
class RefreshSettings:
    """What ``kohyo refresh`` keeps and does after writing (``[refresh]``)."""

    backups_keep: int = 10
    distribute: bool = True


@dataclass(frozen=True)
class SummarySettings:
    """The 総括表: its sheet name and where it stands (``[summary]``)."""

    sheet_name: str = "総括表"
    # "auto" (just before the first 個表, so after a 表紙 or 目次), "first", "last",
    # or a 1-based position as staff count
    position: str | int = "auto"

    @property
    def index(self) -> str | int:
        """The position as the writers take it: "auto", "first", "last" or a 0-based index."""
        return self.position - 1 if isinstance(self.position, int) else self.position


DEFAULT_SKIP = ("記入例", "入力例", "例", "様式*", "表紙", "目次", "説明*", "作成要領*")


@dataclass(frozen=True)
class SheetsSettings:
    """Which sheets are 個表: names that never are (fnmatch patterns), and hidden sheets."""

    skip: tuple[str, ...] = DEFAULT_SKIP
    hidden: str = "exclude"  # "exclude": validated, kept out of every output; "include"

    def skip_pattern(self, sheet_name: str) -> str | None:
        """The pattern in ``skip`` that *sheet_name* matches (both NFKC-normalised), or None."""
        name = _nfkc(sheet_name)
        return next((p for p in self.skip if fnmatch.fnmatchcase(name, _nfkc(p))), None)


@dataclass(frozen=True)
class Limits:
    """The largest workbook kohyo opens (``[limits]``); a bigger one is refused."""

    max_file_bytes: int = 50 * 2**20
    max_uncompressed_bytes: int = 300 * 2**20
    max_members: int = 20000
    max_compression_ratio: float = 200.0
    max_cells_per_sheet: int = 50_000
    max_cells_per_file: int = 1_000_000


@dataclass(frozen=True)
class DistributionSettings:
    """How the towns' workbooks and their folder are named, and whether PDFs go with them
    (``[distribution]``)."""

    filename_pattern: str = "{area}_{town}_個表_{date}.xlsx"
    folder_pattern: str = "配布_{date}"
    pdf: bool = False


@dataclass(frozen=True)
class BookSettings:
    """The vision's booklet of every 個表 (資料2-3, ``kohyo book``)."""

    first_page: int = 1  # the number of the printed 資料's first page
    front_pages: int = 0  # pages of the 資料 before the booklet (printed elsewhere)
    cover: bool = True  # a 表紙 page
    contents: bool = True  # a 目次 page (or more)
    reference_label: str = "資料の掲載ページ等"  # the overview's column heading
    filename_pattern: str = "{area}_個表集_{date}.xlsx"
    folder_pattern: str = "個表集_{date}"
    remarks: Path | None = None  # number -> remark for the overview's column (remarks.toml)
    remarks_required: bool = False  # named in config.toml: a missing file is an error

    @property
    def start_page(self) -> int:
        """The printed number of the booklet's own first page."""
        return self.first_page + self.front_pages


@dataclass(frozen=True)
class Recipients:
    """One town's mail addresses (``[mail.recipients.<town>]``)."""

    to: tuple[str, ...]
    cc: tuple[str, ...] = ()


@dataclass(frozen=True)
class MailSettings:
    """The sender, the SMTP server and each town's addresses (``[mail]``)."""

    sender: str = ""
    signature: str = ""
    smtp_host: str = "localhost"
    smtp_port: int = 587
    security: str = "starttls"
    username: str = ""
    password_env: str = "KOHYO_SMTP_PASSWORD"
    max_attachment_bytes: int = 10 * 2**20
    outbox_dir: Path | None = None
    ca_file: Path | None = None  # a private CA / self-signed server certificate (PEM)
    recipients: dict[str, Recipients] = field(default_factory=dict)


EDITABLE_FIELDS = ("costs", "roles", "kpi_current", "kpi_target", "notes", "content", "effect")
"""What a partner town's returned workbook may change (``[collect] editable``)."""


@dataclass(frozen=True)
class CollectSettings:
    """What a town's returned workbook may change (``[collect]``)."""

    editable: tuple[str, ...] = ("costs", "roles", "kpi_current", "notes")
    key_file: str = ".kohyo-collect.key"  # beside config.toml; never distributed


@dataclass(frozen=True)
class Config:
    """Everything config.toml says, typed and checked (:func:`load_config`)."""

    path: Path
    area: Area
    plan: Plan
    paths: Paths
    refresh: RefreshSettings
    summary: SummarySettings
    limits: Limits
    distribution: DistributionSettings
    mail: MailSettings
    sheets: SheetsSettings = field(default_factory=SheetsSettings)
    book: BookSettings = field(default_factory=BookSettings)
    collect: CollectSettings = field(default_factory=CollectSettings)

    @property
    def base_dir(self) -> Path:
        return self.path.parent


CONFIG_NAME = "config.toml"


def config_places(master: str | Path | None = None, cwd: Path | None = None) -> list[Path]:
    """Where a config.toml is looked for, in order: the current folder, then the master's
    folder and each folder above it (without a master: the folders above the current one)."""
    here = (cwd or Path.cwd()).resolve()
    start = Path(master).resolve().parent if master is not None else here
    folders = [here, start, *start.parents]
    seen: list[Path] = []
    for folder in folders:
        if folder not in seen:
            seen.append(folder)
    return [folder / CONFIG_NAME for folder in seen]


def find_config(master: str | Path | None = None, cwd: Path | None = None) -> Path:
    """The first config.toml of :func:`config_places`; ConfigError listing them all if none."""
    places = config_places(master, cwd)
    found = next((p for p in places if p.is_file()), None)
    if found is None:
        listed = t("list.separator").join(str(p) for p in places)  # one line, as every refusal is
        raise ConfigError(t("config.not_found", places=listed), path=str(places[0]))
    return found


def load_config(path: str | Path) -> Config:
    """Read and validate *path*; raise ConfigError naming the key and the problem."""
    p = Path(path)
    if not p.exists():
        raise ConfigError(t("config.missing", path=p), path=str(p))
    if p.is_dir():
        raise ConfigError(t("config.is_dir", path=p), path=str(p))
    try:
        raw = tomllib.loads(p.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise ConfigError(t("config.not_utf8", path=p), path=str(p)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(t("config.syntax", path=p, detail=exc), path=str(p)) from None
    except OSError as exc:
        raise ConfigError(
            t("config.unreadable", path=p, reason=exc.strerror), path=str(p)
        ) from None
    from kohyo.config.sections import build_config  # the validating reader, on use

    return build_config(p.resolve(), raw)


def _nfkc(s: str) -> str:
    return unicodedata.normalize("NFKC", s).strip()
