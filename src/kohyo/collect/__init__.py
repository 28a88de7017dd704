"""Collect: the partner towns' returned workbooks, merged into the master — reviewed, authorised,
losing nothing.

``kohyo distribute`` marks each town's workbook (:mod:`kohyo.collect.marks`: town, distribution
id, a digest per 個表, signed with a key only the central city holds) and keeps what it sent as
the merge base (:mod:`kohyo.collect.base`). ``kohyo collect`` reads the returns
(:mod:`kohyo.collect.intake`: .xlsx files and .eml attachments), checks the marks, and compares
per field base (sent) → theirs (returned) against ours (the master now)
(:mod:`kohyo.collect.plan`). With ``--apply`` the proposed changes are patched into the master
through the same zero-loss, verified, backed-up path as refresh (:mod:`kohyo.collect.apply`),
and each applied return is recorded in the ledger (:mod:`kohyo.collect.ledger`).
"""
