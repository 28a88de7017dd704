"""Data out: the tidy frames equal the dump, and the exports round-trip (issue: data out)."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from builders import project, write_master
from kohyo.config import Config
from kohyo.data.export import read_csv_table, write_tables
from kohyo.data.frames import COLUMNS, TABLES, split_as_of
from kohyo.read.master import dump_master, read_master
from libreoffice import convert, soffice


@pytest.fixture(scope="module")
def sample(sample_build, config: Config):  # type: ignore[no-untyped-def]
    master = read_master(sample_build.master, config)
    return master, master.to_frames(), dump_master(master, config)


def _na(v: object) -> object:
    return None if v is pd.NA or (isinstance(v, float) and pd.isna(v)) else v


def test_frames_have_the_declared_columns_and_dtypes(sample) -> None:  # type: ignore[no-untyped-def]
    _, frames, _ = sample
    for name, df in frames.items():
        assert list(df.columns) == list(COLUMNS[name]), name
        assert {c: str(t) for c, t in df.dtypes.items()} == COLUMNS[name], name


def test_frames_equal_the_dump_field_by_field(sample) -> None:  # type: ignore[no-untyped-def]
    _, frames, dump = sample
    projects = dump["projects"]
    got = frames.projects.to_dict("records")
    assert [(r["number"], r["name"], r["sheet"], r["content"], r["effect"]) for r in got] == [
        (p["number"], p["name"], p["sheet"], p["content"], p["effect"]) for p in projects
    ]
    assert [_na(r["total"]) for r in got] == [
        p["total"] if isinstance(p["total"], int) else None for p in projects
    ]
    costs = {(r["number"], r["fiscal_year"]): (_na(r["amount"]), r["state"])
             for r in frames.costs.to_dict("records")}  # fmt: skip
    for p in projects:
        for year, value in p["costs"].items():
            amount, state = costs[(p["number"], int(year))]
            if isinstance(value, int):
                assert (amount, state) == (value, "value")
            elif value == "—":
                assert (amount, state) == (None, "dash")
            else:
                assert (amount, state) == (None, "blank")
    assert [(r["number"], r["municipality"]) for r in frames.participation.to_dict("records")] == [
        (p["number"], m) for p in projects for m in p["municipalities"]
    ]
    assert [(r["number"], r["who"], r["role"]) for r in frames.roles.to_dict("records")] == [
        (p["number"], who, text) for p in projects for who, text in p["roles"].items()
    ]
    kpis = [(r["number"], r["name"], r["target"]) for r in frames.indicators.to_dict("records")]
    assert kpis == [
        (p["number"], i["name"], i["target"]) for p in projects for i in p["indicators"]
    ]
    notes = [(r["number"], r["text"]) for r in frames.notes.to_dict("records")]
    assert notes == [(p["number"], n) for p in projects for n in p["notes"]]


def test_indicator_current_and_survey_point_are_split(sample) -> None:  # type: ignore[no-untyped-def]
    _, frames, _ = sample
    row = frames.indicators[frames.indicators["number"] == 20].iloc[0]
    assert (row["name"], row["current"], row["current_as_of"], row["target"]) == (
        "研修参加者数", "135人", "2019年度見込", "204人",
    )  # fmt: skip
    assert split_as_of("21件 (2019年度見込)") == ("21件", "2019年度見込")
    assert split_as_of("21件（2019年度見込）") == ("21件", "2019年度見込")
    assert split_as_of("—") == ("—", None)
    assert split_as_of("（不明）") == ("（不明）", None)


def test_costs_pivot_by_fiscal_year(sample) -> None:  # type: ignore[no-untyped-def]
    _, frames, _ = sample
    wide = frames.costs_by_year()
    assert list(wide.columns) == ["2020", "2021", "2022", "2023", "2024", "計"]
    assert wide.loc[20].tolist() == [215, 215, 215, 215, 215, 1075]
    assert wide.loc[2, "2020"] == 21833 and wide.loc[2, "計"] == 21833
    assert wide.loc[2, "2021"] is pd.NA  # a dash is no amount


def test_csv_round_trip_gives_the_same_frames(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, frames, _ = sample
    files = write_tables(frames.items(), tmp_path, "csv")
    assert [f.name for f in files] == [f"{t}.csv" for t in TABLES]
    for name, df in frames.items():
        raw = (tmp_path / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), "BOM, so Excel reads UTF-8"
        back = read_csv_table(tmp_path / f"{name}.csv", COLUMNS[name])
        pd.testing.assert_frame_equal(back, df, check_dtype=True)


def test_xlsx_has_one_sheet_per_table_frozen_and_text_as_text(
    tmp_path: Path, config: Config
) -> None:
    hostile = project(5, '=HYPERLINK("http://x")事業', content="+1-2 を計算する", effect="@SUM(A1)")
    write_master(tmp_path / "m.xlsx", [hostile])
    frames = read_master(tmp_path / "m.xlsx", config).to_frames()
    [book] = write_tables(frames.items(), tmp_path / "out", "xlsx")
    wb = load_workbook(book)
    assert wb.sheetnames == list(TABLES)
    ws = wb["projects"]
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header == list(COLUMNS["projects"])
    row = {h: c for h, c in zip(header, ws[2], strict=True)}
    assert row["name"].value == '=HYPERLINK("http://x")事業' and row["name"].data_type == "s"
    assert row["content"].data_type == "s" and row["effect"].data_type == "s"


def test_json_records_keep_japanese(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _, frames, _ = sample
    write_tables(frames.items(), tmp_path, "json")
    rows = json.loads((tmp_path / "projects.json").read_text(encoding="utf-8"))
    assert rows[0]["name"] == frames.projects.iloc[0]["name"]
    assert "\\u" not in (tmp_path / "projects.json").read_text(encoding="utf-8")


def test_parquet_round_trip(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    pytest.importorskip("pyarrow", reason="pyarrow is the optional kohyo[parquet] extra")
    _, frames, _ = sample
    write_tables(frames.items(), tmp_path, "parquet")
    back = pd.read_parquet(tmp_path / "costs.parquet")
    pd.testing.assert_frame_equal(back, frames.costs)


@pytest.mark.libreoffice
def test_csv_opens_in_libreoffice_with_japanese_intact(sample, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    soffice()
    _, frames, _ = sample
    write_tables(frames.items(), tmp_path, "csv")
    # What a LibreOffice user picks in the import dialog: comma, double quote, UTF-8 (76).
    converted = convert(
        tmp_path / "projects.csv", "xlsx", tmp_path / "lo", infilter="CSV:44,34,76,1"
    )
    ws = load_workbook(converted).active
    names = [c.value for c in ws["B"]][1:]
    assert names == frames.projects["name"].tolist()
