"""The booklet of every 個表 (資料2-3 of the vision) and the page each one is printed on.

- :mod:`kohyo.book.pages`: which 個表 go in (:func:`booklet_projects`), how many fit a page,
  and where a rendered PDF put each one. Pure.
- :mod:`kohyo.book.look`: the 表紙 and 目次 look (``templates/book.toml``).
- :mod:`kohyo.book.workbook`: the workbook, from the one 個表 grid and its XlsxWriter renderer.
- :mod:`kohyo.book.build`: :func:`build_book` — write, leak-check, render, read pages back.
- :mod:`kohyo.book.reference`: the pages and remarks ``kohyo diff --book`` puts in the overview.
"""
