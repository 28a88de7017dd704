"""Live Excel: the xlwings adapter against a fake Excel filled from real workbooks.

Excel itself is the one thing faked (tests/fake_excel.py): it is loaded from the same
files the file path reads, so reading it must give the same grids and the same Master,
and a live refresh must leave the same 計 and 総括表 as a file refresh. The real-Excel
smoke test at the end skips, with the reason, where xlwings or Excel is missing.
"""

from __future__ import annotations

import importlib
import shutil
import sys
from pathlib import Path

import openpyxl
import pytest

import kohyo.live as live
from builders import project, write_master
from fake_excel import Book, FakeXlwings, load_book
from kohyo.edit.refresh import refresh_master
from kohyo.errors import KohyoError
from kohyo.files.backup import list_backups
from kohyo.files.digest import file_digest
from kohyo.read.master import check_master, dump_master, package_limits
from kohyo.read.parse import parse_workbook
from kohyo.read.workbook import read_workbook


def use_excel(monkeypatch: pytest.MonkeyPatch, *books: Book, active: Book | None = None) -> None:
    """Make kohyo.live see these open books instead of importing xlwings."""
    fake = FakeXlwings(list(books), active)
    monkeypatch.setattr(live, "import_xlwings", lambda: fake)


def file_grids(path: Path, cfg) -> list:
    return read_workbook(path, package_limits(cfg)).sheets


def assert_same_grids(live_grids: list, disk_grids: list) -> None:
    assert [g.name for g in live_grids] == [g.name for g in disk_grids]
    for got, want in zip(live_grids, disk_grids, strict=True):
        assert got.state == want.state, got.name
        assert got.cells == want.cells, got.name
        assert sorted(got.merges) == sorted(want.merges), got.name


# ------------------------------------------------------------------ reading


def test_live_grids_equal_the_file_reader_on_the_sample(
    sample_master: Path, tmp_area_config
) -> None:
    grids = live.read_live_grids(load_book(sample_master))
    assert_same_grids(grids, file_grids(sample_master, tmp_area_config))
    from_excel = parse_workbook(grids, tmp_area_config, str(sample_master))
    from_file, _ = check_master(sample_master, tmp_area_config)
    assert dump_master(from_excel, tmp_area_config) == dump_master(from_file, tmp_area_config)
    assert from_excel.sheet_order == from_file.sheet_order


