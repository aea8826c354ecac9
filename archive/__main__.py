"""`python -m archive` runs the CLI."""

from archive.cli import main

main()
