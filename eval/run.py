"""Run the evaluation: ``python eval/run.py [--baseline] ...`` is ``ikqa eval``."""

import sys

from ikqa.cli import cli

if __name__ == "__main__":
    cli(["eval", *sys.argv[1:]], prog_name="ikqa eval")
