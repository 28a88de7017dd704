"""kohyo book: the booklet of every 個表 (資料2-3), its pages read from the real PDF, and the
overview's 資料の掲載ページ等 filled from it (kohyo diff --book).

The seed's overview says 4, 21, 36 and 39 are on pages 5, 14, 21 and 23: two 個表 a page
after three front pages. A 48-project master whose 個表 each take a little under half a
page must give exactly those pages when LibreOffice prints it. LibreOffice runs twice in
this module (two module-scoped booklets).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from builders import project, variant, write_master
from conftest import REAL_CONFIG, edit_toml
from kohyo.book import build as book_build
from kohyo.book.build import build_book
from kohyo.book.look import load_book_look
from kohyo.book.pages import (
    PageFrame,
    booklet_projects,
    contents_pages,
    locate_projects,
    paginate,
    squeeze,
)
from kohyo.book.reference import load_remarks
from kohyo.book.workbook import plan_book
from kohyo.config import Config, load_config
from kohyo.distribute.leakcheck import markers_outside, scan_package
from kohyo.errors import ConfigError
from kohyo.files.pdf import pdf_page_texts
from kohyo.layout.kohyo import load_look
from kohyo.read.master import check_master, read_master
from libreoffice import soffice
from test_diff import TOPICS, numbered

ROOT = Path(__file__).resolve().parents[1]
SEED_PAGES = {4: 5, 21: 14, 36: 21, 39: 23}
REMARKS = '36 = "※R2 から連携済"\n39 = "※R2 から連携済"\n'
LABEL = "資料 2-3 の掲載ページ等"


def half_page_project(topic: str, lines: int = 10, **over: Any) -> dict[str, Any]:
    """A 個表 a little under half an A4 page tall (its 内容 is *lines* lines)."""
    content = "\n".join(
        f"○{topic}に関する取組その{i + 1}を圏域で連携して行う。" for i in range(lines)
    )
    return project(0, f"{topic}連携事業", content=content, effect=f"圏域全体の{topic}の推進",
                   kpis=[(f"{topic}の実施件数", "—", "5件")], **over)  # fmt: skip


def seed_pair() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """44 ⇒ 48 projects: four new ones inserted as 4, 21, 36 and 39 (as in the seed)."""
    old = numbered([half_page_project(t) for t in TOPICS])
    new = [variant(p) for p in old]
    for number, topic in ((4, "起業支援拠点"), (21, "在宅医療セミナー"), (36, "重点要望"),
                          (39, "国土強靱化")):  # fmt: skip
        new.insert(number - 1, half_page_project(topic))
    return old, numbered(new)


def write_config(folder: Path, **book: str) -> Path:
    """The real config.toml in *folder* with [book] keys set (TOML source values)."""
    text = REAL_CONFIG.read_text(encoding="utf-8")
    text = text.replace('output_dir = "out"', f'output_dir = "{folder / "out"}"')
    for key, value in book.items():
        text = edit_toml(text, "book", key, value)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copytree(ROOT / "templates", folder / "templates", dirs_exist_ok=True)
    path = folder / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def run_cli(*args: str | Path) -> tuple[int, str]:
    from click.testing import CliRunner

    from kohyo.cli import cli

    result = CliRunner().invoke(cli, [str(a) for a in args])
    return result.exit_code, result.stdout + result.stderr


def renderers() -> None:
    """LibreOffice and poppler's pdftotext, or skip (fail in CI) with the reason."""
    soffice()
    if shutil.which("pdftotext") is None:
        reason = "poppler's pdftotext is not installed: apt-get install poppler-utils"
        if os.environ.get("KOHYO_REQUIRE_LIBREOFFICE"):
            pytest.fail(reason + " (KOHYO_REQUIRE_LIBREOFFICE is set)")
        pytest.skip(reason)


def layout_pages(pdf: Path) -> list[str]:
    """Each PDF page's text as laid out on the page (pdftotext -layout)."""
    out = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                         check=True).stdout  # fmt: skip
    return [page for page in out.split("\f") if page.strip()]


def footers(pdf: Path) -> list[str]:
    """The last line of each PDF page as printed (the footer's page number)."""
    return [page.strip().splitlines()[-1].strip() for page in layout_pages(pdf)]


