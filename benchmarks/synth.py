"""Synthetic masters for benchmarks: many 個表, many municipalities, realistic Japanese text.

    python -m benchmarks.synth OUT_DIR --projects 500 --munis 30 --seed 1 [--drift 0.1] [--amended]

writes ``OUT_DIR/master.xlsx`` and a matching ``OUT_DIR/config.toml`` (the
municipalities of a synthetic area), so every command runs on it::

    kohyo distribute --config OUT_DIR/config.toml OUT_DIR/master.xlsx

The master is written with XlsxWriter and :func:`kohyo.layout.kohyo.write_kohyo_sheet`
(the canonical grid), so it reads back without findings of drift. Everything is
drawn from one ``random.Random(seed)``: the same arguments give the same bytes.

With ``drift`` (a fraction, 0 by default) that share of the sheets departs from the
canonical grid the way staff-edited masters do, without changing what they say: a blank
row inserted between two blocks, amounts typed as full-width text (「１２，３４５」, a
warning) or year headers in 和暦 (「令和２年度」). ``--amended`` also writes
``OUT_DIR/master_amended.xlsx``: the same master with a few projects inserted, changed
and removed (the rest renumbered), for ``kohyo diff``.

Reusable pieces: :func:`municipality_names`, :func:`config_text`,
:func:`make_projects` (plain :class:`kohyo.model.project.Project` objects, no file),
:func:`amend_projects`, :func:`write_master` and :func:`make_master_pair`.
"""

from __future__ import annotations

import argparse
import dataclasses
import random
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import xlsxwriter

from kohyo.config import Config, load_config
from kohyo.layout.kohyo import write_kohyo_sheet
from kohyo.layout.look import SheetLook
from kohyo.model.project import DASH, CellKind, CostCell, CostPlan, Indicator, Note, Project, Role
from kohyo.model.project import TextField as T

FISCAL_YEARS = (2020, 2021, 2022, 2023, 2024)
FIXED_TIME = datetime(2021, 4, 1, tzinfo=UTC)
CENTRAL_CITY = "中央市"
ALL_LABEL = "全市町村"
PARTNER_LABEL = "連携町村"

# Parts of place names and project texts, in the style of the seed's 個表.
_PLACE_HEAD = "平今蓬外三八十五六七大小東西南北上中新板鶴深田野川岩黒弘"
_PLACE_TAIL = ("内", "別", "田", "浜", "戸", "沢", "川", "森", "野", "崎", "石", "沼", "岡", "原")
_FIELDS = (
    "起業・創業", "中小事業者", "地域企業", "在宅医療", "介護連携", "観光振興", "移住定住",
    "子育て支援", "地域公共交通", "防災・減災", "国土強靱化", "農林水産物", "デジタル化",
    "文化・スポーツ", "広域観光", "人材育成", "空き家対策", "環境保全", "地域医療", "消費生活",
)  # fmt: skip
_ACTIONS = (
    "支援拠点運営", "ビジネスサポート", "連携推進", "共同セミナー開催", "情報発信",
    "広域連携", "相談窓口運営", "ネットワーク構築", "普及啓発", "人材確保",
)  # fmt: skip
_SENTENCES = (
    "圏域の{f}を促進するため、関係機関と連携し、情報提供や相談対応などの支援を行う。",
    "{f}に関する課題を共有し、圏域全体で取り組む体制を整備する。",
    "各市町村の担当者による連絡会議を開催し、{f}の取組状況を共有する。",
    "専門家を招いたセミナーを開催し、{f}に関する知識の普及を図る。",
    "圏域内外への情報発信を強化し、{f}の認知度の向上を図る。",
    "ICTを活用した{f}の仕組みを構築し、住民の利便性の向上を図る。",
)
_EFFECTS = (
    "{f}の推進による圏域全体の活性化",
    "圏域の住民サービスの向上及び{f}に係る事務の効率化",
    "新規の事業展開及び{f}の促進に伴う圏域全体の雇用の創出",
)
_ROLES_CITY = (
    "事業の企画、事務手続き、関係機関等との調整",
    "事業企画、事業実施",
    "計画の策定及び推進",
)
_ROLES_TOWN = (
    "事業の広報活動、費用負担等",
    "事業実施、費用負担等",
    "周知活動",
    "事業への参加、協力",
)
_KPIS = ("相談件数", "参加者数", "創業件数", "利用者数", "セミナー開催回数", "連携事業数")


