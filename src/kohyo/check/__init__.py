"""Checking: one rule per function, the findings catalogue, the findings workbook (検証結果)."""
