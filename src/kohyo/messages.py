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
    # ---- reading a package (read/package.py, read/workbook.py): broken or hostile files
    "read.part_crc": (
        "部品 {name} が壊れています（CRC が一致しません）。Excel で開けるか確かめ、保存し直してください。",
        "The part {name} is damaged (CRC mismatch). Check that Excel opens the file and save it again.",
    ),
    "read.part_deflate": (
        "部品 {name} の圧縮データが壊れています（{reason}）。Excel で開けるか確かめ、保存し直してください。",
        "The compressed data of the part {name} is damaged ({reason}). Check that Excel opens "
        "the file and save it again.",
    ),
    "read.part_compression": (
        "部品 {name} の圧縮形式に対応していません（{reason}）。Excel で保存し直してください。",
        "The part {name} uses a compression kohyo cannot read ({reason}). Save the file again in Excel.",
    ),
    "read.part_duplicate": (
        "部品 {name} が zip の中に 2 回以上あります。ファイルが壊れているか、細工されています。",
        "The part {name} occurs more than once in the zip: the file is damaged or was tampered with.",
    ),
    "read.part_bad_xml": (
        "部品 {name} の XML が壊れています（{reason}）。",
        "The XML of the part {name} is broken ({reason}).",
    ),
    "read.part_encoding": (
        "部品 {name} の文字コード（{encoding}）は Excel ブックでは使えません"
        "（UTF-8 か UTF-16 だけです）。安全のため読み込みません。",
        "The part {name} is in an encoding an Excel workbook may not use ({encoding}; only "
        "UTF-8 or UTF-16). Not read, for safety.",
    ),
    "read.part_doctype": (
        "部品 {name} に DOCTYPE 宣言があります。安全のため読み込みません。",
        "The part {name} has a DOCTYPE declaration. Not read, for safety.",
    ),
    "read.too_many_cells": (
        "セルが多すぎます（{limit} 個を超えています）。個表のマスターとしては大きすぎます"
        "（上限は config.toml の [limits] max_cells_per_file）。",
        "Too many cells (more than {limit}): too large for a master of project sheets "
        "(the limit is max_cells_per_file in [limits] of config.toml).",
    ),
    "read.sheet_too_many_cells": (
        "セルが {limit} 個を超えています（上限は [limits] max_cells_per_sheet）",
        "more than {limit} cells (the limit is max_cells_per_sheet in [limits])",
    ),
    "read.too_many_strings": (
        "共有文字列が多すぎます（{limit} 個を超えています）。個表のマスターとしては大きすぎます"
        "（上限は config.toml の [limits] max_cells_per_file）。",
        "Too many shared strings (more than {limit}): too large for a master of project sheets "
        "(the limit is max_cells_per_file in [limits] of config.toml).",
    ),
    "read.zip_unsupported": (
        "この zip 形式には対応していません（{reason}）。Excel で保存し直してください。",
        "This kind of zip is not supported ({reason}). Save the file again in Excel.",
    ),
    "read.part_wrong_root": (
        "部品 {name} の中身が正しくありません（{expected} のはずが {found} です）。"
        "ファイルが壊れています。",
        "The part {name} holds the wrong content ({found} instead of {expected}): "
        "the file is damaged.",
    ),
    "read.out_of_memory": (
        "メモリーが足りないため、ファイルを読み込めませんでした。",
        "Not enough memory to read the file.",
    ),
}


def t(key: str, **fields: object) -> str:
    """The message *key* in the current language, with *fields* filled in."""
    ja, en = CATALOGUE[key]
    return (en if current_lang() == "en" else ja).format(**fields)
