"""The xlsx edge: reading cell grids and patching packages (zip + lxml)."""
