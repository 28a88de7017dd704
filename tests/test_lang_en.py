"""`--lang en` is complete: every command, on its success and its error paths, prints no
Japanese when the data itself is ASCII (an area of ASCII municipality names, ASCII projects).

The 個表 labels in the master (事業名, 関係市町村 …) stay Japanese: they are data the parser
anchors on, and no message of a clean run quotes them. Click's own English usage errors
are fine here; in Japanese mode they are translated (see test_usage_errors_ja below).
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from builders import YEARS, project, write_master
from conftest import ROOT, CliResult

# Hiragana, Katakana, CJK ideographs (and extension A, compatibility), half-width katakana,
# CJK punctuation (、。「」), and full-width forms such as （）：
JAPANESE = re.compile(
    r"[\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff01-\uff9f]"
)

CONFIG = """\
[area]
name = "Alpha Area"
short_name = "Alpha"
central_city = "AlphaCity"
municipalities = ["AlphaCity", "BetaTown", "GammaVillage"]
all_label = "All"
partner_label = "Partners"

[plan]
fiscal_years = [2020, 2021, 2022, 2023, 2024]
unit = "kJPY"

[paths]
master = "master.xlsx"
output_dir = "out"
backup_dir = "backup"

[refresh]
backups_keep = 3
distribute = true

[summary]
sheet_name = "Summary"
position = "first"

[distribution]
filename_pattern = "{area}_{town}_{date}.xlsx"
folder_pattern = "dist_{date}"
pdf = false

[mail]
sender = "Planning Office <plan@alpha.example.jp>"
signature = "Planning Office"
smtp_host = "localhost"
smtp_port = 587
security = "starttls"
username = ""
password_env = "KOHYO_TEST_NO_SUCH_PASSWORD"
max_attachment_mb = 10
outbox_dir = "out/outbox"

