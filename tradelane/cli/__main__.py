"""`python -m tradelane.cli …` is the `tradelane` command."""

from . import main

main()