def municipality_names(n_munis: int, seed: int = 0) -> list[str]:
    """*n_munis* distinct names; the first is the central city."""
    if n_munis < 1:
        raise ValueError("n_munis must be at least 1")
    rng = random.Random(f"munis-{seed}")
    names = [CENTRAL_CITY]
    while len(names) < n_munis:
        name = rng.choice(_PLACE_HEAD) + rng.choice(_PLACE_TAIL) + rng.choice("町町村")
        if name not in names:
            names.append(name)
    return names


def config_text(munis: list[str], *, master: str = "master.xlsx", output_dir: str = "out") -> str:
    """A config.toml for a synthetic area with *munis* (the first is the central city)."""
    quoted = ", ".join(f'"{m}"' for m in munis)
    return (
        "# 合成データ用の設定 (synthetic area for benchmarks)\n"
        "[area]\n"
        'name = "合成圏域連携中枢都市圏"\n'
        'short_name = "合成圏域"\n'
        f'central_city = "{munis[0]}"\n'
        f"municipalities = [{quoted}]\n"
        f'all_label = "{ALL_LABEL}"\n'
        f'partner_label = "{PARTNER_LABEL}"\n\n'
        "[plan]\n"
        f"fiscal_years = [{', '.join(map(str, FISCAL_YEARS))}]\n\n"
        "[paths]\n"
        f'master = "{master}"\n'
        f'output_dir = "{output_dir}"\n'
        'backup_dir = "backup"\n'
    )


def make_projects(n_projects: int, munis: list[str], seed: int = 0) -> list[Project]:
    """*n_projects* 個表 with mixed 関係市町村 (about a third 全市町村), numbered 1…n."""
    rng = random.Random(f"projects-{seed}")
    return [_project(i + 1, munis, rng) for i in range(n_projects)]


def _project(number: int, munis: list[str], rng: random.Random) -> Project:
    field = rng.choice(_FIELDS)
    name = f"{field}{rng.choice(_ACTIONS)}事業（第{number}号）"  # distinct, as real names are
    if rng.random() < 0.35:
        members, label = list(munis), ALL_LABEL
    else:
        k = rng.randint(1, max(1, min(len(munis) - 1, 6)))
        picked = set(rng.sample(munis[1:], k)) if len(munis) > 1 else set()
        if rng.random() < 0.8:  # the central city takes part in most projects
            picked.add(munis[0])
        picked = picked or {munis[0]}
        members = [m for m in munis if m in picked]
        label = "、".join(members)
    paragraphs = rng.randint(1, 3)
    content = (
        "\n".join(
            "○" + "".join(rng.choice(_SENTENCES).format(f=field) for _ in range(rng.randint(1, 2)))
            for _ in range(paragraphs)
        )
        + f"（事業番号{number}）"
    )
    effect = rng.choice(_EFFECTS).format(f=field)
    costs = CostPlan()
    for year in FISCAL_YEARS:
        draw = rng.random()
        value = rng.randrange(100, 50_000) if draw < 0.6 else (DASH if draw < 0.8 else None)
        kind = CellKind.NUMBER if isinstance(value, int) else (
            CellKind.DASH if value == DASH else CellKind.BLANK)  # fmt: skip
        costs.amounts[year] = CostCell(value, kind, None)
    numbers = costs.numeric_amounts()
    costs.total = (CostCell(sum(numbers), CellKind.NUMBER, None) if numbers
                   else CostCell(DASH, CellKind.DASH, None))  # fmt: skip
    roles = [Role(munis[0], rng.choice(_ROLES_CITY), None, None),
             Role(PARTNER_LABEL, rng.choice(_ROLES_TOWN), None, None)]  # fmt: skip
    partners = [m for m in members if m != munis[0]]
    if partners and rng.random() < 0.15:  # one town with a role of its own
        town = rng.choice(partners)
        roles.append(Role(town, f"{town}における{field}の実施（第{number}号）", None, None))
    indicators = []
    for _ in range(rng.randint(1, 3)):
        kpi, current = f"{rng.choice(_KPIS)}（{field}）", f"{rng.randint(1, 500)}件 (2019年度見込)"
        indicators.append(
            Indicator(kpi, current, f"{rng.randint(1, 900)}件", None, None, None, None)
        )
    notes = []
    if rng.random() < 0.3:
        notes.append(Note(f"※{field}に係る{rng.choice(_KPIS)}の実績（第{number}号）", None))
    return Project(
        sheet=str(number), number=number, number_raw=number, number_cell=None,
        name=T(name, None), municipalities=members, municipalities_label=T(label, None),
        unknown_municipalities=[], content=T(content, None), effect=T(effect, None),
        costs=costs, roles=roles, indicators=indicators, indicator_target_year=None,
        indicator_header_cell=None, notes=notes,
    )  # fmt: skip


