"""Messages of refresh and new (in-place edits of the master)."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {
    # ---- refresh (cli/refresh.py)
    "refresh.live.reading": ("Excel から読み込み中", "Reading from Excel"),
    "refresh.total": (
        "事業{number} 計: {old} → {new}（シート「{sheet}」{cell}）",
        "Project {number} total: {old} → {new} (sheet '{sheet}' {cell})",
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
        "The master has errors, so no project sheet was added. Fix them and run again.",
    ),
    "new.plan.title": (
        "新しい個表: 事業番号 {number}「{name}」（関係市町村: {municipalities}）を"
        "シート「{sheet}」として{where}に追加します。",
        "New project sheet: project {number} '{name}' (municipalities: {municipalities}), "
        "sheet '{sheet}', {where}.",
    ),
    "new.plan.after": ("シート「{sheet}」の後ろ", "after sheet '{sheet}'"),
    "new.plan.first": ("最初の個表の前", "before the first project sheet"),
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
        "No merge references (such as NO.x) need rewriting.",
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
    # ---- checking the written copy (edit/refresh.py, edit/new.py)
    "edit.verify.finding": (
        "シート「{sheet}」{cell}: {message}",
        "sheet '{sheet}' {cell}: {message}",
    ),
    "edit.verify.content": (
        "書き込んだファイルの個表の内容が元と一致しません",
        "the project sheets of the written file differ from the original",
    ),
    "edit.verify.summary_missing": (
        "書き込んだファイルに「{sheet}」がありません",
        "the written file has no '{sheet}'",
    ),
    "edit.verify.order": (
        "シートの並びが予定と違います",
        "the sheet order differs from the plan",
    ),
    "edit.verify.planned": (
        "書き込んだファイルの個表の内容が予定と一致しません",
        "the project sheets of the written file differ from the plan",
    ),
    "edit.verify.failed": (
        "書き込んだ結果の確認で問題が見つかったため、マスターは置き換えていません: {problems}",
        "Checking the written result found problems, so the master was not replaced: {problems}",
    ),
    "edit.verify.separator": ("／", "; "),
    "edit.verify.not_written": (
        "書き込んだファイルのバイト列が書き込むはずの内容と一致しません",
        "the bytes of the written file differ from what was to be written",
    ),
    # ---- planning a new project (edit/new.py)
    "new.reference.unsafe": (
        "「{text}」の事業番号の参照を安全に書き換えられません。手で直してください。",
        "The project-number reference in '{text}' cannot be rewritten safely. Fix it by hand.",
    ),
    "new.number.unreadable": (
        "シート「{sheet}」の事業番号のセルが読めません。",
        "The project number cell of sheet '{sheet}' cannot be read.",
    ),
    "new.number.formula": (
        "シート「{sheet}」の事業番号 {cell} は数式です。"
        "番号を振り直せないため中止しました（数式をやめて番号を直接入力してください）。",
        "The project number {cell} of sheet '{sheet}' is a formula, so it cannot be "
        "renumbered; stopped (type the number instead of the formula).",
    ),
    "new.number.text": (
        "シート「{sheet}」の事業番号「{value}」を書き換えられません。",
        "The project number '{value}' of sheet '{sheet}' cannot be rewritten.",
    ),
    "new.name.missing": ("事業名（--name）を指定してください。", "Give the project name (--name)."),
    "new.name.duplicate": (
        "事業名「{name}」はシート「{sheet}」の事業と同じです。別の名前にしてください。",
        "The project name '{name}' is already used on sheet '{sheet}'. Choose another name.",
    ),
    "new.municipalities.unknown": (
        "関係市町村「{names}」は設定にありません（使えるのは {known}）。",
        "The municipalities '{names}' are not in the config (known: {known}).",
    ),
    "new.after.unknown": (
        "事業番号 {after} の個表がありません（ある番号: {have}）。",
        "There is no project sheet numbered {after} (numbers: {have}).",
    ),
    "new.sheet.exists": ("同じ名前のシートがあります", "a sheet of that name exists"),
    "new.sheet.bad_name": (
        "新しい個表のシート名「{sheet}」が使えません（{problem}）。",
        "The new project sheet cannot be named '{sheet}' ({problem}).",
    ),
}
