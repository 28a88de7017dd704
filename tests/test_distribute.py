"""Distribution: one workbook per municipality with exactly its projects, leak-free, print-ready."""

from __future__ import annotations

import hashlib
import html
import json
import re
import shutil
import subprocess
import zipfile
from collections.abc import Callable
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

import kohyo.distribute.build as distribute_module
from builders import project, write_master
from kohyo.config import Config, load_config
from kohyo.distribute.build import (
    MANIFEST_NAME,
    DistributionResult,
    distribute_master,
    select_towns,
)
from kohyo.distribute.leakcheck import check_file
from kohyo.errors import ConfigError, KohyoError
from kohyo.files.names import MAX_PATH_CHARS, fit_name, safe_name
from kohyo.files.pdf import SOFFICE_ENV, PdfError, require_soffice
from kohyo.layout.cover import CoverLook, load_cover_look
from kohyo.layout.look import LookError
from kohyo.model.project import Master, TextField
from kohyo.read.master import check_master
from libreoffice import convert, soffice
from ooxml import assert_valid_xlsx

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
DAY = date(2026, 11, 29)
TOWNS = ["青森市", "平内町", "今別町", "蓬田村", "外ヶ浜町"]

# Four projects with different 関係市町村; every text is distinctive, so finding one
# in a file proves that project leaked into it.
MIXED = [
    project(
        1, "圏域共通観光プロモーション事業", municipalities="全市町村",
        content="○圏域の観光資源を一体的に発信する共通ポータルサイトを運営する。",
        effect="交流人口の拡大による圏域経済の活性化",
        roles=[("青森市", "ポータルサイトの運営と全体調整"), ("連携町村", "観光情報の提供と費用負担")],
        kpis=[("観光ポータル閲覧数", "12万件 (2019年度)", "20万件")],
        notes=["※閲覧数はポータルサイトの年間ページビュー"],
        costs=[1000, 1200, "—", None, None], total=2200,
    ),
    project(
        2, "陸奥湾ほたて販路拡大連携事業", municipalities="青森市、平内町",
        content="○陸奥湾産ほたての首都圏向け商談会を共同で開催する。",
        effect="ほたて加工業者の販路拡大と所得向上",
        roles=[("青森市", "商談会の企画と会場手配"), ("連携町村", "出展事業者の募集と取りまとめ")],
        kpis=[("商談会成約件数", "8件", "15件")],
        costs=[300, 300, 300, None, None], total=900,
    ),
    project(
        3, "津軽半島北部交通空白地解消事業", municipalities="今別町・蓬田村",
        content="○乗合タクシーの共同運行により交通空白地の移動手段を確保する。",
        effect="高齢者の通院と買物の利便性向上",
        roles=[("連携町村", "運行事業者との協定締結と費用負担")],
        kpis=[("乗合タクシー年間利用者数", "3,200人", "5,000人")],
        costs=["—", 450, 450, 450, None], total=1350,
    ),
    project(
        4, "外ヶ浜町沿岸防災備蓄倉庫整備事業", municipalities="外ヶ浜町",
        content="○津波浸水想定区域外に防災備蓄倉庫を整備し、食料と資機材を備蓄する。",
        effect="大規模災害時の初動対応力の強化",
        roles=[("青森市", "整備計画への技術的助言"), ("連携町村", "備蓄品の選定について協議"),
               ("外ヶ浜町", "倉庫の整備と備蓄品の管理運営")],
        kpis=[("防災備蓄倉庫の整備箇所数", "0箇所", "2箇所")],
        costs=[5000, None, None, None, None], total=5000,
    ),
]  # fmt: skip
EXPECTED = {
    "青森市": [1, 2],
    "平内町": [1, 2],
    "今別町": [1, 3],
    "蓬田村": [1, 3],
    "外ヶ浜町": [1, 4],
}
ROLES = {
    ("青森市", 1): "ポータルサイトの運営と全体調整",
    ("平内町", 1): "観光情報の提供と費用負担",
    ("青森市", 2): "商談会の企画と会場手配",
    ("平内町", 2): "出展事業者の募集と取りまとめ",
    ("今別町", 1): "観光情報の提供と費用負担",
    ("蓬田村", 1): "観光情報の提供と費用負担",
    ("今別町", 3): "運行事業者との協定締結と費用負担",
    ("蓬田村", 3): "運行事業者との協定締結と費用負担",
    ("外ヶ浜町", 1): "観光情報の提供と費用負担",
    ("外ヶ浜町", 4): "倉庫の整備と備蓄品の管理運営",  # its own row, not the 連携町村 one
}


