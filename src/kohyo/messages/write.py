"""Messages of writing: the xlsx patcher, atomic replacement, file names, PDF."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[
    str, tuple[str, str]
] = {  # ---- the patcher (xlsx/patch.py, xlsx/sheetxml.py, xlsx/sheetops.py, xlsx/xmlbytes.py)
    "patch.no_workbook": (
        "ブック本体（workbook.xml）が見つからないため、書き込めません。",
        "The workbook part (workbook.xml) was not found, so nothing can be written.",
    ),
    "patch.strict": (
        "このブックの形式（Strict Open XML など）には対応していないため、"
        "書き込めません。Excel で通常の .xlsx として保存し直してください。",
        "This workbook's format (Strict Open XML or similar) is not supported, so nothing "
        "can be written. Save it in Excel as an ordinary .xlsx.",
    ),
    "patch.sheet_missing": (
        "シート「{sheet}」がブックにありません。",
        "The workbook has no sheet '{sheet}'.",
    ),
    "patch.not_worksheet": (
        "シート「{sheet}」はワークシートではないため書き込めません。",
        "Sheet '{sheet}' is not a worksheet, so it cannot be written.",
    ),
    "patch.sheet_part_missing": (
        "シート「{sheet}」の内容（{part}）がありません。",
        "The content of sheet '{sheet}' ({part}) is missing.",
    ),
    "patch.no_styles": (
        "ブックにスタイル定義（styles.xml）がないため、シートを作成できません。",
        "The workbook has no styles (styles.xml), so the sheet cannot be made.",
    ),
    "patch.name_taken": (
        "「{sheet}」という名前のワークシート以外のシートがあるため、置き換えられません。",
        "A sheet named '{sheet}' exists that is not a worksheet, so it cannot be replaced.",
    ),
    "patch.workbook_unverified": (
        "workbook.xml の書き換え結果を検証できないため、書き込みを中止しました。",
        "The rewritten workbook.xml could not be verified, so writing was stopped.",
    ),
    "patch.output_unverified": (
        "書き出した xlsx の検証に失敗したため、保存を中止しました。",
        "The written xlsx failed its check, so saving was stopped.",
    ),
    "patch.doctype": (
        "ブック内の XML に DOCTYPE 宣言があります（不正なファイルの可能性）。",
        "XML in the workbook has a DOCTYPE declaration (the file may be malicious).",
    ),
    "patch.cell_refused": (
        "シート「{sheet}」のセル {ref} は{why}ため、書き込みを中止しました。",
        "Cell {ref} of sheet '{sheet}' {why}, so writing was stopped.",
    ),
    "patch.why.shared": (
        "共有数式（他のセルと共有している数式）の一部である",
        "is part of a shared formula (one formula shared with other cells)",
    ),
    "patch.why.in_range": ("{kind}の範囲 {range} に含まれる", "lies in the {kind} {range}"),
    "patch.kind.array": ("配列数式", "array formula"),
    "patch.kind.data_table": ("データテーブル", "data table"),
    "patch.why.merged": (
        "結合セル {range} の左上以外のセルである",
        "is inside the merged cells {range} but not their top-left cell",
    ),
    "patch.why.table_header": (
        "テーブル「{table}」の見出し行にある",
        "is in the header row of the table '{table}'",
    ),
    "patch.sheet_unusual": (
        "シート「{sheet}」は通常のワークシートではないため書き込めません。",
        "Sheet '{sheet}' is not an ordinary worksheet, so it cannot be written.",
    ),
    "patch.sheet_unparsable": (
        "シート「{sheet}」の XML を安全に解析できないため、書き込みを中止しました。",
        "The XML of sheet '{sheet}' cannot be parsed safely, so writing was stopped.",
    ),
    "patch.sheet_unverified": (
        "シート「{sheet}」の書き換え結果を検証できなかったため、書き込みを中止しました。",
        "The rewritten sheet '{sheet}' could not be verified, so writing was stopped.",
    ),
    "sheetname.length": ("1〜31 文字にしてください", "use 1 to 31 characters"),
    "sheetname.chars": (
        "使えない文字 {chars} があります",
        "it has the forbidden characters {chars}",
    ),
    "sheetname.quote": ("先頭と末尾に ' は使えません", "it cannot begin or end with '"),
    "sheetname.history": (
        "「History」は Excel が予約している名前です",
        "'History' is a name Excel reserves",
    ),
    "rename.bad_name": (
        "シート名「{sheet}」は使えません（{problem}）。",
        "The sheet name '{sheet}' cannot be used ({problem}).",
    ),
    "rename.clash": (
        "名前を変えるとシート名「{sheets}」が重複します。",
        "Renaming would make the sheet names '{sheets}' clash.",
    ),
    "rename.clash.separator": ("」「", "', '"),
    "rename.referenced": (
        "シート「{sheet}」を参照している数式や名前があるため、シート名を変えられません"
        "（{part}: {text}）。参照を外すか、シート名を手で変えてください。",
        "Formulas or names refer to sheet '{sheet}', so it cannot be renamed ({part}: {text}). "
        "Remove the references or rename the sheet by hand.",
    ),
    "rename.referenced.more": ("ほかに {count} か所あります。", " {count} more place(s)."),
}
