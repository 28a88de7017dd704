"""Round-trip: random Japanese text and amounts written into a 個表, read back unchanged.

The expected values are computed here from the contract, not with the reader's helpers:
free text keeps its characters and line breaks (ends of lines and of the text trimmed);
KPI current/target are folded (white-space runs -> one space) and a lone dash reads "—";
a line break inside a KPI name is wrapping and disappears.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import YEARS, project, write_master
from kohyo.config import Config
from kohyo.model.project import DASH
from kohyo.read.master import dump_project, read_master

CHARS = st.one_of(
    st.characters(min_codepoint=0x3041, max_codepoint=0x3096),  # hiragana
    st.characters(min_codepoint=0x30A1, max_codepoint=0x30FA),  # katakana
    st.characters(min_codepoint=0x4E00, max_codepoint=0x9FFF),  # kanji
    st.characters(min_codepoint=0x21, max_codepoint=0x7E),  # ASCII
    st.characters(min_codepoint=0xFF01, max_codepoint=0xFF5E),  # full-width ASCII
    st.sampled_from(["ー", "、", "。", "○", "・", "（", "）", "－", "〜"]),
    st.sampled_from([" ", "\u3000", "\n"]),
)
TEXT = st.text(CHARS, min_size=1, max_size=40).filter(lambda s: s.strip())
AMOUNT = st.one_of(st.integers(min_value=0, max_value=10**9), st.just("—"), st.none())
KPI = st.tuples(TEXT, TEXT, TEXT)

DASHES = set("—―－ー-‐–")


def free_text(s: str) -> str:
    return "\n".join(line.rstrip() for line in s.split("\n")).strip()


def folded(s: str) -> str:
    out = " ".join(s.split())
    return DASH if out and set(out) <= DASHES and len(out) <= 3 else out


def kpi_name(s: str) -> str:
    return " ".join(re.sub(r"[ \u3000]*\n[ \u3000]*", "", s).split())


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=TEXT,
    content=TEXT,
    effect=TEXT,
    costs=st.lists(AMOUNT, min_size=len(YEARS), max_size=len(YEARS)),
    kpis=st.lists(KPI, min_size=1, max_size=3),
)
def test_text_and_amounts_survive_a_round_trip(
    tmp_path: Path,
    config: Config,
    name: str,
    content: str,
    effect: str,
    costs: list[Any],
    kpis: list[tuple[str, str, str]],
) -> None:
    path = tmp_path / "roundtrip.xlsx"
    numbers = [c for c in costs if isinstance(c, int)]
    total = sum(numbers) if numbers else "—"
    write_master(
        path,
        [
            project(
                4, name=name, content=content, effect=effect, costs=costs, total=total, kpis=kpis
            )
        ],
    )
    master = read_master(path, config)
    (p,) = master.projects
    got = dump_project(p, config)
    assert got["name"] == free_text(name)
    assert got["content"] == free_text(content)
    assert got["effect"] == free_text(effect)
    assert got["costs"] == {str(y): c for y, c in zip(YEARS, costs, strict=True)}
    assert got["total"] == total
    assert got["indicators"] == [
        {"name": kpi_name(n), "current": folded(c), "target": folded(t)} for n, c, t in kpis
    ]


def test_round_trip_keeps_full_width_and_line_breaks(tmp_path: Path, config: Config) -> None:
    # One fixed example, so a failure here is readable without Hypothesis' shrinking.
    content = "○ＡＢＣ１２３の取組\n\n○二段落目　全角スペース"
    path = tmp_path / "fixed.xlsx"
    write_master(path, [project(4, content=content, name="ｶﾀｶﾅ事業＝１")])
    (p,) = read_master(path, config).projects
    assert (p.content.text, p.name.text) == (content, "ｶﾀｶﾅ事業＝１")
