"""The CLI's own messages in Japanese (default) and English: ``t(key, **fields)``.

Findings carry their own templates (:mod:`kohyo.check.findings`); this catalogue holds
everything else a person reads: command reports, and the common reasons a
command cannot run at all (file missing, not an xlsx, locked, bad config).
The language is chosen when the message is made, from ``KOHYO_LANG`` (which
``--lang`` sets): ``en``… for English, anything else for Japanese. The terms
are the seed's (個表, 事業費見込額, 総括表 …), glossed in English.
"""

from __future__ import annotations

from kohyo.check.findings import current_lang

__all__ = ["CATALOGUE", "current_lang", "t"]

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
CATALOGUE: dict[str, tuple[str, str]] = {
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
    # ---- validate (cli/check.py)
    "validate.count": ("（個表 {count} 件）", " ({count} project sheets)"),
    "validate.report.written": (
        "検証結果を書き出しました: {path}",
        "Wrote the findings workbook (検証結果): {path}",
    ),
    "validate.report.open_failed": (
        "検証結果を開けませんでした。エクスプローラーから開いてください: {path}",
        "Could not open the findings workbook; open it yourself: {path}",
    ),
    "report.same_as_master": (
        "検証結果の書き出し先がマスターと同じファイルです: {path}。別のファイル名を指定してください"
        "（マスターには書き込みません）。",
        "The findings workbook would overwrite the master: {path}. Give another file name "
        "(kohyo never writes findings into the master).",
    ),
    "report.not_xlsx": (
        "検証結果のファイル名は .xlsx で終わるようにしてください: {path}",
        "The findings workbook's name must end in .xlsx: {path}",
    ),
    "report.no_folder": (
        "検証結果を書き出すフォルダーがありません: {folder}",
        "The folder for the findings workbook does not exist: {folder}",
    ),
    "report.cannot_write": (
        "検証結果を書き出せません: {path}（{reason}）。Excel で開いている場合は閉じてから、"
        "もう一度実行してください。",
        "The findings workbook cannot be written: {path} ({reason}). If it is open in Excel, "
        "close it and run again.",
    ),
    "validate.live.book": (
        "Excel で開いているブックを検証しました: {name}",
        "Checked the workbook open in Excel: {name}",
    ),
    # ---- refresh (cli/refresh.py)
    "refresh.total": (
        "事業{number} 計: {old} → {new}（シート「{sheet}」{cell}）",
        "Project {number} total (計): {old} → {new} (sheet '{sheet}' {cell})",
    ),
    "refresh.summary": (
        "{sheet}: {status}（具体的取組の総数 {count}事業）",
        "{sheet}: {status} ({count} projects)",
    ),
    "refresh.summary.created": ("作成しました", "created"),
    "refresh.summary.updated": ("更新しました", "updated"),
    "refresh.summary.unchanged": ("変更なし", "unchanged"),
    "refresh.saved": (
        "マスターを更新しました: {path}\n更新前の控え: {backup}",
        "Saved {path}; backup: {backup}",
    ),
    "refresh.nothing": (
        "変更はありません（マスターはそのままです）。",
        "Nothing to change (the master is as it was).",
    ),
    "refresh.has_errors": (
        "エラーがあるため、マスターには何も書き込んでいません。",
        "The master has errors; nothing was written.",
    ),
    "refresh.save_needs_live": (
        "--save は --live と一緒に指定してください（ファイルの更新は常に保存まで行います）。",
        "--save goes with --live (a refresh of the file always saves).",
    ),
    "refresh.live.book": (
        "Excel で開いているブック「{name}」を更新しました。",
        "Updated the workbook open in Excel: {name}.",
    ),
    "refresh.live.unsaved": (
        "まだ保存していません。内容を確かめてから Excel で保存してください（--save で保存まで行います）。",
        "Not saved yet: check it, then save in Excel (or run with --save).",
    ),
    "refresh.live.saved": (
        "Excel でブックを保存しました: {path}\n保存前のファイルの控え: {backup}",
        "Saved the workbook in Excel: {path}; backup of the file before: {backup}",
    ),
    "refresh.live.saved_nobackup": (
        "Excel でブックを保存しました: {path}",
        "Saved the workbook in Excel: {path}",
    ),
    "refresh.live.nothing": (
        "変更はありません（ブックはそのままです）。",
        "Nothing to change (the workbook is as it was).",
    ),
    # ---- new (cli/new.py)
    "new.has_errors": (
        "マスターにエラーがあるため、個表を追加しません。エラーを直してから、もう一度実行してください。",
        "The master has errors, so no 個表 was added. Fix them and run again.",
    ),
    "new.plan.title": (
        "新しい個表: 事業番号 {number}「{name}」（関係市町村: {municipalities}）を"
        "シート「{sheet}」として{where}に追加します。",
        "New 個表: project {number} '{name}' (municipalities: {municipalities}), "
        "sheet '{sheet}', {where}.",
    ),
    "new.plan.after": ("シート「{sheet}」の後ろ", "after sheet '{sheet}'"),
    "new.plan.first": ("最初の個表の前", "before the first 個表"),
    "new.plan.renumber": ("事業番号の振り直し", "Renumbered projects"),
    "new.plan.renumber.columns": ("事業番号 旧→新|シート名|事業名", "number old→new|sheet|name"),
    "new.plan.no_renumber": (
        "番号が変わる事業はありません。",
        "No other project changes its number.",
    ),
    "new.plan.references": ("書き換える参照", "References rewritten"),
    "new.plan.references.columns": ("シート|セル|旧|新", "sheet|cell|old|new"),
    "new.plan.no_references": (
        "書き換える参照（NO.xに統合 など）はありません。",
        "No references (such as NO.x に統合) need rewriting.",
    ),
    "new.plan.summary": (
        "「{sheet}」も新しい番号で作り直します。",
        "'{sheet}' is regenerated with the new numbers.",
    ),
    "new.confirm": ("この内容でマスターに書き込みますか？", "Write this into the master?"),
    "new.cancelled": (
        "取りやめました。マスターは変更していません。",
        "Cancelled. The master was not changed.",
    ),
    "new.needs_yes": (
        "確認の質問に答えられない実行方法です。内容を確かめたうえで --yes を付けて実行してください"
        "（マスターは変更していません）。",
        "Cannot ask for confirmation here. Check the plan above and run again with --yes "
        "(the master was not changed).",
    ),
    "new.done": (
        "事業番号 {number}「{name}」の個表をシート「{sheet}」として追加しました: {path}\n"
        "更新前の控え: {backup}",
        "Added project {number} '{name}' as sheet '{sheet}': {path}\nBackup: {backup}",
    ),
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
    "config.book.page_range": (
        "{low}〜9999 の整数を指定してください（{value}）",
        "give a whole number from {low} to 9999 ({value})",
    ),
    "config.book.xlsx": (
        "ファイル名は .xlsx で終わるようにしてください（{value!r}）",
        "the file name must end in .xlsx ({value!r})",
    ),
    # ---- book (cli/book.py, book/)
    "book.cli.errors": (
        "。エラーを直すまで個表集は作りません。",
        ". No booklet is made until the errors are fixed.",
    ),
    "book.cli.made": (
        "個表集を作りました: {folder}\n  {files}",
        "Made the booklet: {folder}\n  {files}",
    ),
    "book.cli.pages": (
        "  {pages} ページ、個表 {count} 件。掲載ページ（{source}）:\n  番号  ページ  事業名",
        "  {pages} pages, {count} 個表. Pages ({source}):\n  No.   page  name",
    ),
    "book.cli.from_pdf": ("PDF から読み取ったもの", "read from the PDF"),
    "book.cli.computed": (
        "計算によるもの。印刷と確かめるには --pdf を付けてください",
        "computed; add --pdf to read them from the rendered PDF",
    ),
    "book.cli.warning": ("注意: {message}", "Note: {message}"),
    "book.ref.missing": (
        "個表集のページ情報が見つかりません: {path}（kohyo book が出力先に書く book.json か、"
        "個表集の PDF を指定してください）",
        "The booklet's page file was not found: {path} (give the book.json kohyo book writes, "
        "or the booklet's PDF)",
    ),
    "book.ref.bad_json": (
        "{path} は kohyo book の book.json として読めません（{reason}）",
        "{path} cannot be read as kohyo book's book.json ({reason})",
    ),
    "book.ref.not_in_book": (
        "個表集 {book} に事業番号 {number}「{name}」がありません。変更案のマスターから"
        "kohyo book で作り直してください。",
        "The booklet {book} has no project {number} ({name}). Make it again with kohyo book "
        "from the amended master.",
    ),
    "book.remarks.missing": (
        "config.toml の [book] remarks のファイルが見つかりません: {path}",
        "The file named by [book] remarks in config.toml was not found: {path}",
    ),
    "book.remarks.unreadable": (
        "掲載ページの備考ファイル {path} を読めません: {reason}",
        "The remarks file {path} cannot be read: {reason}",
    ),
    "book.remarks.bad": (
        "掲載ページの備考ファイル {path} の {entry} が正しくありません: "
        '事業番号 = "備考" の形で書いてください（値: {value}）',
        '{entry} in the remarks file {path} is wrong: write project number = "remark" '
        "(value: {value})",
    ),
    "pdf.no_pdftotext": (
        "PDF からページ番号を読むには poppler の pdftotext が必要です。"
        "Debian/Ubuntu: sudo apt-get install poppler-utils 。Windows: poppler の Windows 版"
        "（https://github.com/oschwartz10612/poppler-windows）を展開し、bin フォルダーを PATH に"
        "入れるか、環境変数 {env} に pdftotext.exe のパスを指定してください。"
        "--pdf を付けなければ、計算したページ番号で個表集を作ります。",
        "Reading page numbers from the PDF needs poppler's pdftotext. Debian/Ubuntu: sudo "
        "apt-get install poppler-utils. Windows: unpack poppler for Windows and put its bin "
        "folder on PATH, or name pdftotext.exe in the environment variable {env}. Without "
        "--pdf the booklet is made with computed page numbers.",
    ),
    "pdf.read_failed": (
        "PDF {name} の文字を読めませんでした（{reason}）。",
        "Could not read the text of the PDF {name} ({reason}).",
    ),
    "book.too_many_pages": (
        "個表が {pages} ページになり、1 枚のシートに入れられる改ページの上限（{limit}）を"
        "超えます。",
        "The 個表 take {pages} pages, more than the page breaks one sheet can hold ({limit}).",
    ),
    "book.write_failed": (
        "個表集 {name} を作れませんでした（{reason}）。",
        "Could not write the booklet {name} ({reason}).",
    ),
    "book.no_projects": (
        "マスター {path} に個表がないため、個表集は作りません。",
        "The master {path} has no 個表, so no booklet was made.",
    ),
    "book.not_found_in_pdf": (
        "PDF {name} の中に事業番号 {number}「{project}」の個表が見つかりませんでした。",
        "The 個表 of project {number} ({project}) was not found in the PDF {name}.",
    ),
    "book.split": (
        "PDF の {pages} ページで個表が 2 ページにまたがっているようです。"
        "templates/book.toml や kohyo_sheet.toml の余白・文字の大きさを見直してください。",
        "On page(s) {pages} of the PDF a 個表 seems split across two pages; check the "
        "margins and font sizes of templates/book.toml and kohyo_sheet.toml.",
    ),
    "book.too_tall": (
        "事業番号 {number}「{name}」の個表は 1 ページに入らないため、2 ページ以上にまたがります"
        "（内容などを短くするか、kohyo_sheet.toml の文字の大きさ・余白を見直してください）。",
        "The 個表 of project {number} ({name}) is taller than a page and runs over two or more "
        "pages (shorten it, or change the font size or margins in kohyo_sheet.toml).",
    ),
    "book.unsettled": (
        "目次を直して {count} 回作り直しても、PDF のページ番号が目次と合いませんでした。",
        "The page numbers of the PDF still differ from the 目次 after {count} re-renders.",
    ),
    "book.leak": (
        "個表集 {name} に載せない事業（No.{numbers}）の内容が含まれていました（{part}）。"
        "kohyo の不具合です。このファイルは削除しました。",
        "The booklet {name} held text of projects it must not (No.{numbers}) ({part}). This "
        "is a bug in kohyo; the file was deleted.",
    ),
    "write.publish_failed": (
        "{name} を書き込めませんでした（{reason}）。"
        "Excel などで開いている場合は閉じてから、もう一度実行してください。",
        "{name} could not be written ({reason}). If it is open in Excel or another program, "
        "close it and run again.",
    ),
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
}


def t(key: str, **fields: object) -> str:
    """The message *key* in the current language, with *fields* filled in."""
    ja, en = CATALOGUE[key]
    return (en if current_lang() == "en" else ja).format(**fields)