def page_numbers(projects: list[dict[str, Any]]) -> dict[int, int]:
    return {p["number"]: p["page"] for p in projects}


# --- the seed's booklet: 48 個表, three pages before it ---------------------------------------


@pytest.fixture(scope="module")
def seed_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("seed")
    old, new = seed_pair()
    write_master(folder / "old.xlsx", old)
    write_master(folder / "new.xlsx", new)
    write_config(folder, front_pages="3", cover="false", contents="false",
                 reference_label=f'"{LABEL}"')  # fmt: skip
    (folder / "remarks.toml").write_text(REMARKS, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def seed_book(seed_folder: Path) -> dict[str, Any]:
    """`kohyo book --pdf --json` of the 48-project master (one LibreOffice render)."""
    renderers()
    code, out = run_cli("book", seed_folder / "new.xlsx", "--out", seed_folder / "book",
                        "--pdf", "--json", "--config", seed_folder / "config.toml")  # fmt: skip
    assert code == 0, out
    return json.loads(out)


def test_each_seed_kohyo_takes_between_a_third_and_half_a_page(seed_folder: Path) -> None:
    config = load_config(seed_folder / "config.toml")
    master = read_master(seed_folder / "new.xlsx", config)
    sheet = load_look(ROOT / "templates" / "kohyo_sheet.toml")
    look = load_book_look(ROOT / "templates" / "book.toml")
    plan = plan_book(booklet_projects(master, config), config, sheet, look)
    room = plan.frame.height
    assert all(room / 3 < p.height <= (room - look.gap) / 2 for p in plan.placed)


def test_computed_pages_without_pdf_are_the_seeds(seed_folder: Path, tmp_path: Path) -> None:
    code, out = run_cli("book", seed_folder / "new.xlsx", "--out", tmp_path, "--json",
                        "--config", seed_folder / "config.toml")  # fmt: skip
    assert code == 0, out
    doc = json.loads(out)
    assert doc["page_source"] == "computed"
    pages = page_numbers(doc["projects"])
    assert {n: pages[n] for n in SEED_PAGES} == SEED_PAGES
    code, out = run_cli("book", seed_folder / "new.xlsx", "--out", tmp_path,
                        "--config", seed_folder / "config.toml")  # fmt: skip
    assert code == 0 and "計算によるもの" in out
    assert sorted(p.name for p in tmp_path.iterdir()) == ["book.json", "青森圏域_個表集_"
                                                          f"{doc['files'][0][-15:]}"]  # fmt: skip


@pytest.mark.libreoffice
def test_the_pdf_puts_4_21_36_39_on_the_seeds_pages(seed_book: dict[str, Any],
                                                    seed_folder: Path) -> None:  # fmt: skip
    assert seed_book["page_source"] == "pdf"
    pages = page_numbers(seed_book["projects"])
    assert {n: pages[n] for n in SEED_PAGES} == SEED_PAGES
    assert pages == {n: (n - 1) // 2 + 4 for n in range(1, 49)}
    assert seed_book["pages"] == 24
    # the footer of every PDF page prints its number, counted from first_page + front_pages
    [pdf] = (seed_folder / "book").glob("*.pdf")
    texts = pdf_page_texts(pdf)
    assert len(texts) == 24
    assert footers(pdf) == [str(4 + i) for i in range(24)]
    # the book.json beside it says the same
    saved = json.loads((seed_folder / "book" / "book.json").read_text(encoding="utf-8"))
    assert page_numbers(saved["projects"]) == pages


@pytest.mark.libreoffice
@pytest.mark.parametrize("book", ["book.json", "pdf"])
def test_diff_with_book_fills_the_reference_column(
    seed_book: dict[str, Any], seed_folder: Path, tmp_path: Path, book: str
) -> None:
    source = seed_folder / "book" / "book.json"
    if book == "pdf":
        [source] = (seed_folder / "book").glob("*.pdf")
    code, out = run_cli("diff", seed_folder / "old.xlsx", seed_folder / "new.xlsx", "--book",
                        source, "--out", tmp_path, "--config", seed_folder / "config.toml")  # fmt: skip
    assert code == 0, out
    md = (tmp_path / "overview.md").read_text(encoding="utf-8")
    html = (tmp_path / "overview.html").read_text(encoding="utf-8")
    assert f"| 事業番号 | 事業名 | 事業概要(案) | {LABEL} |" in md
    assert f"<th>{LABEL}</th>" in html
    expected = {4: "・5 ページ", 21: "・14 ページ", 36: "・21 ページ ※R2 から連携済",
                39: "・23 ページ ※R2 から連携済"}  # fmt: skip
    rows = [line for line in md.splitlines() if re.match(r"\| \d+ \| .*連携事業 \|", line)]
    assert [(int(r.split("|")[1]), r.split("|")[4].strip()) for r in rows] == list(expected.items())
    for text in expected.values():
        assert f"<td>{text}</td>" in html
    ws = openpyxl.load_workbook(tmp_path / "overview.xlsx")["概要"]
    cells = [c.value for row in ws.iter_rows() for c in row if c.value]
    assert LABEL in cells
    assert all(text in cells for text in expected.values())


def test_diff_with_a_book_of_another_master_is_refused(seed_folder: Path, tmp_path: Path) -> None:
    stale = tmp_path / "book.json"
    stale.write_text(json.dumps({"pages": 3, "projects": [{"number": 4, "name": "別の事業",
                                                           "page": 5}]}), encoding="utf-8")  # fmt: skip
    code, out = run_cli("diff", seed_folder / "old.xlsx", seed_folder / "new.xlsx", "--book",
                        stale, "--out", tmp_path / "ov", "--config", seed_folder / "config.toml")  # fmt: skip
    assert code == 2
    assert "事業番号 4「起業支援拠点連携事業」がありません" in out
    assert not (tmp_path / "ov").exists()


def test_diff_without_book_keeps_remarks_and_default_heading(tmp_path: Path) -> None:
    old, new = seed_pair()
    write_master(tmp_path / "old.xlsx", old[:6])
    write_master(tmp_path / "new.xlsx", [p for p in new if p["number"] <= 7])
    write_config(tmp_path)
    (tmp_path / "remarks.toml").write_text('4 = "※R2 から連携済"\n', encoding="utf-8")
    code, out = run_cli("diff", tmp_path / "old.xlsx", tmp_path / "new.xlsx", "--out",
                        tmp_path / "ov", "--config", tmp_path / "config.toml")  # fmt: skip
    assert code == 0, out
    md = (tmp_path / "ov" / "overview.md").read_text(encoding="utf-8")
    assert "| 事業番号 | 事業名 | 事業概要(案) | 資料の掲載ページ等 |" in md
    assert "| ※R2 から連携済 |" in md


# --- a 個表 too tall for half a page, with 表紙 and 目次 -------------------------------------


@pytest.fixture(scope="module")
def tall_book(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Config, Path]:
    """Nine 個表, the fifth with a long 内容; 表紙 and 目次 on (one LibreOffice render)."""
    renderers()
    folder = tmp_path_factory.mktemp("tall")
    topics = ["観光振興", "移住定住", "地域公共交通", "子育て支援", "長い内容", "防災訓練",
              "消防指令", "救急医療", "介護人材確保"]  # fmt: skip
    projects = [half_page_project(t, lines=26 if t == "長い内容" else 10) for t in topics]
    projects[1]["effect"] = '=HYPERLINK("http://example.com") と書かれた連携効果'
    write_master(folder / "master.xlsx", numbered(projects))
    config = load_config(write_config(folder))
    master, report = check_master(folder / "master.xlsx", config)
    assert report.exit_code == 0
    return build_book(master, config, out_dir=folder / "book", pdf=True), config, folder


@pytest.mark.libreoffice
def test_a_tall_kohyo_gets_a_page_to_itself_and_pushes_the_rest_on(tall_book: Any) -> None:
    result, _, _ = tall_book
    assert result.from_pdf and result.renders == 1
    # 表紙 p1, 目次 p2; then 1-2 | 3-4 | 5 alone | 6-7 | 8-9
    assert [(e.number, e.page) for e in result.entries] == [
        (1, 3), (2, 3), (3, 4), (4, 4), (5, 5), (6, 6), (7, 6), (8, 7), (9, 7)]  # fmt: skip
    texts = pdf_page_texts(result.pdf)
    assert len(texts) == result.pages == 7
    # read independently: the fifth 個表 is the only one on PDF page 5
    names = [e.name for e in result.entries]
    assert [n for n in names if squeeze(n) in squeeze(texts[4])] == [names[4]]
    assert locate_projects(names, texts).split_pages == []


@pytest.mark.libreoffice
def test_the_contents_agree_with_the_pdf(tall_book: Any) -> None:
    result, _, _ = tall_book
    pages = layout_pages(result.pdf)
    assert "目次" in pages[1] and "具体的取組 個表" in pages[0]
    listed = {}
    for line in pages[1].splitlines():
        m = re.fullmatch(r"\s*(\d+)\s+(\S.*?)\s+(\d+)\s*", line)
        if m:
            listed[int(m[1])] = (m[2], int(m[3]))
    assert listed == {e.number: (e.name, e.page) for e in result.entries}
    # and each page the 目次 names holds that 個表 (its footer prints that number)
    assert footers(result.pdf)[1:] == [str(n) for n in range(2, 8)]  # the 表紙 has none


@pytest.mark.libreoffice
def test_the_booklet_is_text_as_text_and_written_whole(tall_book: Any) -> None:
    result, _, _ = tall_book
    wb = openpyxl.load_workbook(result.xlsx)
    assert wb.sheetnames == ["表紙", "目次", "個表"]
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert '=HYPERLINK("http://example.com") と書かれた連携効果' in [c.value for c in cells]
    assert not wb.defined_names or all("Print_" in n for n in wb.defined_names)
    assert sorted(p.name for p in result.folder.iterdir()) == sorted(
        ["book.json", result.xlsx.name, result.pdf.name]
    )


@pytest.mark.libreoffice
def test_a_contents_that_took_other_pages_is_corrected_and_rendered_again(
    tall_book: Any, tmp_path: Path
) -> None:
    """The 目次 planned on three pages (it takes one): the first render shows it, the 目次's
    numbers and the sheets' page numbering are corrected, the second render agrees."""
    result, config, folder = tall_book
    master, _ = check_master(folder / "master.xlsx", config)
    sheet = load_look(ROOT / "templates" / "kohyo_sheet.toml")
    look = load_book_look(ROOT / "templates" / "book.toml")
    wrong = plan_book(booklet_projects(master, config), config, sheet, look,
                      contents_pages_override=3)  # fmt: skip
    xlsx = tmp_path / "book.xlsx"
    book_build._write(xlsx, wrong, wrong.computed_pages(), master, config, sheet, look,
                      date(2026, 11, 30), [])  # fmt: skip
    again = book_build.BookResult(tmp_path, xlsx, tmp_path / "book.json", None, 0, [], False, 1)
    pages = book_build._render_until_settled(again, wrong, wrong.computed_pages(), master, config,
                                             sheet, look, date(2026, 11, 30))  # fmt: skip
    assert wrong.computed_pages()[0] == 5  # 表紙 1, 目次 2–4
    assert again.renders == 2 and again.notices == []
    assert pages == [e.page for e in result.entries]
    assert footers(again.pdf)[1:] == [str(n) for n in range(2, 8)]


@pytest.mark.libreoffice
def test_made_again_without_pdf_leaves_no_stale_pdf(tall_book: Any, tmp_path: Path) -> None:
    result, config, folder = tall_book
    out = tmp_path / "b"
    shutil.copytree(result.folder, out)
    master, _ = check_master(folder / "master.xlsx", config)
    build_book(master, config, out_dir=out)
    assert not (out / result.pdf.name).exists()
    mine = out / result.pdf.name
    mine.write_bytes(b"%PDF-1.4 staff's own file")
    build_book(master, config, out_dir=out)
    assert mine.exists()  # not the PDF kohyo wrote: left alone


def test_the_booklets_kohyo_are_the_town_workbooks_kohyo(sample_build: Any, config: Config,
                                                        tmp_path: Path) -> None:  # fmt: skip
    """The same renderer: the first 個表 of the booklet has the cells and merges the town
    workbook's sheet of that project has."""
    master, _ = check_master(sample_build.master, config)
    result = build_book(master, config, out_dir=tmp_path / "book")
    code, out = run_cli("distribute", sample_build.master, "--out", tmp_path / "dist",
                        "--town", config.area.central_city)  # fmt: skip
    assert code == 0, out
    first = booklet_projects(master, config)[0]
    [town] = (tmp_path / "dist").glob("*.xlsx")
    sheet = openpyxl.load_workbook(town)[first.sheet]
    book = openpyxl.load_workbook(result.xlsx)["個表"]
    n = sheet.max_row
    assert [[c.value for c in r] for r in book.iter_rows(max_row=n, max_col=sheet.max_column)] == [
        [c.value for c in r] for r in sheet.iter_rows(max_row=n)]  # fmt: skip
    merged = sorted(str(m) for m in book.merged_cells.ranges if m.max_row <= n)
    assert merged == sorted(str(m) for m in sheet.merged_cells.ranges)


# --- pure parts ------------------------------------------------------------------------


def test_paginate_fills_pages_greedily_and_never_splits() -> None:
    frame = PageFrame(100, 100.0)
    placed = paginate([(40, 3), (40, 3), (40, 3), (90, 5), (30, 2), (150, 9), (10, 1)], frame, 10)
    assert [(p.row, p.page, p.too_tall) for p in placed] == [
        (0, 0, False), (4, 0, False),  # 40 + 10 + 40
        (7, 1, False),  # 40 + 10 + 40 + 10 + 40 > 100: a new page, no gap row
        (10, 2, False), (15, 3, False), (17, 4, True), (26, 5, False)]  # fmt: skip


def test_contents_pages_repeat_the_heading_on_each_page() -> None:
    assert contents_pages([10.0] * 8, 100.0, 20.0) == 1  # 20 + 80
    assert contents_pages([10.0] * 9, 100.0, 20.0) == 2  # the ninth row starts page 2
    assert contents_pages([10.0] * 17, 100.0, 20.0) == 3


def test_a_kohyo_taller_than_a_page_is_a_warning(tmp_path: Path, config: Config) -> None:
    long = "\n".join(f"○とても長い内容の行その{i}" for i in range(30))
    write_master(tmp_path / "m.xlsx", [project(1, "長い事業", content=long, effect=long,
                                               notes=["※" + long, "※" + long])])  # fmt: skip
    master = read_master(tmp_path / "m.xlsx", config)
    result = build_book(master, config, out_dir=tmp_path / "b")
    assert [w for w in result.to_dict()["warnings"] if "1 ページに入らない" in w] == [
        "事業番号 1「長い事業」の個表は 1 ページに入らないため、2 ページ以上にまたがります"
        "（内容などを短くするか、kohyo_sheet.toml の文字の大きさ・余白を見直してください）。"]  # fmt: skip


def test_page_frame_scales_a_wide_grid_to_the_width() -> None:
    sheet = load_look(ROOT / "templates" / "kohyo_sheet.toml")
    narrow = PageFrame.of(sheet, (16, 12, 12, 12, 12, 12, 13))
    wide = PageFrame.of(sheet, (16, *([12] * 10), 13))
    assert narrow.scale == 100 and wide.scale < 70
    assert wide.height > narrow.height * 100 / 70


def test_booklet_projects_are_in_number_order(tmp_path: Path, config: Config) -> None:
    write_master(tmp_path / "m.xlsx", [project(9, "九の事業", sheet="a"),
                                       project(2, "二の事業", sheet="b")])  # fmt: skip
    master = read_master(tmp_path / "m.xlsx", config)
    assert [p.number for p in booklet_projects(master, config)] == [2, 9]


def test_the_booklet_leaves_out_hidden_drafts_and_the_example(
    tmp_path: Path, config: Config
) -> None:
    """master.projects already holds neither a hidden 個表 (sheets.hidden = "exclude" puts it
    in master.excluded) nor a sheet sheets.skip names (記入例): the booklet has neither, and
    its leak check would refuse a booklet that held the draft's text."""
    path = tmp_path / "m.xlsx"
    write_master(path, [project(1, "公開の事業"), project(2, "下書きの事業", sheet="2"),
                        project(3, "記入例の事業", sheet="記入例")])  # fmt: skip
    wb = openpyxl.load_workbook(path)
    wb["2"].sheet_state = "hidden"
    wb.save(path)
    master = read_master(path, config)
    assert [p.sheet for p in master.excluded] == ["2"]
    assert [p.number for p in booklet_projects(master, config)] == [1]
    result = build_book(master, config, out_dir=tmp_path / "b")
    assert [e.name for e in result.entries] == ["公開の事業"]
    markers = markers_outside(master, lambda p: p.number == 1)
    assert 2 in markers.values()  # the draft's texts are what the leak check looks for
    assert [lk.project_number for lk in scan_package(result.xlsx, markers)] == []
    strings = openpyxl.load_workbook(result.xlsx)
    text = "".join(str(c.value) for ws in strings for row in ws.iter_rows() for c in row if c.value)
    assert "公開の事業" in text and "下書きの事業" not in text and "記入例の事業" not in text


def test_the_leak_check_finds_a_project_the_booklet_must_not_hold(
    sample_build: Any, config: Config, tmp_path: Path
) -> None:
    master, _ = check_master(sample_build.master, config)
    result = build_book(master, config, out_dir=tmp_path)
    kept = master.projects[1:]
    leaks = scan_package(result.xlsx, markers_outside(master, lambda p: p in kept))
    assert {lk.project_number for lk in leaks} == {master.projects[0].number}


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("first_page", "0", "book.first_page"),
        ("front_pages", "-1", "book.front_pages"),
        ("cover", '"yes"', "book.cover"),
        ("filename_pattern", '"{area}_個表集.pdf"', ".xlsx で終わる"),
        ("filename_pattern", '"{town}.xlsx"', "book.filename_pattern"),
        ("reference_label", '" "', "book.reference_label"),
    ],
)
def test_bad_book_settings_are_one_clear_error(tmp_path: Path, key: str, value: str,
                                                message: str) -> None:  # fmt: skip
    path = write_config(tmp_path, **{key: value})
    with pytest.raises(ConfigError, match=re.escape(message)):
        load_config(path)
    code, out = run_cli("book", "--config", path)
    assert code == 2 and message in out


