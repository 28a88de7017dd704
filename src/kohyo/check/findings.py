"""Findings: typed records with a stable code, a severity and a located message.

Every finding kind is declared once in :data:`CATALOGUE` with its severity and
its message templates (Japanese, English). Rules build findings with
:func:`finding`, which fills the template from location fields, so no rule
assembles messages or locations by hand. The catalogue is also the
documentation of the codes (``kohyo codes`` prints it).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from kohyo.messages import current_lang

Severity = Literal["error", "warning", "info"]
SEVERITY_ORDER: dict[str, int] = {"error": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class Kind:
    severity: Severity
    ja: str
    en: str


CATALOGUE: dict[str, Kind] = {
    "sheet-skipped": Kind(
        "info",
        "個表ではないため読み飛ばしました（{reason}）",
        "Not a project sheet; skipped ({reason})",
    ),
    "block-missing": Kind(
        "error",
        "「{label}」の見出しが見つかりません",
        "The label '{label}' was not found",
    ),
    "number-missing": Kind(
        "error",
        "事業番号がありません（「事業名」の右のセル）",
        "The project number is missing (right of the project name label)",
    ),
    "number-not-integer": Kind(
        "error",
        "事業番号が整数ではありません: 「{value}」",
        "The project number is not an integer: '{value}'",
    ),
    "number-duplicate": Kind(
        "error",
        "事業番号 {number} がシート「{other}」と重複しています",
        "Project number {number} is also used on sheet '{other}'",
    ),
    "number-order": Kind(
        "warning",
        "事業番号 {number} が前の個表（シート「{prev_sheet}」の {prev}）より小さく、番号順に並んでいません",
        "Project number {number} comes after {prev} (sheet '{prev_sheet}'): not in order",
    ),
    "number-gap": Kind(
        "warning",
        "事業番号が {prev} の次に {number} となっており、{missing} が欠番です",
        "Project numbers jump from {prev} to {number}; {missing} missing",
    ),
    "name-empty": Kind("error", "事業名が空です", "The project name is empty"),
    "name-duplicate": Kind(
        "error",
        "事業名「{name}」がシート「{other}」と重複しています",
        "The project name '{name}' is also used on sheet '{other}'",
    ),
    "municipality-empty": Kind(
        "error", "関係市町村が空です", "The participating municipalities are empty"
    ),
    "municipality-unknown": Kind(
        "error",
        "関係市町村に設定にない名前があります: 「{name}」{hint}（設定されている市町村: {known}）",
        "Unknown municipality '{name}'{hint} (configured: {known})",
    ),
    "cost-not-number": Kind(
        "error",
        "事業費見込額（{year}年度）が数値ではありません: 「{value}」",
        "Cost for FY{year} is not a number: '{value}'",
    ),
    "cost-not-integer": Kind(
        "error",
        "事業費見込額（{year}年度）が整数ではありません: 「{value}」（単位は{unit}）",
        "Cost for FY{year} is not a whole number: '{value}' (unit: {unit})",
    ),
    "cost-too-large": Kind(
        "error",
        "事業費見込額（{year}年度）が大きすぎます: 「{value}」（Excel が正確に扱えるのは 15 桁まで）",
        "Cost for FY{year} is too large: '{value}' (Excel keeps 15 digits exactly)",
    ),
    "cost-negative": Kind(
        "error",
        "事業費見込額（{year}年度）が負の値です: {value}",
        "Cost for FY{year} is negative: {value}",
    ),
    "number-stored-as-text": Kind(
        "warning",
        "事業費見込額（{year}年度）の数値が文字列として入力されています: 「{value}」（Excel の合計に含まれません）",
        "Cost for FY{year} is a number stored as text: '{value}' (Excel's sums skip it)",
    ),
    "formula-no-cache": Kind(
        "error",
        "数式 ={formula} の計算結果が保存されていません。Excel で開いて保存し直してください",
        "Formula ={formula} has no calculated value; open and save the file in Excel",
    ),
    "year-header-invalid": Kind(
        "error",
        "事業費見込額の見出しを年度として読めません: 「{value}」",
        "Cost header is not a fiscal year: '{value}'",
    ),
    "year-header-mismatch": Kind(
        "error",
        "事業費見込額の年度が設定と一致しません（シート: {found}、設定: {expected}）",
        "Cost years differ from config (sheet: {found}; config: {expected})",
    ),
    "total-missing": Kind(
        "error",
        "事業費見込額に「計」の列がありません",
        "The cost block has no total column",
    ),
    "total-mismatch": Kind(
        "warning",
        "計が各年度の合計と一致しません（シート: {found}、合計: {expected}）。refresh で直ります",
        "Total differs from the sum of the years (sheet: {found}; sum: {expected}); refresh fixes it",
    ),
    "total-no-cache": Kind(
        "warning",
        "計の数式 ={formula} の計算結果が保存されていません（各年度の合計: {expected}）。"
        "refresh で値を書き込みます",
        "The total formula ={formula} has no calculated value (sum of the years: {expected}); "
        "refresh writes it",
    ),
    "kpi-none": Kind("warning", "成果指標が1行もありません", "No KPI rows"),
    "kpi-name-missing": Kind(
        "error",
        "成果指標の行に指標名がありません（現状値「{current}」、目標値「{target}」）",
        "A KPI row has no name (current '{current}', target '{target}')",
    ),
    "kpi-target-year": Kind(
        "warning",
        "成果指標の目標年度が {found} 年度です（設定では {expected} 年度）",
        "KPI target year is {found} (config: {expected})",
    ),
    "merge-reference-unknown": Kind(
        "error",
        "「{text}」の事業番号 {number} の個表がありません",
        "'{text}' refers to project {number}, which does not exist",
    ),
    "role-none": Kind(
        "warning", "連携市町村の役割分担が1行もありません", "No rows in the role split"
    ),
    "role-unknown": Kind(
        "error",
        "役割分担の「{who}」は設定にない市町村名です{hint}（{known} のいずれか）",
        "Role row '{who}' is not a configured municipality{hint} ({known})",
    ),
    "memo-ignored": Kind(
        "info",
        "個表の外の書き込みは職員のメモとみなし、読み込みません（配布もしません）: 「{text}」",
        "Text outside the project sheet's blocks is a staff memo: not read, never distributed: '{text}'",
    ),
    "sheet-hidden": Kind(
        "warning",
        "非表示のシートです。下書きとみなし、検証だけして総括表・配布・メール・変更点から除きます"
        '（含めるには config.toml の sheets.hidden = "include"）',
        "Hidden sheet: taken as a draft, validated but left out of the summary sheet, distribution, "
        'mail and the change overview (sheets.hidden = "include" keeps it)',
    ),
    "row-hidden": Kind(
        "warning",
        "非表示の行です。下書きとみなし、この行の内容は読み込まず配布もしません"
        '（含めるには config.toml の sheets.hidden = "include"）',
        "Hidden row: taken as a draft, its content is not read or distributed "
        '(sheets.hidden = "include" keeps it)',
    ),
    "sheet-name-invalid": Kind(
        "error",
        "シート名「{name}」は配布用のブックに書けません（{reason}）。シート名を直してください",
        "The sheet name '{name}' cannot be written to the town workbooks ({reason}); rename the sheet",
    ),
    "cell-too-long": Kind(
        "error",
        "セルの文字数が {length:,} 文字で、Excel の上限 {limit:,} 文字を超えています"
        "（「{start}」）。配布用のブックでは切れてしまうため、短くしてください",
        "The cell holds {length:,} characters, more than Excel's {limit:,} ('{start}'); "
        "the town workbooks would cut it, so shorten it",
    ),
    "too-many-rows": Kind(
        "error",
        "この個表は配布用のブックで {rows:,} 行になり、Excel の上限 {limit:,} 行を超えます",
        "This project sheet would take {rows:,} rows in the town workbooks, more than "
        "Excel's {limit:,}",
    ),
    "control-character": Kind(
        "warning",
        "見えない制御文字 {chars} があります（「{text}」）。配布用のブックなどには書きません",
        "Invisible control character(s) {chars} ('{text}'); kohyo leaves them out of "
        "every file it writes",
    ),
    "no-projects": Kind(
        "error",
        "個表が1枚もありません（「事業名」の見出しを持つシートがありません）",
        "No project sheets (no sheet has the project name label)",
    ),
}


@dataclass(frozen=True)
class Finding:
    severity: Severity
    code: str
    sheet: str | None
    cell: str | None
    message: str
    data: dict[str, Any] = field(default_factory=dict, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "severity": self.severity,
            "code": self.code,
            "sheet": self.sheet,
            "cell": self.cell,
            "message": self.message,
        }

    def key(self) -> tuple[str | None, str | None, str]:
        """The compact form tests compare: (sheet, cell, code)."""
        return (self.sheet, self.cell, self.code)


def finding(code: str, sheet: str | None, cell: str | None, **fields: Any) -> Finding:
    kind = CATALOGUE[code]
    template = kind.en if current_lang() == "en" else kind.ja
    return Finding(kind.severity, code, sheet, cell, template.format(**fields), dict(fields))


@dataclass
class Report:
    """The findings of one run; the exit code follows from them."""

    findings: list[Finding] = field(default_factory=list)

    def extend(self, items: Iterable[Finding]) -> None:
        self.findings.extend(items)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    @property
    def has_errors(self) -> bool:
        return self.count("error") > 0

    @property
    def exit_code(self) -> int:
        return 1 if self.has_errors else 0

    def sorted(self, sheet_order: list[str] | None = None) -> list[Finding]:
        """Grouped by sheet (in sheet order), errors first within a sheet."""
        order = {name: i for i, name in enumerate(sheet_order or [])}
        return sorted(
            self.findings,
            key=lambda f: (
                -1 if f.sheet is None else order.get(f.sheet, len(order)),
                SEVERITY_ORDER[f.severity],
            ),
        )

    def to_dict(self) -> dict[str, Any]:
        return {"findings": [f.to_dict() for f in self.findings]}
