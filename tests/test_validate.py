"""Every validation rule (src/kohyo/validate.py), each with a failing and a passing case.

Findings are compared as (sheet, cell, code) tuples via Finding.key().
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook

from builders import project, write_master, write_sheet
from conftest import REAL_CONFIG
from kohyo.check.findings import CATALOGUE, Finding, Report
from kohyo.check.rules import check_row_count
from kohyo.config import Config, load_config
from kohyo.model.excel import MAX_ROWS
from kohyo.read.master import check_master, read_master

Key = tuple[str | None, str | None, str]


def check(
    tmp_path: Path,
    config: Config,
    projects: list[dict[str, Any]],
    *,
    extra_sheets: list[tuple[str, list[list[Any]]]] | None = None,
) -> Report:
    path = tmp_path / "master.xlsx"
    write_master(path, projects, extra_sheets=extra_sheets)
    return check_master(path, config)[1]


def keys(report: Report) -> list[Key]:
    return [f.key() for f in report.findings]


def check_edited(
    tmp_path: Path, config: Config, p: dict[str, Any], edit: Callable[[Any], None]
) -> Report:
    """One 個表 written by builders.py, then changed cell by cell (formulas, removed headers)."""
    wb = Workbook()
    ws = wb.active
    ws.title = str(p["number"])
    write_sheet(ws, p)
    edit(ws)
    path = tmp_path / "edited.xlsx"
    wb.save(path)
    return check_master(path, config)[1]


# Each case: (id, projects, expected findings). The first project's sheet is "4".
P = project
FAILING: list[tuple[str, list[dict[str, Any]], list[Key]]] = [
    ("block-missing", [P(labels={"effect": "効果"})], [("4", None, "block-missing")]),
    ("block-missing-costs", [P(labels={"costs": "予算"})], [("4", None, "block-missing")]),
    ("number-missing", [P(number=None, sheet="4")], [("4", "B1", "number-missing")]),
    ("number-not-integer", [P(number=4.5, sheet="4")], [("4", "B1", "number-not-integer")]),
    ("number-not-integer-text", [P(number="四", sheet="4")], [("4", "B1", "number-not-integer")]),
    (
        "number-duplicate",
        [P(4), P(4, name="圏域観光推進事業", sheet="4b")],
        [("4b", "B1", "number-duplicate")],
    ),
    (
        "number-order",
        [P(5, sheet="5"), P(4, name="圏域観光推進事業")],
        [("4", "B1", "number-order")],
    ),
    ("number-gap", [P(4), P(6, name="圏域観光推進事業")], [("6", "B1", "number-gap")]),
    ("name-empty", [P(name="")], [("4", "C1", "name-empty")]),
    ("name-empty-spaces", [P(name="\u3000 ")], [("4", "C1", "name-empty")]),
    ("name-duplicate", [P(4), P(5)], [("5", "C1", "name-duplicate")]),
    (
        "name-duplicate-spacing",
        [P(4, name="圏域観光推進事業"), P(5, name="圏域観光 推進事業")],
        [("5", "C1", "name-duplicate")],
    ),
    ("municipality-empty", [P(municipalities=None)], [("4", "F1", "municipality-empty")]),
    (
        "municipality-unknown",
        [P(municipalities="青森市、青森町")],
        [("4", "F1", "municipality-unknown")],
    ),
    (
        "cost-not-number",
        [P(costs=[100, "約200", "—", None, None], total=100)],
        [("4", "C5", "cost-not-number")],
    ),
    (
        "cost-not-number-error-value",
        [P(costs=[100, "#N/A", "—", None, None], total=100)],
        [("4", "C5", "cost-not-number")],
    ),
    (
        "cost-not-integer",
        [P(costs=[100, 200.5, "—", None, None], total=100)],
        [("4", "C5", "cost-not-integer")],
    ),
    (
        "cost-too-large",
        [P(costs=[100, 10**15, "—", None, None], total=100)],
        [("4", "C5", "cost-too-large")],
    ),
    (
        "cost-too-large-20-and-400-digits",
        [P(costs=[100, 10**20, "９" * 400, None, None], total=100)],
        [("4", "C5", "cost-too-large"), ("4", "D5", "cost-too-large")],
    ),
    (
        "cost-negative",
        [P(costs=[100, -100, "—", None, None], total=0)],
        [("4", "C5", "cost-negative")],
    ),
    (
        "cost-negative-triangle",
        [P(costs=[100, "△100", "—", None, None], total=0)],
        [("4", "C5", "number-stored-as-text"), ("4", "C5", "cost-negative")],
    ),
    (
        "number-stored-as-text",
        [P(costs=[100, " 200 ", "２１，８３３", None, None], total=22133)],
        [("4", "C5", "number-stored-as-text"), ("4", "D5", "number-stored-as-text")],
    ),
    (
        "year-header-invalid",
        [
            P(
                year_headers=["2020年度", "令和X年度", "2022年度", "2023年度", "2024年度"],
                costs=[100, None, "—", None, None],
                total=100,
            )
        ],
        [("4", "C4", "year-header-invalid"), ("4", "B4", "year-header-mismatch")],
    ),
    (
        "year-header-mismatch",
        [P(year_headers=[f"{y}年度" for y in range(2019, 2024)])],
        [("4", "B4", "year-header-mismatch")],
    ),
    (
        "year-header-mismatch-short",
        [P(year_headers=["2020年度", "2021年度"], costs=[100, 200], total=300)],
        [("4", "B4", "year-header-mismatch")],
    ),
    ("total-mismatch", [P(total=999)], [("4", "G5", "total-mismatch")]),
    ("total-mismatch-blank", [P(total=None)], [("4", "G5", "total-mismatch")]),
    (
        "total-mismatch-seed-project-2",
        [P(costs=[21833, "—", "—", "—", "—"], total="—")],
        [("4", "G5", "total-mismatch")],
    ),
    ("kpi-none", [P(kpis=[])], [("4", "A8", "kpi-none")]),
    ("kpi-name-missing", [P(kpis=[("", "21件", "30件")])], [("4", "B9", "kpi-name-missing")]),
    (
        "kpi-target-year",
        [P(kpi_header=["指標", "現状値（調査時点）", "目標値（2025年度）"])],
        [("4", "F8", "kpi-target-year")],
    ),
    (
        "merge-reference-unknown",
        [P(kpis=[("創業件数", "—", "NO.9に統合")])],
        [("4", "F9", "merge-reference-unknown")],
    ),
    (
        "merge-reference-unknown-note",
        [P(notes=["※ＮＯ．９に統合"])],
        [("4", "A10", "merge-reference-unknown")],
    ),
    ("role-none", [P(roles=[])], [("4", "A6", "role-none")]),
    (
        "role-unknown",
        [P(roles=[("青森市", "事業企画"), ("青森町", "費用負担")])],
        [("4", "B7", "role-unknown")],
    ),
    # What a later command would refuse or alter (Excel's limits, invisible characters).
    (
        "control-character-rlo",
        [P(name="観光\u202eスセジ業事")],
        [("4", "C1", "control-character")],
    ),
    (
        "control-character-in-role-and-kpi",
        [P(roles=[("青森市", "事業\u200f企画")], kpis=[("件数", "\u20661件\u2069", "2件")])],
        [("4", "C6", "control-character"), ("4", "D8", "control-character")],
    ),
    ("control-character-c1", [P(effect="効果\x85の拡大")], [("4", "B3", "control-character")]),
]

PASSING: list[tuple[str, list[dict[str, Any]]]] = [
    ("default", [P()]),
    ("labels-drift", [P(labels={"effect": "連携\n効果", "costs": "事業費見込額\n（単位：千円）"})]),
    ("number-as-text", [P(number="４", sheet="4")]),
    ("numbers-in-order", [P(4), P(5, name="圏域観光推進事業"), P(6, name="三番目の事業")]),
    ("names-differ", [P(4, name="事業A"), P(5, name="事業B")]),
    ("municipality-list", [P(municipalities="青森市、平内町・外ヶ浜町")]),
    ("municipality-partners", [P(municipalities="青森市、連携町村")]),
    ("costs-all-dash", [P(costs=["—", "－", "ー", "-", "―"], total="—")]),
    ("costs-blank", [P(costs=[None] * 5, total="—")]),
    ("costs-zero", [P(costs=[0, 0, 0, 0, 0], total=0)]),
    ("float-integer", [P(costs=[100.0, 200, "—", None, None], total=300)]),
    ("year-headers-wareki", [P(year_headers=["令和2年度", "R3年度", "令和４年度", "2023", 2024])]),
    ("kpi-several", [P(kpis=[("a", "1", "2"), ("b", "—", "—"), ("c", "NO.4に統合", "—")])]),
    ("kpi-target-wareki", [P(kpi_header=["指標", "現状値（調査時点）", "目標値（令和6年度）"])]),
    (
        "merge-reference-known",
        [P(4, kpis=[("創業件数", "—", "NO.5に統合")]), P(5, name="統合先の事業")],
    ),
    (
        "role-one-town",
        [P(roles=[("青森市", "事業企画"), ("平内町", "会場提供"), ("連携町村", "負担")])],
    ),
    ("role-all", [P(roles=[("全市町村", "事業実施")])]),
    ("text-at-excel-limit", [P(content="あ" * 32_767)]),
    ("tabs-and-line-breaks", [P(content="○一行目\n\t二行目\r\n三行目", effect="A\u200dB")]),
]


@pytest.mark.parametrize(
    ("projects", "expected"), [c[1:] for c in FAILING], ids=[c[0] for c in FAILING]
)
def test_rule_fails(
    tmp_path: Path, config: Config, projects: list[dict[str, Any]], expected: list[Key]
) -> None:
    assert keys(check(tmp_path, config, projects)) == expected


@pytest.mark.parametrize("projects", [c[1] for c in PASSING], ids=[c[0] for c in PASSING])
def test_rule_passes(tmp_path: Path, config: Config, projects: list[dict[str, Any]]) -> None:
    report = check(tmp_path, config, projects)
    assert keys(report) == []
    assert report.exit_code == 0


def test_every_code_has_a_failing_case() -> None:
    covered = {k[2] for case in FAILING for k in case[2]}
    covered |= {"formula-no-cache", "total-missing", "no-projects", "sheet-skipped"}
    covered |= {"sheet-name-invalid", "too-many-rows", "cell-too-long"}  # tests below
    covered |= {
        "memo-ignored",
        "sheet-hidden",
        "row-hidden",
        "total-no-cache",
    }  # tests/test_habits.py builds those masters
    assert covered == set(CATALOGUE)


def test_number_gap_names_the_missing_numbers(tmp_path: Path, config: Config) -> None:
    report = check(tmp_path, config, [P(4), P(8, name="圏域観光推進事業")])
    assert keys(report) == [("8", "B1", "number-gap")]
    assert "5〜7" in report.findings[0].message
    assert report.exit_code == 0  # a gap is a warning


def test_formula_no_cache(tmp_path: Path, config: Config) -> None:
    def edit(ws: Any) -> None:
        ws["D5"] = "=B5+C5"

    report = check_edited(tmp_path, config, P(), edit)
    assert keys(report) == [("4", "D5", "formula-no-cache")]
    assert report.findings[0].message == (
        "数式 =B5+C5 の計算結果が保存されていません。Excel で開いて保存し直してください"
    )


def test_formula_no_cache_total_only_is_not_an_error(tmp_path: Path, config: Config) -> None:
    # 計 belongs to the tool: an uncalculated SUM there is fixed by refresh, not an error.
    def edit(ws: Any) -> None:
        ws["G5"] = "=SUM(B5:F5)"

    report = check_edited(tmp_path, config, P(), edit)
    assert [(f.key(), f.severity) for f in report.findings] == [
        (("4", "G5", "total-no-cache"), "warning")
    ]
    assert report.findings[0].message == (  # said as it is, not as 「空欄」
        "計の数式 =SUM(B5:F5) の計算結果が保存されていません（各年度の合計: 300）。"
        "refresh で値を書き込みます"
    )


def test_total_missing(tmp_path: Path, config: Config) -> None:
    def edit(ws: Any) -> None:
        ws["G4"] = None
        ws["G5"] = None

    report = check_edited(tmp_path, config, P(), edit)
    assert keys(report) == [("4", "A4", "total-missing")]
    ok = check_edited(tmp_path, config, P(), lambda ws: ws.__setitem__("G4", "合計"))
    assert keys(ok) == []


def test_no_projects(tmp_path: Path, config: Config) -> None:
    report = check(
        tmp_path, config, [], extra_sheets=[("表紙", [["青森圏域連携中枢都市圏ビジョン"]])]
    )
    assert [(f.key(), f.severity) for f in report.findings] == [
        (("表紙", None, "sheet-skipped"), "info"),
        ((None, None, "no-projects"), "error"),
    ]
    assert report.exit_code == 1


def test_kpi_target_year_follows_config(tmp_path: Path, tmp_config: Callable[..., Path]) -> None:
    config = load_config(tmp_config({"plan.target_year": "2025"}))
    header = ["指標", "現状値（調査時点）", "目標値（2025年度）"]
    assert keys(check(tmp_path, config, [P(kpi_header=header)])) == []
    assert keys(check(tmp_path, config, [P()])) == [("4", "F8", "kpi-target-year")]


def test_year_headers_follow_config(tmp_path: Path, tmp_config: Callable[..., Path]) -> None:
    config = load_config(tmp_config({"plan.fiscal_years": "[2019, 2020, 2021, 2022, 2023]"}))
    headers = [f"{y}年度" for y in range(2019, 2024)]
    kpi = ["指標", "現状値（調査時点）", "目標値（2023年度）"]
    assert keys(check(tmp_path, config, [P(year_headers=headers, kpi_header=kpi)])) == []
    assert keys(check(tmp_path, config, [P(kpi_header=kpi)])) == [
        ("4", "B4", "year-header-mismatch")
    ]


# ------------------------------------------------- what Excel itself refuses (crafted files)
# openpyxl and Excel cannot write these; other tools can. validate must catch them, because
# distribute writes every project sheet's name and text again through XlsxWriter.


def edit_part(path: Path, part: str, old: str, new: str) -> None:
    """Replace *old* by *new* in one part of the xlsx at *path* (the master as a tool wrote it)."""
    with zipfile.ZipFile(path) as z:
        members = {i.filename: z.read(i) for i in z.infolist()}
    text = members[part].decode("utf-8")
    assert old in text
    members[part] = text.replace(old, new).encode("utf-8")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)


def test_cell_longer_than_excel_allows(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "master.xlsx"
    write_master(path, [P(content="LONGTEXT")])
    edit_part(path, "xl/worksheets/sheet1.xml", "LONGTEXT", "○長い説明" + "あ" * 39_996)

    master, report = check_master(path, config)

    assert len(master.projects[0].content.text) == 40_001
    assert keys(report) == [("4", "B2", "cell-too-long")]
    f = report.findings[0]
    assert f.message == (
        "セルの文字数が 40,001 文字で、Excel の上限 32,767 文字を超えています"
        "（「○長い説明あああああああああああああああ…」）。配布用のブックでは切れてしまうため、"
        "短くしてください"
    )
    assert report.exit_code == 1


@pytest.mark.parametrize(
    ("sheet", "reason"),
    [
        ("5/6", "使えない文字 / があります"),
        ("事業[5]", "使えない文字 [] があります"),
        ("あ" * 32, "1〜31 文字にしてください（32 文字）"),
        ("5\u202e", "制御文字 U+202E があります"),
        ("History", "「History」は Excel が予約している名前です"),
    ],
)
def test_sheet_name_excel_refuses(tmp_path: Path, config: Config, sheet: str, reason: str) -> None:
    path = tmp_path / "master.xlsx"
    write_master(path, [P(4), P(5, name="圏域観光推進事業")])
    edit_part(path, "xl/workbook.xml", 'name="5"', f'name="{sheet}"')

    report = check_master(path, config)[1]

    assert keys(report) == [(sheet, None, "sheet-name-invalid")]
    shown = sheet.replace("\u202e", "<U+202E>")
    assert report.findings[0].message == (
        f"シート名「{shown}」は配布用のブックに書けません（{reason}）。シート名を直してください"
    )


def test_sheet_names_differing_only_in_case(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "master.xlsx"
    write_master(path, [P(4, sheet="Kanko"), P(5, name="圏域観光推進事業", sheet="kanko2")])
    edit_part(path, "xl/workbook.xml", 'name="kanko2"', 'name="KANKO"')

    assert keys(check_master(path, config)[1]) == [("KANKO", None, "sheet-name-invalid")]


def test_more_rows_than_excel_allows(tmp_path: Path, config: Config) -> None:
    path = tmp_path / "master.xlsx"
    write_master(path, [P(notes=["※ 注記"])])
    master = read_master(path, config)
    p = master.projects[0]
    p.notes = p.notes * (MAX_ROWS - 8)  # 6 + 2 roles + 1 KPI + notes = MAX_ROWS + 1

    assert [f.key() for f in check_row_count(p, config)] == [("4", None, "too-many-rows")]
    p.notes = p.notes[:-1]
    assert list(check_row_count(p, config)) == []


@pytest.mark.parametrize(
    ("old", "new", "code"),
    [
        ('name="5"', 'name="5/6"', "sheet-name-invalid"),
        ("LONGTEXT", "○" + "あ" * 40_000, "cell-too-long"),
    ],
    ids=["sheet-name", "long-cell"],
)
def test_validate_fails_what_distribute_cannot_write(
    tmp_path: Path, cli_run: Callable[..., Any], old: str, new: str, code: str
) -> None:
    """The probe's cases: validate said OK, then distribute crashed or cut the text."""
    path = tmp_path / "master.xlsx"
    write_master(path, [P(4), P(5, name="圏域観光推進事業", content="LONGTEXT")])
    part = "xl/workbook.xml" if old.startswith("name=") else "xl/worksheets/sheet2.xml"
    edit_part(path, part, old, new)

    checked = cli_run("validate", path, "--json", "--config", REAL_CONFIG)
    built = cli_run("distribute", path, "--out", tmp_path / "out", "--config", REAL_CONFIG)

    assert checked.exit_code == 1
    assert [f["code"] for f in json.loads(checked.stdout)["findings"]] == [code]
    assert len(checked.stdout) < 2000  # the long text is not printed
    assert (built.exit_code, built.exception) == (1, None)
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- messages


