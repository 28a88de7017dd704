"""The change overview (変更案の概要): compare two masters, text diff, the page view, HTML/Markdown/xlsx."""
