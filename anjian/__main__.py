"""``python -m anjian`` runs the CLI."""

from anjian.cli import main

main()
