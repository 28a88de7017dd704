"""Messages of data out: `kohyo export` and `kohyo history` (data/, cli/data.py)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "export.format": (
        "出力形式「{fmt}」は使えません（使える形式: {formats}）",
        "Unknown format '{fmt}' (available: {formats})",
    ),
    "export.folder": (
        "出力先のフォルダーを作れません: {path}（{reason}）",
        "Cannot create the output folder {path} ({reason})",
    ),
    "export.write": (
        "{path} を書き込めません（{reason}）。Excel などで開いていれば閉じてから、もう一度実行してください",
        "Cannot write {path} ({reason}). Close it if it is open in Excel, then try again",
    ),
    "export.parquet_missing": (
        'Parquet で出力するには pyarrow が必要です: pip install "kohyo[parquet]"',
        'Parquet output needs pyarrow: pip install "kohyo[parquet]"',
    ),
    "export.done": ("表を書き出しました（{fmt}）: {folder}", "Wrote the tables ({fmt}): {folder}"),
    "export.refused": (
        "マスターにエラーがあるため書き出しませんでした。直してから、もう一度実行してください。",
        "The master has errors; nothing was written. Fix them and run again.",
    ),
    "history.too_few": (
        "推移を作るにはマスターを 2 つ以上（古い順に）指定してください",
        "Give two or more versions of the master (oldest first)",
    ),
    "history.refused": (
        "{path}: エラーがあるため推移を作れません（{count} 件）",
        "{path}: has errors; no history was made ({count})",
    ),
    "history.done": ("具体的取組の推移を作りました: {folder}", "Wrote the history: {folder}"),
    "history.count_item": ("[{label}] {count}事業", "[{label}] {count} projects"),
    "history.counts": ("  具体的取組の総数: {counts}", "  Projects per version: {counts}"),
}
