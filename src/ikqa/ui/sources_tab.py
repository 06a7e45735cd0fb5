"""The Sources tab: the indexed briefs, and (unless read-only) upload, delete and re-index.

Display only: the checks (size, type by content, safe name) and the indexing are
``Assistant.add_source`` / ``remove_source`` / ``reindex``; their one-line errors are
shown in the status line, every name escaped (``render.safe``). Any file may be picked, so
that a refused type gets its reason too; Gradio's temp copy of an upload is deleted once it
is handled. Source changes run one at a time (their own queue slot).
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

import gradio as gr

from ..errors import IkqaError
from .render import safe, source_rows, sources_html

if TYPE_CHECKING:
    from ..assistant import Assistant

__all__ = ["build_sources", "discard_upload"]

READ_ONLY_NOTE = "*Read-only: uploading, deleting and re-indexing are turned off on this server.*"
_CONFIRM_DELETE_JS = "(name) => (name && confirm('Delete ' + name + ' from the sources and the index?')) ? name : ''"


def _reporter(progress: gr.Progress) -> Callable[[str, int, int], None]:
    """Assistant progress callbacks (stage, done, total) shown on Gradio's progress bar."""
    def report(stage: str, done: int, total: int) -> None:
        progress(done / total if total else None, desc=stage)
    return report


def discard_upload(path: str) -> None:
    """Delete Gradio's temp copy of an upload (and its folder, when empty); only inside
    Gradio's upload folder."""
    from gradio.utils import get_upload_folder

    file = Path(path).resolve()
    if not file.is_relative_to(Path(get_upload_folder()).resolve()):
        return
    file.unlink(missing_ok=True)
    with contextlib.suppress(OSError):
        file.parent.rmdir()  # only when empty


class SourceHandlers:
    """The Python side of the Sources tab, bound to one ``Assistant``."""

    def __init__(self, assistant: "Assistant") -> None:
        self.assistant = assistant

    def rows(self) -> list[list[Any]]:
        """The Sources table's rows (none when the index cannot be read)."""
        try:
            return source_rows(self.assistant.sources())
        except IkqaError:
            return []

    def listing(self) -> tuple[str, Any]:
        """The table and the names offered for deletion."""
        rows = self.rows()
        return sources_html(rows), gr.update(choices=[str(r[2]) for r in rows], value=None)

    def _after(self, message: str) -> tuple[Any, ...]:
        rows, names = self.listing()
        return rows, names, message

    def upload(self, path: str | None, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        """Index an uploaded file (the upload keeps its original name in ``path``); its temp
        copy is deleted whatever the outcome."""
        if not path:
            return (*self._after(""), None)
        try:
            return (*self._after(self._add(Path(path), progress)), None)
        finally:
            discard_upload(path)

    def _add(self, path: Path, progress: gr.Progress) -> str:
        progress(0, desc="reading the upload")
        try:
            data = path.read_bytes()
            summary = self.assistant.add_source(path.name, data, _reporter(progress))
        except IkqaError as err:
            return f"**Not added.** {safe(err)}"
        except OSError as err:
            return f"**Not added.** {safe(path.name)}: the upload could not be read ({safe(err)})"
        stored = summary.added[0] if summary.added else path.name
        name = safe(path.name) + ("" if stored == path.name else f" as {safe(stored)}")
        return (f"**Added** {name} in {summary.seconds:.1f} s: the index now holds "
                f"{len(summary.briefs)} briefs, {summary.chunks} chunks. Ask about it in the "
                "Chat tab.")

    def delete(self, name: str | None) -> tuple[Any, ...]:
        if not name:
            return self._after("")
        try:
            self.assistant.remove_source(name)
        except IkqaError as err:
            return self._after(f"**Not deleted.** {safe(err)}")
        return self._after(f"**Deleted** {safe(name)} from the sources folder and the index.")

    def reindex(self, progress: gr.Progress = gr.Progress()) -> tuple[Any, ...]:
        try:
            summary = self.assistant.reindex(_reporter(progress))
        except IkqaError as err:
            return self._after(f"**Re-index failed.** {safe(err)}")
        failed = "".join(f"\n- not indexed: {safe(n)}: {safe(why)}" for n, why in summary.failed)
        return self._after(f"**Re-indexed** {len(summary.briefs)} briefs, {summary.chunks} chunks "
                           f"in {summary.seconds:.1f} s.{failed}")


def build_sources(assistant: "Assistant", demo: gr.Blocks, tab: gr.Tab, *, read_only: bool) -> None:
    """Lay out the Sources tab inside the current ``gr.Blocks`` and wire its events."""
    h = SourceHandlers(assistant)
    table = gr.HTML(sources_html([]), elem_id="ikqa-sources-table", label="Indexed briefs")
    if read_only:
        gr.Markdown(READ_ONLY_NOTE, elem_id="ikqa-read-only")
        for trigger in (demo.load, tab.select):
            trigger(lambda: h.listing()[0], None, table, api_visibility="private")
        return
    status = gr.Markdown("", elem_id="ikqa-sources-status")
    with gr.Row():
        upload = gr.File(label="Add a brief (.txt, .md, .pdf, .docx, .html)", type="filepath",
                         elem_id="ikqa-upload", scale=2)
        with gr.Column(scale=1):
            victim = gr.Dropdown(label="Delete a brief", choices=[], elem_id="ikqa-delete-name")
            delete = gr.Button("Delete", variant="stop", size="sm", elem_id="ikqa-delete")
            reindex = gr.Button("Re-index all", size="sm", elem_id="ikqa-reindex")
    outputs = [table, victim, status]
    one_at_a_time: dict[str, Any] = dict(concurrency_limit=1, concurrency_id="sources",
                                         api_visibility="private")
    upload.upload(h.upload, upload, [*outputs, upload], show_progress_on=status, **one_at_a_time)
    delete.click(h.delete, victim, outputs, js=_CONFIRM_DELETE_JS, **one_at_a_time)
    reindex.click(h.reindex, None, outputs, show_progress_on=status, **one_at_a_time)
    for trigger in (demo.load, tab.select):
        trigger(h.listing, None, [table, victim], api_visibility="private")
