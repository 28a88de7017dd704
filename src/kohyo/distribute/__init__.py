"""Distribution: one workbook per municipality, its manifest, the leak check."""
