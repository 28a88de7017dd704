"""kohyo: validate, refresh, distribute and compare the 個表 of a regional collaboration vision."""

__version__ = "0.1.0"
