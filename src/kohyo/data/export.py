"""Writing the tidy tables: CSV (UTF-8 with BOM, for Excel), xlsx, Parquet, JSON.

One file per table (one sheet per table for xlsx). pandas does the quoting and the
types; this module only chooses the encodings staff's tools need and writes each
file atomically, so a folder never holds half a table.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from kohyo.check.findings import Report
from kohyo.config import Config
from kohyo.errors import KohyoError, WriteError
from kohyo.files.atomic import write_atomically
from kohyo.messages import t
from kohyo.read.master import check_master

FORMATS = ("csv", "xlsx", "parquet", "json")

# XlsxWriter turns strings that look like formulas, URLs or numbers into those; data
# typed by staff is text and stays text (reliability.md, "Writing files other people open").
XLSX_OPTIONS = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}


def write_tables(
    tables: Iterable[tuple[str, pd.DataFrame]], out_dir: Path, fmt: str, book: str = "tables"
) -> list[Path]:
    """Write each (name, frame) to *out_dir* in *fmt* (xlsx: one book, *book*.xlsx, a sheet per
    table); return the files written."""
    if fmt not in FORMATS:
        raise KohyoError(t("export.format", fmt=fmt, formats=", ".join(FORMATS)))
    tables = list(tables)
    if fmt == "parquet":
        _require_pyarrow()
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise WriteError(t("export.folder", path=out_dir, reason=exc.strerror or exc)) from exc
    if fmt == "xlsx":
        target = out_dir / f"{book}.xlsx"
        write_file(target, lambda tmp: _write_xlsx(tables, tmp))
        return [target]
    written = []
    for name, df in tables:
        target = out_dir / f"{name}.{fmt}"
        write_file(target, functools.partial(_write_frame, WRITERS[fmt], df))
        written.append(target)
    return written


def read_csv_table(path: Path, dtypes: dict[str, str]) -> pd.DataFrame:
    """A CSV written by :func:`write_tables` read back with the table's dtypes."""
    return pd.read_csv(path, encoding="utf-8-sig", dtype=dtypes, keep_default_na=False,
                       na_values=[""])  # fmt: skip


def _write_frame(write: Callable[[pd.DataFrame, Path], None], df: pd.DataFrame, path: Path) -> None:
    write(df, path)


def _write_csv(df: pd.DataFrame, path: Path) -> None:
    # BOM: Excel on Windows reads a BOM-less CSV as Shift_JIS and shows mojibake.
    df.to_csv(path, index=False, encoding="utf-8-sig", lineterminator="\r\n")


def _write_json(df: pd.DataFrame, path: Path) -> None:
    df.to_json(path, orient="records", force_ascii=False, indent=1)


def _write_parquet(df: pd.DataFrame, path: Path) -> None:
    df.to_parquet(path, index=False, engine="pyarrow")


def _write_xlsx(tables: list[tuple[str, pd.DataFrame]], path: Path) -> None:
    with pd.ExcelWriter(path, engine="xlsxwriter",
                        engine_kwargs={"options": XLSX_OPTIONS}) as writer:  # fmt: skip
        for name, df in tables:
            df.to_excel(writer, sheet_name=name, index=False, freeze_panes=(1, 0))
            sheet = writer.sheets[name]
            for i, column in enumerate(df.columns):
                longest = max([len(str(column)), *(len(str(v)) for v in df[column].head(200))])
                sheet.set_column(i, i, min(60, max(8, longest * 1.6)))


WRITERS: dict[str, Callable[[pd.DataFrame, Path], None]] = {
    "csv": _write_csv,
    "json": _write_json,
    "parquet": _write_parquet,
}


def _require_pyarrow() -> None:
    try:
        import pyarrow  # noqa: F401
    except ImportError as exc:
        raise KohyoError(t("export.parquet_missing")) from exc


def write_file(target: Path, write: Callable[[Path], None], inputs: Iterable[Path] = ()) -> Path:
    """*write* fills a temporary file beside *target*, which then replaces it whole."""
    try:
        return write_atomically(target, write, inputs=inputs)
    except OSError as exc:
        raise WriteError(t("export.write", path=target, reason=exc.strerror or exc)) from exc


@dataclass
class ExportResult:
    """The master's findings and, unless it has errors, the files written."""

    report: Report
    files: list[Path] = field(default_factory=list)


def default_export_dir(config: Config, today: date | None = None) -> Path:
    return config.paths.output_dir / f"データ_{(today or date.today()):%Y%m%d}"


def export_master(
    path: Path, config: Config, fmt: str = "csv", out_dir: Path | None = None
) -> ExportResult:
    """Read and check *path*; unless it has errors, write its tables in *fmt*."""
    if fmt not in FORMATS:
        raise KohyoError(t("export.format", fmt=fmt, formats=", ".join(FORMATS)))
    master, report = check_master(path, config)
    if report.has_errors:
        return ExportResult(report)
    frames = master.to_frames()
    target = out_dir if out_dir is not None else default_export_dir(config)
    return ExportResult(report, write_tables(frames.items(), target, fmt))
