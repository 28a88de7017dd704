"""The change overview as files (src/kohyo/overview.py, templates/overview/) and `kohyo diff`.

The sample pair must read like the seed document: same title, counts, sections and
projects. HTML is checked as parsed HTML (lxml) and, where Chromium is installed, printed
to PDF by it; the xlsx is reopened with openpyxl and must hold no formula at all.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from markdown_it import MarkdownIt
from openpyxl import load_workbook

from browser import chromium
from builders import project, variant, write_master
from kohyo.config import Config, load_config
from kohyo.errors import KohyoError
from kohyo.overview.compare import ChangeOverview, compare_masters
from kohyo.overview.render import (
    compare_files,
    default_out_dir,
    md_escape,
    render_change_overview,
    write_change_overview,
)
from kohyo.overview.view import build_view
from kohyo.read.master import read_master
from ooxml import assert_valid_xlsx

ROOT = Path(__file__).resolve().parents[1]
BEFORE = ROOT / "workbooks" / "master_before.xlsx"
AFTER = ROOT / "workbooks" / "master.xlsx"
TITLE = "青森圏域連携中枢都市圏ビジョン（変更案）の概要"
DELETED_QUOTE = (
    "「在宅医療に係る情報共有を図るため、医療機関の共同セミナーの開催を検討する」との記述を削除。"
)


def needs_sample() -> None:
    if not (BEFORE.exists() and AFTER.exists()):
        pytest.skip("sample not built yet (python scripts/build_sample.py)")


@pytest.fixture(scope="module")
def sample(request: pytest.FixtureRequest) -> ChangeOverview:
    needs_sample()
    config = request.getfixturevalue("config")
    return compare_masters(read_master(BEFORE, config), read_master(AFTER, config), config)


@pytest.fixture(scope="module")
def sample_files(
    sample: ChangeOverview, tmp_path_factory: pytest.TempPathFactory, request: Any
) -> Path:
    out = tmp_path_factory.mktemp("overview")
    write_change_overview(sample, out, request.getfixturevalue("config"))
    return out


def text_of(el: Any) -> str:
    return " ".join(el.text_content().split())


# --- HTML -----------------------------------------------------------------------------


def test_html_reads_like_the_seed(sample_files: Path) -> None:
    doc = lxml.html.fromstring((sample_files / "overview.html").read_text(encoding="utf-8"))
    assert doc.get("lang") == "ja"
    assert text_of(doc.find(".//h1")) == TITLE
    lead = [text_of(p) for p in doc.xpath("//div[@class='lead']/p")]
    assert lead == [
        "○以下について、ビジョンの変更(具体的取組の新規追加及び変更)を行う。",
        "(具体的取組の総数 : [現在] 3事業 ⇒ [変更案] 7事業)",
    ]
    assert [text_of(h) for h in doc.xpath("//h2")] == [
        "1 新規(4事業)", "2 変更(3事業)", "< 具体的取組の個表(ビジョンへの記載案) >",
    ]  # fmt: skip
    assert [text_of(h) for h in doc.xpath("//h3[not(@class)]")] == [
        "①「起業・創業等支援拠点運営事業」及び「中小事業者ビジネスサポート事業」",
        "②「在宅医療・介護連携推進事業」",
    ]
    assert [text_of(h) for h in doc.xpath("//h3[@class='kind']")] == [
        "【新規】4事業",
        "【変更】 3事業",
    ]


def test_html_new_projects_table(sample_files: Path) -> None:
    doc = lxml.html.fromstring((sample_files / "overview.html").read_text(encoding="utf-8"))
    [table] = doc.xpath("//table[@class='list']")
    assert [text_of(th) for th in table.xpath(".//th")] == [
        "事業番号", "事業名", "事業概要(案)", "資料の掲載ページ等",
    ]  # fmt: skip
    rows = [[text_of(td) for td in tr.xpath("td")] for tr in table.xpath(".//tbody/tr")]
    assert [r[0] for r in rows] == ["4", "21", "36", "39"]
    assert rows[0][2].startswith("○圏域の起業・創業の促進や地域企業の経営基盤の強化")
    assert all(r[3] == "" for r in rows)  # left for staff


def test_html_changes_section(sample_files: Path) -> None:
    doc = lxml.html.fromstring((sample_files / "overview.html").read_text(encoding="utf-8"))
    items = [text_of(li) for li in doc.xpath("//ul[contains(@class, 'changes')]/li")]
    assert items[0] == (
        "2事業を統合した「地域企業ビジネス支援拠点運営事業」（事業番号4）を実施するため、所要の変更を行う。"
    )
    assert items[-1] == DELETED_QUOTE
    assert "成果指標「創業件数※」の目標値を「25件」から「NO.4に統合」に変更。" in items
    [remark] = doc.xpath("//p[@class='remark']")
    assert text_of(remark).startswith("(注) 上記以外の事業についても")


def test_html_kohyo_tables_mark_the_deleted_sentence(sample_files: Path) -> None:
    doc = lxml.html.fromstring((sample_files / "overview.html").read_text(encoding="utf-8"))
    tables = doc.xpath("//table[@class='kohyo']")
    assert [text_of(t.xpath(".//tr[1]/td[1]")[0]) for t in tables] == [
        "4",
        "21",
        "36",
        "39",
        "2",
        "3",
        "20",
    ]
    twenty = tables[-1]
    assert [text_of(d) for d in twenty.xpath(".//del")] == [
        "○在宅医療に係る情報共有を図るため、医療機関の共同セミナーの開催を検討する。"
    ]
    assert not twenty.xpath(".//ins")
    # every row of a 個表 spans the same number of columns
    for t in tables:
        widths = {
            sum(int(c.get("colspan", 1)) for c in tr.xpath("th|td")) for tr in t.xpath(".//tr[1]")
        }
        assert widths == {7}
    two = tables[4]
    assert [text_of(d) for d in two.xpath(".//del")][-1] == "25件"
    assert [text_of(i) for i in two.xpath(".//ins")] == ["—", "21,833", "NO.4に統合"]
    new_tables_marks = [m for t in tables[:4] for m in t.xpath(".//del|.//ins")]
    assert new_tables_marks == []


def test_html_prints_with_chromium(sample_files: Path, tmp_path: Path) -> None:
    exe = chromium()
    pdf = tmp_path / "overview.pdf"
    subprocess.run(
        [exe, "--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer",
         f"--user-data-dir={tmp_path / 'profile'}", f"--print-to-pdf={pdf}",
         (sample_files / "overview.html").as_uri()],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF")
    pages = data.count(b"/Type /Page") - data.count(b"/Type /Pages")
    assert 3 <= pages <= 8  # overview, then the seven 個表 on A4


# --- Markdown -------------------------------------------------------------------------


def test_markdown_sections(sample_files: Path) -> None:
    md = (sample_files / "overview.md").read_text(encoding="utf-8")
    lines = md.splitlines()
    assert lines[0] == f"# {TITLE}"
    for expected in (
        "## 1 新規(4事業)",
        "## 2 変更(3事業)",
        "### ①「起業・創業等支援拠点運営事業」及び「中小事業者ビジネスサポート事業」",
        "### ②「在宅医療・介護連携推進事業」",
        f"- {DELETED_QUOTE}",
        "### 【新規】4事業",
        "### 【変更】 3事業",
        "（参考）事業番号が変わった事業（1事業）: 19→20 在宅医療・介護連携推進事業",
    ):
        assert expected in lines
    assert [ln.split(" | ")[0] for ln in lines if ln.startswith("| 事業名 | ")] == ["| 事業名"] * 7
    table_rows = [ln for ln in lines if ln.startswith("|")]
    assert all(ln.count(" |") == 7 for ln in table_rows if ln.startswith("| 事業名 | "))


def test_markdown_escapes_table_syntax() -> None:
    # Markdown escapes, not HTML entities: the .md is read as plain text too.
    assert md_escape("A|B *C* <b>\n次") == "A\\|B \\*C\\* \\<b\\><br>次"


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("[link](javascript:alert(1))", "\\[link\\]\\(javascript:alert\\(1\\)\\)"),
        ("![img](http://x.invalid/a.png)", "\\!\\[img\\]\\(http://x.invalid/a.png\\)"),
        ("# 見出し", "\\# 見出し"),
        ("- 項目", "\\- 項目"),
        ("1. 項目", "1\\. 項目"),
        ("12) 項目", "12\\) 項目"),
        ("a\\b `c` {d} +e ~~f~~ _g_", "a\\\\b \\`c\\` \\{d\\} \\+e \\~\\~f\\~\\~ \\_g\\_"),
        ("前\r\n後\r次", "前<br>後<br>次"),
        ("事業費 2-3 億円、第1.5期", "事業費 2-3 億円、第1.5期"),
    ],
)
def test_markdown_escape_cases(text: str, escaped: str) -> None:
    assert md_escape(text) == escaped


LIVE_MARKDOWN = re.compile(r"(?<!\\)\]\(|(?<!\\)!\[|(?<!\\)<(?!br>)")  # <br> is kohyo's


def test_markdown_never_holds_live_links_from_the_master(tmp_path: Path, config: Config) -> None:
    """Links, images and HTML typed into the master stay text in overview.md; HTML escapes."""
    link = "[詳しくはこちら](javascript:alert(document.cookie))"
    image = "![img](http://tracker.invalid/pixel.png)"
    old = project(1, "観光振興事業", content="○周遊ルートを作る。")
    new = variant(old, name=f"観光{link}事業", content=f"○周遊ルートを作る。{image}<script>")
    write_master(tmp_path / "old.xlsx", [old])
    write_master(tmp_path / "new.xlsx", [new, project(2, f"# {image}", content=f"- {link}")])
    ov = compare_masters(
        read_master(tmp_path / "old.xlsx", config),
        read_master(tmp_path / "new.xlsx", config),
        config,
    )

    write_change_overview(ov, tmp_path / "out", config)

    md = (tmp_path / "out" / "overview.md").read_text(encoding="utf-8")
    assert "javascript:alert" in md and "tracker.invalid" in md  # the text is all there
    assert LIVE_MARKDOWN.findall(md) == []
    assert "](" not in md.replace("\\](", "")
    assert "&lt;" not in md and "&gt;" not in md
    assert "## \\< 具体的取組の個表(ビジョンへの記載案) \\>" in md.splitlines()
    # A real CommonMark parser (markdown-it-py, which rich brings) sees no link, image or tag.
    rendered = lxml.html.fromstring(MarkdownIt("commonmark").enable("table").render(md))
    assert rendered.xpath("//a | //img | //script | //h1[2]") == []
    assert "[詳しくはこちら](javascript:alert(document.cookie))" in rendered.text_content()
    assert "< 具体的取組の個表(ビジョンへの記載案) >" in rendered.text_content()
    html = (tmp_path / "out" / "overview.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "&lt;script&gt;" in html
    doc = lxml.html.fromstring(html)
    assert doc.xpath("//a[contains(@href, 'javascript')]") == []
    assert doc.xpath("//img") == []


def test_control_characters_never_reach_the_overview(tmp_path: Path, config: Config) -> None:
    hidden = "\u202e\u2066\u2069\u200f\x85"
    old = project(1, "観光振興事業", content="○周遊ルートを作る。")
    new = variant(old, name="観光\u202e振興事業", content="○周遊\u2066ルート\u2069を\x85作る。")
    write_master(tmp_path / "old.xlsx", [old])
    write_master(tmp_path / "new.xlsx", [new, project(2, "新\u200f事業")])
    ov = compare_masters(
        read_master(tmp_path / "old.xlsx", config),
        read_master(tmp_path / "new.xlsx", config),
        config,
    )

    write_change_overview(ov, tmp_path / "out", config)

    for name in ("overview.md", "overview.html"):
        text = (tmp_path / "out" / name).read_text(encoding="utf-8")
        assert "観光振興事業" in text and "新事業" in text
        assert not set(text) & set(hidden), name
    wb = load_workbook(tmp_path / "out" / "overview.xlsx", rich_text=True)
    texts = "".join(str(c.value) for ws in wb for row in ws.iter_rows() for c in row if c.value)
    assert "新事業" in texts
    assert not set(texts) & set(hidden)


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("[link](javascript:alert(1))", "[link\\](javascript:alert(1))"),
        ("![img](http://example.com/a.png)", "![img\\](http://example.com/a.png)"),
        ("[ref][1] [def]: http://x", "[ref\\][1] [def\\]: http://x"),
        ("[現在] 1事業", "[現在] 1事業"),  # no link: kept as typed
        ("<http://example.com>", "\\<http://example.com\\>"),
        ("&lt;既に実体&gt;", "\\&lt;既に実体\\&gt;"),
        ("# 見出しではない", "\\# 見出しではない"),
        ("- 箇条書きではない", "\\- 箇条書きではない"),
        ("1. 番号付きではない", "1\\. 番号付きではない"),
        ("費用 2-3 割", "費用 2-3 割"),  # only at the start does "-" mean anything
    ],
)
def test_markdown_escapes_links_images_and_html(text: str, escaped: str) -> None:
    # One escape function (guard's overview/markdown.py) escapes every bracket, so the
    # exact text differs from these; what a CommonMark reader shows is the same: the
    # characters as typed, no link, image, tag or entity.
    rendered = lxml.html.fromstring(
        f"<div>{MarkdownIt('commonmark').render(md_escape(text))}</div>"
    )
    assert rendered.xpath("//a | //img | //h1 | //ul | //ol") == []
    assert rendered.text_content().strip() == text
    if "&" in text:
        assert md_escape(text) == escaped  # entities stay text: the "&" is escaped


def test_overview_md_heading_shows_a_less_than_sign_and_no_live_link(
    cli_run: Callable[..., Any], tmp_path: Path
) -> None:
    old = project(1, "A<B連携事業", content="○圏域の起業・創業の促進を図る。")
    new = variant(old, content="○[link](javascript:alert(1)) ![img](http://example.com/t.png)")
    write_master(tmp_path / "old.xlsx", [old])
    write_master(tmp_path / "new.xlsx", [new])
    res = cli_run("diff", tmp_path / "old.xlsx", tmp_path / "new.xlsx", "--config",
                  ROOT / "config.toml", "--out", tmp_path / "out")  # fmt: skip
    assert res.exit_code == 0, res.output
    md = (tmp_path / "out" / "overview.md").read_text(encoding="utf-8")
    assert "&lt;" not in md and "&gt;" not in md
    assert any(ln.startswith("#") and "A\\<B連携事業" in ln for ln in md.splitlines())
    assert "[link](" not in md and "\\[link\\]\\(javascript:" in md
    assert "![img](" not in md and "\\!\\[img\\]\\(http://example.com/t.png\\)" in md


# --- xlsx -----------------------------------------------------------------------------


def test_xlsx_holds_the_overview_and_the_kohyo(sample_files: Path) -> None:
    assert_valid_xlsx(sample_files / "overview.xlsx")
    wb = load_workbook(sample_files / "overview.xlsx")
    assert wb.sheetnames == ["概要", "個表（記載案）"]
    values = [c for row in wb["概要"].iter_rows(values_only=True) for c in row if c]
    assert values[0] == TITLE
    assert "1 新規(4事業)" in values and "2 変更(3事業)" in values
    assert "・" + DELETED_QUOTE in values
    kohyo = [c for row in wb["個表（記載案）"].iter_rows(values_only=True) for c in row if c]
    assert kohyo.count("事業名") == 7


def test_xlsx_never_holds_a_formula(tmp_path: Path, config: Config) -> None:
    """Text from the master that looks like a formula stays text in every output."""
    evil = '=HYPERLINK("http://example.invalid","x")'
    old = project(1, "観光振興事業")
    new = variant(
        old, content="○" + evil + "。", kpis=[("=1+1", "@SUM(A1)", "+2")], name="観光振興事業"
    )
    write_master(tmp_path / "old.xlsx", [old])
    write_master(tmp_path / "new.xlsx", [new, project(2, "=CMD|' /C calc'!A0")])
    ov = compare_masters(
        read_master(tmp_path / "old.xlsx", config),
        read_master(tmp_path / "new.xlsx", config),
        config,
    )
    write_change_overview(ov, tmp_path / "out", config)
    with zipfile.ZipFile(tmp_path / "out" / "overview.xlsx") as z:
        sheets = [z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any(b"<f>" in s or b"<f " in s for s in sheets)
    assert_valid_xlsx(tmp_path / "out" / "overview.xlsx")
    wb = load_workbook(tmp_path / "out" / "overview.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value]
    assert any(c.value == "=CMD|' /C calc'!A0" and c.data_type == "s" for c in cells)
    html = (tmp_path / "out" / "overview.html").read_text(encoding="utf-8")
    assert "=CMD|&#39; /C calc&#39;!A0" in html


# --- rendering edge cases -------------------------------------------------------------


def test_no_changes(tmp_path: Path, config: Config) -> None:
    write_master(tmp_path / "m.xlsx", [project(1, "観光振興事業")])
    m = read_master(tmp_path / "m.xlsx", config)
    texts = render_change_overview(compare_masters(m, m, config), config)
    doc = lxml.html.fromstring(texts["overview.html"])
    assert text_of(doc.xpath("//div[@class='lead']/p")[0]) == "○ビジョンの具体的取組に変更はない。"
    assert doc.xpath("//h2") == [] and doc.xpath("//table") == []
    assert "(具体的取組の総数 : [現在] 1事業 ⇒ [変更案] 1事業)" in texts["overview.md"]


def test_removed_and_renamed_sections(tmp_path: Path, config: Config) -> None:
    a = project(1, "観光振興事業", content="○観光客の増加を図るため、周遊ルートを作る。")
    b = project(
        2,
        "ごみ処理広域化事業",
        content="○ごみ処理施設を共同で運営する。",
        kpis=[("処理量", "—", "—")],
    )
    write_master(tmp_path / "old.xlsx", [a, b])
    write_master(tmp_path / "new.xlsx", [variant(a, name="観光周遊促進事業")])
    ov = compare_masters(
        read_master(tmp_path / "old.xlsx", config),
        read_master(tmp_path / "new.xlsx", config),
        config,
    )
    view = build_view(ov, config)
    assert view.sections == {"changed": 1, "removed": 2}
    assert view.lead == "○以下について、ビジョンの変更(具体的取組の変更及び削除)を行う。"
    assert [c.heading for c in view.changes] == [
        "①「観光振興事業」（「観光周遊促進事業」に名称変更）"
    ]
    assert view.changes[0].lines == [
        "事業名を「観光振興事業」から「観光周遊促進事業」に変更（名称変更）。"
    ]
    md = render_change_overview(ov, config)["overview.md"]
    assert "## 2 終了・削除(1事業)" in md and "| 2 | ごみ処理広域化事業 |  |  |" in md


def test_wider_kohyo_for_more_fiscal_years(tmp_path: Path, config: Config) -> None:
    old = project(1, "観光振興事業", year_headers=[f"{y}年度" for y in range(2015, 2020)])
    write_master(tmp_path / "old.xlsx", [old])
    write_master(tmp_path / "new.xlsx", [project(1, "観光振興事業")])
    ov = compare_masters(
        read_master(tmp_path / "old.xlsx", config),
        read_master(tmp_path / "new.xlsx", config),
        config,
    )
    [sheet] = build_view(ov, config).changed_sheets
    assert sheet.columns == 12  # label + 10 years + 計
    assert all(len(row) == 12 for row in sheet.grid())
    html = render_change_overview(ov, config)["overview.html"]
    header = lxml.html.fromstring(html).xpath("//table[@class='kohyo']//tr[4]/th")
    assert [text_of(th) for th in header][1:] == [*(f"{y}年度" for y in range(2015, 2025)), "計"]


def test_an_area_without_templates_uses_kohyos_own(
    tmp_config: Callable[..., Path], sample: ChangeOverview
) -> None:
    config = load_config(tmp_config())
    assert not (config.base_dir / "templates").exists()
    texts = render_change_overview(sample, config)
    assert texts == render_change_overview(sample, load_config(ROOT / "config.toml"))
    assert "<html" in texts["overview.html"]


def test_an_area_may_override_one_template_and_keep_the_other(
    tmp_config: Callable[..., Path], sample: ChangeOverview
) -> None:
    path = tmp_config()
    own = path.parent / "templates" / "overview" / "overview.md.j2"
    own.parent.mkdir(parents=True)
    own.write_text("# {{ v.title }}（圏域の様式）\n", encoding="utf-8")
    texts = render_change_overview(sample, load_config(path))
    assert texts["overview.md"].endswith("（圏域の様式）\n")
    assert "<html" in texts["overview.html"]


def test_an_override_that_is_not_a_file_is_one_clear_error(
    tmp_config: Callable[..., Path], sample: ChangeOverview
) -> None:
    path = tmp_config()
    (path.parent / "templates" / "overview" / "overview.html.j2").mkdir(parents=True)
    with pytest.raises(
        KohyoError, match=r"テンプレートの場所がファイルではありません: .*overview\.html\.j2"
    ):
        render_change_overview(sample, load_config(path))


def test_broken_template_is_one_clear_error(
    tmp_config: Callable[..., Path], sample: ChangeOverview
) -> None:
    path = tmp_config()
    shutil.copytree(ROOT / "templates" / "overview", path.parent / "templates" / "overview")
    (path.parent / "templates" / "overview" / "overview.md.j2").write_text(
        "{% if %}", encoding="utf-8"
    )
    with pytest.raises(KohyoError, match=r"overview\.md\.j2 に誤りがあります（1 行目）"):
        render_change_overview(sample, load_config(path))


# --- the command ----------------------------------------------------------------------


def test_cli_json_is_the_library_result(cli_run: Callable[..., Any], config: Config) -> None:
    needs_sample()
    result = cli_run("diff", BEFORE, AFTER, "--json", "--config", ROOT / "config.toml")
    assert result.exit_code == 0, result.output
    expected = compare_files(BEFORE, AFTER, config).overview
    assert expected is not None
    assert json.loads(result.stdout) == expected.to_dict()


def test_cli_writes_the_three_files(cli_run: Callable[..., Any], tmp_path: Path) -> None:
    needs_sample()
    out = tmp_path / "概要"
    result = cli_run("diff", BEFORE, AFTER, "--out", out, "--config", ROOT / "config.toml")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "overview.html",
        "overview.md",
        "overview.xlsx",
    ]
    assert result.stdout.splitlines()[1:3] == [
        "  具体的取組の総数: [現在] 3事業 ⇒ [変更案] 7事業",
        "  新規 4事業、変更 3事業（うち統合 2、名称変更 0）、終了・削除 0事業",
    ]


def test_cli_default_out_dir_and_default_new(
    cli_run: Callable[..., Any], tmp_config: Callable[..., Path], tmp_path: Path
) -> None:
    cfg = tmp_config({"paths.master": '"new.xlsx"', "paths.output_dir": '"出力"'})
    shutil.copytree(ROOT / "templates" / "overview", cfg.parent / "templates" / "overview")
    write_master(tmp_path / "old.xlsx", [project(1, "観光振興事業")])
    write_master(cfg.parent / "new.xlsx", [project(1, "観光振興事業")])
    result = cli_run("diff", tmp_path / "old.xlsx", "--config", cfg)
    assert result.exit_code == 0, result.output
    assert "変更はありません" in result.stdout
    out = default_out_dir(load_config(cfg))
    assert out == cfg.parent / "出力" / f"変更概要_{date.today():%Y%m%d}"
    assert (out / "overview.html").is_file()


def test_cli_refuses_masters_it_cannot_compare(cli_run: Callable[..., Any], tmp_path: Path) -> None:
    p = project(1, "観光振興事業")
    write_master(tmp_path / "old.xlsx", [p])
    write_master(tmp_path / "new.xlsx", [p, variant(p, number=2, sheet="2")])
    result = cli_run("diff", tmp_path / "old.xlsx", tmp_path / "new.xlsx", "--config", ROOT / "config.toml",
                     "--out", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 1
    assert "new.xlsx: 比べられないエラーがあります（1 件）" in result.stderr
    assert "name-duplicate" in result.stderr
    assert not (tmp_path / "out").exists()
    as_json = cli_run(
        "diff",
        tmp_path / "old.xlsx",
        tmp_path / "new.xlsx",
        "--json",
        "--config",
        ROOT / "config.toml",
    )
    assert as_json.exit_code == 1
    assert [f["code"] for f in json.loads(as_json.stdout)["findings"]] == ["name-duplicate"]


def _not_a_workbook(folder: Path) -> Path:
    (folder / "bad.xlsx").write_text("not a workbook", encoding="utf-8")
    return folder / "bad.xlsx"


@pytest.mark.parametrize(
    ("make", "message"),
    [(lambda d: d / "none.xlsx", "ファイルが見つかりません"), (_not_a_workbook, "bad.xlsx")],
    ids=["missing", "not-xlsx"],
)
def test_cli_unreadable_files_exit_2(
    cli_run: Callable[..., Any], tmp_path: Path, make: Callable[[Path], Path], message: str
) -> None:
    write_master(tmp_path / "ok.xlsx", [project(1, "観光振興事業")])
    result = cli_run("diff", make(tmp_path), tmp_path / "ok.xlsx", "--config", ROOT / "config.toml")
    assert result.exit_code == 2
    assert result.stderr.startswith("エラー: ") and message in result.stderr
    assert "Traceback" not in result.output


def test_cli_bad_template_override_exit_2(
    cli_run: Callable[..., Any], tmp_config: Callable[..., Path], tmp_path: Path
) -> None:
    write_master(tmp_path / "m.xlsx", [project(1, "観光振興事業")])
    cfg = tmp_config()
    own = cfg.parent / "templates" / "overview" / "overview.md.j2"
    own.parent.mkdir(parents=True)
    own.write_bytes("# {{ v.title }} 変更の概要".encode("cp932"))  # Shift_JIS, not UTF-8
    result = cli_run("diff", tmp_path / "m.xlsx", tmp_path / "m.xlsx", "--config", cfg,
                     "--out", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == f"エラー: テンプレートを UTF-8 として読めません: {own}\n"
    assert not (tmp_path / "out").exists()


def test_cli_without_templates_folder_uses_kohyos_own(
    cli_run: Callable[..., Any], tmp_config: Callable[..., Path], tmp_path: Path
) -> None:
    write_master(tmp_path / "m.xlsx", [project(1, "観光振興事業")])
    result = cli_run("diff", tmp_path / "m.xlsx", tmp_path / "m.xlsx", "--config", tmp_config(),
                     "--out", tmp_path / "out")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert (tmp_path / "out" / "overview.html").is_file()


def test_cli_refuses_errors_unless_allowed_then_compares_and_says_so(
    cli_run: Callable[..., Any], tmp_path: Path
) -> None:
    old = project(1, "観光振興事業", costs=["約200", 200, "—", None, None])
    write_master(tmp_path / "old.xlsx", [old])
    write_master(tmp_path / "new.xlsx", [variant(old, costs=[200, 200, "—", None, None])])
    refused = cli_run("diff", tmp_path / "old.xlsx", tmp_path / "new.xlsx", "--config",
                      ROOT / "config.toml", "--out", tmp_path / "out")  # fmt: skip
    assert refused.exit_code == 1  # a master with errors: refused unless --allow-errors
    assert "old.xlsx: 比べられないエラーがあります（1 件）" in refused.stderr
    assert "cost-not-number" in refused.stderr and "--allow-errors" in refused.stderr
    assert not (tmp_path / "out").exists()
    result = cli_run("diff", tmp_path / "old.xlsx", tmp_path / "new.xlsx", "--config",
                     ROOT / "config.toml", "--out", tmp_path / "out", "--allow-errors")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "  新規 0事業、変更 1事業（うち統合 0、名称変更 0）、終了・削除 0事業" in result.stdout
    assert (
        f"  注意: 変更前のマスターにエラーが 1 件あります（kohyo validate {tmp_path / 'old.xlsx'} で確認してください）"
        in result.stdout
    )
    md = (tmp_path / "out" / "overview.md").read_text(encoding="utf-8")
    assert "- 事業費見込額（単位：千円）を変更（2020年度 約200 ⇒ 200、計 200 ⇒ 400）。" in md


# --- the compiled-template cache (kohyo diff keeps it in the user's cache folder) -----------


def _two_projects(tmp_path: Path, config: Config) -> ChangeOverview:
    write_master(tmp_path / "old.xlsx", [project(1, "観光振興事業")])
    write_master(tmp_path / "new.xlsx", [project(1, "観光振興事業"), project(2, "移住促進事業")])
    return compare_masters(read_master(tmp_path / "old.xlsx", config),
                           read_master(tmp_path / "new.xlsx", config), config)  # fmt: skip


def test_cached_templates_render_the_same_text(tmp_path: Path, config: Config) -> None:
    ov = _two_projects(tmp_path, config)
    cache = tmp_path / "cache"
    fresh = render_change_overview(ov, config)
    first = render_change_overview(ov, config, template_cache=cache)
    stored = sorted(cache.rglob("*.cache"))
    assert len(stored) == 2  # the HTML and the Markdown template, compiled once
    stamps = [p.stat().st_mtime_ns for p in stored]
    second = render_change_overview(ov, config, template_cache=cache)
    assert first == second == fresh
    assert [p.stat().st_mtime_ns for p in stored] == stamps  # read, not compiled again


def test_an_area_template_edited_after_caching_is_compiled_again(
    tmp_path: Path, tmp_area_config: Config
) -> None:
    ov = _two_projects(tmp_path, tmp_area_config)
    cache = tmp_path / "cache"
    own = tmp_area_config.base_dir / "templates" / "overview" / "overview.md.j2"
    own.write_text("一つ目 {{ v.lead }}\n", encoding="utf-8")
    assert render_change_overview(ov, tmp_area_config, template_cache=cache)["overview.md"] \
        .startswith("一つ目 ")  # fmt: skip
    own.write_text("二つ目 {{ v.lead }}\n", encoding="utf-8")
    assert render_change_overview(ov, tmp_area_config, template_cache=cache)["overview.md"] \
        .startswith("二つ目 ")  # fmt: skip


def test_a_cache_that_cannot_be_used_costs_nothing_but_a_compile(
    tmp_path: Path, config: Config
) -> None:
    ov = _two_projects(tmp_path, config)
    expected = render_change_overview(ov, config)
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder", encoding="utf-8")
    assert render_change_overview(ov, config, template_cache=blocked) == expected
    cache = tmp_path / "cache"
    render_change_overview(ov, config, template_cache=cache)
    for stored in cache.rglob("*.cache"):
        stored.write_bytes(b"garbage")  # a damaged cache file
    assert render_change_overview(ov, config, template_cache=cache) == expected


def test_kohyo_diff_keeps_the_compiled_templates_in_the_user_cache(
    tmp_path: Path, tmp_area_config: Config, cli_run, monkeypatch: pytest.MonkeyPatch
) -> None:
    _two_projects(tmp_path, tmp_area_config)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    args = ("diff", "--config", tmp_area_config.path, tmp_path / "old.xlsx", tmp_path / "new.xlsx")
    first = cli_run(*args, "--out", tmp_path / "a")
    second = cli_run(*args, "--out", tmp_path / "b")
    assert first.exit_code == second.exit_code == 0
    assert len(list((tmp_path / "xdg" / "kohyo" / "templates").rglob("*.cache"))) == 2
    other = tmp_path / "elsewhere"  # the same master and templates from another folder
    shutil.copytree(tmp_area_config.base_dir / "templates", other / "templates")
    shutil.copy(tmp_area_config.path, other / "config.toml")
    third = cli_run("diff", "--config", other / "config.toml", tmp_path / "old.xlsx",
                    tmp_path / "new.xlsx", "--out", tmp_path / "c")  # fmt: skip
    assert third.exit_code == 0
    assert len(list((tmp_path / "xdg" / "kohyo" / "templates").rglob("*.cache"))) == 2
    assert (tmp_path / "c" / "overview.md").read_bytes() == (
        tmp_path / "a" / "overview.md"
    ).read_bytes()
    for name in ("overview.md", "overview.html"):
        assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def _runs_one_by_one(segs: list[Any]) -> list[tuple[str, str]]:
    """What runs() did before it joined each run once: string by string."""
    out: list[tuple[str, str]] = []
    for i, s in enumerate(segs):
        br = i and (s.starts_paragraph or (s.kind == "ins" and segs[i - 1].kind == "del"))
        text = ("\n" if br else "") + s.text
        if out and out[-1][0] == s.kind:
            out[-1] = (s.kind, out[-1][1] + text)
        elif text:
            out.append((s.kind, text))
    return out


def test_runs_are_what_they_were() -> None:
    import random

    from kohyo.overview.textdiff import Segment
    from kohyo.overview.view import runs

    rng = random.Random(17)
    for _ in range(2000):
        segs = [Segment(rng.choice(["", "a", "あい", "\n", "x y"]), rng.choice(["same", "ins", "del"]),
                        rng.random() < 0.2) for _ in range(rng.randrange(0, 12))]  # fmt: skip
        assert runs(segs) == _runs_one_by_one(segs), segs
