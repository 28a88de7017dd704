"""Messages of diff: the change overview and its templates."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {
    # ---- kohyo diff (cli/diff.py)
    "diff.written": ("変更の概要を作りました: {path}", "Wrote the change overview: {path}"),
    "diff.count": (
        "  具体的取組の総数: [現在] {old}事業 ⇒ [変更案] {new}事業",
        "  Projects: [current] {old} ⇒ [proposed] {new}",
    ),
    "diff.no_changes": (
        "  変更はありません（新規・変更・削除とも 0 事業）",
        "  No changes (0 projects added, changed or removed)",
    ),
    "diff.changes": (
        "  新規 {added}事業、変更 {changed}事業（うち統合 {merged}、名称変更 {renamed}）、"
        "終了・削除 {removed}事業",
        "  {added} added, {changed} changed ({merged} merged, {renamed} renamed), "
        "{removed} ended or removed",
    ),
    "diff.renumbered": (
        "  事業番号が変わった事業 {count}（番号が変わっただけでは変更に数えません）",
        "  {count} project(s) renumbered (a new number alone is not a change)",
    ),
    "diff.errors.old": (
        "  注意: 変更前のマスターにエラーが {count} 件あります（kohyo validate {path} で確認してください）",
        "  Note: the current master has {count} error(s) (see kohyo validate {path})",
    ),
    "diff.errors.new": (
        "  注意: 変更案のマスターにエラーが {count} 件あります（kohyo validate {path} で確認してください）",
        "  Note: the proposed master has {count} error(s) (see kohyo validate {path})",
    ),
    "diff.refused": (
        "{path}: 比べられないエラーがあります（{count} 件）",
        "{path}: errors that make a comparison impossible ({count})",
    ),
    "diff.refused.fix": (
        "これらを直してから、もう一度 kohyo diff を実行してください。",
        "Fix these and run kohyo diff again.",
    ),
    # ---- writing the overview (overview/render.py)
    "overview.template.missing": (
        "変更概要のテンプレートが見つかりません: {path}"
        "（config.toml と同じフォルダーの templates/overview/ に置いてください）",
        "The change overview template was not found: {path} "
        "(put it in templates/overview/ beside config.toml)",
    ),
    "overview.template.line": ("（{line} 行目）", " (line {line})"),
    "overview.template.error": (
        "テンプレート {path} に誤りがあります{where}: {detail}",
        "The template {path} has an error{where}: {detail}",
    ),
    "overview.no_folder": (
        "出力先のフォルダーを作れません: {path}: {reason}",
        "The output folder cannot be made: {path}: {reason}",
    ),
    "overview.cannot_write": (
        "{path} を書き込めません（{reason}）。Excel などで開いていれば閉じてから、"
        "もう一度実行してください",
        "{path} cannot be written ({reason}). If Excel or another program has it open, "
        "close it and run again",
    ),
}
