"""Contract §3: normalising what staff type. Pure functions, table-driven."""

from __future__ import annotations

import pytest

from kohyo.model.project import DASH, CellKind
from kohyo.read.normalize import (
    fold_ws,
    is_dash,
    label_key,
    merge_references,
    parse_amount,
    parse_fiscal_year,
    parse_number_text,
    parse_target_year,
    split_municipalities,
)

DASH_VARIANTS = ["—", "―", "－", "ー", "-", "‐", "–"]


# --------------------------------------------------------------------------- numbers


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("２１，８３３", 21833),
        ("21,833", 21833),
        (" 215 ", 215),
        ("\u3000２１５\u3000", 215),
        ("0", 0),
        ("1,234,567", 1234567),
        ("△100", -100),
        ("▲1,000", -1000),
        ("1.5", 1.5),
    ],
)
def test_number_text_reads_as_number(text: str, expected: int | float) -> None:
    assert parse_number_text(text) == expected


@pytest.mark.parametrize(
    "text", ["約200", "200千円", "1,2345", "12,34", "", "二百", "1.2.3", "TRUE"]
)
def test_number_text_rejects_what_is_not_a_number(text: str) -> None:
    assert parse_number_text(text) is None


@pytest.mark.parametrize(
    ("raw", "is_text", "expected"),
    [
        (21833, False, (21833, CellKind.NUMBER)),
        (21833.0, False, (21833, CellKind.NUMBER)),
        ("２１，８３３", True, (21833, CellKind.NUMBER_AS_TEXT)),
        (" 215 ", True, (215, CellKind.NUMBER_AS_TEXT)),
        # a formula's string result counts as a number without the warning
        ("215", False, (215, CellKind.NUMBER)),
        (None, False, (None, CellKind.BLANK)),
        ("", True, (None, CellKind.BLANK)),
        ("   ", True, (None, CellKind.BLANK)),
        ("\u3000", True, (None, CellKind.BLANK)),
        ("約200", True, (None, CellKind.INVALID)),
        (True, False, (None, CellKind.INVALID)),
        (200.5, False, (None, CellKind.NOT_INTEGER)),
        ("200.5", True, (None, CellKind.NOT_INTEGER)),
    ],
)
def test_parse_amount(raw: object, is_text: bool, expected: tuple[object, CellKind]) -> None:
    parsed = parse_amount(raw, is_text_cell=is_text)
    assert (parsed.value, parsed.kind) == expected


# --------------------------------------------------------------------------- dashes


@pytest.mark.parametrize("dash", DASH_VARIANTS)
def test_every_dash_variant_alone_reads_as_the_dash(dash: str) -> None:
    assert is_dash(dash)
    assert is_dash(f" {dash}\u3000")
    parsed = parse_amount(dash, is_text_cell=True)
    assert (parsed.value, parsed.kind) == (DASH, CellKind.DASH)


@pytest.mark.parametrize("text", ["", " ", None, 0, "ー円", "-5", "なし", "—あり"])
def test_not_a_dash(text: object) -> None:
    assert not is_dash(text)


def test_blank_is_not_dash() -> None:
    blank = parse_amount(None, is_text_cell=False)
    dash = parse_amount("—", is_text_cell=True)
    assert blank.value is None and blank.kind is CellKind.BLANK
    assert dash.value == DASH and dash.kind is CellKind.DASH


# --------------------------------------------------------------------------- fiscal years


@pytest.mark.parametrize(
    ("header", "year"),
    [
        ("2020年度", 2020),
        ("2020", 2020),
        ("２０２０年度", 2020),
        ("2020 年度", 2020),
        ("2020年度\n", 2020),
        ("R2年度", 2020),
        ("Ｒ２年度", 2020),
        ("令和2年度", 2020),
        ("令和２年度", 2020),
        ("令和 2 年度", 2020),
        ("令和元年度", 2019),
        ("平成31年度", 2019),
        ("H31年度", 2019),
        (2020, 2020),
        (2020.0, 2020),
    ],
)
def test_fiscal_year_headers(header: object, year: int) -> None:
    assert parse_fiscal_year(header) == year


@pytest.mark.parametrize(
    "header", ["年度", "計", "20年度", "令和年度", "FY", 2020.5, True, None, ""]
)
def test_fiscal_year_header_not_a_year(header: object) -> None:
    assert parse_fiscal_year(header) is None


@pytest.mark.parametrize(
    ("header", "year"),
    [
        ("目標値（2024年度）", 2024),
        ("目標値(2024年度)", 2024),
        ("目標値（２０２４年度）", 2024),
        ("目標値\n（2024年度）", 2024),
        ("目標値（令和6年度）", 2024),
        ("目標値（R6年度）", 2024),
        ("目標値（2025年度）", 2025),
        ("目標値 2024年度", 2024),
        ("目標値（2024年度末）", 2024),
        ("目標値（令和６年度末）", 2024),
        ("目標値", None),
        ("目標値（最終年度）", None),
    ],
)
def test_parse_target_year(header: str, year: int | None) -> None:
    assert parse_target_year(header) == year


# --------------------------------------------------------------------------- labels, text


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("事業費見込額\n（単位：千円）", "事業費見込額(単位:千円)"),
        ("連携市町村の\n役割分担", "連携市町村の役割分担"),
        ("成果 指標", "成果指標"),
        ("成果\u3000指標", "成果指標"),
        (" 事業名 ", "事業名"),
        (42, ""),
        (None, ""),
    ],
)
def test_label_key(text: object, key: str) -> None:
    assert label_key(text) == key


def test_fold_ws() -> None:
    assert fold_ws(" 21件\n (2019年度\u3000見込) ") == "21件 (2019年度 見込)"


@pytest.mark.parametrize(
    ("label", "names"),
    [
        ("青森市、平内町", ["青森市", "平内町"]),
        ("青森市・平内町・今別町", ["青森市", "平内町", "今別町"]),
        ("青森市 平内町", ["青森市", "平内町"]),
        ("青森市\u3000平内町", ["青森市", "平内町"]),
        ("青森市,平内町", ["青森市", "平内町"]),
        ("青森市，平内町", ["青森市", "平内町"]),
        ("青森市、 平内町\n今別町", ["青森市", "平内町", "今別町"]),
        ("青森市", ["青森市"]),
        ("", []),
    ],
)
def test_split_municipalities(label: str, names: list[str]) -> None:
    assert split_municipalities(label) == names


@pytest.mark.parametrize(
    ("text", "numbers"),
    [
        ("NO.4に統合", [4]),
        ("ＮＯ．４に統合", [4]),
        ("No.12へ統合", [12]),
        ("no. 4 に統合", [4]),
        ("NO.4に統合（NO.5に統合）", [4, 5]),
        ("30件", []),
        ("NO.4", []),
        ("", []),
    ],
)
def test_merge_references(text: str, numbers: list[int]) -> None:
    assert merge_references(text) == numbers
