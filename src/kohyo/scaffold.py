"""A new area folder (`kohyo init`): a commented config.toml, a master to start from and,
on request, copies of the templates to restyle.

The master holds two sheets. 「記入例」 is a filled-in 個表 laid out by the same writer as
every distributed 個表, for staff to copy from; its 事業名 label reads 「事業名（記入例）」,
so kohyo does not take it for a project (it is reported as a skipped sheet). 「1」 is the
blank 個表 `kohyo new` would add (same template, same look), so the new master validates
and `kohyo new` can add the next one. Nothing that exists is ever overwritten: every file
is checked before the first one is written.
"""

from __future__ import annotations

import io
import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import xlsxwriter

from kohyo import __version__
from kohyo.config import Config, load_config
from kohyo.errors import ConfigError, KohyoError
from kohyo.layout.blank import TEMPLATE_FILE, kohyo_sheet_spec, load_new_template, new_project
from kohyo.layout.kohyo import write_kohyo_sheet
from kohyo.layout.look import load_look
from kohyo.messages import t
from kohyo.model.derive import derive_total
from kohyo.model.labels import year_header
from kohyo.model.project import (
    DASH,
    CellKind,
    CostCell,
    CostPlan,
    Indicator,
    Note,
    Project,
    Role,
    TextField,
    YearHeader,
)
from kohyo.templates_lookup import (
    TEMPLATES,
    area_template_path,
    packaged_template_path,
    template_path,
)
from kohyo.xlsx.patch import CellWrite, PackagePatch

CONFIG_NAME = "config.toml"
MASTER_PATH = "workbooks/master.xlsx"  # as written into the new config.toml
EXAMPLE_SHEET = "記入例"
EXAMPLE_NUMBER = "例"
EXAMPLE_NAME_LABEL = "事業名（記入例）"  # not 「事業名」: the parser skips the sheet
FIRST_NAME = "（事業名を入力してください）"

PLACEHOLDER_AREA = "〇〇圏域連携中枢都市圏"
PLACEHOLDER_CENTRAL = "〇〇市"
PLACEHOLDER_TOWNS = ("△△町", "□□村")


class ScaffoldError(KohyoError):
    """The area folder cannot be made (a file is already there, a bad name …)."""


@dataclass(frozen=True)
class AreaFacts:
    """What `kohyo init` asks: the area's name and its municipalities."""

    name: str = PLACEHOLDER_AREA
    central_city: str = PLACEHOLDER_CENTRAL
    towns: tuple[str, ...] = PLACEHOLDER_TOWNS  # the others; the central city may be among them
    placeholders: tuple[str, ...] = ()  # names nobody gave: the config says to replace them

    @property
    def municipalities(self) -> tuple[str, ...]:
        others = [m for m in self.towns if m != self.central_city]
        return (self.central_city, *dict.fromkeys(others))


@dataclass
class Scaffold:
    """What `kohyo init` made."""

    folder: Path
    config: Path
    master: Path
    templates: list[Path] = field(default_factory=list)


def split_names(text: str) -> list[str]:
    """「青森市、平内町 今別町」 -> the names, NFKC, separated by 、 , ， or white space."""
    names = unicodedata.normalize("NFKC", text).replace("、", ",").replace(",", " ").split()
    return list(dict.fromkeys(names))


def scaffold_area(
    folder: Path, facts: AreaFacts, *, templates: bool = False, today: date | None = None
) -> Scaffold:
    """Make *folder* an area folder. ScaffoldError (nothing written) if a file is in the way."""
    today = today or date.today()
    config_path = folder / CONFIG_NAME
    master_path = folder / MASTER_PATH
    copies = {name: area_template_path(folder, name) for name in TEMPLATES} if templates else {}
    for path in (config_path, master_path, *copies.values()):
        if path.exists() or path.is_symlink():
            raise ScaffoldError(t("init.exists", path=path), path=str(path))
    made_folder = not folder.exists()
    _make_folder(folder)
    _write_new(config_path, config_text(facts, today).encode("utf-8"))
    try:
        config = load_config(config_path)
    except ConfigError:  # a bad --town name: leave nothing half made
        config_path.unlink()
        if made_folder:
            folder.rmdir()
        raise
    _make_folder(master_path.parent)
    _write_new(master_path, master_bytes(config, today))
    for name, copy in copies.items():
        _make_folder(copy.parent)
        _write_new(copy, packaged_template_path(name).read_bytes())
    return Scaffold(folder, config_path, master_path, list(copies.values()))


