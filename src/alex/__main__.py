"""`python -m alex` is the `alex` command."""

from alex.cli import main

main()
