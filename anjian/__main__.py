"""``python -m anjian`` runs the CLI."""

from .cli import main

main()
