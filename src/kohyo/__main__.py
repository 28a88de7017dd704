"""`python -m kohyo` runs the command line."""

from kohyo.cli import main

main()