def only(report: Report) -> Finding:
    assert len(report.findings) == 1, keys(report)
    return report.findings[0]


MESSAGES: list[tuple[str, dict[str, Any], str, str]] = [
    (
        "cost-not-number",
        {"costs": [100, "約200", "—", None, None], "total": 100},
        "事業費見込額（2021年度）が数値ではありません: 「約200」",
        "Cost for FY2021 is not a number: '約200'",
    ),
    (
        "cost-not-number",
        {"costs": [100, "#N/A", "—", None, None], "total": 100},
        "事業費見込額（2021年度）が数値ではありません: 「#N/A」",
        "Cost for FY2021 is not a number: '#N/A'",
    ),
    (
        "cost-not-integer",
        {"costs": [100, 200.5, "—", None, None], "total": 100},
        "事業費見込額（2021年度）が整数ではありません: 「200.5」（単位は千円）",
        "Cost for FY2021 is not a whole number: '200.5' (unit: 千円)",
    ),
    (
        "cost-too-large",
        {"costs": [100, "9" * 400, "—", None, None], "total": 100},
        "事業費見込額（2021年度）が大きすぎます: 「99999999999999999999…（400 桁）」"
        "（Excel が正確に扱えるのは 15 桁まで）",
        "Cost for FY2021 is too large: '99999999999999999999… (400 digits)' "
        "(Excel keeps 15 digits exactly)",
    ),
    (
        "municipality-unknown",
        {"municipalities": "青森市、青森町"},
        "関係市町村に設定にない名前があります: 「青森町」。「青森市」ではありませんか（設定されている市町村: 青森市、平内町、今別町、蓬田村、外ヶ浜町）",
        "Unknown municipality '青森町'; did you mean '青森市'? (configured: 青森市, 平内町, 今別町, 蓬田村, 外ヶ浜町)",
    ),
    (
        "total-mismatch",
        {"total": 999},
        "計が各年度の合計と一致しません（シート: 999、合計: 300）。refresh で直ります",
        "Total differs from the sum of the years (sheet: 999; sum: 300); refresh fixes it",
    ),
    (
        "year-header-mismatch",
        {"year_headers": [f"{y}年度" for y in range(2019, 2024)]},
        "事業費見込額の年度が設定と一致しません（シート: 2019、2020、2021、2022、2023、"
        "設定: 2020、2021、2022、2023、2024）",
        "Cost years differ from config (sheet: 2019, 2020, 2021, 2022, 2023; "
        "config: 2020, 2021, 2022, 2023, 2024)",
    ),
    (
        "kpi-target-year",
        {"kpi_header": ["指標", "現状値（調査時点）", "目標値（2025年度）"]},
        "成果指標の目標年度が 2025 年度です（設定では 2024 年度）",
        "KPI target year is 2025 (config: 2024)",
    ),
    (
        "merge-reference-unknown",
        {"kpis": [("創業件数", "—", "NO.9に統合")]},
        "「NO.9に統合」の事業番号 9 の個表がありません",
        "'NO.9に統合' refers to project 9, which does not exist",
    ),
    (
        "role-unknown",
        {"roles": [("青森市", "a"), ("青森町", "b")]},
        "役割分担の「青森町」は設定にない市町村名です。「青森市」ではありませんか（青森市、平内町、今別町、蓬田村、外ヶ浜町、連携町村 のいずれか）",
        "Role row '青森町' is not a configured municipality; did you mean '青森市'? (青森市, 平内町, 今別町, 蓬田村, 外ヶ浜町, 連携町村)",
    ),
    (
        "municipality-unknown",
        {"municipalities": "青森市、札幌市"},  # nothing close: no suggestion
        "関係市町村に設定にない名前があります: 「札幌市」（設定されている市町村: 青森市、平内町、今別町、蓬田村、外ヶ浜町）",
        "Unknown municipality '札幌市' (configured: 青森市, 平内町, 今別町, 蓬田村, 外ヶ浜町)",
    ),
    (
        "number-stored-as-text",
        {"costs": [100, " 200 ", "—", None, None]},
        "事業費見込額（2021年度）の数値が文字列として入力されています: 「 200 」（Excel の合計に含まれません）",
        "Cost for FY2021 is a number stored as text: ' 200 ' (Excel's sums skip it)",
    ),
]


