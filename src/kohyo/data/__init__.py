"""Data out: the master as tidy tables (pandas), exports, and the history across versions."""
