"""kohyo diff: matching across versions and field-level changes (src/kohyo/diff.py, textdiff.py).

The sample before/after pair (workbooks/master_before.xlsx -> workbooks/master.xlsx) must
give what the seed document's overview says; synthetic pairs built with tests/builders.py
cover insertions that shift numbers, renames, deletions, identical masters and masters
with different fiscal years. Changes are compared as compact tuples
(field, change, item, old, new).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import project, variant, write_master
from kohyo.config import Config
from kohyo.model.project import Master
from kohyo.overview.compare import (
    RENAME_SIMILARITY,
    ChangeOverview,
    ProjectChange,
    blocking_findings,
    compare_masters,
    content_signature,
)
from kohyo.overview.render import compare_files
from kohyo.overview.textdiff import (
    diff_text,
    first_paragraph,
    mark_text,
    quote,
    similarity,
    split_units,
    text_key,
)
from kohyo.read.master import check_master, read_master
from kohyo.sample import load_projects

ROOT = Path(__file__).resolve().parents[1]
BEFORE = ROOT / "workbooks" / "master_before.xlsx"
AFTER = ROOT / "workbooks" / "master.xlsx"
BEFORE_TOML = ROOT / "workbooks" / "sample" / "master_before.toml"
AFTER_TOML = ROOT / "workbooks" / "sample" / "master.toml"
DELETED = "○在宅医療に係る情報共有を図るため、医療機関の共同セミナーの開催を検討する。"
MERGED_INTO = "地域企業ビジネス支援拠点運営事業"

Change = tuple[str, str, str | None, Any, Any]


def changes(m: ProjectChange) -> list[Change]:
    return [(f.field, f.change, f.item, f.old, f.new) for f in m.fields]


def numbers(projects: list[Any]) -> list[int | None]:
    return [p.number for p in projects]


def needs(*paths: Path) -> None:
    missing = [p.name for p in paths if not p.exists()]
    if missing:
        pytest.skip(f"sample not built yet: {', '.join(missing)} (python scripts/build_sample.py)")


@pytest.fixture
def pair(tmp_path: Path, config: Config) -> Callable[..., ChangeOverview]:
    """Write OLD and NEW masters with builders.py, read them back, compare them."""

    def make(old: list[dict[str, Any]], new: list[dict[str, Any]]) -> ChangeOverview:
        write_master(tmp_path / "old.xlsx", old)
        write_master(tmp_path / "new.xlsx", new)
        return compare_masters(
            read_master(tmp_path / "old.xlsx", config),
            read_master(tmp_path / "new.xlsx", config),
            config,
        )

    return make


# --- the sample pair (the seed document) ----------------------------------------------


@pytest.fixture(scope="module")
def sample(request: pytest.FixtureRequest) -> ChangeOverview:
    needs(BEFORE, AFTER)
    config = request.getfixturevalue("config")
    return compare_masters(read_master(BEFORE, config), read_master(AFTER, config), config)


def test_sample_counts_3_to_7(sample: ChangeOverview) -> None:
    assert (sample.old_count, sample.new_count) == (3, 7)


def test_sample_new_projects_are_4_21_36_39(sample: ChangeOverview) -> None:
    assert numbers(sample.added) == [4, 21, 36, 39]
    assert [p.name.text for p in sample.added] == [
        MERGED_INTO,
        "在宅医療推進のための共同セミナー開催事業",
        "青森圏域重点事業要望事務",
        "国土強靱化連携推進事業",
    ]


def test_sample_changed_are_2_3_20(sample: ChangeOverview) -> None:
    assert [(m.new.number, m.old.number) for m in sample.changed] == [(2, 2), (3, 3), (20, 19)]
    assert not sample.removed and not sample.renamed


def test_sample_2_and_3_merge_into_4(sample: ChangeOverview) -> None:
    assert sample.to_dict()["merged"] == [
        {"name": "起業・創業等支援拠点運営事業", "into": MERGED_INTO},
        {"name": "中小事業者ビジネスサポート事業", "into": MERGED_INTO},
    ]
    [(target, group)] = sample.merge_groups()
    assert (target.number, target.name) == (4, MERGED_INTO)
    assert [m.new.number for m in group] == [2, 3]


def test_sample_20_only_loses_its_second_paragraph(sample: ChangeOverview) -> None:
    twenty = sample.changed[2]
    assert changes(twenty) == [("content", "removed", None, DELETED, None)]


def test_sample_19_to_20_is_renumbering_not_a_change(sample: ChangeOverview) -> None:
    assert sample.to_dict()["renumbered"] == [
        {"name": "在宅医療・介護連携推進事業", "old_number": 19, "number": 20}
    ]
    assert not any(f.field == "number" for m in sample.changed for f in m.fields)


def test_sample_2_cost_changes_use_the_derived_total(sample: ChangeOverview) -> None:
    """計 is the tool's (derive_total): 21,833 after the change, whatever the sheet shows."""
    two = sample.changed[0]
    assert changes(two) == [
        ("cost", "changed", "2021", 21833, "—"),
        ("cost", "removed", "2022", 21833, None),
        ("cost", "removed", "2023", 21833, None),
        ("cost", "removed", "2024", 21833, None),
        ("total", "changed", None, 109165, 21833),
        ("indicator_target", "changed", "創業件数※", "25件", "NO.4に統合"),
    ]