def amend_projects(
    projects: list[Project],
    munis: list[str],
    seed: int = 0,
    *,
    inserted: int = 2,
    changed: int = 3,
    removed: int = 1,
) -> list[Project]:
    """An amendment of *projects*: some inserted, changed and removed, all renumbered 1…n.

    Names keep their 第N号 (a project is recognised by its name), so every project after
    the first insertion or removal is renumbered and nothing else: what ``kohyo diff``
    must tell apart from a real change.
    """
    rng = random.Random(f"amend-{seed}")
    kept = list(projects)
    for p in rng.sample(kept, min(removed, max(0, len(kept) - 1))):
        kept.remove(p)
    for p in rng.sample(kept, min(changed, len(kept))):
        kept[kept.index(p)] = _changed(p, rng)
    for i in range(inserted):
        new = _project(100_000 + i, munis, rng)  # a 第N号 no original project has
        kept.insert(rng.randint(0, len(kept)), new)
    return [
        dataclasses.replace(p, sheet=str(k), number=k, number_raw=k) for k, p in enumerate(kept, 1)
    ]


def _changed(p: Project, rng: random.Random) -> Project:
    """*p* with its 内容 extended, or one year's amount (and the 計) changed, or a KPI added."""
    what = rng.choice(("content", "cost", "kpi"))
    if what == "content":
        extra = "○事業の成果を検証し、翌年度以降の取組に反映する。"
        return dataclasses.replace(p, content=T(p.content.text + "\n" + extra, None))
    if what == "kpi":
        kpi = Indicator(f"満足度（第{p.sheet}号）", DASH, "80%", None, None, None, None)
        return dataclasses.replace(p, indicators=[*p.indicators, kpi])
    amounts = dict(p.costs.amounts)
    amounts[rng.choice(FISCAL_YEARS)] = CostCell(rng.randrange(100, 50_000), CellKind.NUMBER, None)
    costs = CostPlan(amounts=amounts)
    numbers = costs.numeric_amounts()
    costs.total = (CostCell(sum(numbers), CellKind.NUMBER, None) if numbers
                   else CostCell(DASH, CellKind.DASH, None))  # fmt: skip
    return dataclasses.replace(p, costs=costs)


# --- drift: what staff do to the canonical grid, the meaning unchanged ----------------------

_FULL_WIDTH = str.maketrans("0123456789,", "０１２３４５６７８９，")
_ROW_ARGS = {  # XlsxWriter methods taking (row, col, ...) as numbers: which arguments are rows
    "write": (0,), "write_string": (0,), "write_number": (0,), "write_blank": (0,),
    "write_formula": (0,), "write_rich_string": (0,), "write_boolean": (0,),
    "write_datetime": (0,), "write_url": (0,), "write_comment": (0,), "set_row": (0,),
    "insert_image": (0,), "insert_textbox": (0,), "merge_range": (0, 2),
    "print_area": (0, 2), "conditional_format": (0, 2), "data_validation": (0, 2),
}  # fmt: skip


