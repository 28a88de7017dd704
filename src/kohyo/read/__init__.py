"""Reading: package checks, the zip+lxml workbook reader, cell grids, normalisation, the label-anchored parser."""
