"""Messages of kohyo book: the booklet of every 個表 and its printed pages."""

from __future__ import annotations

# key -> (Japanese, English). Fields are str.format fields; both texts use the same ones.
MESSAGES: dict[str, tuple[str, str]] = {
    # ---- kohyo book (cli/book.py, book/)
    "book.cli.errors": (
        "。エラーを直すまで個表集は作りません。",
        ". No booklet is made until the errors are fixed.",
    ),
    "book.cli.made": (
        "個表集を作りました: {folder}\n  {files}",
        "Made the booklet: {folder}\n  {files}",
    ),
    "book.cli.pages": (
        "  {pages} ページ、個表 {count} 件。掲載ページ（{source}）:\n  番号  ページ  事業名",
        "  {pages} pages, {count} project sheets. Pages ({source}):\n  No.   page  name",
    ),
    "book.cli.from_pdf": ("PDF から読み取ったもの", "read from the PDF"),
    "book.cli.computed": (
        "計算によるもの。印刷と確かめるには --pdf を付けてください",
        "computed; add --pdf to read them from the rendered PDF",
    ),
    "book.cli.warning": ("注意: {message}", "Note: {message}"),
    "book.ref.missing": (
        "個表集のページ情報が見つかりません: {path}（kohyo book が出力先に書く book.json か、"
        "個表集の PDF を指定してください）",
        "The booklet's page file was not found: {path} (give the book.json kohyo book writes, "
        "or the booklet's PDF)",
    ),
    "book.ref.bad_json": (
        "{path} は kohyo book の book.json として読めません（{reason}）",
        "{path} cannot be read as kohyo book's book.json ({reason})",
    ),
    "book.ref.not_in_book": (
        "個表集 {book} に事業番号 {number}「{name}」がありません。変更案のマスターから"
        "kohyo book で作り直してください。",
        "The booklet {book} has no project {number} ({name}). Make it again with kohyo book "
        "from the amended master.",
    ),
    "book.remarks.missing": (
        "config.toml の [book] remarks のファイルが見つかりません: {path}",
        "The file named by [book] remarks in config.toml was not found: {path}",
    ),
    "book.remarks.unreadable": (
        "掲載ページの備考ファイル {path} を読めません: {reason}",
        "The remarks file {path} cannot be read: {reason}",
    ),
    "book.remarks.bad": (
        "掲載ページの備考ファイル {path} の {entry} が正しくありません: "
        '事業番号 = "備考" の形で書いてください（値: {value}）',
        '{entry} in the remarks file {path} is wrong: write project number = "remark" '
        "(value: {value})",
    ),
    "book.too_many_pages": (
        "個表が {pages} ページになり、1 枚のシートに入れられる改ページの上限（{limit}）を"
        "超えます。",
        "The project sheets take {pages} pages, more than the page breaks one sheet can hold "
        "({limit}).",
    ),
    "book.write_failed": (
        "個表集 {name} を作れませんでした（{reason}）。",
        "Could not write the booklet {name} ({reason}).",
    ),
    "book.no_projects": (
        "マスター {path} に個表がないため、個表集は作りません。",
        "The master {path} has no project sheets, so no booklet was made.",
    ),
    "book.not_found_in_pdf": (
        "PDF {name} の中に事業番号 {number}「{project}」の個表が見つかりませんでした。",
        "The sheet of project {number} ({project}) was not found in the PDF {name}.",
    ),
    "book.split": (
        "PDF の {pages} ページで個表が 2 ページにまたがっているようです。"
        "templates/book.toml や kohyo_sheet.toml の余白・文字の大きさを見直してください。",
        "On page(s) {pages} of the PDF a project sheet seems split across two pages; check the "
        "margins and font sizes of templates/book.toml and kohyo_sheet.toml.",
    ),
    "book.too_tall": (
        "事業番号 {number}「{name}」の個表は 1 ページに入らないため、2 ページ以上にまたがります"
        "（内容などを短くするか、kohyo_sheet.toml の文字の大きさ・余白を見直してください）。",
        "The sheet of project {number} ({name}) is taller than a page and runs over two or more "
        "pages (shorten it, or change the font size or margins in kohyo_sheet.toml).",
    ),
    "book.unsettled": (
        "目次を直して {count} 回作り直しても、PDF のページ番号が目次と合いませんでした。",
        "The page numbers of the PDF still differ from the contents page after {count} re-renders.",
    ),
    "book.leak": (
        "個表集 {name} に載せない事業（No.{numbers}）の内容が含まれていました（{part}）。"
        "kohyo の不具合です。このファイルは削除しました。",
        "The booklet {name} held text of projects it must not (No.{numbers}) ({part}). This "
        "is a bug in kohyo; the file was deleted.",
    ),
    "book.folder_failed": (
        "{folder} を作れません（{reason}）",
        "{folder} cannot be made ({reason})",
    ),
    "book.ref.no_projects": ('"projects" がありません', 'it has no "projects"'),
    "book.ref.bad_item": ("読めない項目があります: {item}", "an item cannot be read: {item}"),
    "look.what.book": ("個表集の書式ファイル", "the booklet look file"),
    "book.look.gap": (
        "0〜200 ポイントの範囲で指定してください",
        "give a number of points from 0 to 200",
    ),
    "book.look.sheet_name": (
        "シート名に使えません（{problem}）",
        "not a usable sheet name ({problem})",
    ),
    # ---- --help of kohyo book (cli/book.py)
    "help.book": (
        "全事業の個表を 1 冊にした「個表集」を作ります (the booklet of every 個表).\n\n"
        "個表を事業番号の順に、1 ページに入るだけ並べます（1 つの個表が 2 ページに分かれることは\n"
        "ありません）。表紙と目次を付け、ページ番号は config.toml の [book] first_page と\n"
        "front_pages から数えます。各事業の掲載ページは出力先の book.json に書かれ、\n"
        "kohyo diff --book で変更概要の「資料の掲載ページ等」に入ります。\n"
        "--pdf を付けないときのページは計算によるものです。\n"
        "マスターにエラーがあれば何も作らず終了コード 1 です。",
        "Make the booklet of every project sheet, in project number order.\n\n"
        "As many whole project sheets as fit go on a page (none is split across two pages),\n"
        "after a cover and a contents page; page numbers start from [book] first_page and\n"
        "front_pages in config.toml. Each project's page is written to book.json in the output\n"
        "folder, and kohyo diff --book puts it into the overview's reference column.\n"
        "Without --pdf the pages are computed.\n"
        "A master with errors makes nothing (exit code 1).",
    ),
    "help.book.out_dir": (
        "出力先のフォルダー（既定: paths.output_dir の下の book.folder_pattern）。",
        "Output folder (default: book.folder_pattern under paths.output_dir).",
    ),
    "help.book.pdf": (
        "PDF も作り、各個表のページを PDF から読み取ります（LibreOffice と poppler の pdftotext が必要）。",
        "Also make the PDF and read each project's page from it (needs LibreOffice and "
        "poppler's pdftotext).",
    ),
    "help.book.as_json": (
        "ページ数と各事業の掲載ページを JSON で出力します。",
        "Print the page count and each project's page as JSON.",
    ),
}
