"""Synthetic masters for benchmarks: many 個表, many municipalities, realistic Japanese text.

    python -m benchmarks.synth OUT_DIR --projects 500 --munis 30 --seed 1

writes ``OUT_DIR/master.xlsx`` and a matching ``OUT_DIR/config.toml`` (the
municipalities of a synthetic area), so every command runs on it::

    kohyo distribute --config OUT_DIR/config.toml OUT_DIR/master.xlsx

The master is written with XlsxWriter and :func:`kohyo.kohyo_sheet.write_kohyo_sheet`
(the canonical grid), so it reads back without findings of drift. Everything is
drawn from one ``random.Random(seed)``: the same arguments give the same bytes.

Reusable pieces: :func:`municipality_names`, :func:`config_text`,
:func:`make_projects` (plain :class:`kohyo.model.Project` objects, no file) and
:func:`write_master`.
"""

from __future__ import annotations

import argparse
import random
import sys
from datetime import UTC, datetime
from pathlib import Path

import xlsxwriter

from kohyo.config import Config, load_config
from kohyo.kohyo_sheet import write_kohyo_sheet
from kohyo.model import DASH, CellKind, CostCell, CostPlan, Indicator, Note, Project, Role
from kohyo.model import TextField as T
from kohyo.sheet_look import SheetLook

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


def write_master(path: Path, projects: list[Project], config: Config) -> Path:
    """Write *projects* as a master (one canonical 個表 per sheet) to *path*."""
    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "strings_to_numbers": False})  # fmt: skip
    wb.set_properties(
        {"title": "合成マスター", "author": "kohyo benchmarks", "created": FIXED_TIME}
    )
    look = SheetLook()
    for p in projects:
        write_kohyo_sheet(wb, p.sheet, p, config, look)
    wb.close()
    return path


def make_master(path: Path, n_projects: int, n_munis: int, seed: int = 0) -> Config:
    """Write a master of *n_projects* 個表 for *n_munis* municipalities to *path*.

    A matching ``config.toml`` is written beside it (overwritten if present);
    the loaded Config is returned.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    munis = municipality_names(n_munis, seed)
    config_path = path.parent / "config.toml"
    config_path.write_text(config_text(munis, master=path.name), encoding="utf-8")
    config = load_config(config_path)
    write_master(path, make_projects(n_projects, munis, seed), config)
    return config


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="ベンチマーク用の合成マスターを作ります。")
    parser.add_argument("out_dir", type=Path, help="master.xlsx と config.toml を書くフォルダー")
    parser.add_argument("--projects", type=int, default=500, help="個表の数（既定 500）")
    parser.add_argument("--munis", type=int, default=30, help="市町村の数（既定 30）")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    make_master(args.out_dir / "master.xlsx", args.projects, args.munis, args.seed)
    print(
        f"作成しました: {args.out_dir / 'master.xlsx'}（個表 {args.projects}、市町村 {args.munis}）"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
