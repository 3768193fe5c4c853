"""`python -m adapters.cli` runs the command line."""

from adapters.cli import main

main()
