"""`kohyo history` and `kohyo export` end to end: three versions, every kind of life event."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from builders import project, variant, write_master
from conftest import CliResult
from kohyo.config import Config
from kohyo.data.history import history_of


def topic(name: str, number: int, **over: Any) -> dict[str, Any]:
    base = project(number, f"{name}連携事業", content=f"○圏域の{name}を図るため、構成市町村が連携して取組を行う。",
                   effect=f"圏域全体の{name}の推進", kpis=[(f"{name}に関する事業の実施件数", "—", "5件")],
                   costs=[100, 100, 100, None, None], total=300)  # fmt: skip
    return variant(base, sheet=str(number), **over)


def renumber(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [variant(p, number=i, sheet=str(i)) for i, p in enumerate(projects, 1)]


@pytest.fixture
def versions(tmp_path: Path) -> list[Path]:
    a, b, c, d, e = (
        topic(t, i)
        for i, t in enumerate(["観光振興", "移住定住", "子育て支援", "図書館連携", "雪対策"], 1)
    )
    # new projects that say something else (templated twins would read as renames)
    new1 = variant(
        topic("国土強靱化", 0),
        content="○大規模自然災害に備え、地域計画に基づく取組を実施する。",
        effect="強靱な地域づくりの推進",
        kpis=[("地域計画への掲載率", "—", "100%")],
    )
    new2 = variant(
        topic("重点要望", 0),
        content="○県に対する説明会等を通じて、重点要望の実現に向けた協力を要請する。",
        effect="共通の行政課題の発言力の向上",
        kpis=[("要望事項実現率", "—", "50%")],
    )
    v1 = [a, b, c, d, e]
    c2 = variant(c, name="子育て応援事業")  # renamed, same content
    d2 = variant(d, kpis=[("図書館連携に関する事業の実施件数", "—", "NO.1に統合")])  # merged into 1
    e2 = variant(e, costs=[100, 250, 100, None, None], total=450)  # cost changed
    v2 = renumber([a, new1, b, c2, d2, e2])  # new1 inserted: b..e shift by one
    v3 = renumber([a, new1, b, c2, e2, new2])  # d ended; e moves back; new2 added
    paths = []
    for k, projects in enumerate([v1, v2, v3], 1):
        path = tmp_path / f"R{k}.xlsx"
        write_master(path, projects)
        paths.append(path)
    return paths


def life(events: pd.DataFrame, name_at_first: str) -> list[tuple[Any, ...]]:
    lineage = events[events["name"] == name_at_first]["lineage"].iloc[0]
    rows = events[events["lineage"] == lineage]
    return [(r.version_label, None if r.number is pd.NA else r.number, r.event, r.detail)
            for r in rows.itertuples()]  # fmt: skip


def test_every_project_has_the_expected_life(versions: list[Path], config: Config) -> None:
    result = history_of(versions, config)
    h = result.history
    assert h is not None
    assert h.labels == ["R1", "R2", "R3"] and h.counts == [5, 6, 6]
    ev = h.events
    assert life(ev, "観光振興連携事業") == [("R1", 1, "initial", ""), ("R2", 1, "unchanged", ""),
                                      ("R3", 1, "unchanged", "")]  # fmt: skip
    assert life(ev, "移住定住連携事業") == [("R1", 2, "initial", ""), ("R2", 3, "renumbered", "2 ⇒ 3"),
                                      ("R3", 3, "unchanged", "")]  # fmt: skip
    assert life(ev, "子育て支援連携事業") == [("R1", 3, "initial", ""),
                                       ("R2", 4, "renamed", "子育て支援連携事業 ⇒ 子育て応援事業"),
                                       ("R3", 4, "unchanged", "")]  # fmt: skip
    assert life(ev, "図書館連携連携事業") == [("R1", 4, "initial", ""),
                                       ("R2", 5, "merged", "NO.1 観光振興連携事業"),
                                       ("R3", None, "ended", "")]  # fmt: skip
    assert life(ev, "雪対策連携事業") == [("R1", 5, "initial", ""), ("R2", 6, "changed", "事業費見込額、計"),
                                     ("R3", 5, "renumbered", "6 ⇒ 5")]  # fmt: skip
    assert life(ev, "国土強靱化連携事業") == [("R2", 2, "added", ""), ("R3", 2, "unchanged", "")]
    assert life(ev, "重点要望連携事業") == [("R3", 6, "added", "")]
    assert ev["lineage"].nunique() == 7
    assert h.transition_counts()[0] == {
        "initial": 0, "added": 1, "changed": 1, "merged": 1, "renamed": 1, "renumbered": 1,
        "unchanged": 1, "ended": 0,
    }  # fmt: skip


def test_wide_table_has_number_total_and_event_per_version(
    versions: list[Path], config: Config
) -> None:
    h = history_of(versions, config).history
    assert h is not None
    wide = h.lineages.set_index("name")
    snow = wide.loc["雪対策連携事業"]
    assert [snow["number@R1"], snow["number@R2"], snow["number@R3"]] == [5, 6, 5]
    assert [snow["total@R1"], snow["total@R2"], snow["total@R3"]] == [300, 450, 450]
    assert snow["first_version"] == "R1" and snow["ended_in"] is pd.NA
    lib = wide.loc["図書館連携連携事業"]
    assert lib["ended_in"] == "R3" and lib["number@R3"] is pd.NA
    assert wide.loc["子育て応援事業", "first_version"] == "R1"  # the latest name, its whole life


def test_history_command_writes_tables_and_summary(
    versions: list[Path], tmp_config: Callable[..., Path], cli_run: Callable[..., CliResult],
    tmp_path: Path,
) -> None:  # fmt: skip
    out = tmp_path / "out"
    r = cli_run("history", *versions, "--out", out, "--config", tmp_config())
    assert r.exit_code == 0, r.output
    assert "[R1] 5事業 ⇒ [R2] 6事業 ⇒ [R3] 6事業" in r.output
    assert sorted(p.name for p in out.iterdir()) == [
        "history.csv",
        "history.md",
        "history.xlsx",
        "history_events.csv",
    ]
    md = (out / "history.md").read_text(encoding="utf-8")
    assert "(具体的取組の総数 : [R1] 5事業 ⇒ [R2] 6事業 ⇒ [R3] 6事業)" in md
    assert "| R2 | 6 | 1 | 3 | 1 | 1 | 1 | 0 |" in md
    assert "- 終了: 図書館連携連携事業" in md
    assert "- 統合: 5 図書館連携連携事業（NO.1 観光振興連携事業）" in md
    csv = pd.read_csv(out / "history.csv", encoding="utf-8-sig")
    assert len(csv) == 7


def test_history_refuses_a_version_with_errors(
    versions: list[Path], tmp_config: Callable[..., Path], cli_run: Callable[..., CliResult],
    tmp_path: Path,
) -> None:  # fmt: skip
    bad = tmp_path / "bad.xlsx"
    write_master(bad, [topic("観光振興", 1, costs=["約200", None, None, None, None])])
    r = cli_run("history", versions[0], bad, "--out", tmp_path / "o", "--config", tmp_config())
    assert r.exit_code == 1
    assert "エラーがあるため推移を作れません" in r.output and "約200" in r.output
    assert not (tmp_path / "o").exists()


def test_history_needs_two_versions(
    versions: list[Path], tmp_config: Callable[..., Path], cli_run: Callable[..., CliResult]
) -> None:
    r = cli_run("history", versions[0], "--config", tmp_config())
    assert r.exit_code == 2 and "2 つ以上" in r.output


def test_export_command_and_refusal(
    versions: list[Path], tmp_config: Callable[..., Path], cli_run: Callable[..., CliResult],
    tmp_path: Path,
) -> None:  # fmt: skip
    r = cli_run("export", versions[1], "--out", tmp_path / "csv", "--config", tmp_config())
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "csv").iterdir()) == sorted(
        f"{t}.csv" for t in ("projects", "costs", "participation", "roles", "indicators", "notes")
    )
    bad = tmp_path / "bad.xlsx"
    write_master(bad, [topic("観光振興", 1, costs=["約200", None, None, None, None])])
    r = cli_run("export", bad, "--out", tmp_path / "no", "--config", tmp_config())
    assert r.exit_code == 1 and "書き出しませんでした" in r.output
    assert not (tmp_path / "no").exists()
    r = cli_run("export", bad, "--format", "ods", "--config", tmp_config())
    assert r.exit_code == 2


def test_parquet_without_pyarrow_says_how_to_install(
    versions: list[Path], tmp_config: Callable[..., Path], cli_run: Callable[..., CliResult],
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow -> ImportError
    r = cli_run("export", versions[0], "--format", "parquet", "--out", tmp_path / "p",
                "--config", tmp_config())  # fmt: skip
    assert r.exit_code == 2
    assert 'pip install "kohyo[parquet]"' in r.output
    assert not (tmp_path / "p").exists()
