"""Projects -> Findings. One small rule per function; cross-sheet rules run once.

Pure: no I/O. Every rule returns findings; nothing raises on bad content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from kohyo.check.findings import Finding, Report, finding
from kohyo.config import Config
from kohyo.model.derive import derive_total
from kohyo.model.project import DASH, CellKind, Master, Project
from kohyo.read.normalize import merge_references

ProjectRule = Callable[[Project, Config], Iterable[Finding]]
MasterRule = Callable[[list[Project], Config], Iterable[Finding]]


def validate_master(master: Master, config: Config) -> Report:
    report = Report()
    for skipped in master.skipped:
        report.findings.append(finding("sheet-skipped", skipped.sheet, None, reason=skipped.reason))
    if not master.projects:
        report.findings.append(finding("no-projects", None, None))
    for project in master.projects:
        for rule in PROJECT_RULES:
            report.extend(rule(project, config))
    for master_rule in MASTER_RULES:
        report.extend(master_rule(master.projects, config))
    return report


def check_blocks(p: Project, config: Config) -> Iterator[Finding]:
    for label in p.missing_blocks:
        yield finding("block-missing", p.sheet, None, label=label)


def check_number(p: Project, config: Config) -> Iterator[Finding]:
    if p.number is not None:
        return
    if p.number_raw is None:
        yield finding("number-missing", p.sheet, p.number_cell)
    else:
        yield finding("number-not-integer", p.sheet, p.number_cell, value=p.number_raw)


def check_name(p: Project, config: Config) -> Iterator[Finding]:
    if not p.name.text.strip():
        yield finding("name-empty", p.sheet, p.name.cell or p.number_cell)


def check_municipalities(p: Project, config: Config) -> Iterator[Finding]:
    if "関係市町村" in p.missing_blocks:
        return
    cell = p.municipalities_label.cell
    if not p.municipalities_label.text.strip():
        yield finding("municipality-empty", p.sheet, cell)
    known = "、".join(config.area.municipalities)
    for name in p.unknown_municipalities:
        yield finding("municipality-unknown", p.sheet, cell, name=name, known=known)


def check_year_headers(p: Project, config: Config) -> Iterator[Finding]:
    costs = p.costs
    if costs.label_cell is None:
        return
    for header in costs.headers:
        if header.year is None:
            yield finding("year-header-invalid", p.sheet, header.cell, value=header.text)
    found = [h.year for h in costs.headers if h.year is not None]
    expected = list(config.plan.fiscal_years)
    if found != expected:
        cell = costs.headers[0].cell if costs.headers else costs.label_cell
        yield finding(
            "year-header-mismatch",
            p.sheet,
            cell,
            found="、".join(map(str, found)) or "なし",
            expected="、".join(map(str, expected)),
        )
    if costs.total is None:
        yield finding("total-missing", p.sheet, costs.label_cell)


def check_amounts(p: Project, config: Config) -> Iterator[Finding]:
    for year, amount in p.costs.amounts.items():
        kind = amount.kind
        if kind is CellKind.INVALID:
            yield finding("cost-not-number", p.sheet, amount.cell, year=year, value=amount.raw)
        elif kind is CellKind.NOT_INTEGER:
            yield finding(
                "cost-not-integer",
                p.sheet,
                amount.cell,
                year=year,
                value=amount.raw,
                unit=config.plan.unit,
            )
        elif kind is CellKind.TOO_LARGE:
            yield finding(
                "cost-too-large", p.sheet, amount.cell, year=year, value=_abridged(amount.raw)
            )
        elif kind is CellKind.FORMULA_NO_CACHE:
            yield finding("formula-no-cache", p.sheet, amount.cell, formula=amount.formula)
        elif kind is CellKind.NUMBER_AS_TEXT:
            yield finding(
                "number-stored-as-text", p.sheet, amount.cell, year=year, value=amount.raw
            )
        if isinstance(amount.value, int) and amount.value < 0:
            yield finding("cost-negative", p.sheet, amount.cell, year=year, value=amount.value)


def _abridged(value: object, keep: int = 20) -> str:
    """A value short enough for a message: '99999999999999999999…（400 桁）'."""
    text = str(value)
    return text if len(text) <= keep + 10 else f"{text[:keep]}…（{len(text)} 桁）"


def check_total(p: Project, config: Config) -> Iterator[Finding]:
    total = p.costs.total
    if total is None:
        return
    expected = derive_total(p.costs)
    found = total.value
    if total.kind is CellKind.FORMULA_NO_CACHE:
        found = None
    if found != expected:
        yield finding(
            "total-mismatch",
            p.sheet,
            total.cell,
            found=_show(total.raw if found is None else found),
            expected=_show(expected),
        )


def check_roles(p: Project, config: Config) -> Iterator[Finding]:
    if "連携市町村の役割分担" in p.missing_blocks:
        return
    if not p.roles:
        yield finding("role-none", p.sheet, p.block_cells.get("連携市町村の役割分担"))
    area = config.area
    allowed = {*area.municipalities, area.partner_label, area.all_label}
    known = "、".join([*area.municipalities, area.partner_label])
    for role in p.roles:
        if role.who not in allowed:
            yield finding("role-unknown", p.sheet, role.who_cell, who=role.who, known=known)


def check_indicators(p: Project, config: Config) -> Iterator[Finding]:
    if "成果指標" in p.missing_blocks:
        return
    if not p.indicators:
        yield finding("kpi-none", p.sheet, p.block_cells.get("成果指標"))
    for ind in p.indicators:
        if not ind.name:
            yield finding(
                "kpi-name-missing", p.sheet, ind.name_cell, current=ind.current, target=ind.target
            )
    expected = config.plan.kpi_target_year
    year = p.indicator_target_year
    if year is not None and year != expected:
        yield finding(
            "kpi-target-year", p.sheet, p.indicator_header_cell, found=year, expected=expected
        )


def check_unique_numbers(projects: list[Project], config: Config) -> Iterator[Finding]:
    seen: dict[int, str] = {}
    for p in projects:
        if p.number is None:
            continue
        if p.number in seen:
            yield finding(
                "number-duplicate", p.sheet, p.number_cell, number=p.number, other=seen[p.number]
            )
        else:
            seen[p.number] = p.sheet


def check_number_order(projects: list[Project], config: Config) -> Iterator[Finding]:
    prev: Project | None = None
    for p in projects:
        if p.number is None:
            continue
        if prev is not None and prev.number is not None:
            if p.number < prev.number:
                yield finding(
                    "number-order",
                    p.sheet,
                    p.number_cell,
                    number=p.number,
                    prev=prev.number,
                    prev_sheet=prev.sheet,
                )
            elif p.number > prev.number + 1:
                missing = (
                    str(prev.number + 1)
                    if p.number == prev.number + 2
                    else f"{prev.number + 1}〜{p.number - 1}"
                )
                yield finding(
                    "number-gap",
                    p.sheet,
                    p.number_cell,
                    number=p.number,
                    prev=prev.number,
                    missing=missing,
                )
        prev = p


def check_unique_names(projects: list[Project], config: Config) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for p in projects:
        key = "".join(p.name.text.split())
        if not key:
            continue
        if key in seen:
            yield finding("name-duplicate", p.sheet, p.name.cell, name=p.name.text, other=seen[key])
        else:
            seen[key] = p.sheet


def check_merge_references(projects: list[Project], config: Config) -> Iterator[Finding]:
    numbers = {p.number for p in projects if p.number is not None}
    for p in projects:
        places = [(i.target, i.target_cell) for i in p.indicators]
        places += [(i.current, i.current_cell) for i in p.indicators]
        places += [(n.text, n.cell) for n in p.notes]
        for text, cell in places:
            for number in merge_references(text):
                if number not in numbers:
                    yield finding(
                        "merge-reference-unknown", p.sheet, cell, text=text, number=number
                    )


def _show(value: object) -> str:
    if value is None:
        return "空欄"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value) if value != DASH else DASH


PROJECT_RULES: list[ProjectRule] = [
    check_blocks,
    check_number,
    check_name,
    check_municipalities,
    check_year_headers,
    check_amounts,
    check_total,
    check_roles,
    check_indicators,
]
MASTER_RULES: list[MasterRule] = [
    check_unique_numbers,
    check_number_order,
    check_unique_names,
    check_merge_references,
]