def test_sample_json_shape(sample: ChangeOverview) -> None:
    d = sample.to_dict()
    assert list(d) == [
        "old_count", "new_count", "added", "changed", "merged", "removed", "renamed", "renumbered",
    ]  # fmt: skip
    assert d["added"][0] == {"number": 4, "name": MERGED_INTO}
    assert set(d["changed"][0]) == {"number", "old_number", "name", "fields"}
    assert d["changed"][2]["fields"] == [
        {"field": "content", "label": "内容", "change": "removed", "item": None,
         "old": DELETED, "new": None}
    ]  # fmt: skip
    json.dumps(d, ensure_ascii=False)  # serialisable as is


def test_sample_from_toml_equals_sample_from_xlsx(config: Config, sample: ChangeOverview) -> None:
    """The workbooks say what their TOML sources say: the comparison cannot tell them apart."""
    needs(BEFORE_TOML, AFTER_TOML)

    def master(path: Path) -> Master:
        projects = load_projects(path, config)
        return Master(str(path), projects, [], [p.sheet for p in projects])

    from_toml = compare_masters(master(BEFORE_TOML), master(AFTER_TOML), config)
    assert from_toml.to_dict() == sample.to_dict()


def test_sample_masters_are_comparable(config: Config) -> None:
    needs(BEFORE, AFTER)
    result = compare_files(BEFORE, AFTER, config)
    assert result.overview is not None
    assert result.old_blockers == result.new_blockers == []


# --- synthetic pairs ------------------------------------------------------------------

TOPICS = [
    "観光振興", "移住定住", "地域公共交通", "子育て支援", "図書館連携", "農産物販路拡大",
    "防災訓練", "消防指令", "救急医療", "介護人材確保", "文化財保存", "スポーツ合宿誘致",
    "空き家対策", "ごみ処理広域化", "水道事業連携", "職員研修", "ICT推進", "道路維持",
    "雪対策", "港湾利用促進", "森林整備", "漁業振興", "地場産品PR", "創業相談",
    "若者定着", "高齢者見守り", "健康づくり", "食育推進", "男女共同参画", "国際交流",
    "環境学習", "再生可能エネルギー", "交通安全", "消費生活相談", "障がい者就労", "学校給食",
    "生涯学習", "芸術鑑賞", "商店街活性化", "企業誘致", "雇用対策", "農地保全",
    "鳥獣被害対策", "情報発信",
]  # fmt: skip


