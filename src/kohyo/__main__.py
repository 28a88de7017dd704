"""`python -m kohyo` runs the command line."""

from .cli import main

main()