def distinctive(p: dict[str, Any]) -> list[str]:
    """The texts of a test project that no other project shares."""
    texts = [p["name"], p["content"].lstrip("○"), p["effect"]]
    texts += [k[0] for k in p["kpis"]] + [text for _, text in p["roles"]] + p["notes"]
    return texts


def part_texts(path: Path) -> dict[str, str]:
    """Every zip part, decoded and with XML entities resolved."""
    with zipfile.ZipFile(path) as zf:
        return {n: html.unescape(zf.read(n).decode("utf-8", "replace")) for n in zf.namelist()}


def cover_rows(ws: Any) -> list[list[Any]]:
    """The cover table's body rows (after the header row 5, before 合計)."""
    rows = []
    for r in range(6, ws.max_row + 1):
        first = ws.cell(r, 1).value
        if first in ("合計", None) or str(first).startswith("※"):
            break
        rows.append([ws.cell(r, c).value for c in range(1, ws.max_column + 1)])
    return rows


def xlsx_files(result: DistributionResult) -> dict[str, Path]:
    return {t.town: result.folder / t.files[0].name for t in result.towns}


@pytest.fixture(scope="module")
def mixed_master(tmp_path_factory: pytest.TempPathFactory, config: Config) -> Master:
    path = tmp_path_factory.mktemp("mixed") / "master.xlsx"
    write_master(path, MIXED)
    master, report = check_master(path, config)
    assert report.exit_code == 0, [f.key() for f in report.findings]
    return master


@pytest.fixture(scope="module")
def mixed(
    mixed_master: Master, config: Config, tmp_path_factory: pytest.TempPathFactory
) -> DistributionResult:
    out = tmp_path_factory.mktemp("dist")
    return distribute_master(mixed_master, config, out_dir=out, today=DAY, parallel=False)


# --- contents per town ----------------------------------------------------------------------


def test_each_town_gets_exactly_its_projects(mixed: DistributionResult) -> None:
    assert [t.town for t in mixed.towns] == TOWNS
    for t in mixed.towns:
        wb = openpyxl.load_workbook(mixed.folder / t.files[0].name)
        numbers = [str(n) for n in EXPECTED[t.town]]
        assert wb.sheetnames == ["一覧", *numbers], t.town
        assert list(t.projects) == EXPECTED[t.town]
        assert [row[0] for row in cover_rows(wb["一覧"])] == EXPECTED[t.town], t.town


def test_cover_shows_this_towns_own_role(mixed: DistributionResult) -> None:
    for t in mixed.towns:
        ws = openpyxl.load_workbook(mixed.folder / t.files[0].name)["一覧"]
        assert ws["D5"].value == "この市町村の役割"
        roles = {(t.town, row[0]): row[3] for row in cover_rows(ws)}
        assert roles == {k: v for k, v in ROLES.items() if k[0] == t.town}


def test_cover_heading_totals_and_derived_figures(mixed: DistributionResult) -> None:
    ws = openpyxl.load_workbook(mixed.folder / mixed.towns[1].files[0].name)["一覧"]  # 平内町
    texts = [ws.cell(r, 1).value for r in range(1, 5)]
    assert texts[0] == "青森圏域連携中枢都市圏ビジョン　具体的取組 個表"
    assert texts[1] == "配布先：平内町"
    assert texts[2] == "作成日：令和8年11月29日（2026年11月29日）"
    assert texts[3] == "平内町が関係する具体的取組：2件"
    header = [ws.cell(5, c).value for c in range(1, 11)]
    assert header == ["番号", "事業名", "関係市町村", "この市町村の役割",
                      "2020年度", "2021年度", "2022年度", "2023年度", "2024年度", "計"]  # fmt: skip
    assert cover_rows(ws)[1][4:] == [300, 300, 300, None, None, 900]
    total_row = [ws.cell(8, c).value for c in range(1, 11)]
    assert total_row == ["合計", None, None, None, 1300, 1500, 300, "—", "—", 3100]


