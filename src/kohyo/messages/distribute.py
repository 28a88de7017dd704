"""Messages of distribute: town selection, the town workbooks, the manifest."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {  # ---- kohyo distribute (cli/distribute.py)
    "distribute.has_errors": (
        "。エラーを直すまで配布ファイルは作りません。",
        ". No distribution files are made until the errors are fixed.",
    ),
    "distribute.master_changed": (
        "読み込み中にマスター {path} が変更されました。もう一度実行してください。",
        "The master {path} changed while it was being read. Run again.",
    ),
    "distribute.master_missing": (
        "マスターが見つかりません: {path}",
        "The master was not found: {path}",
    ),
    "distribute.master_is_dir": (
        "マスターの場所がフォルダーです: {path}",
        "The master's path is a folder: {path}",
    ),
    "distribute.master_unreadable": (
        "マスターを開けません: {path}: {reason}",
        "The master cannot be opened: {path}: {reason}",
    ),
    "distribute.progress": ("配布ファイルを作成中", "Making the distribution files"),
    "distribute.progress.town": (
        "配布ファイルを作成中（{town}）",
        "Making the distribution files ({town})",
    ),
    "distribute.column.town": ("市町村", "municipality"),
    "distribute.column.projects": ("事業数", "projects"),
    "distribute.column.files": ("ファイル", "files"),
    "distribute.note": ("注意: {note}", "Note: {note}"),
    "distribute.warnings": (
        "マスターに警告が {count} 件あります（kohyo validate で確認できます）。",
        "The master has {count} warning(s) (see kohyo validate).",
    ),
    "distribute.done": (
        "{count} 市町村の配布ファイルを作成しました: {folder}",
        "Made the distribution files of {count} municipalities: {folder}",
    ),
    # ---- building (distribute/build.py, distribute/town.py)
    "distribute.stripped": (
        "{town} のシート「{sheet}」{cell} から使えない文字 {removed} を取り除きました",
        "Removed the unusable characters {removed} from {town}, sheet '{sheet}' {cell}",
    ),
    "distribute.town.unknown": (
        "設定ファイルにない市町村です: {names}（指定できるのは {known}）",
        "Not a municipality in the settings file: {names} (known: {known})",
    ),
    "distribute.cannot_open": (
        "{path} を開けません（{reason}）",
        "{path} cannot be opened ({reason})",
    ),
    "distribute.leak": (
        "{file} に {town} が関係しない事業（No.{numbers}）の内容が含まれていました（{part}）。"
        "kohyo の不具合です。このファイルは削除しました。配布しないでください。",
        "{file} held text of projects that do not concern {town} (No.{numbers}; {part}). "
        "This is a bug in kohyo. The file was deleted; do not distribute it.",
    ),
    "distribute.file.locked": (
        "{file} を書き込めませんでした（{reason}）。"
        "Excel などで開いている場合は閉じてから、もう一度実行してください。",
        "{file} could not be written ({reason}). If Excel or another program has it open, "
        "close it and run again.",
    ),
    "distribute.manifest.dropped": (
        "このフォルダーの {manifest} は別のマスター（または変更前のマスター）から"
        "作られていたため、今回作らなかった {towns} の記載とファイルを外しました。"
        "必要なら --town で作り直してください",
        "The {manifest} in this folder was made from another master (or an earlier version), "
        "so the entries and files of {towns}, not made this time, were removed. Make them again with "
        "--town if needed",
    ),
    "distribute.cannot_write": (
        "{path} を書き込めませんでした（{reason}）",
        "{path} could not be written ({reason})",
    ),
    "distribute.manifest.remade": (
        "{name} を読めなかったため、新しく作り直しました",
        "{name} could not be read, so it was made afresh",
    ),
    "distribute.town.failed": (
        "{town} のブックを作れませんでした（{reason}）",
        "The workbook of {town} could not be made ({reason})",
    ),
    # ---- the manifest (distribute/manifest.py)
    "manifest.no_folder": (
        "配布フォルダーが見つかりません: {folder}",
        "The distribution folder was not found: {folder}",
    ),
    "manifest.missing": (
        "配布フォルダーに {manifest} がありません: {folder}"
        "（kohyo distribute で作ったフォルダーを指定してください）",
        "The distribution folder has no {manifest}: {folder} "
        "(give a folder made by kohyo distribute)",
    ),
    "manifest.not_json": ("JSON として読めません（{reason}）", "not valid JSON ({reason})"),
    "manifest.unreadable": ("{path} を開けません: {reason}", "{path} cannot be opened: {reason}"),
    "manifest.not_object": (
        "全体が JSON のオブジェクトではありません",
        "the whole is not a JSON object",
    ),
    "manifest.bad_master_sha": (
        "master_sha256 が sha256 の形ではありません（{value}）",
        "master_sha256 is not a sha256 ({value})",
    ),
    "manifest.no_towns": (
        "towns がありません（市町村ごとのファイル一覧）",
        "towns (the files per municipality) is missing",
    ),
    "manifest.file_twice": (
        "ファイル {file} が {first} と {town} の両方に載っています",
        "the file {file} is listed for both {first} and {town}",
    ),
    "manifest.bad_date": (
        "date は 2026-11-29 の形の日付です（{value}）",
        "date must be a date like 2026-11-29 ({value})",
    ),
    "manifest.none": (
        "配布フォルダーが見つかりません（{out} に {manifest} のあるフォルダーがありません）。"
        "先に kohyo distribute を実行するか、--dir で配布フォルダーを指定してください。",
        "No distribution folder was found (no folder in {out} has a {manifest}). "
        "Run kohyo distribute first, or give the folder with --dir.",
    ),
    "manifest.master_missing": (
        "配布のもとになったマスター {path} が見つかりません。kohyo distribute をもう一度実行してください。",
        "The master the files were made from, {path}, was not found. Run kohyo distribute again.",
    ),
    "manifest.master_changed": (
        "マスター {path} が配布（{date}）のあとで変更されています。"
        "配布したファイルが今のマスターと合わない可能性があるため使えません。kohyo distribute をもう一度実行してください。",
        "The master {path} changed after the distribution ({date}). The distributed files "
        "may not match it, so they cannot be used. Run kohyo distribute again.",
    ),
    "manifest.master_changed_now": (
        "確認中にマスター {path} が変更されました。kohyo distribute をもう一度実行してください。",
        "The master {path} changed while it was being checked. Run kohyo distribute again.",
    ),
    "manifest.file.missing": (
        "{file} が配布フォルダーにありません。kohyo distribute をもう一度実行してください。",
        "{file} is not in the distribution folder. Run kohyo distribute again.",
    ),
    "manifest.file.unreadable": (
        "{file} を読めません（{reason}）",
        "{file} cannot be read ({reason})",
    ),
    "manifest.file.altered": (
        "{file} が配布したときの内容と違います（sha256 が manifest と一致しません）。kohyo distribute をもう一度実行してください。",
        "{file} differs from what was distributed (its sha256 does not match the manifest). "
        "Run kohyo distribute again.",
    ),
    "manifest.file.not_pdf": ("{file} は PDF ではありません", "{file} is not a PDF"),
    "manifest.file.not_xlsx": (
        "{file} を xlsx として開けません（{reason}）",
        "{file} cannot be opened as an xlsx ({reason})",
    ),
    "manifest.file.changed_now": (
        "{file} が確認中に変更されました。kohyo distribute をもう一度実行してください。",
        "{file} changed while it was being checked. Run kohyo distribute again.",
    ),
    "manifest.file.leak": (
        "{file} に {town} が関係しない事業{projects}の内容が含まれています",
        "{file} holds text of projects{projects} that do not concern {town}",
    ),
    "manifest.project_list": ("（{numbers}）", " ({numbers})"),
    "manifest.town.not_object": (
        "towns.{town} がオブジェクトではありません",
        "towns.{town} is not an object",
    ),
    "manifest.town.bad_projects": (
        "towns.{town}.projects は事業番号（整数）の配列です（{value}）",
        "towns.{town}.projects must be an array of project numbers (integers) ({value})",
    ),
    "manifest.town.no_files": ("towns.{town}.files がありません", "towns.{town}.files is missing"),
    "manifest.file.not_object": (
        "{where} の要素がオブジェクトではありません",
        "an item of {where} is not an object",
    ),
    "manifest.file.bad_name": (
        "{where} のファイル名が正しくありません（{value}）",
        "a file name in {where} is not valid ({value})",
    ),
    "manifest.file.bad_kind": (
        "{file} の kind は拡張子に合う xlsx か pdf です（{value}）",
        "the kind of {file} must be xlsx or pdf, matching its extension ({value})",
    ),
    "manifest.file.bad_sha": (
        "{file} の sha256 が正しくありません（{value}）",
        "the sha256 of {file} is not valid ({value})",
    ),
    "manifest.file.bad_size": (
        "{file} の bytes が正しくありません（{value}）",
        "the bytes of {file} is not valid ({value})",
    ),
    "manifest.key_missing": ("{key} がないか空です", "{key} is missing or empty"),
    "manifest.bad": (
        "配布フォルダーの {manifest} が正しくありません: {path}: {problem}"
        "（kohyo distribute をもう一度実行してください）",
        "The {manifest} of the distribution folder is not valid: {path}: {problem} "
        "(run kohyo distribute again)",
    ),
    "distribute.where": ("{town} のシート「{sheet}」{cell}", "{town}, sheet '{sheet}' {cell}"),
    "distribute.out_unreadable": (
        "{folder} を開けません（{reason}）",
        "Cannot open the folder {folder} ({reason})",
    ),
    "distribute.out_more": (" ほか {count} 件", " and {count} more"),
    "write.swap_back_failed": (
        "マスター「{name}」が置き換えの瞬間に別のプログラムで保存されました。元に戻せなかったため"
        "（{reason}）、その保存内容を {rescue} に残しました。マスターは kohyo の新しい内容です。"
        "内容を確かめてください。",
        "The master '{name}' was saved by another program at the moment of the replacement and "
        "could not be put back ({reason}); that save was kept as {rescue}. The master now holds "
        "kohyo's new content. Please check both.",
    ),
    "write.would_replace_input": (
        "{path} には書き込みません: 今回読み込んだファイル（{input}）と同じファイルです。"
        "マスターや読み込んだファイルは上書きしません。出力先かファイル名の設定を見直してください。",
        "Refusing to write {path}: it is the same file as an input of this run ({input}). "
        "kohyo never overwrites the master or a file it read. Check the output folder or the "
        "file name pattern.",
    ),
    "distribute.out_not_ours": (
        "出力先のフォルダー {folder} には kohyo が作っていないファイルがあります（{names}）。"
        "配布ファイル用の別のフォルダーを指定するか、それでもよければ --force を付けてください。",
        "The output folder {folder} holds files kohyo did not write ({names}). Give another "
        "folder for the distribution, or add --force if that is really what you want.",
    ),
    "distribute.out_other_run": (
        "出力先のフォルダー {folder} の manifest.json は別のマスター（{other}）の配布です。"
        "別のフォルダーを指定するか、置き換えてよければ --force を付けてください。",
        "The manifest.json in the output folder {folder} belongs to a distribution of another "
        "master ({other}). Give another folder, or add --force to replace it.",
    ),
}
