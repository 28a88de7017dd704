"""Messages of the sample data loader (sample.py, used by scripts/build_sample.py)."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {
    # ---- the sample data behind the sample masters (sample.py, scripts/build_sample.py)
    "sample.unreadable": (
        "見本データを開けません: {path}: {reason}",
        "The sample data cannot be opened: {path}: {reason}",
    ),
    "sample.syntax": (
        "見本データの書き方に誤りがあります: {path}: {detail}",
        "The sample data has a syntax error: {path}: {detail}",
    ),
    "sample.duplicate_sheets": (
        "{path}: シート名が重複しています: {sheets}",
        "{path}: duplicate sheet names: {sheets}",
    ),
    "sample.where": (
        "{path} の {index} 番目の [[project]]（シート {sheet}）",
        "{path}, [[project]] number {index} (sheet {sheet})",
    ),
    "sample.bad_value": ("{where} の {key}: {problem}", "{where}, {key}: {problem}"),
    "sample.not_text": ("文字列を指定してください（{value}）", "give a string ({value})"),
    "sample.unknown": ("知らない項目です", "unknown key"),
    "sample.required": ("この項目は必須です", "this key is required"),
    "sample.number": (
        "1 以上の整数を指定してください（{value}）",
        "give an integer of 1 or more ({value})",
    ),
    "sample.not_list": ("配列 [ … ] で指定してください", "give an array [ … ]"),
    "sample.field_missing": (
        "各要素に {name} を書いてください（{value}）",
        "give {name} in every item ({value})",
    ),
    "sample.amount": (
        "整数（千円）か「{dash}」を指定してください。空欄なら書かないでください（{value}）",
        "give an integer (thousand yen) or '{dash}'; leave a blank out ({value})",
    ),
    "sample.costs": (
        '{{ 2020 = 215, 2021 = "—" }} の形で指定してください',
        'write it as {{ 2020 = 215, 2021 = "—" }}',
    ),
    "sample.costs_year": (
        "設定の年度（{first}〜{last}）ではありません",
        "not a fiscal year of the config ({first}-{last})",
    ),
}
