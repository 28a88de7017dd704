"""`kohyo codes`: the catalogue of finding codes (also docs/codes.md)."""

from __future__ import annotations

import click

from kohyo.check.findings import CATALOGUE
from kohyo.cli.common import common_options, guarded

SEVERITY_JA = {"error": "エラー", "warning": "警告", "info": "情報"}


def codes_markdown() -> str:
    lines = [
        "# 検証コード一覧 (finding codes)",
        "",
        "`kohyo validate` が報告する検出事項の一覧です。コードは変わりません（プログラムから参照できます）。",
        "エラーがあると終了コード 1 になり、refresh は何も書き込みません。",
        "",
        "| code | 重要度 | メッセージ（日本語） | message (English) |",
        "|---|---|---|---|",
    ]
    for code, kind in CATALOGUE.items():
        ja = kind.ja.replace("|", "\\|")
        en = kind.en.replace("|", "\\|")
        lines.append(f"| `{code}` | {SEVERITY_JA[kind.severity]} | {ja} | {en} |")
    return "\n".join(lines) + "\n"


@click.command("codes")
@common_options
@guarded
def codes_cmd(config_path: object) -> None:
    """検証コードの一覧を表示します (list finding codes, as Markdown)."""
    click.echo(codes_markdown(), nl=False)
