"""How ``ikqa ingest`` shows its work: a rich progress bar on stderr and a summary table.

The bar shows the current stage (reading files, embedding, storing) with items per
second; it is drawn only on a terminal. The table lists added, updated, unchanged,
removed, duplicate and failed files, each failure with its one-line reason.
"""

from __future__ import annotations

from contextlib import contextmanager
from typing import TYPE_CHECKING, Callable, Iterator

if TYPE_CHECKING:
    from .run import IngestSummary

__all__ = ["progress_bar", "summary_table"]

_UNITS = {"reading": "files", "embedding": "chunks", "storing": "chunks"}


@contextmanager
def progress_bar() -> Iterator[Callable[[str, int, int], None]]:
    """A ``progress(stage, done, total)`` callback drawing one bar per stage on stderr."""
    from rich.console import Console
    from rich.progress import (BarColumn, MofNCompleteColumn, Progress, TaskProgressColumn,
                               TextColumn, TimeElapsedColumn)

    console = Console(stderr=True)
    columns = (TextColumn("{task.description:<10}"), BarColumn(), MofNCompleteColumn(),
               TaskProgressColumn(), TextColumn("{task.fields[rate]}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False,
                  disable=not console.is_terminal) as bar:
        tasks: dict[str, int] = {}

        def update(stage: str, done: int, total: int) -> None:
            if stage not in tasks:
                tasks[stage] = bar.add_task(stage, total=total, rate="")
            task = bar.tasks[[t.id for t in bar.tasks].index(tasks[stage])]
            elapsed = task.elapsed or 0.0
            rate = f"{done / elapsed:.1f} {_UNITS.get(stage, 'items')}/s" if elapsed > 0.05 else ""
            bar.update(tasks[stage], completed=done, total=total, rate=rate)

        yield update


def summary_table(summary: "IngestSummary") -> str:
    """The end-of-ingest table as plain text (one row per kind of outcome)."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="ingest summary", show_lines=False)
    table.add_column("outcome")
    table.add_column("files", justify="right")
    table.add_column("which")
    rows = [("added", summary.added), ("updated", summary.updated),
            ("unchanged", summary.unchanged), ("removed", summary.removed),
            ("duplicate", [f"{a} (= {b})" for a, b in summary.duplicates]),
            ("failed", [f"{a}: {why}" for a, why in summary.failed]),
            ("repaired", summary.repaired)]
    for outcome, names in rows:
        shown = ", ".join(names[:5]) + (f", … {len(names) - 5} more" if len(names) > 5 else "")
        table.add_row(outcome, str(len(names)), shown)
    console = Console(width=120, record=True, file=_Null())
    console.print(table)
    return console.export_text()


class _Null:
    def write(self, _text: str) -> int:
        return 0

    def flush(self) -> None:
        pass
