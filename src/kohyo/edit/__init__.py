"""In-place edits of the master: refresh (計 and 総括表) and new (add a 個表)."""
