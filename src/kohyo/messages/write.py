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
    "sheetname.length": (
        "1〜{limit} 文字にしてください（{length} 文字）",
        "use 1 to {limit} characters ({length} now)",
    ),
    "sheetname.controls": (
        "制御文字 {chars} があります",
        "it has the control character(s) {chars}",
    ),
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
    # ---- replacing the master (files/atomic.py)
    "atomic.step_failed": (
        "「{name}」の{step}に失敗しました（{reason}）。元のファイルはそのままで、何も書き込んでいません。",
        "'{name}': {step} failed ({reason}). The original file is unchanged; nothing was written.",
    ),
    "atomic.step.create_temp": ("一時ファイルの作成", "creating the temporary file"),
    "atomic.step.write": ("新しい内容の書き出し", "writing the new content"),
    "atomic.step.fsync": ("一時ファイルの保存 (fsync)", "saving the temporary file (fsync)"),
    "atomic.step.verify": ("新しい内容の確認", "checking the new content"),
    "atomic.step.stat": ("状態の確認", "checking the file's state"),
    "atomic.step.temp": (
        "一時ファイルの作成・保存",
        "creating and saving the temporary file",
    ),
    "atomic.step.backup": ("控え（バックアップ）の作成", "making the backup"),
    # ---- output names (files/names.py)
    "names.folder_too_long": (
        "出力先のフォルダーのパスが長すぎます（{length} 文字）: {folder}。"
        "--out で短い場所を指定してください。",
        "The output folder's path is too long ({length} characters): {folder}. "
        "Give a shorter place with --out.",
    ),
    "names.folder_pattern": (
        "設定ファイル {path} の distribution.folder_pattern には "
        "{{date}} と {{area}} だけが使えます（{pattern}）",
        "In the settings file {path}, distribution.folder_pattern may use only "
        "{{date}} and {{area}} ({pattern})",
    ),
    "names.same_file_name": (
        "設定ファイル {path} の distribution.filename_pattern（{pattern}）では "
        "{first} と {town} のファイル名が同じ「{name}」になります。{{town}} を入れてください。",
        "With distribution.filename_pattern ({pattern}) in the settings file {path}, "
        "{first} and {town} get the same file name '{name}'. Put {{town}} in it.",
    ),
    # ---- PDF (files/pdf.py)
    "pdf.install_hint": (
        "PDF を作るには LibreOffice が必要です。"
        "Windows: https://ja.libreoffice.org/ からインストールしてください。"
        "Debian/Ubuntu: sudo apt-get install libreoffice-calc-nogui fonts-ipaexfont 。"
        "別の場所にある場合は環境変数 {env} に soffice のパスを指定してください。",
        "Making PDFs needs LibreOffice. "
        "Windows: install it from https://www.libreoffice.org/. "
        "Debian/Ubuntu: sudo apt-get install libreoffice-calc-nogui fonts-ipaexfont. "
        "If it is installed elsewhere, give the path of soffice in the environment variable {env}.",
    ),
    "pdf.not_a_file": (
        "（{env}={value} はファイルではありません）",
        " ({env}={value} is not a file)",
    ),
    "pdf.no_soffice": (
        "LibreOffice（soffice）が見つかりません{where}。{hint}",
        "LibreOffice (soffice) was not found{where}. {hint}",
    ),
    "pdf.not_made": (
        "LibreOffice で {name} を PDF にできませんでした（ファイルが作られませんでした）。",
        "LibreOffice could not turn {name} into a PDF (no file was made).",
    ),
    "pdf.cannot_start": (
        "LibreOffice（{exe}）を起動できません: {reason}。{hint}",
        "LibreOffice ({exe}) cannot be started: {reason}. {hint}",
    ),
    "pdf.timeout": (
        "LibreOffice での PDF 変換が {seconds} 秒以内に終わらなかったため中止しました。"
        "LibreOffice の画面（回復・更新の確認など）が残っていないか確認してください。",
        "The PDF conversion in LibreOffice did not finish within {seconds} seconds and was "
        "stopped. Check that no LibreOffice window (recovery, update prompt …) is left open.",
    ),
    "pdf.failed": (
        "LibreOffice での PDF 変換に失敗しました（終了コード {code}）: {detail}",
        "The PDF conversion in LibreOffice failed (exit code {code}): {detail}",
    ),
    "pdf.cannot_write": (
        "{name} を書き込めませんでした（{reason}）。"
        "PDF を開いているプログラムを閉じてから、もう一度実行してください。",
        "{name} could not be written ({reason}). Close the program that has the PDF open "
        "and run again.",
    ),
    # ---- look files and templates (layout/look.py, layout/cover.py, layout/blank.py, layout/summary.py)
    "look.what.kohyo": ("個表の書式ファイル", "the project sheet look file"),
    "look.what.cover": ("一覧シートの書式ファイル", "the cover sheet look file"),
    "look.what.dict": ("書式", "look"),
    "look.missing": ("{what}が見つかりません: {path}", "{what} was not found: {path}"),
    "look.not_utf8": (
        "{what}を UTF-8 として読めません: {path}",
        "{what} cannot be read as UTF-8: {path}",
    ),
    "look.syntax": (
        "{what}の書き方に誤りがあります: {path}: {detail}",
        "{what} has a syntax error: {path}: {detail}",
    ),
    "look.unreadable": (
        "{what}を開けません: {path}: {reason}",
        "{what} cannot be opened: {path}: {reason}",
    ),
    "look.bad_value": (
        "{what} {source} の {key} が正しくありません: {problem}",
        "{what} {source}: {key} is not valid: {problem}",
    ),
    "look.unknown_section": (
        "知らない項目です（使えるのは {known}）",
        "unknown key (known: {known})",
    ),
    "look.not_table": ("[{section}] の表として書いてください", "write it as the table [{section}]"),
    "look.unknown_key": (
        "知らない項目です（[{section}] に書けるのは {known}）",
        "unknown key ([{section}] may hold {known})",
    ),
    "look.wrong_kind": ("{kind}を指定してください（値: {value}）", "give {kind} (value: {value})"),
    "look.problem": ("{problem}（値: {value}）", "{problem} (value: {value})"),
    "look.kind.str": ("文字列", "a string"),
    "look.kind.bool": ("true または false", "true or false"),
    "look.kind.number": ("数値", "a number"),
    "look.check.positive": ("0 より大きい数を指定してください", "give a number above 0"),
    "look.check.font_size": ("6〜72 ポイントの範囲で指定してください", "give 6 to 72 points"),
    "look.check.width": ("1〜100 の範囲で指定してください", "give 1 to 100"),
    "look.check.margin": ("0〜10 cm の範囲で指定してください", "give 0 to 10 cm"),
    "look.check.colour": (
        "色は #RRGGBB の形（例: #DDEBF7）で指定してください",
        "give a colour as #RRGGBB (e.g. #DDEBF7)",
    ),
    "look.check.choice": ("{options} のいずれかを指定してください", "give one of {options}"),
    "look.check.placeholders": (
        "差し込みに使えるのは {names} だけです（{detail}）",
        "only {names} can be filled in ({detail})",
    ),
    "look.check.length": ("{limit} 文字以内にしてください", "use at most {limit} characters"),
    "look.check.nonempty": ("空にはできません", "must not be empty"),
    "look.check.sheet_name": (
        "シート名に使えません（{problem}）",
        "not usable as a sheet name ({problem})",
    ),
    "blank.where": ("個表のひな形 {path}", "the project sheet template {path}"),
    "blank.unreadable": ("{where} を読めません: {reason}", "{where} cannot be read: {reason}"),
    "blank.bad_value": (
        "{where} の {key} が正しくありません: {problem}",
        "{where}: {key} is not valid: {problem}",
    ),
    "blank.unknown": ("知らない項目です", "unknown key"),
    "blank.sheet_name": (
        "{{number}} を含む文字列にしてください（{value}）",
        "give a string containing {{number}} ({value})",
    ),
    "blank.not_text": ("文字列にしてください（{value}）", "give a string ({value})"),
    "blank.cost": ('"" か "{dash}" にしてください（{value}）', 'give "" or "{dash}" ({value})'),
    "blank.roles": (
        "文字列の配列（1 つ以上）にしてください（{value}）",
        "give an array of strings (at least one) ({value})",
    ),
    "blank.role_placeholders": (
        "差し込みは {{central_city}} {{partner_label}} だけです（{value}）",
        "only {{central_city}} and {{partner_label}} can be filled in ({value})",
    ),
    "blank.indicator_rows": (
        "0〜20 の整数にしてください（{value}）",
        "give an integer from 0 to 20 ({value})",
    ),
    "blank.notes": (
        "「※」で始まる文字列の配列にしてください（{value}）",
        "give an array of strings that begin with ※ ({value})",
    ),
    "summary.where": ("総括表の書式ファイル {path}", "the summary sheet look file {path}"),
    "summary.bad_value": (
        "{where} の {key} が正しくありません（{value}）",
        "{where}: {key} is not valid ({value})",
    ),
    "summary.bad_style": (
        "{where} の style.{name} が正しくありません（不明な項目: {unknown}）",
        "{where}: style.{name} is not valid (unknown keys: {unknown})",
    ),
    "summary.bad_style_value": (
        "{where} の style.{name} が正しくありません: {reason}",
        "{where}: style.{name} is not valid: {reason}",
    ),
    "layout.stripped": (
        "シート「{sheet}」の {cell} から使えない文字を取り除きました: {removed}",
        "Removed unusable characters from sheet '{sheet}' {cell}: {removed}",
    ),
}