def test_sheet_total_is_derived_not_copied(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "master.xlsx"
    write_master(path, [project(1, "計の古い事業", costs=[100, 200, "—", None, None], total=5)])
    master, _ = check_master(path, config)
    result = distribute_master(master, config, towns=["平内町"], out_dir=tmp_path / "o", today=DAY)
    wb = openpyxl.load_workbook(result.folder / result.towns[0].files[0].name)
    assert wb["1"]["G5"].value == 300
    assert wb["一覧"]["J6"].value == 300


def test_town_without_projects_gets_a_cover_saying_so(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "master.xlsx"
    write_master(path, MIXED[1:3])  # 外ヶ浜町 is in neither
    master, _ = check_master(path, config)
    result = distribute_master(
        master, config, towns=["外ヶ浜町"], out_dir=tmp_path / "o", today=DAY
    )
    assert_valid_xlsx(result.folder / result.towns[0].files[0].name)
    ws = openpyxl.load_workbook(result.folder / result.towns[0].files[0].name)
    assert ws.sheetnames == ["一覧"]
    cover = ws["一覧"]
    assert cover["A4"].value == "外ヶ浜町が関係する具体的取組：0件"
    assert cover["A6"].value == "該当する事業はありません"
    assert result.towns[0].projects == ()


def test_towns_filter_and_unknown_names(mixed_master: Master, config: Config) -> None:
    assert select_towns(config, ["外ヶ浜町", "平内町"]) == ["平内町", "外ヶ浜町"]  # config order
    assert select_towns(config, ["平内町"]) == ["平内町"]
    with pytest.raises(KohyoError) as exc:
        select_towns(config, ["平内町", "青森県"])
    assert "青森県" in exc.value.message
    assert "青森市、平内町、今別町、蓬田村、外ヶ浜町" in exc.value.message


# --- leak-free ------------------------------------------------------------------------------


def test_town_files_conform_to_ecma_376(mixed: DistributionResult) -> None:
    for path in xlsx_files(mixed).values():
        assert_valid_xlsx(path)


def test_leak_scan_finds_nothing(mixed: DistributionResult, mixed_master: Master) -> None:
    for town, path in xlsx_files(mixed).items():
        assert check_file(path, mixed_master, town) == [], town


def test_no_part_holds_text_of_another_towns_project(mixed: DistributionResult) -> None:
    """An independent check: grep every decoded part for every foreign project's texts."""
    by_number = {p["number"]: p for p in MIXED}
    for town, path in xlsx_files(mixed).items():
        parts = part_texts(path)
        for number, p in by_number.items():
            found = [(part, text) for text in distinctive(p) for part, body in parts.items()
                     if text in body]  # fmt: skip
            if number in EXPECTED[town]:
                assert found, f"{town}: own project {number} not found (the grep works?)"
            else:
                assert found == [], f"{town} holds project {number}: {found}"


def test_a_leaking_file_is_deleted_and_stops_the_run(
    mixed_master: Master, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(distribute_module, "projects_of", lambda master, town: master.projects)
    with pytest.raises(KohyoError) as exc:
        distribute_master(mixed_master, config, towns=["平内町"], out_dir=tmp_path,
                          today=DAY, parallel=False)  # fmt: skip
    assert "関係しない事業（No.3、No.4）" in exc.value.message
    assert "不具合" in exc.value.message
    assert list(tmp_path.iterdir()) == []  # neither the file nor its temp file remains


def test_no_vba_links_hidden_sheets_or_formulas(mixed: DistributionResult) -> None:
    for town, path in xlsx_files(mixed).items():
        parts = part_texts(path)
        assert not [n for n in parts if "vba" in n.lower() or "externalLink" in n], town
        assert "macroEnabled" not in parts["[Content_Types].xml"]
        assert 'TargetMode="External"' not in "".join(parts.values())
        assert 'state="hidden"' not in parts["xl/workbook.xml"]
        assert 'state="veryHidden"' not in parts["xl/workbook.xml"]
        sheets = [p for n, p in parts.items() if n.startswith("xl/worksheets/sheet")]
        assert not any("<f>" in s or "<f " in s for s in sheets), town
        core = parts["docProps/core.xml"]
        assert "<dc:creator>kohyo</dc:creator>" in core
        assert "2026-11-29T00:00:00Z" in core


def test_text_that_looks_like_a_formula_stays_text(tmp_path: Path, config: Config) -> None:
    tricky = project(
        1,
        '=HYPERLINK("http://example.invalid","押す")',
        content="+81-17-000-0000 へ連絡",
        effect="-1,000千円の削減効果",
        kpis=[("@利用者数", "=1+1", "-")],
    )
    path = tmp_path / "master.xlsx"
    write_master(path, [tricky])
    master, _ = check_master(path, config)
    result = distribute_master(master, config, towns=["平内町"], out_dir=tmp_path / "o", today=DAY)
    assert_valid_xlsx(result.folder / result.towns[0].files[0].name)
    wb = openpyxl.load_workbook(result.folder / result.towns[0].files[0].name)
    sheet, cover = wb["1"], wb["一覧"]
    for cell, value in (
        (sheet["C1"], '=HYPERLINK("http://example.invalid","押す")'),
        (sheet["B2"], "+81-17-000-0000 へ連絡"),
        (sheet["B3"], "-1,000千円の削減効果"),
        (sheet["B9"], "@利用者数"),
        (sheet["D9"], "=1+1"),
        (cover["B6"], '=HYPERLINK("http://example.invalid","押す")'),
    ):
        assert (cell.value, cell.data_type) == (value, "s"), cell.coordinate


def test_control_characters_are_stripped_with_a_warning(
    tmp_path: Path, mixed_master: Master, config: Config
) -> None:
    a = mixed_master.projects[0]
    dirty = replace(a, name=TextField("圏域共通観光\x07プロモーション事業", a.name.cell),
                    content=TextField("○観光資源を\x1b発信する。", a.content.cell))  # fmt: skip
    master = replace(mixed_master, projects=[dirty, *mixed_master.projects[1:]])
    result = distribute_master(master, config, towns=["平内町"], out_dir=tmp_path, today=DAY)
    stripped = {(s.town, s.sheet, s.cell, s.removed) for s in result.stripped}
    assert ("平内町", "1", "C1", "\x07") in stripped
    assert ("平内町", "1", "B2", "\x1b") in stripped
    assert ("平内町", "一覧", "B6", "\x07") in stripped
    assert any("使えない文字" in w for w in result.to_dict()["warnings"])
    wb = openpyxl.load_workbook(result.folder / result.towns[0].files[0].name)
    assert wb["1"]["C1"].value == "圏域共通観光プロモーション事業"
    assert wb["一覧"]["B6"].value == "圏域共通観光プロモーション事業"


def test_bidi_controls_never_reach_a_town_workbook(
    tmp_path: Path, mixed_master: Master, config: Config
) -> None:
    a = mixed_master.projects[0]
    dirty = replace(a, name=TextField("圏域共通観光\u202eプロモーション\u200f事業", a.name.cell),
                    content=TextField("○観光資源を\u2066発信\u2069\x85する。", a.content.cell))  # fmt: skip
    master = replace(mixed_master, projects=[dirty, *mixed_master.projects[1:]])
    result = distribute_master(master, config, towns=["平内町"], out_dir=tmp_path, today=DAY)
    stripped = {(s.sheet, s.cell, s.removed) for s in result.stripped}
    assert ("1", "C1", "\u202e\u200f") in stripped
    assert ("1", "B2", "\u2066\u2069\x85") in stripped
    wb = openpyxl.load_workbook(result.folder / result.towns[0].files[0].name)
    assert wb["1"]["C1"].value == "圏域共通観光プロモーション事業"
    assert wb["1"]["B2"].value == "○観光資源を発信する。"
    assert wb["一覧"]["B6"].value == "圏域共通観光プロモーション事業"


def test_text_cut_at_excel_limit_is_named_briefly(
    tmp_path: Path, mixed_master: Master, config: Config
) -> None:
    a = mixed_master.projects[0]
    long = replace(a, content=TextField("○" + "あ" * 40_000, a.content.cell))
    master = replace(mixed_master, projects=[long, *mixed_master.projects[1:]])
    result = distribute_master(master, config, towns=["平内町"], out_dir=tmp_path, today=DAY)
    [warning] = [w for w in result.to_dict()["warnings"] if "B2" in w]
    assert len(warning) < 200, warning
    assert "7,234 文字" in warning


# --- print-ready ----------------------------------------------------------------------------


def test_print_setup_of_cover_and_sheets(mixed: DistributionResult) -> None:
    wb = openpyxl.load_workbook(mixed.folder / mixed.towns[4].files[0].name)  # 外ヶ浜町
    cover = wb["一覧"]
    assert cover.print_title_rows == "$5:$5"
    assert cover.print_area == "'一覧'!$A$1:$J$11"
    assert (cover.page_setup.paperSize, cover.page_setup.orientation) == (9, "portrait")
    assert cover.sheet_properties.pageSetUpPr.fitToPage
    assert (cover.page_setup.fitToWidth or 1, cover.page_setup.fitToHeight) == (1, 0)  # 1: default
    assert cover.oddHeader.left.text == "青森圏域連携中枢都市圏"
    assert cover.oddHeader.right.text == "外ヶ浜町"
    assert cover.oddFooter.center.text == "&P / &N"
    assert cover.column_dimensions["B"].width > 20  # computed widths are written
    assert all(cover.row_dimensions[r].height >= 18 for r in range(5, 9))
    sheet = wb["4"]
    assert sheet.oddHeader.center.text == "外ヶ浜町"
    assert sheet.oddHeader.right.text == "事業番号 4"
    assert sheet.print_area == "'4'!$A$1:$G$10"
    assert sheet.page_setup.paperSize == 9


def test_cover_look_file_is_the_default_and_checked(tmp_path: Path) -> None:
    assert load_cover_look(ROOT / "templates" / "cover_sheet.toml") == CoverLook()
    bad = tmp_path / "cover.toml"
    for text, words in (
        ('[text]\ntitle = "{town}の{secret}"', "差し込み"),
        ('[text]\nsheet_name = "一覧/表紙"', "シート名"),
        ('[color]\ntotal_fill = "grey"', "color.total_fill"),
        ("[page]\nsheet_header = '{number} {nope}'", "差し込み"),
    ):
        bad.write_text(text, encoding="utf-8")
        with pytest.raises(LookError) as exc:
            load_cover_look(bad)
        assert words in exc.value.message and "一覧シートの書式ファイル" in exc.value.message


# --- determinism, names, manifest -----------------------------------------------------------


def test_same_master_same_date_gives_identical_bytes(
    mixed: DistributionResult, mixed_master: Master, config: Config, tmp_path: Path
) -> None:
    again = distribute_master(mixed_master, config, out_dir=tmp_path, today=DAY, parallel=True)
    assert again.parallel
    for town, path in xlsx_files(mixed).items():
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), town
    assert [t.files for t in again.towns] == [t.files for t in mixed.towns]


def test_progress_is_reported_per_town(
    mixed_master: Master, config: Config, tmp_path: Path
) -> None:
    calls: list[tuple[int, int, str]] = []
    distribute_master(mixed_master, config, out_dir=tmp_path, today=DAY,
                      progress=lambda *a: calls.append(a))  # fmt: skip
    assert calls == [(i + 1, 5, t) for i, t in enumerate(TOWNS)]


def test_config_refuses_a_town_name_with_a_slash(tmp_config: Callable[..., Path]) -> None:
    path = tmp_config({"area.municipalities": '["青森市", "平/内町"]'})
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    assert "ファイル名に使えない文字" in exc.value.message


def small_config(folder: Path, municipalities: list[str], filename_pattern: str) -> Config:
    """A config with only what distribution needs (no mail recipients to keep in step)."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "config.toml"
    path.write_text(
        f'[area]\nname = "青森圏域連携中枢都市圏"\nshort_name = "青森圏域"\n'
        f'central_city = "{municipalities[0]}"\nmunicipalities = {json.dumps(municipalities)}\n'
        f"[plan]\nfiscal_years = [2020, 2021, 2022, 2023, 2024]\n"
        f"[distribution]\nfilename_pattern = {json.dumps(filename_pattern)}\n",
        encoding="utf-8",
    )
    return load_config(path)


def test_reserved_device_name_becomes_a_safe_file_name(tmp_path: Path) -> None:
    cfg = small_config(tmp_path / "cfg", ["青森市", "CON"], "{town}.xlsx")
    path = tmp_path / "master.xlsx"
    write_master(path, [project(1, "共通事業", municipalities="全市町村")])
    master, _ = check_master(path, cfg)
    result = distribute_master(master, cfg, out_dir=tmp_path / "o", today=DAY)
    assert [t.files[0].name for t in result.towns] == ["青森市.xlsx", "CON_.xlsx"]


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ('青森圏域_平<内>:町"|?*.xlsx', "青森圏域_平_内__町____.xlsx"),
        ("a/b\\c.xlsx", "a_b_c.xlsx"),
        ("CON.xlsx", "CON_.xlsx"),
        ("nul", "nul_"),
        ("com1.tar.gz", "com1_.tar.gz"),
        ("LPT9", "LPT9_"),
        ("CONSOLE.xlsx", "CONSOLE.xlsx"),
        ("名前. . ", "名前"),
        ("\x01制御\x1f文字\x7f.xlsx", "_制御_文字_.xlsx"),
        ("...", "_"),
    ],
)
def test_safe_name(raw: str, safe: str) -> None:
    assert safe_name(raw) == safe


def test_long_paths_are_shortened_and_too_deep_folders_refused(tmp_path: Path) -> None:
    folder = tmp_path / ("深" * (MAX_PATH_CHARS - len(str(tmp_path)) - 2 - 50))  # room for 50
    long_name = "青森圏域連携中枢都市圏_外ヶ浜町_" + "個表" * 30 + ".xlsx"
    name = fit_name(folder, long_name)
    assert len(str(folder / name)) == MAX_PATH_CHARS
    assert name.startswith("青森圏域連携中枢都市圏_外ヶ浜町_個表") and name.endswith("個表.xlsx")
    assert fit_name(folder, "青森圏域_平内町.xlsx") == "青森圏域_平内町.xlsx"
    with pytest.raises(KohyoError, match="長すぎます"):
        fit_name(tmp_path / ("深" * (MAX_PATH_CHARS - len(str(tmp_path)) - 40)), "a.xlsx")


def test_manifest_shape(mixed: DistributionResult, mixed_master: Master) -> None:
    doc = json.loads((mixed.folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    assert list(doc) == ["kohyo_version", "area", "date", "master", "master_sha256", "towns"]
    assert (doc["kohyo_version"], doc["area"], doc["date"]) == ("0.1.0", "青森圏域連携中枢都市圏",
                                                               "2026-11-29")  # fmt: skip
    master = Path(doc["master"])
    assert master.is_absolute() and master == Path(mixed_master.path).resolve()
    assert doc["master_sha256"] == hashlib.sha256(master.read_bytes()).hexdigest()
    assert list(doc["towns"]) == TOWNS
    for town, entry in doc["towns"].items():
        assert list(entry) == ["projects", "files"] and entry["projects"] == EXPECTED[town]
        [f] = entry["files"]
        data = (mixed.folder / f["name"]).read_bytes()
        assert f == {"name": f"青森圏域_{town}_個表_2026-11-29.xlsx", "kind": "xlsx",
                     "sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}  # fmt: skip


def test_manifest_is_what_the_mail_step_reads(mixed: DistributionResult) -> None:
    manifest = pytest.importorskip("kohyo.distribute.manifest")
    loaded = manifest.load_manifest(mixed.folder)
    assert list(loaded.towns) == TOWNS
    assert loaded.towns["平内町"].projects == (1, 2)


def test_partial_run_merges_into_the_manifest(
    mixed_master: Master, config: Config, tmp_path: Path
) -> None:
    first = distribute_master(mixed_master, config, out_dir=tmp_path, today=DAY)
    before = json.loads(first.manifest.read_text(encoding="utf-8"))
    (tmp_path / "青森圏域_平内町_個表_2026-11-29.xlsx").write_bytes(b"damaged")
    second = distribute_master(mixed_master, config, towns=["平内町"], out_dir=tmp_path, today=DAY)
    after = json.loads(second.manifest.read_text(encoding="utf-8"))
    assert after == before  # the same bytes again, the other towns kept
    assert second.notices == []


def test_partial_run_from_another_master_drops_the_other_towns(
    mixed_master: Master, config: Config, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    distribute_master(mixed_master, config, out_dir=out, today=DAY)
    changed = tmp_path / "changed.xlsx"
    write_master(changed, MIXED[:2])
    other, _ = check_master(changed, config)
    # another master's distribution in --out: refused (test_distribute_guard.py) unless forced
    result = distribute_master(other, config, towns=["平内町"], out_dir=out, today=DAY, force=True)
    doc = json.loads(result.manifest.read_text(encoding="utf-8"))
    assert list(doc["towns"]) == ["平内町"]
    assert "別のマスター" in result.notices[0]


def test_files_a_town_no_longer_gets_are_removed_if_unchanged(
    mixed_master: Master, config: Config, tmp_path: Path
) -> None:
    first = distribute_master(mixed_master, config, towns=["平内町"], out_dir=tmp_path, today=DAY)
    doc = json.loads(first.manifest.read_text(encoding="utf-8"))
    old_pdf, edited = tmp_path / "old.pdf", tmp_path / "edited.pdf"
    old_pdf.write_bytes(b"%PDF-old")
    edited.write_bytes(b"%PDF-edited by staff")
    for f in (old_pdf, edited):
        doc["towns"]["平内町"]["files"].append({
            "name": f.name, "kind": "pdf", "bytes": 8,
            "sha256": hashlib.sha256(b"%PDF-old").hexdigest(),
        })  # fmt: skip
    first.manifest.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    distribute_master(mixed_master, config, towns=["平内町"], out_dir=tmp_path, today=DAY)
    assert not old_pdf.exists()  # listed before, exactly as written: removed
    assert edited.exists()  # changed since: left alone


def test_cover_sheet_name_never_clashes_with_a_project_sheet(
    tmp_path: Path, config: Config
) -> None:
    path = tmp_path / "master.xlsx"
    write_master(path, [project(1, "一覧という名の事業", sheet="一覧")])
    master, _ = check_master(path, config)
    result = distribute_master(master, config, towns=["平内町"], out_dir=tmp_path / "o", today=DAY)
    assert result.towns[0].sheets == ("一覧(2)", "一覧")
    assert openpyxl.load_workbook(result.folder / result.towns[0].files[0].name).sheetnames == [
        "一覧(2)", "一覧",
    ]  # fmt: skip


def test_missing_libreoffice_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, mixed_master: Master, config: Config, tmp_path: Path
) -> None:
    monkeypatch.setenv(SOFFICE_ENV, str(tmp_path / "no-soffice"))
    with pytest.raises(PdfError) as exc:
        require_soffice()
    assert exc.value.exit_code == 2
    assert "LibreOffice" in exc.value.message and "インストール" in exc.value.message
    with pytest.raises(PdfError):
        distribute_master(mixed_master, config, out_dir=tmp_path / "o", pdf=True, today=DAY)
    assert not (tmp_path / "o").exists()  # checked before anything is written


# --- LibreOffice opens and prints what we write ----------------------------------------------


@pytest.mark.libreoffice
def test_every_file_reopens_and_converts_to_pdf(mixed: DistributionResult, tmp_path: Path) -> None:
    soffice()
    for town, path in xlsx_files(mixed).items():
        openpyxl.load_workbook(path)  # re-read by openpyxl
        pdf = convert(path, "pdf", tmp_path / town)
        assert pdf.read_bytes()[:5] == b"%PDF-"


@pytest.mark.libreoffice
def test_pdf_option_renders_japanese_on_a4(sample_master: Path, config: Config) -> None:
    soffice()
    for tool in ("pdftoppm", "pdftotext", "pdfinfo"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} (poppler-utils) is not installed")
    master, _ = check_master(sample_master, config)
    out = sample_master.parent / "out"
    result = distribute_master(master, config, towns=["平内町"], out_dir=out, pdf=True, today=DAY)
    [town] = result.towns
    assert [f.kind for f in town.files] == ["xlsx", "pdf"]
    pdf = out / town.files[1].name
    assert town.files[1].sha256 == hashlib.sha256(pdf.read_bytes()).hexdigest()
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    assert "(A4)" in info
    pages = re.search(r"Pages:\s+(\d+)", info)
    assert pages and int(pages[1]) >= 1 + len(master.projects)
    page1 = subprocess.run(["pdftotext", "-f", "1", "-l", "1", "-layout", str(pdf), "-"],
                           capture_output=True, text=True).stdout  # fmt: skip
    for text in ["配布先：平内町", "この市町村の役割", "合計", "1/8"]:
        assert text in page1
    for p in master.projects:  # every row, and the last column, made it onto page 1
        assert p.name.text[:8] in page1.replace(" ", "")
    ARTIFACTS.mkdir(exist_ok=True)
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-f", "1", "-l", "1", str(pdf),
                    str(ARTIFACTS / "distribute-page1")], check=True)  # fmt: skip
    assert (ARTIFACTS / "distribute-page1-1.png").stat().st_size > 10_000


# --- the command ----------------------------------------------------------------------------


def test_cli_distributes_the_sample_master(
    cli_run: Callable[..., Any], sample_master: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    result = cli_run("distribute", sample_master, "--out", out, "--config", ROOT / "config.toml")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [MANIFEST_NAME, "base"]  # base/: what each town was sent, for kohyo collect
        + [f"青森圏域_{t}_個表_{date.today().isoformat()}.xlsx" for t in TOWNS]
    )
    assert "5 市町村の配布ファイルを作成しました" in result.stdout
    assert "外ヶ浜町" in result.stdout


def test_cli_town_filter_json_and_default_folder(
    cli_run: Callable[..., Any], sample_master: Path, tmp_config: Callable[..., Path]
) -> None:
    cfg = tmp_config()
    result = cli_run("distribute", sample_master, "--town", "今別町", "--town", "平内町",
                     "--json", "--config", cfg)  # fmt: skip
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert list(doc["towns"]) == ["平内町", "今別町"]
    folder = cfg.parent / "out" / f"配布_{date.today().isoformat()}"
    assert Path(doc["folder"]) == folder
    assert len(list(folder.glob("*.xlsx"))) == 2


def test_cli_unknown_town_exits_2_listing_the_names(
    cli_run: Callable[..., Any], sample_master: Path, tmp_path: Path
) -> None:
    result = cli_run("distribute", sample_master, "--town", "八戸市", "--out", tmp_path / "o",
                     "--config", ROOT / "config.toml")  # fmt: skip
    assert result.exit_code == 2
    assert "八戸市" in result.stderr and "青森市、平内町、今別町、蓬田村、外ヶ浜町" in result.stderr
    assert not (tmp_path / "o").exists()


def test_cli_master_with_errors_exits_1_writing_nothing(
    cli_run: Callable[..., Any], tmp_path: Path
) -> None:
    path = tmp_path / "master.xlsx"
    write_master(path, [project(1, costs=["約200", 200, "—", None, None])])
    result = cli_run("distribute", path, "--out", tmp_path / "o", "--config", ROOT / "config.toml")
    assert result.exit_code == 1
    assert "cost-not-number" in result.stdout and "配布ファイルは作りません" in result.stdout
    assert not (tmp_path / "o").exists()


def test_cli_missing_master_exits_2(cli_run: Callable[..., Any], tmp_path: Path) -> None:
    result = cli_run("distribute", tmp_path / "nothing.xlsx", "--out", tmp_path / "o",
                     "--config", ROOT / "config.toml")  # fmt: skip
    assert result.exit_code == 2
    assert "見つかりません" in result.stderr and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_cli_pdf_without_libreoffice_exits_2_writing_nothing(
    cli_run: Callable[..., Any], sample_master: Path, tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setenv(SOFFICE_ENV, str(tmp_path / "no-soffice"))
    result = cli_run("distribute", sample_master, "--pdf", "--out", tmp_path / "o",
                     "--config", ROOT / "config.toml")  # fmt: skip
    assert result.exit_code == 2
    assert "LibreOffice（soffice）が見つかりません" in result.stderr
    assert "インストール" in result.stderr
    assert not (tmp_path / "o").exists()