def test_bad_remarks_and_book_look_are_errors(sample_build: Any, tmp_path: Path) -> None:
    path = write_config(tmp_path)
    (tmp_path / "remarks.toml").write_text('"四" = "x"\n', encoding="utf-8")
    code, out = run_cli("diff", sample_build.master_before, sample_build.master, "--out",
                        tmp_path / "ov", "--config", path)  # fmt: skip
    assert code == 2 and '事業番号 = "備考"' in out
    bad = (tmp_path / "templates" / "book.toml").read_text(encoding="utf-8")
    (tmp_path / "templates" / "book.toml").write_text(bad.replace("gap = 18", "gap = -1"),
                                                      encoding="utf-8")  # fmt: skip
    code, out = run_cli("book", sample_build.master, "--out", tmp_path / "b", "--config", path)
    assert code == 2 and "rows.gap" in out
    path = write_config(tmp_path / "named", remarks='"備考.toml"')
    with pytest.raises(ConfigError, match=re.escape("備考.toml")):
        load_remarks(load_config(path))


def test_pdf_without_pdftotext_is_a_clear_error_writing_nothing(
    sample_build: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KOHYO_PDFTOTEXT", str(tmp_path / "no-such-pdftotext"))
    soffice()
    code, out = run_cli("book", sample_build.master, "--out", tmp_path / "b", "--pdf")
    assert code == 2 and "pdftotext" in out and "poppler" in out
    assert not (tmp_path / "b").exists()


def test_library_and_cli_json_agree(sample_build: Any, config: Config, tmp_path: Path) -> None:
    master, _ = check_master(sample_build.master, config)
    result = build_book(master, config, out_dir=tmp_path / "lib")
    code, out = run_cli("book", sample_build.master, "--out", tmp_path / "cli", "--json")
    assert code == 0
    doc = json.loads(out)
    assert (doc["pages"], doc["projects"]) == (result.pages, [e.to_dict() for e in result.entries])
