"""Messages every command shares: the CLI frame, opening and locking files, config.toml, live Excel."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {
    # ---- every command (cli/common.py)
    "cli.error": ("エラー: {message}", "Error: {message}"),
    "cli.interrupted": (
        "中断しました。マスターは変更していません。",
        "Interrupted. The master was not changed.",
    ),
    "cli.unexpected": (
        "予期しないエラーが発生しました。マスターは変更していません。{where}",
        "An unexpected error occurred. The master was not changed. {where}",
    ),
    "cli.unexpected.log": ("詳細は {log} に記録しました。", "Details were written to {log}."),
    "cli.blank": ("空欄", "blank"),
    # ---- opening a workbook (xlsx/package.py)
    "file.missing": (
        "ファイルが見つかりません。パスを確認してください。",
        "File not found. Check the path.",
    ),
    "file.is_dir": (
        "フォルダーです。Excel ファイル（.xlsx）を指定してください。",
        "This is a folder. Give an Excel file (.xlsx).",
    ),
    "file.encrypted": (
        "パスワードで保護（暗号化）されたファイルです。Excel でパスワードを"
        "解除して保存し直してから実行してください。",
        "The file is password-protected (encrypted). Remove the password in Excel, "
        "save it, and run again.",
    ),
    "file.xls": (
        "古い Excel 形式（.xls）です。Excel で「名前を付けて保存」から"
        " Excel ブック（.xlsx）で保存し直してください。",
        "This is the old Excel format (.xls). In Excel, use Save As and choose "
        "Excel Workbook (.xlsx).",
    ),
    "file.no_permission": (
        "ファイルを読み取る権限がありません。",
        "You have no permission to read the file.",
    ),
    "file.unreadable": (
        "ファイルを読み取れません（{reason}）。",
        "The file cannot be read ({reason}).",
    ),
    "file.empty": ("空のファイル（0 バイト）です。", "The file is empty (0 bytes)."),
    "file.not_xlsx": (
        "Excel ファイル（.xlsx）ではありません。",
        "This is not an Excel file (.xlsx).",
    ),
    "file.too_large": (
        "ファイルが大きすぎます（{size:.1f} MB、上限 {limit:.0f} MB: config.toml の limits.max_file_mb）。",
        "The file is too large ({size:.1f} MB; the limit is {limit:.0f} MB: "
        "limits.max_file_mb in config.toml).",
    ),
    "file.bad_zip": (
        "ファイルが壊れているか途中までしかありません（zip として読めません）。",
        "The file is damaged or incomplete (it cannot be read as a zip).",
    ),
    "file.xlsb": (
        "Excel バイナリ ブック（.xlsb）です。.xlsx で保存し直してください。",
        "This is an Excel Binary Workbook (.xlsb). Save it as .xlsx.",
    ),
    "file.no_content_types": (
        "Excel ファイル（.xlsx）ではありません（[Content_Types].xml がありません）。",
        "This is not an Excel file (.xlsx): it has no [Content_Types].xml.",
    ),
    # ---- locking and replacing the master (safe_write.py)
    "lock.live_hint": (
        "（Excel で開いたまま更新するには `kohyo refresh --live` を使ってください）",
        " (to update it while it stays open in Excel, use `kohyo refresh --live`)",
    ),
    "lock.owner_file": (
        "「{name}」は Excel で開かれています（所有者ファイル「{owner}」があります）。"
        "Excel でファイルを閉じてから、もう一度実行してください{hint}。"
        "Excel を閉じてもこのメッセージが出る場合は「{owner}」を削除してください。",
        "'{name}' is open in Excel (its owner file '{owner}' exists). Close the file in Excel "
        "and run again{hint}. If this message stays after Excel is closed, delete '{owner}'.",
    ),
    "lock.not_writable": (
        "「{name}」に書き込めません（{reason}）。Excel など別のプログラムで"
        "開いている場合は閉じてから、もう一度実行してください{hint}。"
        "読み取り専用になっていないかも確認してください。",
        "'{name}' cannot be written ({reason}). If Excel or another program has it open, "
        "close it and run again{hint}. Also check that it is not read-only.",
    ),
    "lock.missing": ("「{name}」が見つかりません（{path}）。", "'{name}' was not found ({path})."),
    "write.replace_failed": (
        "「{name}」を置き換えられませんでした（{reason}）。"
        "Excel など別のプログラムで開いている可能性があります。元のファイルはそのままで、"
        "新しい内容は反映されていません。ファイルを閉じてから、もう一度実行してください{hint}。",
        "'{name}' could not be replaced ({reason}). Excel or another program may have it "
        "open. The original file is unchanged and the new content was not applied. Close the "
        "file and run again{hint}.",
    ),
    "write.changed": (
        "マスター「{name}」が読み込み後に変更されました（Excel などで保存された可能性が"
        "あります）。何も書き込んでいません。もう一度実行してください。",
        "The master '{name}' changed after it was read (perhaps saved in Excel). "
        "Nothing was written. Run again.",
    ),
    # ---- config.toml (config.py)
    "config.missing": (
        "設定ファイルが見つかりません: {path}（--config で場所を指定してください）",
        "The settings file was not found: {path} (give its place with --config)",
    ),
    "config.is_dir": (
        "設定ファイルの場所がフォルダーになっています: {path}",
        "The settings file's path is a folder: {path}",
    ),
    "config.not_utf8": (
        "設定ファイルを UTF-8 として読めません: {path}",
        "The settings file cannot be read as UTF-8: {path}",
    ),
    "config.syntax": (
        "設定ファイルの書き方に誤りがあります: {path}: {detail}",
        "The settings file has a syntax error: {path}: {detail}",
    ),
    "config.unreadable": (
        "設定ファイルを開けません: {path}: {reason}",
        "The settings file cannot be opened: {path}: {reason}",
    ),
    # ---- live Excel (live.py)
    "live.no_xlwings": (
        "Excel で開いたまま操作するには xlwings が必要です。"
        "コマンド プロンプトで「pip install kohyo[live]」（このフォルダーでは "
        "「.venv\\Scripts\\pip install -e .[live]」）を実行してください。",
        "Working in open Excel needs xlwings. Run 'pip install kohyo[live]' "
        "(in this folder: '.venv\\Scripts\\pip install -e .[live]').",
    ),
    "live.no_excel": (
        "Excel が見つかりません（{reason}）。--live は Windows または macOS で Excel を起動し、"
        "マスターを開いてから使ってください。Excel を使わない場合は --live を付けずに実行してください。",
        "Excel was not found ({reason}). --live works on Windows or macOS with Excel running "
        "and the master open. Without Excel, run without --live.",
    ),
    "live.not_running": ("Excel が起動していません", "Excel is not running"),
    "live.unsupported_os": (
        "この OS（{platform}）では Excel を操作できません",
        "Excel cannot be driven on this OS ({platform})",
    ),
    "live.no_book": (
        "Excel でブックが開かれていません。マスター（{master}）を Excel で開いてから実行してください。",
        "No workbook is open in Excel. Open the master ({master}) in Excel and run again.",
    ),
    "live.failed": (
        "Excel とのやり取りに失敗しました（{detail}）。Excel で編集中のセルがあれば確定（Enter）してから、"
        "もう一度実行してください。",
        "Talking to Excel failed ({detail}). If a cell is being edited in Excel, press Enter "
        "to finish it and run again.",
    ),
    "live.no_path": (
        "ブック「{name}」はこのパソコンのファイルとして保存されていない（新しいブック、または "
        "OneDrive・SharePoint 上のブック）ため、控えを作れません。--save を付けずに実行し、"
        "Excel で保存してください。",
        "The workbook '{name}' is not saved as a file on this computer (a new book, or one on "
        "OneDrive/SharePoint), so no backup can be made. Run without --save and save in Excel.",
    ),
    "list.separator": ("、", ", "),
    "value.none": ("なし", "none"),
    "value.range": ("{first}〜{last}", "{first}-{last}"),
    # ---- config.toml values (config.py)
    "config.bad_value": (
        "設定ファイル {path} の {key} が正しくありません: {problem}",
        "The settings file {path}: {key} is not valid: {problem}",
    ),
    "config.required": ("この項目は必須です", "this key is required"),
    "config.wrong_type": (
        "型が違います（{kind}を指定してください。値: {value}）",
        "wrong type (give {kind}; value: {value})",
    ),
    "config.kind.or": ("または", " or "),
    "config.kind.str": ("文字列", "a string"),
    "config.kind.int": ("整数", "an integer"),
    "config.kind.float": ("数値", "a number"),
    "config.kind.bool": ("true/false", "true or false"),
    "config.kind.list": ("配列", "an array"),
    "config.kind.dict": ("表", "a table"),
    "config.empty": ("空にはできません", "must not be empty"),
    "config.not_positive": (
        "正の数を指定してください（{value}）",
        "give a positive number ({value})",
    ),
    "config.at_least_one": ("1 以上を指定してください（{value}）", "give 1 or more ({value})"),
    "config.municipalities.none": (
        "市町村を1つ以上指定してください",
        "give at least one municipality",
    ),
    "config.municipalities.not_text": (
        "{index} 番目が文字列ではないか空です（{value}）",
        "item {index} is not a string or is empty ({value})",
    ),
    "config.municipalities.bad_chars": (
        "「{name}」にファイル名に使えない文字 {chars} があります",
        "'{name}' has characters not allowed in file names: {chars}",
    ),
    "config.municipalities.duplicate": ("「{name}」が重複しています", "'{name}' is listed twice"),
    "config.central_city.unknown": (
        "「{name}」が municipalities にありません",
        "'{name}' is not in municipalities",
    ),
    "config.label.is_municipality": (
        "「{label}」は市町村名と同じです",
        "'{label}' is the same as a municipality's name",
    ),
    "config.years.not_ints": (
        "西暦の年度を整数の配列で指定してください（{value}）",
        "give the fiscal years as an array of integers ({value})",
    ),
    "config.years.not_western": (
        "西暦（例: 2020）で指定してください（{value}）",
        "give western years (e.g. 2020) ({value})",
    ),
    "config.years.order": (
        "重複なく昇順に並べてください（{value}）",
        "list them in ascending order without repeats ({value})",
    ),
    "config.target_year.early": (
        "{value} は計画の年度より前です",
        "{value} is before the plan's years",
    ),
    "config.sheet_name.bad": (
        "シート名に使えません（31文字以内、[]:*?/\\ を除く）: 「{name}」",
        "not usable as a sheet name (at most 31 characters, none of []:*?/\\): '{name}'",
    ),
    "config.position.bad": (
        '"first"、"last" または 1 以上の整数を指定してください（{value}）',
        'give "first", "last" or an integer of 1 or more ({value})',
    ),
    "config.pattern.bad": (
        "使える差し込みは {{area}} {{town}} {{date}} です（{reason}）",
        "the fields you can use are {{area}} {{town}} {{date}} ({reason})",
    ),
    "config.security.bad": (
        '"starttls"、"ssl"、"none" のいずれかです（{value}）',
        'one of "starttls", "ssl", "none" ({value})',
    ),
    "config.password.forbidden": (
        "パスワードは設定ファイルに書かず、環境変数で渡してください",
        "do not write the password in the settings file; pass it in an environment variable",
    ),
    "config.port.bad": ("1〜65535 の整数です（{value}）", "an integer from 1 to 65535 ({value})"),
    "config.recipients.unknown": (
        "「{town}」は area.municipalities にありません",
        "'{town}' is not in area.municipalities",
    ),
    "config.recipients.not_table": (
        "to と cc を持つ表で指定してください",
        "give a table with to and cc",
    ),
    "config.address.bad": (
        "メールアドレスの形ではありません（{value}）",
        "not a mail address ({value})",
    ),
}
