"""Messages of the command frame: usage errors, option help, and the per-command reports of distribute, diff and mail."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {  # ---- click's own words, in Japanese mode (cli/common.py)
    "usage.prefix": ("使い方: ", "Usage: "),
    "usage.hint": (
        "「{command} {option}」で使い方を表示します。",
        "Try '{command} {option}' for help.",
    ),
    "help.section.options": ("オプション", "Options"),
    "help.section.commands": ("コマンド", "Commands"),
    "usage.no_such_option": ("{option} というオプションはありません。", "No such option: {option}"),
    "usage.did_you_mean": ("{options} のことですか？", "Did you mean {options}?"),
    "usage.no_such_command": (
        "{command} というコマンドはありません。",
        "No such command {command}.",
    ),
    "usage.extra_arguments": (
        "余分な引数があります（{arguments}）。",
        "Got unexpected extra arguments ({arguments}).",
    ),
    "usage.requires_argument": (
        "{option} には値を指定してください。",
        "Option {option} requires an argument.",
    ),
    "usage.requires_arguments": (
        "{option} には値を {count} 個指定してください。",
        "Option {option} requires {count} arguments.",
    ),
    "usage.takes_no_value": (
        "{option} には値を付けません。",
        "Option {option} does not take a value.",
    ),
    "usage.missing": ("{what} {name} を指定してください。", "Missing {what} {name}."),
    "usage.missing.argument": ("引数", "argument"),
    "usage.missing.option": ("オプション", "option"),
    "usage.missing.parameter": ("パラメーター", "parameter"),
    "usage.invalid_value": (
        "{param} の値が正しくありません: {detail}",
        "Invalid value for {param}: {detail}",
    ),
    "usage.not_one_of": (
        "{value} は使えません（{choices} のいずれかを指定してください）。",
        "{value} is not one of {choices}.",
    ),
    "usage.path_missing": ("{path} が見つかりません。", "{path} does not exist."),
    "usage.not_integer": ("{value} は整数ではありません。", "{value} is not a valid integer."),
    "usage.out_of_range": (
        "{value} は範囲外です（{range}）。",
        "{value} is not in the range {range}.",
    ),
    # ---- --help texts: help.<command> is the command's help, help.<command>.<option> an
    # option's; help.option.<option> is shared by every command that has the option.
    # Looked up when help is shown (cli/common.py KohyoCommand), so --lang applies.
    "help.kohyo": (
        "kohyo — 連携中枢都市圏ビジョンの個表ツール.\n\nマスター（全事業の個表をまとめたブック）を検証し、計と総括表を更新し、\n市町村ごとのブックを作り、変更の概要をまとめ、メールで送ります。",
        "kohyo — the project sheet tool of a regional collaboration vision.\n\nValidates the master (the workbook holding every project sheet), refreshes the totals and\nthe summary sheet, makes one workbook per municipality, summarises changes, and mails them.",
    ),
    "help.option.version": (
        "バージョンを表示して終了します。",
        "Show the version and exit.",
    ),
    "help.option.help": (
        "このメッセージを表示して終了します。",
        "Show this message and exit.",
    ),
    "help.option.as_json": (
        "結果を JSON で出力します（プログラム向け）。",
        "Print the result as JSON (for programs).",
    ),
    "help.option.config_path": (
        "設定ファイル config.toml の場所。省くと、今のフォルダー、マスターのフォルダー、"
        "その上のフォルダーの順に探します。",
        "Where the settings file config.toml is. Without it, kohyo looks in the current "
        "folder, then the master's folder and each folder above it.",
    ),
    "help.option.lang": (
        "メッセージの言語 (ja/en)。環境変数 KOHYO_LANG でも指定できます。",
        "Language of the messages (ja/en). The environment variable KOHYO_LANG works too.",
    ),
    "help.validate": (
        "マスターの個表を検証します (validate every 個表 in MASTER).\n\n問題のあるセルをシート名とセル番地で示します。エラーがあれば終了コード 1、\nファイルを読めなければ 2 です。MASTER を省くと config.toml の paths.master を使います。",
        "Validate every project sheet in MASTER.\n\nProblem cells are shown by sheet name and cell address. Exit code 1 when there are errors,\n2 when the file cannot be read. Without MASTER, paths.master of config.toml is used.",
    ),
    "help.validate.quiet": (
        "情報（info）を表示しません。",
        "Do not show info findings.",
    ),
    "help.validate.report_path": (
        "検証結果を Excel ファイル（.xlsx）にも書き出します。各行のリンクでマスターのそのセルへ移動できます。FILE を省くとマスターと同じフォルダーに「<マスター名>_検証結果.xlsx」。",
        "Also write the findings to an Excel file (.xlsx); each row links to its cell in the master. Without FILE: a file named after the master, beside it.",
    ),
    "help.validate.open_report": (
        "書き出した検証結果を Excel で開きます（--report を省くと既定の場所に書き出します）。",
        "Open the written findings workbook in Excel (without --report it is written to the default place).",
    ),
    "help.validate.live": (
        "Excel で開いているマスターを、開いたまま検証します（Windows/macOS の Excel と xlwings が必要）。",
        "Validate the master while it is open in Excel (needs Excel on Windows/macOS and xlwings).",
    ),
    "help.refresh": (
        "計と総括表を更新します (refresh the 計 of every 個表 and the 総括表).\n\nまず全個表を検証し、エラーがあれば何も書き込まずに終了コード 1 で終わります。\n書き込みは一時ファイルに行い、読み直して確かめてから置き換えます。更新前の\nマスターは paths.backup_dir に控えを残します。Excel で開いているときは中止します。\n\n--live: Excel で開いているマスター（MASTER と同じファイル、なければ作業中のブック）の\n計と総括表を Excel の中で書き換えます。保存は自分で行うか、--save を付けます。",
        "Refresh the total of every project sheet and the summary sheet.\n\nFirst every project sheet is validated; with errors nothing is written and the exit code is 1.\nThe new content is written to a temporary file, read back and checked, then replaces the\nmaster; the old master is kept in paths.backup_dir. Stops when the master is open in Excel.\n\n--live: rewrite the totals and the summary sheet inside Excel, in the master open there\n(the same file as MASTER, else the active workbook). Save it yourself, or add --save.",
    ),
    "help.refresh.as_json": (
        "結果を JSON で出力します。",
        "Print the result as JSON.",
    ),
    "help.refresh.no_distribute": (
        "市町村別ファイルを作りません（config の refresh.distribute より優先）。",
        "Do not make the per-municipality files (overrides refresh.distribute in the config).",
    ),
    "help.refresh.live": (
        "Excel で開いているマスターを、開いたまま更新します（Windows/macOS の Excel と xlwings が必要）。",
        "Refresh the master while it is open in Excel (needs Excel on Windows/macOS and xlwings).",
    ),
    "help.refresh.save": (
        "--live のあと Excel でブックを保存します（保存前のファイルは控えに残します）。",
        "After --live, save the workbook in Excel (the file before is kept as a backup).",
    ),
    "help.distribute": (
        "市町村ごとの配布用ブックを作ります (one workbook per municipality).\n\n各ブックには、その市町村が関係する事業だけが入ります（1 枚目が一覧、続いて個表）。\nマスターにエラーがあれば何も作らず終了コード 1 です。MASTER を省くと\nconfig.toml の paths.master を使います。作ったファイルの一覧は出力先の\nmanifest.json に書かれ、kohyo mail はそれを読んで送ります。",
        "Make one workbook per municipality.\n\nEach workbook holds only the projects its municipality takes part in (a cover sheet first,\nthen the project sheets). With errors in the master nothing is made and the exit code is 1.\nWithout MASTER, paths.master of config.toml is used. The files made are listed in\nmanifest.json in the output folder; kohyo mail reads it to send them.",
    ),
    "help.distribute.towns": (
        "この市町村の分だけ作ります（くり返し指定できます）。省くと全市町村。",
        "Make only this municipality's files (may be repeated). Without it: every municipality.",
    ),
    "help.distribute.out_dir": (
        "出力先のフォルダー（既定: paths.output_dir の下の distribution.folder_pattern）。",
        "Output folder (default: distribution.folder_pattern under paths.output_dir).",
    ),
    "help.distribute.pdf": (
        "PDF も作ります（LibreOffice が必要）。既定は config の distribution.pdf。",
        "Also make PDFs (needs LibreOffice). Default: distribution.pdf of the config.",
    ),
    "help.diff": (
        "2つのマスターを比べ、変更案の概要を作ります (compare two versions of the master).\n\n\x08\nOLD  変更前（現在）のマスター\nNEW  変更案のマスター（省くと config.toml の paths.master）\n\n新規・変更・統合・名称変更・終了（削除）を事業ごとに示します。\n事業番号がずれただけの事業は「変更」に数えません。\n--book を付けると、新規事業の掲載ページ（資料の掲載ページ等）を個表集から入れます。\n備考（例: ※R2 から連携済）は config.toml と同じフォルダーの remarks.toml から入ります。\n\n\x08\n出力: overview.html（印刷用）、overview.md、overview.xlsx\n終了コード: 0 完了、1 エラーのあるマスター（--allow-errors で比べます。事業名の重複など\n比べようのないエラーは除く）、2 ファイルを読めない",
        "Compare two versions of the master and write the change overview.\n\n\x08\nOLD  the current master\nNEW  the proposed master (default: paths.master of config.toml)\n\nShows each project added, changed, merged, renamed or ended (removed).\nA project whose number merely moved is not counted as changed.\nWith --book, each new project's printed page (from the booklet) goes into the reference column;\nremarks (such as a year it already started) come from remarks.toml beside config.toml.\n\n\x08\nOutput: overview.html (for printing), overview.md, overview.xlsx\nExit codes: 0 done, 1 a master with errors (--allow-errors compares anyway, except errors\nthat make comparing impossible such as duplicate names), 2 a file cannot be read",
    ),
    "help.diff.out_dir": (
        "出力先のフォルダー（既定: 出力先/変更概要_<日付>）。",
        "Output folder (default: a dated folder in the output folder).",
    ),
    "help.diff.as_json": (
        "変更点を JSON で出力します（ファイルは作りません）。",
        "Print the changes as JSON (no files are written).",
    ),
    "help.diff.book": (
        "個表集のページ情報（kohyo book が書く book.json、または個表集の PDF）。"
        "新規事業の「資料の掲載ページ等」に「・N ページ」を入れます。",
        "The booklet's pages (the book.json kohyo book writes, or the booklet's PDF); each new "
        "project's reference column gets its page.",
    ),
    "help.diff.allow_errors": (
        "エラーのあるマスターでも比べます（事業名の重複など、比べようのないエラーは除く）。",
        "Compare even a master with errors (except errors that make comparing impossible, "
        "such as duplicate names).",
    ),
    "help.mail": (
        "市町村別の個表をメールで送ります (mail each partner town its files).\n\n既定はドライランです。送信はせず、町村ごとに 1 通の .eml（Outlook や Thunderbird で開けます）を書き出します。\n内容を確かめてから --send で送信してください。\n\n送る前に、宛先が config.toml のとおりか、添付が配布したときのままか（sha256）、\nほかの市町村の事業が入っていないか、サイズが上限以内かを確かめます。\n問題があれば 1 通も送りません（終了コード 2）。\n\n送信したものは送信記録 mail_ledger.jsonl に残り、もう一度実行しても送り直しません（--resend で送り直します）。\n途中で失敗した場合は終了コード 1 で、次の実行では残りだけを送ります。",
        "Mail each partner town its files.\n\nA dry run by default: nothing is sent; one .eml per town is written (Outlook and Thunderbird\nopen it). Check them, then send with --send.\n\nBefore sending, kohyo checks that the recipients are those of config.toml, that the\nattachments are as distributed (sha256), that no other municipality's projects are in them,\nand that the size is within the limit. On any problem nothing is sent (exit code 2).\n\nWhat was sent is kept in the send ledger mail_ledger.jsonl and is not sent again on the next\nrun (--resend sends it again). A run that fails part way ends with exit code 1; the next run\nsends only the rest.",
    ),
    "help.mail.send": (
        "SMTP で実際に送信します。指定しなければ送信せず、.eml を書き出すだけです（ドライラン）。",
        "Really send by SMTP. Without it nothing is sent; .eml files are only written (dry run).",
    ),
    "help.mail.resend": (
        "送信記録にあるもの（送信済み）も、もう一度送ります。--send と一緒に使います。",
        "Send again what the send ledger lists as sent. Goes with --send.",
    ),
    "help.mail.towns": (
        "送る市町村（繰り返し指定できます）。既定は配布フォルダーにある連携町村すべて。",
        "Towns to send to (may be repeated). Default: every partner town in the distribution folder.",
    ),
    "help.mail.outbox": (
        "ドライランで .eml を書き出すフォルダー（既定: config.toml の mail.outbox_dir）。",
        "Folder for the .eml files of a dry run (default: mail.outbox_dir of config.toml).",
    ),
    "help.mail.folder": (
        "配布フォルダー（distribution folder、manifest.json のあるフォルダー）。既定は出力先の最新のもの。",
        "The distribution folder (the one with manifest.json). Default: the newest in the output folder.",
    ),
    "help.mail.summary": (
        "本文に入れる「変更の概要」: テキストファイル、または <市町村名>.txt を置いたフォルダー。",
        "The change summary for the mail body: a text file, or a folder of <town name>.txt files.",
    ),
    "help.collect": (
        "返送された個表をマスターに取り込みます (collect the towns' returned workbooks).\n\n市町村から返ってきた .xlsx（または保存したメール .eml の添付）を読み、配布の印（署名）を確かめ、\n項目ごとに 配布時 → 返送 を マスターの今の値 と比べます。町村だけが変えた項目は「取り込み候補」、\n配布後にマスターで変えた項目は「マスターの変更を維持」、両方で変えた項目や複数の町村が違う値に\n変えた項目は「競合」、変えてはいけない項目は「取り込み不可」として理由を表示します。\n\n--apply を付けると、取り込み候補だけを refresh と同じ方法（一時ファイル、読み直し、控え）で\nマスターに書き込み、計と総括表も更新します。取り込んだ返送は取り込み記録に残り、二度は取り込みません。\nPATH はファイルかフォルダー（中の .xlsx / .eml）。結果は 取り込み結果 のブックにも書きます。\n\n\x08\n終了コード: 0 計画を作った（または書き込んだ）、1 取り込めない返送があった・マスターにエラー、\n2 実行できない（ファイル・設定・鍵の問題、確認できない など）",
        "Collect the towns' returned workbooks into the master.\n\nReads every returned .xlsx (or .xlsx attached to a saved .eml mail), checks the distribution\nmarks (signed), and compares each field sent → returned against the master now. A field only the\ntown changed is proposed; one the master changed since is kept; one changed by both, or by two\ntowns differently, is a conflict; one the town may not change is refused, with the reason.\n\nWith --apply only the proposed changes are written into the master, the way refresh writes\n(temporary file, read back, backup), and the totals and the summary sheet are refreshed. Each\nreturn taken in is recorded in the collect ledger and never taken in twice. PATH is a file or a\nfolder (its .xlsx/.eml files). The result is also written to a collect-report workbook.\n\n\x08\nExit codes: 0 the plan was made (or written), 1 a return was refused as a whole or the master\nhas errors, 2 cannot run (a file, config or key problem, no way to confirm …)",
    ),
    "help.collect.master": (
        "取り込み先のマスター（既定: config の paths.master）。",
        "The master to collect into (default: paths.master in the config).",
    ),
    "help.collect.apply": (
        "取り込み候補をマスターに書き込みます。",
        "Write the proposed changes into the master.",
    ),
    "help.collect.yes": ("確認せずに書き込みます。", "Write without asking."),
    "help.collect.latest": (
        "同じ市町村から返送が複数あるとき、ファイルの更新日時が新しいほうを取り込みます。",
        "When a town returned more than one file, take the one with the newest file time.",
    ),
    "help.collect.report_path": (
        "取り込み結果のブックの保存先（既定: マスターと同じフォルダーの <マスター名>_取り込み結果.xlsx）。",
        "Where to write the collect-report workbook (default: <master>_collect.xlsx beside the master).",
    ),
    "help.collect.distributions": (
        "配布時の控え（base フォルダー）を探す配布フォルダー。paths.output_dir の外に配布したとき（くり返し指定できます）。",
        "A distribution folder to look for bases in, when distributed outside paths.output_dir (may be repeated).",
    ),
    "help.collect.as_json": ("結果を JSON で出力します。", "Print the result as JSON."),
    "help.new": (
        "個表を 1 枚追加します (add a 個表 to the master).\n\ntemplates/new_kohyo.toml のひな形から、空の個表を作ってマスターに加えます。\n変更の内容（事業番号の 旧→新、書き換える参照）を表示し、確認してから書き込みます。\n書き込みは refresh と同じく、一時ファイルに書いて読み直してから置き換え、控えを残します。\n\n\x08\n終了コード: 0 追加した（または取りやめた）、1 マスターにエラーがあり追加しない、\n2 実行できない（ファイル・設定・引数の問題、確認できない など）",
        "Add a project sheet to the master.\n\nMakes an empty project sheet from the template templates/new_kohyo.toml and adds it to the\nmaster. Shows the plan (project numbers old → new, references rewritten) and asks before\nwriting. Writing works as in refresh: a temporary file, read back, then the replacement,\nwith a backup kept.\n\n\x08\nExit codes: 0 added (or cancelled), 1 the master has errors so nothing was added,\n2 cannot run (a file, config or argument problem, no way to confirm …)",
    ),
    "help.new.name": (
        "新しい事業の事業名。",
        "The new project's name.",
    ),
    "help.new.after": (
        "事業番号 N の個表の後ろに、事業番号 N+1 として追加します。N より大きい番号は 1 ずつ繰り下げ、番号を名前にしたシートと「NO.xに統合」の参照も直します。省くと最後の番号の次。",
        "Add the project as number N+1, after project sheet N. Projects numbered above N move up by one, and sheets named by their number and 'NO.x' merge references follow. Default: after the last number.",
    ),
    "help.new.municipalities": (
        "関係市町村（例:「青森市、平内町」）。省くとひな形の値（既定は「全市町村」）。",
        "The participating municipalities (e.g. 'CityA,TownB'). Default: the template's value (all municipalities).",
    ),
    "help.new.yes": (
        "確認せずに実行します。",
        "Run without asking.",
    ),
    "help.export": (
        "マスターを分析用の表に書き出します (export the master as tidy tables).\n\n\x08\nprojects.csv       事業（番号・事業名・シート・内容・連携効果・計）\ncosts.csv          事業費見込額（番号・年度・金額（千円）・入力の状態）\nparticipation.csv  関係市町村（番号・市町村）\nroles.csv          役割分担（番号・誰が・役割）\nindicators.csv     成果指標（番号・指標・現状値・調査時点・目標値・目標年度）\nnotes.csv          注記（番号・順番・本文）\n\n列と型は docs/data.md にあります。エラーのあるマスターは書き出しません（終了コード 1）。",
        "Export the master as tidy tables.\n\n\x08\nprojects.csv       number, name, sheet, content, effect, total\ncosts.csv          number, fiscal year, amount (thousand yen), how it was typed\nparticipation.csv  number, municipality\nroles.csv          number, who, role\nindicators.csv     number, indicator, current value, survey point, target, target year\nnotes.csv          number, order, text\n\nColumns and types: docs/data.md. A master with errors is not exported (exit code 1).",
    ),
    "help.export.fmt": (
        "出力形式。csv は Excel で文字化けしない UTF-8（BOM 付き）。parquet は pyarrow が必要"
        '（pip install "kohyo[parquet]"）。',
        "Output format. csv is UTF-8 with a BOM, so Excel reads it without mojibake. parquet "
        'needs pyarrow (pip install "kohyo[parquet]").',
    ),
    "help.export.out_dir": (
        "出力先のフォルダー（既定: 出力先/データ_<日付>）。",
        "The output folder (default: a dated folder in the output folder).",
    ),
    "help.history": (
        "マスターの版を並べ、事業ごとの推移を作ります (each project's life across versions).\n\n\x08\nMASTERS  マスターの各版を古い順に（2 つ以上）\n\n事業の対応づけは kohyo diff と同じです（番号がずれても、名称が変わっても追えます）。\nhistory.xlsx・history.csv（事業ごとの各版の番号・計・出来事）、history_events.csv、\nhistory.md（版ごとの事業数と、新規・変更・統合・番号変更・終了）を書き出します。",
        "Each project's life across versions of the master.\n\n\x08\nMASTERS  the versions of the master, oldest first (two or more)\n\nProjects are matched as kohyo diff matches them (through renumbering and renaming).\nWrites history.xlsx and history.csv (each project's number, total and event per version),\nhistory_events.csv and history.md (projects per version; new, changed, merged, renumbered, ended).",
    ),
    "help.history.out_dir": (
        "出力先のフォルダー（既定: 出力先/推移_<日付>）。",
        "The output folder (default: a dated folder in the output folder).",
    ),
    "help.init": (
        "圏域のフォルダーを作ります (make an area folder).\n\nFOLDER（既定: 今のフォルダー）に、説明つきの config.toml と、「記入例」のシートと空の個表\n「1」を持つマスター workbooks/master.xlsx を作ります。圏域名と市町村は --area・--central・\n--town で指定します。省いた場合、端末からは質問し、それ以外では仮の値（〇〇市 など）を書きます。\nすでにあるファイルは上書きしません。\n\n\x08\n終了コード: 0 作った、2 作れない（config.toml などがすでにある、名前が正しくない など）",
        "Make an area folder.\n\nWrites into FOLDER (default: the current folder) a commented config.toml and a master\nworkbooks/master.xlsx with an example sheet and a blank project sheet '1'. Give the area and its\nmunicipalities with --area, --central and --town; without them kohyo asks on a terminal and\notherwise writes placeholders. Existing files are never overwritten.\n\n\x08\nExit codes: 0 made, 2 cannot (config.toml or another file already exists, a bad name …)",
    ),
    "help.init.area": ("圏域名（例: 〇〇圏域連携中枢都市圏）。", "The area's name."),
    "help.init.central": (
        "連携中枢都市。省くと最初の --town。",
        "The central city. Default: the first --town.",
    ),
    "help.init.towns": (
        "構成市町村（繰り返し指定できます）。連携中枢都市は含めても省いても構いません。",
        "A municipality (repeat the option). The central city may be included or left out.",
    ),
    "help.init.copy_templates": (
        "既定のテンプレート（書式・メール・変更概要）を templates/ に写します（書き換えて使うとき）。",
        "Copy kohyo's templates (looks, mail, change overview) into templates/ to restyle them.",
    ),
    "help.distribute.force": (
        "--out のフォルダーに kohyo が作っていないファイルや別の配布の manifest.json が"
        "あっても書き込みます（マスターは決して上書きしません）。",
        "Write into the --out folder even if it holds files kohyo did not write or another "
        "distribution's manifest.json (the master is never overwritten).",
    ),
    "help.dump": (
        "マスターの内容を JSON で出力します (print every 個表 as JSON).\n\n形式は docs/contract の「dump --json」のとおりです。",
        "Print every project sheet of the master as JSON.\n\nThe format is the 'dump --json' of docs/contract.",
    ),
    "help.dump.as_json": (
        "JSON で出力します（既定）。",
        "Print as JSON (the default).",
    ),
    "help.codes": (
        "検証コードの一覧を表示します (list finding codes, as Markdown).",
        "List the finding codes (as Markdown).",
    ),
}