def _make_folder(folder: Path) -> None:
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ScaffoldError(
            t("init.cannot_write", path=folder, reason=exc.strerror), path=str(folder)
        ) from None


def _write_new(path: Path, data: bytes) -> None:
    try:
        with open(path, "xb") as fh:  # "x": never replace a file that appeared meanwhile
            fh.write(data)
    except FileExistsError:
        raise ScaffoldError(t("init.exists", path=path), path=str(path)) from None
    except OSError as exc:
        raise ScaffoldError(
            t("init.cannot_write", path=path, reason=exc.strerror), path=str(path)
        ) from None


def first_fiscal_year(today: date) -> int:
    """The fiscal year (April to March) *today* falls in."""
    return today.year if today.month >= 4 else today.year - 1


def _toml(value: str | Sequence[str]) -> str:
    """A TOML string or array of strings (JSON's string syntax is TOML's basic string)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return "[" + ", ".join(_toml(v) for v in value) + "]"


def config_text(facts: AreaFacts, today: date) -> str:
    """The new config.toml: every key staff are likely to change, each with a comment."""
    first = first_fiscal_year(today)
    years = ", ".join(str(y) for y in range(first, first + 5))
    short = facts.name.removesuffix("連携中枢都市圏") or facts.name
    fill = (
        f"\n# 仮の名前（{'、'.join(facts.placeholders)}）は、圏域に合わせて書き換えてください。"
        if facts.placeholders
        else ""
    )
    recipients = "".join(
        f"\n[mail.recipients.{_toml(town)}]\nto = {_toml([f'kohyo-{i}@example.jp'])}\ncc = []\n"
        for i, town in enumerate((m for m in facts.municipalities if m != facts.central_city), 1)
    )
    return f"""\
# kohyo の設定ファイル（kohyo init で作成） (kohyo's settings for one area).
# 圏域が変わっても、このファイルだけを書き換えれば動きます。
# パスはこのファイルのあるフォルダーからの相対パスです (paths are relative to this folder).
# 書式や文面を変えるときは `kohyo init --templates` でテンプレートを templates/ に写してから
# 書き換えます（docs/templates.md）。{fill}

[area]
# 圏域名 (area name), shown in every output
name = {_toml(facts.name)}
# ファイル名などに使う短い名前 (short name, for file names)
short_name = {_toml(short)}
# 連携中枢都市 (central city): one of municipalities
central_city = {_toml(facts.central_city)}
# 構成市町村 (municipalities), in the order used everywhere (総括表の列、配布の順)
municipalities = {_toml(facts.municipalities)}
all_label = "全市町村"                # 関係市町村で「すべての市町村」を表す言葉
partner_label = "連携町村"            # 役割分担で連携中枢都市以外をまとめて表す言葉

[plan]
# 事業費見込額の年度（西暦）。計画期間に合わせてください (the plan's fiscal years)
fiscal_years = [{years}]
unit = "千円"
# target_year = {first + 4}               # 成果指標の目標年度（既定: 最後の年度）

[paths]
master = {_toml(MASTER_PATH)}      # マスター（全事業の個表をまとめたブック）
output_dir = "out"                    # 出力先（配布ファイル、変更の概要）
backup_dir = "workbooks/backup"       # 更新前のマスターの控え

[refresh]
backups_keep = 10                     # 控えを残す数
distribute = true                     # refresh のあとで市町村別ファイルも作る

[summary]
sheet_name = "総括表"
position = "first"                    # "first", "last", or a 1-based sheet position

[distribution]
filename_pattern = "{{area}}_{{town}}_個表_{{date}}.xlsx"
folder_pattern = "配布_{{date}}"
pdf = false                           # true: LibreOffice で PDF も作る

