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
    # ---- templates (templates_lookup.py)
    "templates.not_a_file": (
        "テンプレートの場所がファイルではありません: {path}。ファイルを置くか、"
        "取り除いて kohyo の既定のテンプレートを使ってください。",
        "The template's path is not a file: {path}. Put a file there, or remove it to use "
        "kohyo's default template.",
    ),
    "templates.default_missing": (
        "kohyo の既定のテンプレート {name} が見つかりません（{path}）。kohyo を入れ直してください"
        "（リポジトリからは pip install -e .）。",
        "kohyo's default template {name} is missing ({path}). Reinstall kohyo (from the "
        "repository: pip install -e .).",
    ),
    "templates.not_utf8": (
        "テンプレートを UTF-8 として読めません: {path}",
        "The template cannot be read as UTF-8: {path}",
    ),
    "templates.unreadable": (
        "テンプレートを開けません: {path}: {reason}",
        "The template cannot be opened: {path}: {reason}",
    ),
    # ---- init (cli/init.py, scaffold.py)
    "init.exists": (
        "{path} がすでにあります。上書きはしません。別のフォルダーを指定するか、"
        "そのファイルを移してから、もう一度実行してください。",
        "{path} already exists; kohyo init never overwrites. Give another folder, or move "
        "that file away and run again.",
    ),
    "init.cannot_write": (
        "{path} を作れません: {reason}",
        "Cannot create {path}: {reason}",
    ),
    "init.ask.area": (
        "圏域名（例: 〇〇圏域連携中枢都市圏）",
        "Area name (e.g. Example Regional Collaboration Area)",
    ),
    "init.ask.central": ("連携中枢都市（例: 〇〇市）", "Central city (e.g. Example City)"),
    "init.ask.towns": (
        "構成市町村（連携中枢都市を含めて、「、」で区切って）",
        "Municipalities, the central city included, separated by commas",
    ),
    "init.done": ("圏域のフォルダーを作りました: {folder}", "Made the area folder: {folder}"),
    "init.done.config": (
        "  {path}（設定。圏域名・市町村・宛先を確かめてください）",
        "  {path} (settings: check the area, municipalities and mail addresses)",
    ),
    "init.done.master": (
        "  {path}（マスター。「記入例」のシートと、空の個表「1」）",
        "  {path} (the master: an example sheet and a blank project sheet '1')",
    ),
    "init.done.templates": (
        "  {folder}（テンプレート {count} 個の写し。書き換えると次の実行から使われます）",
        "  {folder} (copies of {count} templates; kohyo uses your edits from the next run)",
    ),
    "init.placeholders": (
        "仮の名前（{names}）を書きました。config.toml で書き換えてください。",
        "Wrote placeholder names ({names}); replace them in config.toml.",
    ),
    "init.next": (
        "次に: {folder} で kohyo validate を実行してから、マスターに個表を入力していきます。",
        "Next: run kohyo validate in {folder}, then fill in the master's project sheets.",
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
    "report.folder_not_writable": (
        "検証結果を書き出すフォルダーに書き込めません: {folder}（{reason}）。"
        "書き込めるフォルダーを --report で指定してください。",
        "Cannot write the findings workbook into the folder {folder} ({reason}). "
        "Give a folder you may write in with --report.",
    ),
    "config.control_chars": (
        "制御文字 {chars} があります（「{value}」）。ファイル名・シート名・メールの見出しに入るため"
        "使えません",
        "it holds the control character(s) {chars} ('{value}'), which cannot go into a file name, "
        "a sheet name or a mail header",
    ),
    "distribute.stripped_many": (
        "{where} から {count:,} 文字を取り除きました（Excel の上限 32,767 文字を超えた部分、"
        "または使えない文字。先頭:「{start}」）",
        "Removed {count:,} characters from {where} (text past Excel's limit of 32,767 "
        "characters, or characters a cell cannot hold; starting '{start}')",
    ),
    # ---- mail --send: one run at a time (mail/ledger.py)
    "mail.lock.held": (
        "別の kohyo mail --send が送信中のため、送信しません（{holder}）。"
        "その送信が終わってから、もう一度実行してください（送信済みの分は送りません）。"
        "ロックファイル: {path}",
        "Another 'kohyo mail --send' is sending ({holder}); nothing was sent. Run again when it "
        "has finished (what it sent is not sent again). Lock file: {path}",
    ),
    "mail.lock.holder": (
        "PID {pid}、コンピューター {host}、開始 {started}",
        "PID {pid} on {host}, started {started}",
    ),
    "mail.lock.holder_unknown": ("実行中の送信は不明", "holder unknown"),
    "mail.lock.cannot_open": (
        "送信記録のロックファイル {path} を作れないため送信しません（{reason}）",
        "Cannot create the send ledger's lock file {path} ({reason}); nothing was sent",
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
    "config.filename_pattern_no_town": (
        "{{town}} を入れてください。市町村ごとに別のファイル名にするためで、"
        "{{town}} がないと全市町村が同じ名前になり、マスターなど別のファイルを上書きしかねません",
        "it must contain {{town}}, so that each municipality gets its own file name; without it "
        "every municipality gets the same name and could overwrite another file such as the master",
    ),
    "config.sheet_name.bad": (
        "シート名に使えません（{reason}）: 「{name}」",
        "not usable as a sheet name ({reason}): '{name}'",
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