class _DriftedSheet:
    """A worksheet seen through a blank row inserted at *at* (rows from there move down one)
    and, with *wareki*, year headers written in 和暦."""

    def __init__(self, ws: Any, at: int | None, wareki: bool) -> None:
        self._ws, self._at, self._wareki = ws, at, wareki

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._ws, name)
        rows = _ROW_ARGS.get(name)
        if rows is None:
            return attr

        def drifted(*args: Any, **kwargs: Any) -> Any:
            moved = list(args)
            for i in rows:
                row = moved[i] if i < len(moved) else None
                if self._at is not None and isinstance(row, int) and row >= self._at:
                    moved[i] = row + 1
            if self._wareki and name == "write_string" and len(moved) > 2:
                moved[2] = _wareki(moved[2])
            return attr(*moved, **kwargs)

        return drifted


def _wareki(text: Any) -> Any:
    """「2020年度」 -> 「令和２年度」; any other text unchanged."""
    if isinstance(text, str) and len(text) == 6 and text.endswith("年度") and text[:4].isdigit():
        year = int(text[:4])
        if year >= 2019:
            return f"令和{str(year - 2018).translate(_FULL_WIDTH)}年度"
    return text


class _DriftingBook:
    """The workbook as write_kohyo_sheet sees it: the next sheet it adds may drift."""

    def __init__(self, wb: xlsxwriter.Workbook) -> None:
        self._wb = wb
        self.next_drift: tuple[int | None, bool] | None = None  # (blank row at, wareki)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._wb, name)

    def add_worksheet(self, *args: Any, **kwargs: Any) -> Any:
        ws = self._wb.add_worksheet(*args, **kwargs)
        return ws if self.next_drift is None else _DriftedSheet(ws, *self.next_drift)


def _full_width_amounts(p: Project) -> Project:
    """*p* with its numeric yearly amounts typed as full-width text (「１２，３４５」)."""
    amounts = {
        y: CostCell(f"{c.value:,}".translate(_FULL_WIDTH), CellKind.NUMBER_AS_TEXT, None)
        if isinstance(c.value, int) else c
        for y, c in p.costs.amounts.items()
    }  # fmt: skip
    return dataclasses.replace(p, costs=dataclasses.replace(p.costs, amounts=amounts))


def _wrong_total(p: Project, rng: random.Random) -> Project:
    """*p* with its 計 as a master inherited from an older template has it: typed by hand
    (a number that is not the sum) or 「—」 where there are amounts; never the sum."""
    numbers = p.costs.numeric_amounts()
    if numbers and rng.random() < 0.3:
        total = CostCell(DASH, CellKind.DASH, None)
    else:
        total = CostCell(sum(numbers) + rng.randrange(1, 1000), CellKind.NUMBER, None)
    return dataclasses.replace(p, costs=dataclasses.replace(p.costs, total=total))


def write_master(
    path: Path,
    projects: list[Project],
    config: Config,
    *,
    drift: float = 0.0,
    seed: int = 0,
    wrong_totals: float = 0.0,
) -> Path:
    """Write *projects* as a master (one canonical 個表 per sheet) to *path*.

    With *drift* > 0, that share of the sheets drifts from the grid (see the module docstring).
    With *wrong_totals* > 0, that share of the 個表 has a 計 that is not the sum of its
    amounts (:func:`_wrong_total`): 1.0 is the first refresh of a master inherited from an
    older template, where every 計 was typed by hand.
    """
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})  # fmt: skip
    wb.set_properties(
        {"title": "合成マスター", "author": "kohyo benchmarks", "created": FIXED_TIME}
    )
    look = SheetLook()
    book = _DriftingBook(wb)
    rng = random.Random(f"drift-{seed}")  # apart from the projects' draws: same projects
    wrong = random.Random(f"totals-{seed}")
    for p in projects:
        written, book.next_drift = p, None
        if wrong_totals > 0 and wrong.random() < wrong_totals:
            written = _wrong_total(p, wrong)
        if drift > 0 and rng.random() < drift:
            kind = rng.choice(("blank-row", "full-width", "wareki"))
            if kind == "blank-row":  # between two blocks: 内容, 連携効果, 事業費, 役割分担
                book.next_drift = (rng.choice((1, 2, 3, 5)), False)
            elif kind == "wareki":
                book.next_drift = (None, True)
            else:
                written = _full_width_amounts(p)
        write_kohyo_sheet(book, p.sheet, written, config, look)  # type: ignore[arg-type]
    wb.close()
    return path


