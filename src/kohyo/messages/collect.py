"""Messages of collect (the towns' returned workbooks merged into the master)."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {
    "config.collect.editable": (
        "{value} は取り込める項目ではありません（使える項目: {known}）",
        "{value} is not a field collect can take in (known: {known})",
    ),
    # ---- the key
    "collect.key.missing": (
        "取り込み用の鍵 {path} がありません。kohyo distribute で配布したときに作られます（配布したパソコンの鍵を戻してください）。",
        "The collect key {path} is missing. kohyo distribute makes it (restore the key of the PC that distributed).",
    ),
    "collect.key.unreadable": (
        "取り込み用の鍵 {path} を読めません: {reason}",
        "Cannot read the collect key {path}: {reason}",
    ),
    "collect.key.bad": (
        "取り込み用の鍵 {path} が壊れています",
        "The collect key {path} is damaged",
    ),
    "collect.key.cannot_create": (
        "取り込み用の鍵 {path} を作れません: {reason}",
        "Cannot create the collect key {path}: {reason}",
    ),
    # ---- the base
    "collect.base.cannot_write": (
        "配布時の控え {path} を書けません: {reason}",
        "Cannot write the base {path}: {reason}",
    ),
    "collect.base.missing": (
        "配布 {distribution}（{town}）の控えが見つかりません（配布フォルダーを移したか消しました）",
        "No base kept for distribution {distribution} ({town}): the distribution folder was moved or removed",
    ),
    "collect.base.replaced": (
        "配布 {distribution}（{town}）の控えは、同じ日のあとの配布で置き換えられています。新しい配布のファイルで返送してもらってください",
        "The base of distribution {distribution} ({town}) was replaced by a later distribution the same day; ask for a return of the new file",
    ),
    # ---- input
    "collect.input.missing": ("{path} がありません", "{path} does not exist"),
    "collect.input.none": (
        "取り込む .xlsx / .eml が見つかりません",
        "No .xlsx or .eml file found to collect",
    ),
    "collect.input.not_xlsx": ("xlsx でも eml でもありません", "Neither an xlsx nor an eml file"),
    "collect.mail.too_large": (
        "メールが大きすぎます（{size:.1f} MB）",
        "The mail is too large ({size:.1f} MB)",
    ),
    "collect.mail.unreadable": ("メールを読めません: {reason}", "Cannot read the mail: {reason}"),
    "collect.mail.no_workbook": (
        "メールに .xlsx の添付がありません",
        "The mail has no .xlsx attachment",
    ),
    # ---- a return refused as a whole
    "collect.refused.macro": (
        "マクロ付きブック（.xlsm）は取り込みません。.xlsx で保存し直してもらってください",
        "Macro workbooks (.xlsm) are not taken in; ask for an .xlsx",
    ),
    "collect.refused.not_kohyo": (
        "kohyo が配布したファイルではありません（配布の印がありません）",
        "Not a file kohyo distributed (no distribution marks)",
    ),
    "collect.refused.tampered": (
        "配布の印が一致しません（改変の可能性）。取り込みません",
        "The distribution marks do not verify (possibly altered); not taken in",
    ),
    "collect.refused.unknown_town": (
        "設定にない市町村「{town}」のファイルです",
        "A file for '{town}', which the config does not know",
    ),
    "collect.refused.base_tampered": (
        "配布時の控え {path} が配布の印と一致しません（改変の可能性）",
        "The base {path} does not match the distribution marks (possibly altered)",
    ),
    "collect.refused.invalid": (
        "変更された個表にエラーが {count} 件あります。この市町村の返送は取り込みません",
        "{count} errors in the changed project sheets; this town's return is not taken in",
    ),
    # ---- a field refused
    "collect.refused.not_participating": (
        "{town}が関係しない事業です",
        "{town} does not take part in this project",
    ),
    "collect.refused.added_sheet": (
        "返送で追加された個表です（個表の追加は kohyo new で）",
        "A project sheet added in the return (add sheets with kohyo new)",
    ),
    "collect.refused.deleted_sheet": (
        "返送で個表が削除されています",
        "A project sheet was deleted in the return",
    ),
    "collect.refused.identity": (
        "{field}は返送では変更できません",
        "{field} cannot be changed in a return",
    ),
    "collect.refused.added_row": (
        "行の追加は取り込めません（マスターで追加してください）",
        "Added rows are not taken in (add them in the master)",
    ),
    "collect.refused.removed_row": (
        "行の削除は取り込めません（マスターで削除してください）",
        "Removed rows are not taken in (remove them in the master)",
    ),
    "collect.refused.not_editable": (
        "{field}は返送で変更できる項目ではありません（config の [collect] editable）",
        "{field} is not a field towns may change ([collect] editable in the config)",
    ),
    "collect.refused.other_role": (
        "「{who}」の役割分担はこの市町村が変更できません",
        "This town may not change the role of '{who}'",
    ),
    "collect.refused.gone_from_master": (
        "この事業はもうマスターにありません",
        "This project is no longer in the master",
    ),
    # ---- conflicts
    "collect.conflict.master": (
        "配布後にマスターでも変更されています",
        "Also changed in the master since the distribution",
    ),
    "collect.conflict.structure": (
        "マスターではこの行がなくなっています",
        "The master no longer has this row",
    ),
    "collect.conflict.towns": (
        "複数の市町村が違う値に変更: {towns}",
        "Towns changed it differently: {towns}",
    ),
    "collect.duplicate": (
        "{town}から返送が複数あります（{files}）。--latest で新しいほうを取り込めます",
        "More than one return from {town} ({files}); --latest takes the newer",
    ),
    "collect.superseded": ("新しい返送 {file} を取り込みます", "The newer return {file} is taken"),
    "collect.taken_before": (
        "取り込み済みです（取り込み記録）",
        "Already taken in (collect ledger)",
    ),
    "collect.warn.sender": (
        "差出人 {sender} は{town}の宛先として設定されていません（設定: {known}）",
        "The sender {sender} is not an address configured for {town} (configured: {known})",
    ),
    # ---- ledger, apply
    "collect.ledger.unreadable": (
        "取り込み記録 {path} を読めません: {reason}",
        "Cannot read the collect ledger {path}: {reason}",
    ),
    "collect.ledger.cannot_write": (
        "取り込み記録 {path} に書けません: {reason}",
        "Cannot write the collect ledger {path}: {reason}",
    ),
    "collect.apply.no_cell": (
        "シート「{sheet}」の {field} のセルが見つかりません",
        "The cell of {field} on sheet '{sheet}' was not found",
    ),
    # ---- fields
    "collect.field.number": ("事業番号", "project number"),
    "collect.field.name": ("事業名", "project name"),
    "collect.field.municipalities": ("関係市町村", "participating municipalities"),
    "collect.field.content": ("内容", "content"),
    "collect.field.effect": ("連携効果", "effect"),
    "collect.field.cost": ("事業費見込額（{subject}年度）", "cost (FY{subject})"),
    "collect.field.role": ("役割分担（{subject}）", "role ({subject})"),
    "collect.field.kpi_current": ("成果指標「{subject}」現状値", "KPI '{subject}' current"),
    "collect.field.kpi_target": ("成果指標「{subject}」目標値", "KPI '{subject}' target"),
    "collect.field.note": ("注記 {subject}", "note {subject}"),
    "collect.field.sheet": ("個表", "project sheet"),
    # ---- statuses
    "collect.status.proposed": ("取り込み候補", "proposed"),
    "collect.status.applied": ("取り込み済", "applied"),
    "collect.status.kept": ("マスターの変更を維持", "kept (master)"),
    "collect.status.conflict": ("競合", "conflict"),
    "collect.status.refused": ("取り込み不可", "refused"),
    "collect.status.same": ("反映済み", "already in master"),
    "collect.return.taken": ("取り込み対象", "taken"),
    "collect.return.refused": ("取り込み不可", "refused"),
    "collect.return.duplicate": ("競合（複数の返送）", "conflict (several returns)"),
    "collect.return.superseded": ("古い返送", "superseded"),
    "collect.return.taken_before": ("取り込み済み", "taken before"),
    # ---- the plan on screen (cli/collect.py)
    "collect.plan.returns": ("返送ファイル:", "Returns:"),
    "collect.plan.returns.columns": (
        "ファイル|市町村|配布|状態|理由",
        "File|Town|Distribution|Status|Reason",
    ),
    "collect.plan.return_line": (
        "  {file}: {town}（配布 {distribution}）{status}{reason}",
        "  {file}: {town} (distribution {distribution}) {status}{reason}",
    ),
    "collect.plan.town": ("■ {town}（{file}）", "■ {town} ({file})"),
    "collect.plan.project": (
        "  No.{number}（シート「{sheet}」）",
        "  No.{number} (sheet '{sheet}')",
    ),
    "collect.plan.change": (
        "    [{status}] {field}: {base} → {theirs}{ours}{reason}",
        "    [{status}] {field}: {base} -> {theirs}{ours}{reason}",
    ),
    "collect.plan.ours": ("（マスター: {ours}）", " (master: {ours})"),
    "collect.plan.no_changes": ("変更はありません。", "No changes."),
    "collect.plan.counts": (
        "取り込み候補 {proposed} 件、競合 {conflict} 件、取り込み不可 {refused} 件、マスターの変更を維持 {kept} 件",
        "{proposed} proposed, {conflict} conflicts, {refused} refused, {kept} kept from the master",
    ),
    "collect.plan.applied_counts": (
        "取り込み済 {applied} 件、競合 {conflict} 件、取り込み不可 {refused} 件、マスターの変更を維持 {kept} 件",
        "{applied} applied, {conflict} conflicts, {refused} refused, {kept} kept from the master",
    ),
    "collect.plan.warning": ("    注意: {message}", "    Warning: {message}"),
    "collect.plan.finding": (
        "    エラー {sheet} {cell}: {message}",
        "    Error {sheet} {cell}: {message}",
    ),
    "collect.plan.dry": (
        "まだマスターには書き込んでいません。取り込むには --apply を付けて実行してください。",
        "Nothing written to the master yet; run with --apply to take the changes in.",
    ),
    "collect.plan.report": ("取り込み結果: {path}", "Collect report: {path}"),
    "collect.confirm": (
        "取り込み候補をマスターに書き込みますか？",
        "Write the proposed changes into the master?",
    ),
    "collect.needs_yes": (
        "確認できないため書き込みません。--yes を付けて実行してください。",
        "Cannot ask for confirmation; run with --yes to write.",
    ),
    "collect.cancelled": (
        "取りやめました（何も書き込んでいません）。",
        "Cancelled (nothing written).",
    ),
    "collect.saved": (
        "マスターを更新しました: {path}\n更新前の控え: {backup}",
        "Saved {path}; backup: {backup}",
    ),
    "collect.nothing_written": (
        "マスターに書き込む変更はありません。",
        "No change to write into the master.",
    ),
    "collect.recorded": (
        "取り込み記録に {count} 件を記録しました。",
        "{count} returns recorded in the collect ledger.",
    ),
    "collect.has_errors": (
        "マスターにエラーがあるため、取り込みの計画を作りません。",
        "The master has errors; no collect plan is made.",
    ),
    # ---- the report workbook
    "collect.report.sheet": ("取り込み結果", "Collect report"),
    "collect.report.returns_sheet": ("返送ファイル", "Returns"),
    "collect.report.columns": (
        "市町村|事業番号|シート|項目|配布時|返送|マスター|状態|理由|セル|ファイル",
        "Town|Number|Sheet|Field|Sent|Returned|Master|Status|Reason|Cell|File",
    ),
    "collect.report.default_name": ("{stem}_取り込み結果.xlsx", "{stem}_collect.xlsx"),
    "collect.blank": ("（空欄）", "(blank)"),
}
