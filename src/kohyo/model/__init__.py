"""The domain model: Project and its parts, block labels, and the derived values kohyo owns (計, 総括表)."""