[mail]
# 差出人と署名。example.jp のアドレスは仮のものです。
sender = {_toml(f"{facts.central_city} 担当課 <kohyo@example.jp>")}
signature = {_toml(f"{facts.central_city} 担当課")}
smtp_host = "localhost"
smtp_port = 587
security = "starttls"                 # "starttls", "ssl" or "none"
username = ""
password_env = "KOHYO_SMTP_PASSWORD"  # パスワードは環境変数からのみ読みます
max_attachment_mb = 10
outbox_dir = "out/outbox"

# 連携町村ごとの宛先 (recipients per partner town): 担当者のアドレスに書き換えてください。
{recipients}"""


def example_project(config: Config) -> Project:
    """The 記入例: a 個表 filled in the way kohyo reads best (no cell addresses)."""
    area = config.area
    years = config.plan.fiscal_years
    amounts: dict[int, CostCell] = {}
    for i, year in enumerate(years):
        value: int | str = (1200, 800, 800)[i] if i < 3 else DASH
        amounts[year] = CostCell(value, CellKind.NUMBER if i < 3 else CellKind.DASH, None)
    costs = CostPlan(headers=[YearHeader(y, year_header(y), None) for y in years], amounts=amounts)
    costs.total = CostCell(derive_total(costs), CellKind.NUMBER, None)
    return Project(
        sheet=EXAMPLE_SHEET, number=None, number_raw=EXAMPLE_NUMBER, number_cell=None,
        name=TextField("圏域の観光情報の一体的な発信", None),
        municipalities=list(area.municipalities),
        municipalities_label=TextField(area.all_label, None), unknown_municipalities=[],
        content=TextField(
            "○圏域の観光資源を紹介するウェブサイトとパンフレットを共同で作成する。\n"
            "○首都圏の観光イベントに圏域として共同で出展する。", None),
        effect=TextField(
            "○市町村が単独で発信するより圏域全体の認知度が高まり、周遊観光が進む。", None),
        costs=costs,
        roles=[
            Role(area.central_city, "ウェブサイトの運営、イベント出展の取りまとめ", None, None),
            Role(area.partner_label, "観光資源の情報提供、イベントへの参加", None, None),
        ],
        indicators=[Indicator("ウェブサイトの年間閲覧数", "12,000件", "20,000件",
                              None, None, None, None)],
        indicator_target_year=config.plan.kpi_target_year, indicator_header_cell=None,
        notes=[
            Note("※このシートは記入例です。kohyo は読み飛ばします（総括表にも配布にも入りません）。", None),
            Note(f"※事業費見込額は{config.plan.unit}単位の整数で、予定のない年度は「—」と書きます。"
                 "計は kohyo が refresh で書き入れます。", None),
        ],
    )  # fmt: skip


def master_bytes(config: Config, today: date) -> bytes:
    """The new master: the 記入例 sheet, then a blank 個表 「1」 as `kohyo new` makes it."""
    look = load_look(template_path(config, "kohyo_sheet.toml"))
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {
        "strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False,
        "in_memory": True,
    })  # fmt: skip
    wb.set_properties({
        "title": f"{config.area.name} 個表（マスター）",
        "author": "kohyo",
        "comments": f"kohyo {__version__} init で作成",
        "created": datetime(today.year, today.month, today.day),
    })  # fmt: skip
    write_kohyo_sheet(wb, EXAMPLE_SHEET, example_project(config), config, look)
    wb.close()
    patch = PackagePatch(buffer.getvalue())
    patch.set_cells(EXAMPLE_SHEET, [CellWrite("A1", EXAMPLE_NAME_LABEL)])
    template = load_new_template(template_path(config, TEMPLATE_FILE))
    sheet = template.sheet_name.format(number=1)
    first = new_project(1, FIRST_NAME, sheet, config, template)
    spec = kohyo_sheet_spec(first, sheet, config, look, blank_kpi_rows=template.indicator_rows)
    patch.put_sheet(spec, position="last")
    return patch.to_bytes()
