"""Messages of validate, dump, codes and the findings workbook (検証結果)."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {
    # ---- severity labels: the CLI table, the findings workbook, kohyo codes
    "severity.error": ("エラー", "error"),
    "severity.warning": ("警告", "warning"),
    "severity.info": ("情報", "info"),
    # ---- the findings table (cli/render.py) and the findings workbook (check/report.py)
    "findings.summary": (
        "{target}: エラー {errors} 件、警告 {warnings} 件、情報 {infos} 件",
        "{target}: {errors} error(s), {warnings} warning(s), {infos} info",
    ),
    "findings.column.severity": ("重要度", "severity"),
    "findings.line.sheet": ("シート {sheet}", "sheet {sheet}"),
    "render.more_cells": (" ほか {count} セル", " and {count} more cells"),
    "render.more_messages": ("（ほか {count} 件）", " (and {count} more)"),
    "check.abridged": ("{head}…（{digits} 桁）", "{head}… ({digits} digits)"),
    "check.did_you_mean": ("。「{name}」ではありませんか", "; did you mean '{name}'?"),
    "findings.column.sheet": ("シート", "sheet"),
    "findings.column.cell": ("セル", "cell"),
    "findings.column.message": ("内容", "message"),
    "findings.column.code": ("コード", "code"),
    "report.sheet": ("検証結果", "findings"),
    "report.info_sheet": ("概要", "about"),
    "report.whole_sheet": ("（シート全体）", "(whole sheet)"),
    "report.whole_book": ("（ブック全体）", "(workbook)"),
    "report.tip": ("マスターの {where} を開きます", "Open {where} in the master"),
    "report.info.master": ("マスター", "master"),
    "report.info.written": ("作成日時", "written"),
    # ---- kohyo codes (cli/codes.py)
    "codes.header": (
        "| code | 重要度 | メッセージ（日本語） | message (English) |\n|---|---|---|---|",
        "| code | severity | message |\n|---|---|---|",
    ),
    "codes.title": ("# 検証コード一覧 (finding codes)", "# Finding codes"),
    "codes.intro": (
        "`kohyo validate` が報告する検出事項の一覧です。コードは変わりません（プログラムから参照できます）。\n"
        "エラーがあると終了コード 1 になり、refresh は何も書き込みません。",
        "The findings `kohyo validate` reports. The codes never change (programs may rely on them).\n"
        "Any error makes the exit code 1, and refresh then writes nothing.",
    ),
    # ---- validate (cli/check.py)
    "validate.count": ("（個表 {count} 件）", " ({count} project sheets)"),
    "validate.report.written": (
        "検証結果を書き出しました: {path}",
        "Wrote the findings workbook: {path}",
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
}
