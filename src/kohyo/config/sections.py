"""Reading config.toml table by table: typed access with errors that name the full key.

:func:`build_config` turns the parsed TOML into a :class:`kohyo.config.Config`; each
``_<table>`` function reads and checks one table. Every message names the file and key.
"""

from __future__ import annotations

import math
import string
from pathlib import Path
from typing import Any

from kohyo.config import (
    DEFAULT_SKIP,
    EDITABLE_FIELDS,
    WINDOWS_FORBIDDEN,
    Area,
    BookSettings,
    CollectSettings,
    Config,
    DistributionSettings,
    Limits,
    MailSettings,
    Paths,
    Plan,
    Recipients,
    RefreshSettings,
    SheetsSettings,
    SummarySettings,
    _nfkc,
)
from kohyo.errors import ConfigError
from kohyo.messages import t
from kohyo.model.chars import codepoints, unsafe_in_name, visible
from kohyo.model.excel import sheet_name_problem


class _Reader:
    """Typed access to one TOML table, with errors that name the full key."""

    def __init__(self, cfg_path: Path, table: dict[str, Any], prefix: str) -> None:
        self.cfg_path = cfg_path
        self.table = table
        self.prefix = prefix

    def fail(self, key: str, problem: str, **fields: object) -> ConfigError:
        """The error for *key*; *problem* is a message key filled with *fields*."""
        return ConfigError(
            t(
                "config.bad_value",
                path=self.cfg_path,
                key=f"{self.prefix}{key}",
                problem=t(problem, **fields),
            ),
            path=str(self.cfg_path),
        )

    def get(self, key: str, kind: type | tuple[type, ...], default: Any = ...) -> Any:
        if key not in self.table:
            if default is ...:
                raise self.fail(key, "config.required")
            return default
        value = self.table[key]
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if isinstance(value, bool) and bool not in kinds:  # bool is an int to isinstance
            raise self.fail(key, "config.wrong_type", kind=_kind_ja(kind), value=repr(value))
        if not isinstance(value, kind):
            raise self.fail(key, "config.wrong_type", kind=_kind_ja(kind), value=repr(value))
        return value

    def text(self, key: str, default: Any = ...) -> str:
        value = self.get(key, str, default)
        if isinstance(value, str) and not value.strip() and default is ...:
            raise self.fail(key, "config.empty")
        return value

    def name(self, key: str, default: Any = ...) -> str:
        """Text that goes into a file name, a sheet name or a mail header."""
        value = self.text(key, default)
        self.refuse_controls(key, value)
        return value

    def refuse_controls(self, key: str, value: str) -> None:
        bad = unsafe_in_name(value)
        if bad:
            raise self.fail(
                key, "config.control_chars", chars=codepoints(bad), value=visible(value)
            )

    def positive_number(self, key: str, default: float) -> float:
        value = self.get(key, (int, float), default)
        if not 0 < value < math.inf:  # also refuses nan and inf, which TOML allows
            raise self.fail(key, "config.not_positive", value=value)
        return float(value)

    def sub(self, key: str) -> _Reader:
        value = self.get(key, dict, {})
        return _Reader(self.cfg_path, value, f"{self.prefix}{key}.")


def _kind_ja(kind: type | tuple[type, ...]) -> str:
    names = {str: "str", int: "int", float: "float", bool: "bool", list: "list", dict: "dict"}
    kinds = kind if isinstance(kind, tuple) else (kind,)
    return t("config.kind.or").join(
        t(f"config.kind.{names[k]}") if k in names else k.__name__ for k in kinds
    )


def build_config(cfg_path: Path, raw: dict[str, Any]) -> Config:
    root = _Reader(cfg_path, raw, "")
    base = cfg_path.parent
    area = _area(root.sub("area"))
    plan = _plan(root.sub("plan"))
    paths_t = root.sub("paths")
    paths = Paths(
        master=base / paths_t.text("master", "workbooks/master.xlsx"),
        output_dir=base / paths_t.text("output_dir", "out"),
        backup_dir=base / paths_t.text("backup_dir", "workbooks/backup"),
    )
    ref = root.sub("refresh")
    keep = ref.get("backups_keep", int, 10)
    if keep < 1:
        raise ref.fail("backups_keep", "config.at_least_one", value=keep)
    refresh = RefreshSettings(backups_keep=keep, distribute=ref.get("distribute", bool, True))
    summary = _summary(root.sub("summary"), area)
    lim = root.sub("limits")
    limits = Limits(
        max_file_bytes=int(lim.positive_number("max_file_mb", 50) * 2**20),
        max_uncompressed_bytes=int(lim.positive_number("max_uncompressed_mb", 300) * 2**20),
        max_members=int(lim.positive_number("max_members", 20000)),
        max_compression_ratio=lim.positive_number("max_compression_ratio", 200),
        max_cells_per_sheet=int(lim.positive_number("max_cells_per_sheet", 50_000)),
        max_cells_per_file=int(lim.positive_number("max_cells_per_file", 1_000_000)),
    )
    dist = root.sub("distribution")
    distribution = DistributionSettings(
        filename_pattern=_per_town_pattern(
            dist, "filename_pattern", "{area}_{town}_個表_{date}.xlsx"
        ),
        folder_pattern=_pattern(dist, "folder_pattern", "配布_{date}"),
        pdf=dist.get("pdf", bool, False),
    )
    mail = _mail(root.sub("mail"), area, base)
    sheets = _sheets(root.sub("sheets"))
    book = _book(root.sub("book"), base)
    collect = _collect(root.sub("collect"))
    return Config(
        cfg_path,
        area,
        plan,
        paths,
        refresh,
        summary,
        limits,
        distribution,
        mail,
        sheets,
        book,
        collect,
    )