def _area(folder: Path, n_munis: int, seed: int, master: str) -> tuple[list[str], Config]:
    """The municipalities, and a config.toml for them written into *folder*."""
    folder.mkdir(parents=True, exist_ok=True)
    munis = municipality_names(n_munis, seed)
    config_path = folder / "config.toml"
    config_path.write_text(config_text(munis, master=master), encoding="utf-8")
    return munis, load_config(config_path)


def make_master(
    path: Path,
    n_projects: int,
    n_munis: int,
    seed: int = 0,
    *,
    drift: float = 0.0,
    wrong_totals: float = 0.0,
) -> Config:
    """Write a master of *n_projects* 個表 for *n_munis* municipalities to *path*.

    A matching ``config.toml`` is written beside it (overwritten if present);
    the loaded Config is returned. *drift*: see the module docstring.
    """
    path = Path(path)
    munis, config = _area(path.parent, n_munis, seed, path.name)
    projects = make_projects(n_projects, munis, seed)
    write_master(path, projects, config, drift=drift, seed=seed, wrong_totals=wrong_totals)
    return config


def make_master_pair(
    folder: Path,
    n_projects: int,
    n_munis: int,
    seed: int = 0,
    *,
    drift: float = 0.0,
    inserted: int | None = None,
    changed: int | None = None,
    removed: int | None = None,
) -> tuple[Path, Path, Config]:
    """``master.xlsx`` and its amendment ``master_amended.xlsx`` (:func:`amend_projects`).

    By default about 1 % of the projects are inserted, 2 % changed and 0.5 % removed (at
    least 2, 3 and 1): an amendment grows with the plan, as real ones do.
    """
    folder = Path(folder)
    munis, config = _area(folder, n_munis, seed, "master.xlsx")
    projects = make_projects(n_projects, munis, seed)
    old = write_master(folder / "master.xlsx", projects, config, drift=drift, seed=seed)
    amended = amend_projects(
        projects,
        munis,
        seed,
        inserted=max(2, n_projects // 100) if inserted is None else inserted,
        changed=max(3, n_projects // 50) if changed is None else changed,
        removed=max(1, n_projects // 200) if removed is None else removed,
    )
    new = write_master(folder / "master_amended.xlsx", amended, config, drift=drift, seed=seed)
    return old, new, config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ベンチマーク用の合成マスターを作ります。")
    parser.add_argument("out_dir", type=Path, help="master.xlsx と config.toml を書くフォルダー")
    parser.add_argument("--projects", type=int, default=500, help="個表の数（既定 500）")
    parser.add_argument("--munis", type=int, default=30, help="市町村の数（既定 30）")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--drift", type=float, default=0.0, help="標準の様式から崩れた個表の割合（0〜1、既定 0）"
    )
    parser.add_argument(
        "--amended", action="store_true", help="変更案 master_amended.xlsx も作る（kohyo diff 用）"
    )
    parser.add_argument(
        "--wrong-totals",
        type=float,
        default=0.0,
        help="計が合計と違う個表の割合（0〜1、既定 0。1 は古い様式から引き継いだマスター）",
    )
    args = parser.parse_args(argv)
    if args.wrong_totals:
        make_master(args.out_dir / "master.xlsx", args.projects, args.munis, args.seed,
                    drift=args.drift, wrong_totals=args.wrong_totals)  # fmt: skip
    elif args.amended:
        make_master_pair(args.out_dir, args.projects, args.munis, args.seed, drift=args.drift)
    else:
        make_master(
            args.out_dir / "master.xlsx", args.projects, args.munis, args.seed, drift=args.drift
        )
    print(
        f"作成しました: {args.out_dir / 'master.xlsx'}（個表 {args.projects}、市町村 {args.munis}）"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
