"""Messages of mail: preparing, checking and sending the town mails, the send ledger."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {
    # ---- kohyo mail (cli/mail.py)
    "mail.resend_needs_send": (
        "--resend は --send と一緒に指定してください。",
        "--resend goes with --send.",
    ),
    "mail.outbox_needs_dry_run": (
        "--outbox はドライラン（--send なし）で使います。",
        "--outbox is for a dry run (without --send).",
    ),
    "mail.results": ("送信の結果:", "Sending:"),
    "mail.written": (
        "  {town}  宛先 {to}  添付 {files} 件{note}",
        "  {town}  to {to}  {files} attachment(s){note}",
    ),
    "mail.written.already_sent": (
        "（送信済み: --send では省略されます）",
        " (already sent: --send skips it)",
    ),
    "mail.sent": (
        "  送信しました  {town}  宛先 {to}  （サーバーの応答: {reply}）",
        "  Sent  {town}  to {to}  (server reply: {reply})",
    ),
    "mail.skipped": ("  省略（送信済み）  {town}", "  Skipped (already sent)  {town}"),
    "mail.failed": ("  失敗  {town}: {detail}", "  Failed  {town}: {detail}"),
    "mail.note": ("  注意: {note}", "  Note: {note}"),
    "mail.folder": ("配布フォルダー: {folder}", "Distribution folder: {folder}"),
    "mail.dry_run.done": (
        "ドライラン: .eml を {count} 件書き出しました（送信はしていません）。"
        "内容を確かめてから kohyo mail --send で送信してください。",
        "Dry run: wrote {count} .eml file(s) (nothing was sent). "
        "Check them, then send with kohyo mail --send.",
    ),
    "mail.server": ("SMTP サーバー: {server}", "SMTP server: {server}"),
    "mail.sent.summary": (
        "送信 {sent} 件、送信済みのため省略 {skipped} 件、失敗 {failed} 件",
        "{sent} sent, {skipped} skipped (already sent), {failed} failed",
    ),
    "mail.failed.retry": (
        "失敗した分は、原因を解消してから kohyo mail --send をもう一度実行すると送られます"
        "（送信済みの分は送りません）。",
        "Fix the cause and run kohyo mail --send again to send the failed ones "
        "(those already sent are not sent again).",
    ),
    # ---- preparing (mail/prepare.py)
    "mail.wrong_area": (
        "配布フォルダー {folder} は「{area}」のものです（設定は「{configured}」）。"
        "--config か --dir を確かめてください。",
        "The distribution folder {folder} is for '{area}' (config says '{configured}'). "
        "Check --config or --dir.",
    ),
    "mail.problems": (
        "確認で問題が見つかったため、どのメールも作成・送信していません。\n  {problems}",
        "The checks found problems, so no mail was made or sent.\n  {problems}",
    ),
    "mail.town.no_files.note": (
        "{town}: 配布フォルダーにファイルがないため送りません",
        "{town}: no files in the distribution folder; not sent",
    ),
    "mail.no_partner_files": (
        "配布フォルダー {folder} に連携町村のファイルがありません",
        "The distribution folder {folder} has no files for the partner towns",
    ),
    "mail.town.unknown": (
        "--town「{name}」は config.toml の area.municipalities にありません（{known}）",
        "--town '{name}' is not in area.municipalities of config.toml ({known})",
    ),
    "mail.town.no_files": (
        "配布フォルダー {folder} に {town} のファイルがありません",
        "The distribution folder {folder} has no files for {town}",
    ),
    "mail.no_recipients.config": (
        'config.toml の [mail.recipients."{town}"] に宛先（to）がありません',
        'config.toml has no recipient (to) in [mail.recipients."{town}"]',
    ),
    "mail.foreign_projects": (
        "manifest の事業番号 {numbers} は {town} が関係する事業ではありません",
        "The manifest lists projects {numbers}, which do not concern {town}",
    ),
    "mail.text_leak": (
        "件名・本文（変更の概要など）に {town} が関係しない事業{projects}の内容があります",
        "The subject or body (the change summary …) holds text of projects{projects} "
        "that do not concern {town}",
    ),
    "mail.summary_unreadable": (
        "変更の概要 {path} を UTF-8 のテキストとして読めません（{reason}）",
        "The change summary {path} cannot be read as UTF-8 text ({reason})",
    ),
    "mail.no_recipients": ("宛先がありません", "No recipients"),
    "mail.recipient_unknown": (
        "設定にない宛先 {address} が含まれています",
        "The recipient {address} is not in the config",
    ),
    "mail.header_forbidden": ("{header} は使いません", "{header} is not used"),
    "mail.hidden_recipients": (
        "ヘッダーにない宛先に送ろうとしています: {addresses}",
        "Would send to recipients not in the headers: {addresses}",
    ),
    "mail.too_large": (
        "添付ファイルの合計 {total} が上限 {limit} を超えています（config.toml の mail.max_attachment_mb）",
        "The attachments total {total}, over the limit of {limit} "
        "(mail.max_attachment_mb in config.toml)",
    ),
    # ---- the send ledger (mail/ledger.py)
    "mail.ledger.unreadable": (
        "送信記録 {path} を読めません（{reason}）",
        "The send ledger {path} cannot be read ({reason})",
    ),
    "mail.ledger.bad_line": (
        "送信記録 {path} の {line} 行目を読めません。手で編集した場合は元に戻してください。",
        "Line {line} of the send ledger {path} cannot be read. If you edited it, undo that.",
    ),
    "mail.ledger.not_writable": (
        "送信記録 {path} に書き込めないため送信しません（{reason}）",
        "The send ledger {path} cannot be written, so nothing is sent ({reason})",
    ),
    # ---- templates and headers (mail/message.py)
    "mail.template.missing": (
        "メールのテンプレート {path} がありません",
        "The mail template {path} is missing",
    ),
    "mail.template.syntax": (
        "メールのテンプレート {path} の {line} 行目に誤りがあります: {detail}",
        "The mail template {path} has an error on line {line}: {detail}",
    ),
    "mail.template.render": (
        "メールのテンプレート {path} を差し込みできません: {detail}",
        "The mail template {path} cannot be filled in: {detail}",
    ),
    "mail.template.not_found": (
        "メールのテンプレート（templates/mail/subject.j2, body.j2）が見つかりません: {path}",
        "The mail templates (templates/mail/subject.j2, body.j2) were not found: {path}",
    ),
    "mail.sender.missing": (
        "設定ファイル {path} の mail.sender に差出人のメールアドレスを指定してください（{value}）",
        "Give the sender's mail address as mail.sender in the settings file {path} ({value})",
    ),
    "mail.subject.empty": ("件名が空になりました（{path}）", "The subject came out empty ({path})"),
    # ---- writing and sending (mail/send.py)
    "mail.status.already_sent": ("送信済み", "already sent"),
    "mail.stop.connection_lost": (
        "サーバーとの接続が切れたため送っていません",
        "Not sent: the connection to the server was lost",
    ),
    "mail.sent.ledger_failed": (
        "送信しましたが、送信記録 {path} に書けませんでした（{reason}）",
        "Sent, but the send ledger {path} could not be written ({reason})",
    ),
    "mail.stop.ledger": (
        "送信記録に書けないため送っていません",
        "Not sent: the send ledger cannot be written",
    ),
    "mail.eml.locked": (
        "{path} に書き込めません。Outlook などで開いている場合は閉じてから実行してください。",
        "{path} cannot be written. If Outlook or another program has it open, close it and run again.",
    ),
    "mail.eml.cannot_write": (
        "{path} に書き込めません（{reason}）",
        "{path} cannot be written ({reason})",
    ),
    "mail.ca_file": (
        "{where} の証明書ファイル {path} を読めません（{reason}）",
        "The certificate file {path} ({where}) cannot be read ({reason})",
    ),
    "mail.no_password": (
        "SMTP のパスワードがありません。環境変数 {env} に設定してください"
        "（または OS の資格情報に サービス名 {service}・ユーザー名 {user} で登録）。",
        "There is no SMTP password. Set it in the environment variable {env} "
        "(or store it in the OS credential store as service {service}, user {user}).",
    ),
    "mail.password_unencrypted": (
        '暗号化なし（mail.security = "none"）ではパスワードを送りません。'
        'mail.security を "starttls" か "ssl" にしてください（{where}）',
        'kohyo does not send a password unencrypted (mail.security = "none"). '
        'Set mail.security to "starttls" or "ssl" ({where})',
    ),
    "mail.no_starttls": (
        "SMTP サーバー {where} が STARTTLS に対応していないため送りません",
        "The SMTP server {where} does not offer STARTTLS; nothing is sent",
    ),
    "mail.auth_failed": (
        "SMTP サーバー {where} で認証に失敗しました（{reply}）",
        "Login to the SMTP server {where} failed ({reply})",
    ),
    "mail.auth_not_ascii": (
        "SMTP のユーザー名かパスワードに半角英数字・記号以外の文字があるため、{where} にログインできません",
        "The SMTP user name or password has characters other than ASCII, so kohyo cannot "
        "log in to {where}",
    ),
    "mail.no_auth": (
        "SMTP サーバー {where} がログイン（AUTH）に対応していません",
        "The SMTP server {where} does not support login (AUTH)",
    ),
    "mail.cert": (
        "SMTP サーバー {where} の証明書を確認できません（{reason}）。"
        "組織内の認証局を使う場合は、環境変数 {env} にその証明書ファイルを指定してください",
        "The certificate of the SMTP server {where} cannot be verified ({reason}). "
        "If your organisation has its own certificate authority, name its file in {env}",
    ),
    "mail.connect": (
        "SMTP サーバー {where} に接続できません（{reason}）",
        "Cannot connect to the SMTP server {where} ({reason})",
    ),
    "mail.rejected.sender": (
        "差出人 {sender} を受け付けませんでした: {code} {reply}",
        "The server refused the sender {sender}: {code} {reply}",
    ),
    "mail.rejected.recipient": (
        "宛先 {rcpt} を受け付けませんでした: {code} {reply}",
        "The server refused the recipient {rcpt}: {code} {reply}",
    ),
    "mail.rejected": (
        "メールを受け付けませんでした: {reply}",
        "The server refused the mail: {reply}",
    ),
    "mail.disconnected": (
        "サーバーとの接続が切れました{unsure}: {reason}",
        "The connection to the server was lost{unsure}: {reason}",
    ),
    "mail.disconnected.unsure": (
        "（送信中に切れたため、届いたかどうか確認できません）",
        " (during the transfer: whether it arrived is unknown)",
    ),
}
