"""Projects -> Findings. One small rule per function; cross-sheet rules run once.

Pure: no I/O. Every rule returns findings; nothing raises on bad content.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from kohyo.check.findings import Finding, Report, finding
from kohyo.config import Config
from kohyo.messages import t
from kohyo.model import labels
from kohyo.model.chars import codepoints, unsafe_in_text, visible
from kohyo.model.derive import derive_total
from kohyo.model.excel import MAX_CELL_CHARS, MAX_ROWS, sheet_name_problem
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
    report.findings.extend(validate_projects(master, config).findings)
    # Cross-sheet rules see what goes out: a hidden draft copied from a 個表 is no duplicate.
    for master_rule in MASTER_RULES:
        report.extend(master_rule(master.projects, config))
    return report


def validate_projects(master: Master, config: Config) -> Report:
    """The rules of each 個表 on its own, without the cross-sheet ones."""
    report = Report()
    index: dict[str, int] = {}
    for i, name in enumerate(master.sheet_order):
        index.setdefault(name, i)
    for project in sorted(
        [*master.projects, *master.excluded], key=lambda p: index.get(p.sheet, 0)
    ):
        for rule in PROJECT_RULES:
            report.findings.extend(rule(project, config))
    return report


def suggestion(name: str, candidates: list[str]) -> str:
    """「…」ではありませんか for the configured name closest to *name*, or ""."""
    import difflib  # only when a name is unknown: ~2 ms of every validate otherwise

    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.5)
    return t("check.did_you_mean", name=close[0]) if close else ""


def check_hidden(p: Project, config: Config) -> Iterator[Finding]:
    if p.hidden and config.sheets.hidden == "exclude":
        yield finding("sheet-hidden", p.sheet, None)
    for cell in p.hidden_rows:
        yield finding("row-hidden", p.sheet, cell)


def check_memos(p: Project, config: Config) -> Iterator[Finding]:
    for memo in p.memos:
        yield finding("memo-ignored", p.sheet, memo.cell, text=_excerpt(memo.text))


def _excerpt(text: str, limit: int = 20) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[:limit] + "…"


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
    if labels.MUNICIPALITIES in p.missing_blocks:
        return
    cell = p.municipalities_label.cell
    if not p.municipalities_label.text.strip():
        yield finding("municipality-empty", p.sheet, cell)
    if not p.unknown_municipalities:
        return
    known = t("list.separator").join(config.area.municipalities)
    candidates = [*config.area.municipalities, config.area.all_label, config.area.partner_label]
    for name in p.unknown_municipalities:
        yield finding(
            "municipality-unknown", p.sheet, cell, name=name, known=known,
            hint=suggestion(name, candidates),
        )  # fmt: skip


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
            found=t("list.separator").join(map(str, found)) or t("value.none"),
            expected=t("list.separator").join(map(str, expected)),
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
    """A value short enough for a message: '99999999999999999999…（400 桁）' (… (400 digits))."""
    text = str(value)
    return (
        text if len(text) <= keep + 10 else t("check.abridged", head=text[:keep], digits=len(text))
    )


def check_total(p: Project, config: Config) -> Iterator[Finding]:
    total = p.costs.total
    if total is None:
        return
    expected = derive_total(p.costs)
    found = total.value
    if total.kind is CellKind.FORMULA_NO_CACHE:  # not 「空欄」: a formula Excel never calculated
        yield finding(
            "total-no-cache", p.sheet, total.cell, formula=total.formula, expected=_show(expected)
        )
        return
    if found != expected:
        yield finding(
            "total-mismatch",
            p.sheet,
            total.cell,
            found=_show(total.raw if found is None else found),
            expected=_show(expected),
        )


def check_roles(p: Project, config: Config) -> Iterator[Finding]:
    if labels.ROLES in p.missing_blocks:
        return
    if not p.roles:
        yield finding("role-none", p.sheet, p.block_cells.get(labels.ROLES))
    area = config.area
    allowed = {*area.municipalities, area.partner_label, area.all_label}
    strangers = [role for role in p.roles if role.who not in allowed]
    if not strangers:
        return
    known = t("list.separator").join([*area.municipalities, area.partner_label])
    for role in strangers:
        yield finding(
            "role-unknown", p.sheet, role.who_cell, who=role.who, known=known,
            hint=suggestion(role.who, sorted(allowed)),
        )  # fmt: skip


def check_indicators(p: Project, config: Config) -> Iterator[Finding]:
    if labels.KPIS in p.missing_blocks:
        return
    if not p.indicators:
        yield finding("kpi-none", p.sheet, p.block_cells.get(labels.KPIS))
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
                    else t("value.range", first=prev.number + 1, last=p.number - 1)
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


# What a later command would refuse or alter: Excel's limits, and invisible characters.
# Each project sheet keeps its name in every town's workbook (distribute).


def check_sheet_names(projects: list[Project], config: Config) -> Iterator[Finding]:
    seen: dict[str, str] = {}
    for p in projects:
        problem = sheet_name_problem(p.sheet)
        other = seen.setdefault(p.sheet.casefold(), p.sheet)
        if problem is None and other != p.sheet:
            problem = f"シート「{other}」と大文字・小文字の違いしかありません"
        if problem is not None:
            yield finding(
                "sheet-name-invalid", p.sheet, None, name=visible(p.sheet), reason=problem
            )


def check_cell_texts(p: Project, config: Config) -> Iterator[Finding]:
    texts = list(project_texts(p))
    # All texts at once first: a project with nothing to report (almost every one) is
    # done in one look. A line break between them is allowed in a cell, so adds nothing.
    together = "\n".join([text for text, _ in texts])
    if len(together) <= MAX_CELL_CHARS and not unsafe_in_text(together):
        return
    for text, cell in texts:
        if len(text) > MAX_CELL_CHARS:
            yield finding(
                "cell-too-long",
                p.sheet,
                cell,
                length=len(text),
                limit=MAX_CELL_CHARS,
                start=visible(text, limit=20),
            )
        controls = unsafe_in_text(text)
        if controls:
            yield finding(
                "control-character",
                p.sheet,
                cell,
                chars=codepoints(controls),
                text=visible(text, limit=40),
            )


def check_row_count(p: Project, config: Config) -> Iterator[Finding]:
    # The canonical grid (layout/kohyo.py): rows 1-5, a row per role (at least one),
    # the KPI header, a row per KPI and per note.
    rows = 6 + max(1, len(p.roles)) + len(p.indicators) + len(p.notes)
    if rows > MAX_ROWS:
        yield finding("too-many-rows", p.sheet, None, rows=rows, limit=MAX_ROWS)


def project_texts(p: Project) -> Iterator[tuple[str, str | None]]:
    """Every text of *p* as read, with its cell: what the writers put into cells."""
    if isinstance(p.number_raw, str):
        yield p.number_raw, p.number_cell
    for field in (p.name, p.municipalities_label, p.content, p.effect):
        yield field.text, field.cell
    for header in p.costs.headers:
        yield header.text, header.cell
    for amount in p.costs.amounts.values():
        if isinstance(amount.raw, str):
            yield amount.raw, amount.cell
    for role in p.roles:
        yield role.who, role.who_cell
        yield role.text, role.cell
    for ind in p.indicators:
        yield ind.name, ind.name_cell
        yield ind.current, ind.current_cell
        yield ind.target, ind.target_cell
    for note in p.notes:
        yield note.text, note.cell


def _show(value: object) -> str:
    if value is None:
        return t("cli.blank")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value) if value != DASH else DASH


PROJECT_RULES: list[ProjectRule] = [
    check_hidden,
    check_memos,
    check_blocks,
    check_number,
    check_name,
    check_municipalities,
    check_year_headers,
    check_amounts,
    check_total,
    check_roles,
    check_indicators,
    check_cell_texts,
    check_row_count,
]
MASTER_RULES: list[MasterRule] = [
    check_unique_numbers,
    check_number_order,
    check_unique_names,
    check_merge_references,
    check_sheet_names,
]
