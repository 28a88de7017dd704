"""kohyo's default templates, shipped in the wheel as the package ``kohyo.templates``.

This file only makes the folder an importable package (so ``importlib.resources`` finds
it in an editable install too); the templates are the ``.toml`` and ``.j2`` files. To
restyle an area, copy a template to ``templates/`` beside its config.toml
(``kohyo init --templates``) and edit the copy: see docs/templates.md.
"""