def _sheets(t: _Reader) -> SheetsSettings:
    skip = t.get("skip", list, list(DEFAULT_SKIP))
    for i, pattern in enumerate(skip):
        if not isinstance(pattern, str) or not pattern.strip():
            raise t.fail("skip", "config.skip.bad", index=i + 1, value=repr(pattern))
    hidden = t.text("hidden", "exclude")
    if hidden not in ("exclude", "include"):
        raise t.fail("hidden", "config.hidden.bad", value=repr(hidden))
    return SheetsSettings(skip=tuple(skip), hidden=hidden)


def _book(r: _Reader, base: Path) -> BookSettings:
    first = r.get("first_page", int, 1)
    if not 1 <= first <= 9999:
        raise r.fail("first_page", "config.book.page_range", value=first, low=1)
    front = r.get("front_pages", int, 0)
    if not 0 <= front <= 9999:
        raise r.fail("front_pages", "config.book.page_range", value=front, low=0)
    label = r.name("reference_label", "資料の掲載ページ等").strip()
    if not label:
        raise r.fail("reference_label", "config.book.empty")
    filename = _book_pattern(r, "filename_pattern", "{area}_個表集_{date}.xlsx")
    if not filename.lower().endswith(".xlsx"):
        raise r.fail("filename_pattern", "config.book.xlsx", value=repr(filename))
    remarks = r.text("remarks", "")
    remarks_path = base / (remarks.strip() or "remarks.toml")
    return BookSettings(
        first_page=first,
        front_pages=front,
        cover=r.get("cover", bool, True),
        contents=r.get("contents", bool, True),
        reference_label=label,
        filename_pattern=filename,
        folder_pattern=_book_pattern(r, "folder_pattern", "個表集_{date}"),
        remarks=remarks_path,
        remarks_required=bool(remarks.strip()),
    )


def _collect(r: _Reader) -> CollectSettings:
    editable = r.get("editable", list, list(CollectSettings.editable))
    unknown = [e for e in editable if e not in EDITABLE_FIELDS]
    if unknown or not all(isinstance(e, str) for e in editable):
        raise r.fail("editable", "config.collect.editable", value=repr(unknown or editable),
                     known=", ".join(EDITABLE_FIELDS))  # fmt: skip
    return CollectSettings(
        editable=tuple(editable), key_file=r.name("key_file", ".kohyo-collect.key")
    )


def _area(t: _Reader) -> Area:
    munis_raw = t.get("municipalities", list)
    if not munis_raw:
        raise t.fail("municipalities", "config.municipalities.none")
    munis: list[str] = []
    for i, m in enumerate(munis_raw):
        if not isinstance(m, str) or not m.strip():
            raise t.fail(
                "municipalities", "config.municipalities.not_text", index=i + 1, value=repr(m)
            )
        t.refuse_controls("municipalities", m)
        name = _nfkc(m)
        bad = sorted(set(name) & WINDOWS_FORBIDDEN)
        if bad:
            raise t.fail(
                "municipalities", "config.municipalities.bad_chars", name=name, chars="".join(bad)
            )
        if name in munis:
            raise t.fail("municipalities", "config.municipalities.duplicate", name=name)
        munis.append(name)
    central = _nfkc(t.name("central_city"))
    if central not in munis:
        raise t.fail("central_city", "config.central_city.unknown", name=central)
    all_label = _nfkc(t.name("all_label", "全市町村"))
    partner_label = _nfkc(t.name("partner_label", "連携町村"))
    for key, label in (("all_label", all_label), ("partner_label", partner_label)):
        if label in munis:
            raise t.fail(key, "config.label.is_municipality", label=label)
    name = t.name("name")
    return Area(
        name=name.strip(),
        short_name=t.name("short_name", name).strip(),
        central_city=central,
        municipalities=tuple(munis),
        all_label=all_label,
        partner_label=partner_label,
    )