[mail.recipients."BetaTown"]
to = ["plan@beta.example.jp"]
cc = []
[mail.recipients."GammaVillage"]
to = ["plan@gamma.example.jp"]
cc = []
"""


def ascii_project(number: int, name: str, municipalities: str, **over: object) -> dict:
    fields: dict[str, object] = {
        "municipalities": municipalities,
        "content": "o Support new businesses in the area.",
        "effect": "More jobs in the area",
        "year_headers": [str(y) for y in YEARS],
        "costs": [100, 200, "—", None, None],
        "total": 300,
        "roles": [("AlphaCity", "Planning"), ("Partners", "Shared costs")],
        "kpis": [("Start-ups", "21", "30")],
    }
    return project(number, name, **{**fields, **over})


PROJECTS = [
    ascii_project(1, "Start-up Support", "All"),
    ascii_project(2, "Tourism Routes", "AlphaCity,BetaTown"),
    ascii_project(3, "Snow Clearing", "AlphaCity,GammaVillage"),
]


@dataclass(frozen=True)
class Area:
    folder: Path
    config: Path
    master: Path
    old: Path

    def args(self, *args: str | Path) -> list[str | Path]:
        return [*args, "--lang", "en", "--config", self.config]


@pytest.fixture
def area(tmp_path: Path) -> Area:
    (tmp_path / "config.toml").write_text(CONFIG, encoding="utf-8")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    master, old = tmp_path / "master.xlsx", tmp_path / "old.xlsx"
    changed = ascii_project(2, "Tourism Routes", "AlphaCity,BetaTown", effect="More visitors")
    write_master(old, [*PROJECTS[:1], changed, PROJECTS[2]])
    write_master(master, PROJECTS)
    return Area(tmp_path, tmp_path / "config.toml", master, old)


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def _bad_master(area: Area) -> Path:
    bad = ascii_project(4, "Broken Costs", "All", costs=["about 100", 200, "—", None, None])
    write_master(area.master, [*PROJECTS, bad])
    return area.master


def _duplicate_names(area: Area) -> Path:
    write_master(area.master, [*PROJECTS, ascii_project(4, "Snow Clearing", "All")])
    return area.master


def _locked(area: Area) -> Path:
    (area.folder / f"~${area.master.name}").write_bytes(b"owner")
    return area.master


def _distributed(area: Area, run: Callable[..., CliResult]) -> None:
    result = run(*area.args("distribute", area.master))
    assert result.exit_code == 0, result.output


Setup = Callable[[Area, Callable[..., CliResult]], list[str | Path]]

# (id, exit code, the command line built from the area)
CASES: list[tuple[str, int, Setup]] = [
    ("validate", 0, lambda a, r: a.args("validate", a.master)),
    ("validate-json", 0, lambda a, r: a.args("validate", "--json", a.master)),
    ("validate-report", 0,
     lambda a, r: a.args("validate", a.master, "--report", a.folder / "findings.xlsx")),
    ("validate-errors", 1, lambda a, r: a.args("validate", _bad_master(a))),
    ("validate-missing", 2, lambda a, r: a.args("validate", a.folder / "nowhere.xlsx")),
    ("validate-folder", 2, lambda a, r: a.args("validate", a.folder)),
    ("validate-not-xlsx", 2,
     lambda a, r: a.args("validate", _write(a.folder / "notes.xlsx", "plain text"))),
    ("validate-report-is-master", 2,
     lambda a, r: a.args("validate", a.master, "--report", a.master)),
    ("validate-config-missing", 2,
     lambda a, r: ["validate", a.master, "--lang", "en", "--config", a.folder / "none.toml"]),
    ("validate-config-syntax", 2,
     lambda a, r: ["validate", a.master, "--lang", "en", "--config",
                   _write(a.folder / "bad.toml", "[area\nname = 1\n")]),
    ("validate-config-value", 2,
     lambda a, r: ["validate", a.master, "--lang", "en", "--config",
                   _write(a.folder / "years.toml",
                          CONFIG.replace("[2020, 2021, 2022, 2023, 2024]", '"2020"'))]),
    ("dump", 0, lambda a, r: a.args("dump", a.master)),
    ("dump-missing", 2, lambda a, r: a.args("dump", a.folder / "nowhere.xlsx")),
    ("refresh", 0, lambda a, r: a.args("refresh", a.master)),
    ("refresh-json", 0, lambda a, r: a.args("refresh", "--json", "--no-distribute", a.master)),
    ("refresh-errors", 1, lambda a, r: a.args("refresh", _bad_master(a))),
    ("refresh-locked", 2, lambda a, r: a.args("refresh", _locked(a))),
    ("refresh-save-without-live", 2, lambda a, r: a.args("refresh", "--save", a.master)),
    ("distribute", 0, lambda a, r: a.args("distribute", a.master)),
    ("distribute-town", 0, lambda a, r: a.args("distribute", "--town", "BetaTown", a.master)),
    ("distribute-errors", 1, lambda a, r: a.args("distribute", _bad_master(a))),
    ("distribute-unknown-town", 2,
     lambda a, r: a.args("distribute", "--town", "Delta", a.master)),
    ("diff", 0, lambda a, r: a.args("diff", a.old, a.master, "--out", a.folder / "overview")),
    ("diff-same", 0, lambda a, r: a.args("diff", a.master, a.master, "--out", a.folder / "ov")),
    ("diff-json", 0, lambda a, r: a.args("diff", "--json", a.old, a.master)),
    ("diff-errors", 1, lambda a, r: a.args("diff", a.old, _duplicate_names(a))),
    ("diff-missing", 2, lambda a, r: a.args("diff", a.folder / "nowhere.xlsx", a.master)),
    ("mail-dry-run", 0,
     lambda a, r: (_distributed(a, r), a.args("mail", "--outbox", a.folder / "outbox"))[1]),
    ("mail-dry-run-town", 0,
     lambda a, r: (_distributed(a, r), a.args("mail", "--town", "GammaVillage"))[1]),
    ("mail-json", 0, lambda a, r: (_distributed(a, r), a.args("mail", "--json"))[1]),
    ("mail-no-distribution", 2, lambda a, r: a.args("mail")),
    ("mail-changed-master", 2,
     lambda a, r: (_distributed(a, r), _bad_master(a), a.args("mail"))[2]),
    ("mail-unknown-town", 2,
     lambda a, r: (_distributed(a, r), a.args("mail", "--town", "Delta"))[1]),
    ("mail-send-no-server", 2,
     lambda a, r: (_distributed(a, r),
                   ["mail", "--send", "--lang", "en", "--config",
                    _write(a.folder / "smtp.toml",
                           CONFIG.replace("smtp_port = 587", "smtp_port = 9")
                           .replace('username = ""', 'username = "planner"'))])[1]),
    ("mail-resend-without-send", 2, lambda a, r: a.args("mail", "--resend")),
    ("new", 0, lambda a, r: a.args("new", a.master, "--name", "Bus Routes", "--yes")),
    ("new-after", 0,
     lambda a, r: a.args("new", a.master, "--name", "Bus Routes", "--after", "1", "--yes",
                         "--municipalities", "BetaTown")),
    ("new-no-yes", 2, lambda a, r: a.args("new", a.master, "--name", "Bus Routes")),
    ("new-duplicate-name", 2, lambda a, r: a.args("new", a.master, "--name", "Snow Clearing")),
    ("new-unknown-after", 2,
     lambda a, r: a.args("new", a.master, "--name", "Bus Routes", "--after", "9", "--yes")),
    ("new-unknown-town", 2,
     lambda a, r: a.args("new", a.master, "--name", "Bus Routes", "--municipalities", "Delta")),
    ("new-errors", 1, lambda a, r: a.args("new", _bad_master(a), "--name", "Bus Routes", "--yes")),
    ("new-locked", 2, lambda a, r: a.args("new", _locked(a), "--name", "Bus Routes", "--yes")),
    ("codes", 0, lambda a, r: a.args("codes")),
    ("unknown-option", 2, lambda a, r: a.args("validate", "--no-such-option")),
    ("bad-choice", 2, lambda a, r: ["validate", "--lang", "en", "--config", a.config, "--pdf"]),
]  # fmt: skip


@pytest.mark.parametrize(("code", "build"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_english_output_has_no_japanese(
    area: Area, cli_run: Callable[..., CliResult], code: int, build: Setup
) -> None:
    args = build(area, cli_run)
    result = cli_run(*args)
    assert result.exception is None, result.exception
    assert result.exit_code == code, result.output
    assert result.output.strip(), "every command says something"
    # diff --json names each changed block by its field code and by the 個表's own label
    # (連携効果 …): that label is workbook data, like a sheet name.
    output = re.sub(r'"label": "[^"]*"', "", result.output)
    found = sorted(set(JAPANESE.findall(output)))
    assert not found, f"Japanese in --lang en output: {found}\n{result.output}"


@pytest.mark.parametrize("command", ["validate", "refresh", "distribute", "diff", "mail", "new",
                                     "dump", "codes"])  # fmt: skip
def test_english_help_has_no_japanese(cli_run: Callable[..., CliResult], command: str) -> None:
    result = cli_run(command, "--lang", "en", "--help")
    assert result.exit_code == 0, result.output
    found = sorted(set(JAPANESE.findall(result.output)))
    assert not found, f"Japanese in --lang en help: {found}\n{result.output}"
