"""Mail: prepare each town's message, the MIME letter, SMTP delivery, the sent ledger."""
