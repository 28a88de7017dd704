"""Layout: the 個表 grid, the cover (一覧), the 総括表, sheet looks, page text and text metrics."""
