"""``python -m ikqa`` runs the CLI."""

from .cli import main

main()
