"""Messages of reading: the zip package, the workbook parts, sheets skipped by the parser."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {  # ---- the zip package (read/package.py)
    "package.too_many_parts": (
        "部品の数が多すぎます（{count} 個、上限 {limit}）。",
        "Too many parts ({count}; the limit is {limit}).",
    ),
    "package.ratio": (
        "圧縮率が異常な部品があります（{part}: {ratio:.0f} 倍）。"
        "壊れたファイルか、悪意のあるファイルの可能性があります。",
        "A part is compressed abnormally ({part}: {ratio:.0f} times). "
        "The file may be damaged or malicious.",
    ),
    "package.encrypted_zip": (
        "暗号化された zip です。Excel で保存し直してください。",
        "This is an encrypted zip. Save it again in Excel.",
    ),
    "package.too_large": (
        "展開後のサイズが大きすぎます（{size:.0f} MB、上限 {limit:.0f} MB）。",
        "Too large when unpacked ({size:.0f} MB; the limit is {limit:.0f} MB).",
    ),
    "package.part_missing": (
        "必要な部品 {part} がありません。ファイルが壊れています。",
        "The required part {part} is missing. The file is damaged.",
    ),
    "package.part_unreadable": (
        "部品 {part} を読めません（ファイルが壊れています: {reason}）。",
        "The part {part} cannot be read (the file is damaged: {reason}).",
    ),
    "package.part_compression": (
        "部品 {part} の圧縮形式に対応していません（{reason}）。Excel で保存し直してください。",
        "The compression of the part {part} is not supported ({reason}). "
        "Save the file again in Excel.",
    ),
    "package.part_crc": (
        "部品 {part} が壊れています（CRC が一致しません）。"
        "Excel で開けるか確かめ、保存し直してください。",
        "The part {part} is damaged (CRC mismatch). "
        "Check that Excel opens the file and save it again.",
    ),
    "package.part_deflate": (
        "部品 {part} の圧縮データが壊れています（{reason}）。"
        "Excel で開けるか確かめ、保存し直してください。",
        "The compressed data of the part {part} is damaged ({reason}). Check that Excel opens "
        "the file and save it again.",
    ),
    "package.part_duplicate": (
        "部品 {part} が zip の中に 2 回以上あります。ファイルが壊れているか、細工されています。",
        "The part {part} occurs more than once in the zip: the file is damaged or was tampered "
        "with.",
    ),
    "package.part_encoding": (
        "部品 {part} の文字コード（{encoding}）は Excel ブックでは使えません"
        "（UTF-8 か UTF-16 だけです）。安全のため読み込みません。",
        "The part {part} is in an encoding an Excel workbook may not use ({encoding}; only "
        "UTF-8 or UTF-16). Not read, for safety.",
    ),
    "package.part_wrong_root": (
        "部品 {part} の中身が正しくありません（{expected} のはずが {found} です）。"
        "ファイルが壊れています。",
        "The part {part} holds the wrong content ({found} instead of {expected}): "
        "the file is damaged.",
    ),
    "package.zip_unsupported": (
        "この zip 形式には対応していません（{reason}）。Excel で保存し直してください。",
        "This kind of zip is not supported ({reason}). Save the file again in Excel.",
    ),
    "package.bad_xml": (
        "部品 {part} の XML が壊れています（{reason}）。",
        "The XML of the part {part} is damaged ({reason}).",
    ),
    "package.doctype": (
        "部品 {part} に DOCTYPE 宣言があります。安全のため読み込みません。",
        "The part {part} has a DOCTYPE declaration; for safety it is not read.",
    ),
    "package.no_defusedxml": (
        "安全のため defusedxml が必要です。`pip install defusedxml` を実行してください。",
        "defusedxml is needed for safety. Run `pip install defusedxml`.",
    ),
    # ---- the workbook parts (read/workbook.py)
    "workbook.strict": (
        "{path}: 「Strict Open XML」形式には対応していません。Excel ブック（.xlsx）で保存し直してください。",
        "{path}: the Strict Open XML format is not supported. Save it as an Excel Workbook (.xlsx).",
    ),
    "workbook.no_sheets": (
        "{path}: シートが1枚もありません。ファイルが壊れています。",
        "{path}: there are no sheets. The file is damaged.",
    ),
    "workbook.no_workbook_part": (
        "{path}: ブック本体（workbook.xml）が見つかりません。ファイルが壊れています。",
        "{path}: the workbook part (workbook.xml) was not found. The file is damaged.",
    ),
    "workbook.bad_part_xml": (
        "{path}: 部品 {part} の XML が壊れています（{reason}）。",
        "{path}: the XML of the part {part} is damaged ({reason}).",
    ),
    "workbook.bad_sheet_xml": (
        "{path}: シート「{sheet}」の XML が壊れています（{reason}）。",
        "{path}: the XML of sheet '{sheet}' is damaged ({reason}).",
    ),
    "workbook.bad_ref": (
        "{path}: シート「{sheet}」のセル番地が読めません（{reason}）。",
        "{path}: a cell address on sheet '{sheet}' cannot be read ({reason}).",
    ),
    "workbook.too_many_cells": (
        "{path}: セルが多すぎます（{limit} 個を超えています）。個表のマスターとしては大きすぎます"
        "（上限は config.toml の [limits] max_cells_per_file）。",
        "{path}: too many cells (more than {limit}): too large for a master of project sheets "
        "(the limit is max_cells_per_file in [limits] of config.toml).",
    ),
    "workbook.too_many_strings": (
        "{path}: 共有文字列が多すぎます（{limit} 個を超えています）。"
        "個表のマスターとしては大きすぎます（上限は config.toml の [limits] max_cells_per_file）。",
        "{path}: too many shared strings (more than {limit}): too large for a master of project "
        "sheets (the limit is max_cells_per_file in [limits] of config.toml).",
    ),
    "workbook.out_of_memory": (
        "{path}: メモリーが足りないため、ファイルを読み込めませんでした。",
        "{path}: not enough memory to read the file.",
    ),
    # ---- sheets the parser skips (read/parse.py; the reader's own reason from read/workbook.py)
    "workbook.sheet_too_many_cells": (
        "セルが {limit} 個を超えています（上限は [limits] max_cells_per_sheet）",
        "more than {limit} cells (the limit is max_cells_per_sheet in [limits])",
    ),
    "parse.skipped.summary": ("kohyo が作る総括表", "the summary sheet kohyo writes"),
    "parse.skipped.no_cells": (
        "グラフシートなど、セルを持たないシート",
        "a sheet without cells, such as a chart sheet",
    ),
    "parse.skipped.no_name_label": (
        "「事業名」の見出しがありません",
        "it has no project name label",
    ),
    "parse.skip.pattern": (
        "設定 sheets.skip の「{pattern}」に当たるシート名",
        "its name matches '{pattern}' in sheets.skip",
    ),
}