def test_merges_are_found_cell_by_cell_on_a_mac(
    sample_master: Path, tmp_area_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = load_book(sample_master)
    book.mac = True
    monkeypatch.setattr(live.sys, "platform", "darwin")
    assert_same_grids(live.read_live_grids(book), file_grids(sample_master, tmp_area_config))


def test_live_grids_keep_formulas_and_their_values(sample_master: Path, tmp_area_config) -> None:
    # 計 of 2 and 3 become =SUM(B5:F5) with cached values
    refresh_master(sample_master, tmp_area_config)
    grids = live.read_live_grids(load_book(sample_master))
    assert_same_grids(grids, file_grids(sample_master, tmp_area_config))
    cell = next(g for g in grids if g.name == "2").cells[(5, 7)]
    assert (cell.value, cell.formula, cell.is_text) == (21833, "SUM(B5:F5)", False)


def test_live_grids_on_drifted_master_with_text_numbers(tmp_path: Path, tmp_area_config) -> None:
    path = tmp_path / "m.xlsx"
    write_master(path, [project(4, costs=["２１，８３３", " 215 ", "—", None, 7], total="—",
                                notes=["※NO.4に統合"])])  # fmt: skip
    grids = live.read_live_grids(load_book(path))
    assert_same_grids(grids, file_grids(path, tmp_area_config))
    assert dump_master(parse_workbook(grids, tmp_area_config, "x"), tmp_area_config) == dump_master(
        check_master(path, tmp_area_config)[0], tmp_area_config
    )


def test_progress_is_reported_per_sheet(sample_master: Path) -> None:
    seen: list[tuple[int, int, str]] = []
    live.read_live_grids(load_book(sample_master), lambda d, n, s: seen.append((d, n, s)))
    assert seen[0] == (0, 8, "表紙") and seen[-1] == (8, 8, "")


# ------------------------------------------------------------------ writing


def summary_rows_from_file(path: Path) -> list[list[object]]:
    ws = openpyxl.load_workbook(path, data_only=True)["総括表"]
    return [[c.value for c in row] for row in ws.iter_rows()]


def summary_rows_from_fake(book: Book) -> list[list[object]]:
    sheet = book.sheets["総括表"]
    rng = sheet.used_range
    return [[sheet.cells[(r, c)].value if (r, c) in sheet.cells else None
             for c in range(1, rng.c2 + 1)] for r in range(1, rng.r2 + 1)]  # fmt: skip


def test_live_refresh_writes_the_same_totals_and_summary_as_the_file_path(
    sample_master: Path, tmp_area_config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = load_book(sample_master)
    use_excel(monkeypatch, book)
    result = live.refresh_live(sample_master, tmp_area_config)
    assert result.written and not result.saved and book.saved == 0
    assert [(u.sheet, u.cell, u.new) for u in result.plan.updates] == [
        ("2", "G5", 21833),
        ("3", "G5", 8953),
    ]
    assert result.summary_status == "created"
    for name, total in (("2", 21833), ("3", 8953)):
        cell = book.sheets[name].cells[(5, 7)]
        assert (cell.formula, cell.value) == ("=SUM(B5:F5)", total)
    # The same refresh through the file: the 総括表 reads the same, in the same place.
    on_disk = tmp_path / "disk.xlsx"
    shutil.copy(sample_master, on_disk)
    refresh_master(on_disk, tmp_area_config)
    assert summary_rows_from_fake(book) == summary_rows_from_file(on_disk)
    assert book.sheets.names() == openpyxl.load_workbook(on_disk).sheetnames
    summary = book.sheets["総括表"]
    assert (1, 1, 1, 14) in summary.merges
    assert summary.col_widths[2] == 36.0
    assert summary.cells[(4, 14)].number_format == "#,##0"  # 計 of project 2
    assert set(result.notes) <= {"border"}  # the fake has no COM object model
    # Read back through the adapter: valid, every 計 right, nothing left to do.
    again = live.refresh_live(sample_master, tmp_area_config)
    assert not again.written and again.plan.updates == [] and again.summary_status == "unchanged"


def test_text_from_data_never_becomes_a_formula(
    tmp_path: Path, tmp_area_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = ["=1+1", "+81 事業", "-事業", "@事業", "'引用符", "2020", "TRUE", "（仮称）事業"]
    path = tmp_path / "m.xlsx"
    write_master(path, [project(i + 1, name) for i, name in enumerate(names)])
    book = load_book(path)
    use_excel(monkeypatch, book)
    live.refresh_live(path, tmp_area_config)
    summary = book.sheets["総括表"]
    got = [summary.cells[(4 + i, 2)] for i in range(len(names))]
    assert [c.value for c in got] == names
    assert all(c.formula is None for c in got)
    assert all(isinstance(c.value, str) for c in got)


def test_live_refresh_with_errors_writes_nothing(
    tmp_path: Path, tmp_area_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "bad.xlsx"
    write_master(path, [project(4, costs=["約200", None, None, None, None], total="—")])
    book = load_book(path)
    use_excel(monkeypatch, book)
    result = live.refresh_live(path, tmp_area_config)
    assert result.report.has_errors and not result.written
    assert book.writes == 0 and book.sheets.names() == ["4"]


def test_save_backs_up_the_file_then_saves_in_excel(
    sample_master: Path, tmp_area_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    original = sample_master.read_bytes()
    book = load_book(sample_master)
    use_excel(monkeypatch, book)
    result = live.refresh_live(sample_master, tmp_area_config, save=True)
    assert result.saved and book.saved == 1
    backups = list_backups(tmp_area_config.paths.backup_dir, "master", ".xlsx")
    assert backups == [result.backup] and backups[0].read_bytes() == original


def test_save_refuses_a_book_never_saved(
    sample_master: Path, tmp_area_config, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = load_book(sample_master, fullname="Book1")
    use_excel(monkeypatch, book)
    with pytest.raises(KohyoError, match="ファイルとして保存されていない"):
        live.refresh_live(None, tmp_area_config, save=True)
    assert book.writes == 0


# ------------------------------------------------------------------ which book


def test_the_book_named_master_wins_over_the_active_one(
    tmp_path: Path, sample_master: Path
) -> None:
    other = Book(str(tmp_path / "other.xlsx"))
    master = load_book(sample_master)
    xw = FakeXlwings([master, other], active=other)
    assert live.find_book(sample_master, xw) is master
    assert live.find_book(tmp_path / "not-open.xlsx", xw) is other  # else the active book


@pytest.mark.parametrize(
    ("xw", "needle"),
    [(FakeXlwings([]), "Excel が起動していません"), (FakeXlwings([Book("x")], active=None), None)],
)
def test_no_excel_or_no_book(xw: FakeXlwings, needle: str | None) -> None:
    if needle is None:
        xw.books.active = None
        with pytest.raises(KohyoError, match="ブックが開かれていません") as e:
            live.find_book(Path("nowhere.xlsx"), xw)
    else:
        with pytest.raises(KohyoError, match=needle) as e:
            live.find_book(None, xw)
    assert e.value.exit_code == 2


def test_xlwings_errors_become_one_message() -> None:
    class Broken:
        @property
        def apps(self):
            raise RuntimeError("The interactive mode of xlwings is only supported on Windows")

    with pytest.raises(KohyoError, match="Excel が見つかりません"):
        live.find_book(None, Broken())  # type: ignore[arg-type]


def test_missing_xlwings_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.import_module

    def no_xlwings(name: str, *args, **kwargs):
        if name == "xlwings":
            raise ImportError("No module named 'xlwings'")
        return real(name, *args, **kwargs)

    monkeypatch.setattr(importlib, "import_module", no_xlwings)
    with pytest.raises(KohyoError, match=r"pip install kohyo\[live\]"):
        live.import_xlwings()


# ------------------------------------------------------------------ the CLI


def test_cli_refresh_live(
    sample_master: Path, tmp_area_config, cli_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = load_book(sample_master)
    use_excel(monkeypatch, book)
    digest = file_digest(sample_master)
    res = cli_run("refresh", sample_master, "--live", "--config", tmp_area_config.path)
    assert res.exit_code == 0, res.output
    assert "事業2 計: — → 21,833（シート「2」G5）" in res.stdout
    assert "Excel で開いているブック「master.xlsx」を更新しました。" in res.stdout
    assert "Excel で保存してください" in res.stdout
    assert file_digest(sample_master) == digest  # the file is Excel's to save
    res = cli_run("refresh", sample_master, "--live", "--save", "--config", tmp_area_config.path)
    assert res.exit_code == 0 and "変更はありません" in res.stdout


def test_cli_refresh_live_save_in_english(
    sample_master: Path, tmp_area_config, cli_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    book = load_book(sample_master)
    use_excel(monkeypatch, book)
    res = cli_run("refresh", sample_master, "--live", "--save",
                  "--config", tmp_area_config.path, "--lang", "en")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Project 2 total: — → 21,833 (sheet '2' G5)" in res.stdout
    assert "Saved the workbook in Excel" in res.stdout and book.saved == 1


def test_cli_validate_live_with_report(
    sample_master: Path, tmp_area_config, cli_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_excel(monkeypatch, load_book(sample_master))
    res = cli_run("validate", sample_master, "--live", "--report", "--config", tmp_area_config.path)
    assert res.exit_code == 0, res.output
    assert "total-mismatch" in res.stdout and "Excel で開いているブックを検証しました" in res.stdout
    report = sample_master.with_name("master_検証結果.xlsx")
    link = openpyxl.load_workbook(report).worksheets[0]["C3"].hyperlink
    assert (link.target, link.location) == ("master.xlsx", "'2'!G5")


def test_save_without_live_is_a_usage_error(sample_master: Path, tmp_area_config, cli_run) -> None:
    res = cli_run("refresh", sample_master, "--save", "--config", tmp_area_config.path)
    assert res.exit_code == 2 and "--live" in res.output


def test_cli_live_where_excel_is_missing(sample_master: Path, tmp_area_config, cli_run) -> None:
    """On this machine, for real: no xlwings (CI), or xlwings without Excel (Linux)."""
    if sys.platform in ("win32", "darwin"):
        pytest.skip("a real Excel may be running here; see the smoke test")
    res = cli_run("refresh", sample_master, "--live", "--config", tmp_area_config.path)
    assert res.exit_code == 2 and "Traceback" not in res.output
    assert res.stderr.count("\n") == 1
    try:
        importlib.import_module("xlwings")
    except ImportError:
        assert "pip install kohyo[live]" in res.stderr
    else:
        assert "Excel が見つかりません" in res.stderr


# ------------------------------------------------------------------ real Excel


def test_real_excel_smoke(sample_master: Path, tmp_area_config) -> None:
    """With Excel: open a copy, read it live, refresh it live, close without saving."""
    try:
        xw = importlib.import_module("xlwings")
    except ImportError:
        pytest.skip("xlwings is not installed (pip install kohyo[live]): no real-Excel test")
    if sys.platform not in ("win32", "darwin"):
        pytest.skip(f"no Excel on {sys.platform}: the real-Excel test needs Windows or macOS")
    try:
        app = xw.App(visible=False, add_book=False)
    except Exception as exc:  # no Excel installed, or it cannot start here
        pytest.skip(f"Excel could not be started: {exc}")
    try:
        book = app.books.open(str(sample_master))
        grids = live.read_live_grids(book)
        from_file, _ = check_master(sample_master, tmp_area_config)
        from_excel = parse_workbook(grids, tmp_area_config, "x")
        assert dump_master(from_excel, tmp_area_config) == dump_master(from_file, tmp_area_config)
        result = live.refresh_live(sample_master, tmp_area_config)
        assert result.written
        assert book.sheets["2"].range("G5").value == 21833
        assert book.sheets["総括表"].range("A1").value.endswith("総括表")
        book.close()
    finally:
        app.quit()
