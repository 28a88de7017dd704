"""Files kohyo writes: the one atomic writer, digests, Windows-safe names, PDF through LibreOffice."""