def _plan(t: _Reader) -> Plan:
    years = t.get("fiscal_years", list)
    if not years or not all(isinstance(y, int) and not isinstance(y, bool) for y in years):
        raise t.fail("fiscal_years", "config.years.not_ints", value=repr(years))
    if any(y < 1989 or y > 2200 for y in years):
        raise t.fail("fiscal_years", "config.years.not_western", value=repr(years))
    if sorted(set(years)) != list(years):
        raise t.fail("fiscal_years", "config.years.order", value=repr(years))
    target = t.get("target_year", int, None)
    if target is not None and target < years[0]:
        raise t.fail("target_year", "config.target_year.early", value=target)
    return Plan(fiscal_years=tuple(years), unit=t.text("unit", "千円"), target_year=target)


def _summary(t: _Reader, area: Area) -> SummarySettings:
    name = t.name("sheet_name", "総括表").strip()
    problem = sheet_name_problem(name)
    if problem is not None:
        raise t.fail("sheet_name", "config.sheet_name.bad", name=name, reason=problem)
    position = t.get("position", (str, int), "auto")
    if isinstance(position, str) and position not in ("auto", "first", "last"):
        raise t.fail("position", "config.position.bad", value=repr(position))
    if isinstance(position, int) and position < 1:
        raise t.fail("position", "config.at_least_one", value=position)
    return SummarySettings(sheet_name=name, position=position)


def _pattern(t: _Reader, key: str, default: str) -> str:
    pattern = t.name(key, default)
    try:
        pattern.format(area="a", town="t", date="d", number="1")
    except (KeyError, IndexError, ValueError) as exc:
        raise t.fail(key, "config.pattern.bad", reason=exc) from None
    return pattern


def _per_town_pattern(r: _Reader, key: str, default: str) -> str:
    """A file name pattern that gives each municipality its own name (so never the master's)."""
    pattern = _pattern(r, key, default)
    if "town" not in {field for _, field, _, _ in string.Formatter().parse(pattern)}:
        raise r.fail(key, "config.filename_pattern_no_town")
    return pattern


def _book_pattern(r: _Reader, key: str, default: str) -> str:
    pattern = r.name(key, default)
    try:
        pattern.format(area="a", date="d")
    except (KeyError, IndexError, ValueError) as exc:
        raise r.fail(key, "config.book.pattern", reason=exc) from None
    return pattern


def _mail(t: _Reader, area: Area, base: Path) -> MailSettings:
    security = t.text("security", "starttls")
    if security not in ("starttls", "ssl", "none"):
        raise t.fail("security", "config.security.bad", value=repr(security))
    if "password" in t.table:
        raise t.fail("password", "config.password.forbidden")
    port = t.get("smtp_port", int, 587)
    if not 0 < port < 65536:
        raise t.fail("smtp_port", "config.port.bad", value=port)
    recipients: dict[str, Recipients] = {}
    rec_t = t.sub("recipients")
    for town, entry in rec_t.table.items():
        key = _nfkc(town)
        if key not in area.municipalities:
            raise rec_t.fail(visible(town), "config.recipients.unknown", town=visible(town))
        if not isinstance(entry, dict):
            raise rec_t.fail(town, "config.recipients.not_table")
        sub = rec_t.sub(town)
        to = sub.get("to", list, [])
        cc = sub.get("cc", list, [])
        for k, addrs in (("to", to), ("cc", cc)):
            for a in addrs:
                if isinstance(a, str):
                    sub.refuse_controls(k, a)
                if not isinstance(a, str) or "@" not in a or any(c.isspace() for c in a.strip()):
                    raise sub.fail(k, "config.address.bad", value=repr(a))
        recipients[key] = Recipients(
            to=tuple(a.strip() for a in to), cc=tuple(a.strip() for a in cc)
        )
    outbox = t.text("outbox_dir", "out/outbox")
    ca_file = t.text("ca_file", "")
    return MailSettings(
        sender=t.name("sender", ""),
        signature=t.text("signature", "").strip("\n"),
        smtp_host=t.text("smtp_host", "localhost"),
        smtp_port=port,
        security=security,
        username=t.text("username", ""),
        password_env=t.text("password_env", "KOHYO_SMTP_PASSWORD"),
        max_attachment_bytes=int(t.positive_number("max_attachment_mb", 10) * 2**20),
        outbox_dir=base / outbox,
        ca_file=(base / ca_file) if ca_file else None,
        recipients=recipients,
    )
