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
}