@pytest.mark.parametrize(("code", "over", "ja", "en"), MESSAGES, ids=[m[0] for m in MESSAGES])
def test_messages_say_what_was_found(
    tmp_path: Path,
    config: Config,
    monkeypatch: pytest.MonkeyPatch,
    code: str,
    over: dict[str, Any],
    ja: str,
    en: str,
) -> None:
    f = only(check(tmp_path, config, [P(**over)]))
    assert (f.code, f.message) == (code, ja)
    monkeypatch.setenv("KOHYO_LANG", "en")
    f = only(check(tmp_path, config, [P(**over)]))
    assert (f.code, f.message) == (code, en)


def test_every_message_template_is_filled_in_both_languages(
    tmp_path: Path, config: Config, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Run every failing case in both languages: no template may be left with "{...}".
    for lang in ("ja", "en"):
        monkeypatch.setenv("KOHYO_LANG", lang)
        for i, (_, projects, _) in enumerate(FAILING):
            folder = tmp_path / f"{lang}{i}"
            folder.mkdir()
            for f in check(folder, config, projects).findings:
                assert "{" not in f.message and f.message.strip(), f
                assert f.severity == CATALOGUE[f.code].severity


def test_report_exit_codes_and_sorting(tmp_path: Path, config: Config) -> None:
    warnings_only = check(tmp_path, config, [P(total=999)])
    assert (warnings_only.count("warning"), warnings_only.exit_code) == (1, 0)
    report = check(
        tmp_path,
        config,
        [
            P(5, sheet="5", total=999),
            P(4, name="別の事業", costs=[100, "約200", "—", None, None], total=999),
        ],
        extra_sheets=[("表紙", [["x"]])],
    )
    assert report.exit_code == 1
    ordered = [f.key() for f in report.sorted(["表紙", "5", "4"])]
    assert ordered == [
        ("表紙", None, "sheet-skipped"),
        ("5", "G5", "total-mismatch"),
        ("4", "C5", "cost-not-number"),
        ("4", "G5", "total-mismatch"),
        ("4", "B1", "number-order"),
    ]