def numbered(projects: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Number the projects 1.. in list order, one sheet each (named by number)."""
    return [variant(p, number=i, sheet=str(i)) for i, p in enumerate(projects, 1)]


def topic_project(topic: str, **over: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "content": f"○圏域の{topic}を図るため、構成市町村が連携して取組を行う。",
        "effect": f"圏域全体の{topic}の推進",
        "kpis": [(f"{topic}に関する事業の実施件数", "—", "5件")],
    }
    return project(0, f"{topic}連携事業", **{**fields, **over})


def test_44_to_48_insertions_shift_numbers_without_false_changes(
    pair: Callable[..., ChangeOverview],
) -> None:
    old = numbered([topic_project(t) for t in TOPICS])
    inserted = {
        4: topic_project("起業支援拠点"),
        21: topic_project("在宅医療セミナー"),
        36: topic_project("重点要望"),
        39: topic_project("国土強靱化"),
    }
    new_list = [variant(p) for p in old]
    for number in sorted(inserted):
        new_list.insert(number - 1, inserted[number])
    new = numbered(new_list)
    # two real changes among the moved projects
    by_name = {p["name"]: p for p in new}
    by_name["雪対策連携事業"]["costs"] = [100, 250, "—", None, None]
    by_name["国際交流連携事業"]["kpis"] = [("国際交流に関する事業の実施件数", "—", "8件")]

    ov = pair(old, new)
    assert (ov.old_count, ov.new_count) == (44, 48)
    assert numbers(ov.added) == [4, 21, 36, 39]
    assert [(m.old.number, m.new.number, changes(m)) for m in ov.changed] == [
        (19, 20, [("cost", "changed", "2021", 200, 250), ("total", "changed", None, 300, 350)]),
        (30, 32, [("indicator_target", "changed", "国際交流に関する事業の実施件数", "5件", "8件")]),
    ]
    assert not ov.removed and not ov.renamed and not ov.merged
    # 1–3 keep their numbers; every later project moved by the insertions before it
    assert len(ov.renumbered) == 41
    assert all(m.old.number is not None and m.old.number >= 4 for m in ov.renumbered)


def test_rename_is_found_by_content(pair: Callable[..., ChangeOverview]) -> None:
    a, b, c = (topic_project(t) for t in ("観光振興", "移住定住", "子育て支援"))
    renamed = variant(b, name="移住・定住促進事業")
    ov = pair(numbered([a, b, c]), numbered([a, renamed, c]))
    assert ov.to_dict()["renamed"] == [
        {"old_name": "移住定住連携事業", "name": "移住・定住促進事業", "old_number": 2, "number": 2}
    ]
    [m] = ov.changed
    assert m.matched_by == "content"
    assert changes(m) == [("name", "changed", None, "移住定住連携事業", "移住・定住促進事業")]
    assert not ov.added and not ov.removed


def test_rename_beside_an_unrelated_deletion_and_addition(
    pair: Callable[..., ChangeOverview],
) -> None:
    a, b, x = (topic_project(t) for t in ("観光振興", "移住定住", "ごみ処理広域化"))
    y = project(0, "防災行政無線デジタル化事業", content="○災害時の情報伝達を確実にするため、防災行政無線をデジタル方式に更新する。",
                effect="住民への迅速な避難情報の伝達", kpis=[("更新済み子局数", "0局", "120局")])  # fmt: skip
    renamed = variant(b, name="移住・定住促進事業", effect="移住者の増加と定着")
    ov = pair(numbered([a, b, x]), numbered([a, renamed, y]))
    assert [(m.old.name.text, m.new.name.text) for m in ov.renamed] == [
        ("移住定住連携事業", "移住・定住促進事業")
    ]
    assert [p.name.text for p in ov.removed] == ["ごみ処理広域化連携事業"]
    assert [p.name.text for p in ov.added] == ["防災行政無線デジタル化事業"]


def test_successor_project_is_not_taken_for_a_rename(config: Config) -> None:
    """Project 2 ended and 4 began (the seed's merge): similar, but below the threshold."""
    needs(AFTER_TOML)
    projects = {p.number: p for p in load_projects(AFTER_TOML, config)}
    score = similarity(content_signature(projects[2]), content_signature(projects[4]))
    assert 0.5 < score < RENAME_SIMILARITY
    old = Master("old", [projects[2]], [], ["2"])
    new = Master("new", [projects[4]], [], ["4"])
    ov = compare_masters(old, new, config)
    assert numbers(ov.removed) == [2] and numbers(ov.added) == [4] and not ov.renamed


def test_deletion_and_the_projects_after_it(pair: Callable[..., ChangeOverview]) -> None:
    a, b, c = (topic_project(t) for t in ("観光振興", "移住定住", "子育て支援"))
    ov = pair(numbered([a, b, c]), numbered([a, c]))
    assert ov.to_dict()["removed"] == [{"number": 2, "name": "移住定住連携事業"}]
    assert not ov.changed and not ov.added
    assert ov.to_dict()["renumbered"] == [
        {"name": "子育て支援連携事業", "old_number": 3, "number": 2}
    ]


def test_identical_masters_have_no_changes(pair: Callable[..., ChangeOverview]) -> None:
    projects = numbered([topic_project(t) for t in TOPICS[:5]])
    ov = pair(projects, projects)
    assert not ov.has_changes
    assert ov.to_dict() == {
        "old_count": 5, "new_count": 5, "added": [], "changed": [], "merged": [],
        "removed": [], "renamed": [], "renumbered": [],
    }  # fmt: skip


def test_different_fiscal_years_compare_the_union(pair: Callable[..., ChangeOverview]) -> None:
    old = topic_project("観光振興", year_headers=[f"{y}年度" for y in range(2015, 2020)])
    new = topic_project("観光振興")
    ov = pair(numbered([old]), numbered([new]))
    [m] = ov.changed
    assert changes(m) == [
        ("cost", "removed", "2015", 100, None),
        ("cost", "removed", "2016", 200, None),
        ("cost", "removed", "2017", "—", None),
        ("cost", "added", "2020", None, 100),
        ("cost", "added", "2021", None, 200),
        ("cost", "added", "2022", None, "—"),
    ]  # 計 is 300 in both: not a change


def test_every_field_kind(pair: Callable[..., ChangeOverview]) -> None:
    old = project(
        1, "観光振興連携事業", municipalities="青森市、平内町",
        content="○観光客の増加を図るため、周遊ルートを作る。案内板を設置する。",
        effect="交流人口の拡大。観光消費額の増加。",
        roles=[("青森市", "企画"), ("連携町村", "周知")],
        kpis=[("観光客数", "100万人", "120万人"), ("宿泊者数", "30万人", "35万人")],
        notes=["※観光統計による"],
    )  # fmt: skip
    new = variant(
        old,
        municipalities="全市町村",
        content="○観光客の増加を図るため、周遊ルートを作る。\n○外国人観光客向けの案内を充実する。",
        effect="交流人口の拡大。観光消費額の大幅な増加。",
        roles=[("青森市", "企画、事業実施"), ("連携町村", "周知"), ("平内町", "会場提供")],
        kpis=[("観光客数", "105万人", "120万人"), ("外国人観光客数", "—", "5万人")],
        notes=["※観光統計による", "※外国人観光客数は県の調査による"],
    )
    [m] = pair([old], [new]).changed
    assert changes(m) == [
        ("municipalities", "changed", None, "青森市、平内町", "全市町村"),
        ("content", "removed", None, "案内板を設置する。", None),
        ("content", "added", None, None, "○外国人観光客向けの案内を充実する。"),
        ("effect", "changed", None, "観光消費額の増加。", "観光消費額の大幅な増加。"),
        ("role", "changed", "青森市", "企画", "企画、事業実施"),
        ("role", "added", "平内町", None, "会場提供"),
        ("indicator", "removed", "宿泊者数", "現状値 30万人／目標値 35万人", None),
        ("indicator_current", "changed", "観光客数", "100万人", "105万人"),
        ("indicator", "added", "外国人観光客数", None, "現状値 —／目標値 5万人"),
        ("note", "added", None, None, "※外国人観光客数は県の調査による"),
    ]


def test_white_space_width_and_number_forms_are_not_changes(
    pair: Callable[..., ChangeOverview],
) -> None:
    old = topic_project(
        "観光振興", municipalities="青森市、平内町", costs=[100, 200, "—", None, None]
    )
    new = variant(
        old,
        name="観光振興 連携事業",
        municipalities="青森市・平内町",
        content="○圏域の観光振興を図るため、\n構成市町村が連携して取組を行う。",
        effect="圏域全体の観光振興の推進\u3000",
        costs=["１００", "200", "ー", None, None],
    )
    ov = pair([old], [new])
    assert not ov.changed and not ov.added and not ov.removed


def test_a_merge_already_announced_is_not_news(pair: Callable[..., ChangeOverview]) -> None:
    target = topic_project("創業相談")
    merged = topic_project("起業支援", kpis=[("創業件数", "21件", "NO.2に統合")])
    ov = pair(numbered([merged, target]), numbered([merged, target]))
    assert not ov.merged and not ov.changed


def test_a_merge_announced_before_the_target_moved_is_not_news(
    pair: Callable[..., ChangeOverview],
) -> None:
    target = topic_project("創業相談")
    merged = topic_project("起業支援", kpis=[("創業件数", "21件", "NO.2に統合")])
    moved = variant(merged, kpis=[("創業件数", "21件", "NO.3に統合")])
    ov = pair(numbered([merged, target]), numbered([topic_project("観光振興"), moved, target]))
    assert not ov.merged
    [m] = ov.changed  # the reference was updated to the new number: a field change, not a merge
    assert changes(m) == [("indicator_target", "changed", "創業件数", "NO.2に統合", "NO.3に統合")]


def test_merges_into_an_existing_project_are_grouped(pair: Callable[..., ChangeOverview]) -> None:
    a, b, t = (topic_project(x) for x in ("起業支援", "販路開拓", "創業相談"))
    a2 = variant(a, kpis=[("起業支援に関する事業の実施件数", "—", "NO.3に統合")])
    b2 = variant(b, notes=["※令和3年度からNO.3に統合"])
    ov = pair(numbered([a, b, t]), numbered([a2, b2, t]))
    [(target, group)] = ov.merge_groups()
    assert (target.number, target.name) == (3, "創業相談連携事業")
    assert [m.new.name.text for m in group] == ["起業支援連携事業", "販路開拓連携事業"]


# --- which master errors stop a comparison ---------------------------------------------


def test_duplicate_names_block_the_comparison(tmp_path: Path, config: Config) -> None:
    p = topic_project("観光振興")
    write_master(tmp_path / "dup.xlsx", numbered([p, variant(p)]))
    _, report = check_master(tmp_path / "dup.xlsx", config)
    assert [f.code for f in blocking_findings(report)] == ["name-duplicate"]


def test_other_errors_do_not_block(tmp_path: Path, config: Config) -> None:
    write_master(
        tmp_path / "m.xlsx", numbered([topic_project("観光振興", costs=["約200", 1, 2, 3, 4])])
    )
    _, report = check_master(tmp_path / "m.xlsx", config)
    assert report.has_errors and blocking_findings(report) == []


def test_a_cost_typed_as_text_is_compared_as_typed(pair: Callable[..., ChangeOverview]) -> None:
    old = topic_project("観光振興", costs=["約200", 200, "—", None, None])
    [m] = pair([old], [variant(old, costs=[200, 200, "—", None, None])]).changed
    assert changes(m)[0] == ("cost", "changed", "2020", "約200", 200)


# --- sentences ------------------------------------------------------------------------


def test_split_units_on_paragraphs_and_sentences() -> None:
    text = "○第一文。第二文。\n○第三文\n続き。○第四文。"
    assert [(u.text, u.starts_paragraph) for u in split_units(text)] == [
        ("○第一文。", True), ("第二文。", False), ("○第三文\n続き。", True), ("○第四文。", True),
    ]  # fmt: skip


def test_quote_and_first_paragraph() -> None:
    assert (
        quote(DELETED) == "在宅医療に係る情報共有を図るため、医療機関の共同セミナーの開催を検討する"
    )
    assert first_paragraph("○一つ目。二つ目。\n○三つ目。") == "○一つ目。二つ目。"


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        ("○A案を作る。", "○A案を作る。", []),
        ("○A案を作る。○B案。", "○A案を作る。", [("removed", "○B案。", None)]),
        (
            "○計画を作る。",
            "○計画を作り、実施する。",
            [("changed", "○計画を作る。", "○計画を作り、実施する。")],
        ),
        (
            "○計画を作る。",
            "○全く別の取組。",
            [("removed", "○計画を作る。", None), ("added", None, "○全く別の取組。")],
        ),
    ],
)
def test_diff_text(old: str, new: str, expected: list[tuple[str, str | None, str | None]]) -> None:
    assert [(c.change, c.old, c.new) for c in diff_text(old, new)] == expected


SENTENCES = st.lists(
    st.sampled_from(
        ["○計画を作る。", "案内板を設置する。", "○研修を実施する。", "会議を開く。", "○ＩＣＴを活用する。",
         "\n", "周知を図る。", "○在宅医療を推進する。"]
    ),
    max_size=8,
).map("".join)  # fmt: skip


@given(SENTENCES, SENTENCES)
def test_marked_text_holds_both_versions(old: str, new: str) -> None:
    """見え消し keeps every sentence: without the deleted ones it is NEW, without the added OLD."""
    segments = mark_text(old, new)
    assert text_key("".join(s.text for s in segments if s.kind != "del")) == text_key(new)
    assert text_key("".join(s.text for s in segments if s.kind != "ins")) == text_key(old)
    assert (diff_text(old, new) == []) == all(s.kind == "same" for s in segments)
