"""The paragraph around a cited sentence, read back from its source file, for display.

A citation's ``start``/``end`` are offsets into the brief's text as ingest read it. We
read the file the same way (``formats.read_document``), check that the span still holds
the cited sentence (else look for the sentence, e.g. after the file was edited), and
cut out the blank-line-delimited paragraph that contains it.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from ..config import Settings
from ..errors import SourceNotFoundError
from ..types import Citation, Passage

__all__ = ["passage_for", "paragraph_around"]

_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n")


def paragraph_around(text: str, start: int, end: int) -> tuple[int, int]:
    """The ``[start, end)`` span of the paragraph of ``text`` holding ``text[start:end]``."""
    before = [m.end() for m in _PARAGRAPH_BREAK.finditer(text, 0, start)]
    after = _PARAGRAPH_BREAK.search(text, end)
    lo = before[-1] if before else 0
    hi = after.start() if after else len(text)
    while lo < start and text[lo].isspace():
        lo += 1
    while hi > end and text[hi - 1].isspace():
        hi -= 1
    return lo, hi


def passage_for(settings: Settings, citation: Citation) -> Passage:
    """The cited sentence inside its paragraph; the sentence alone when the file is gone."""
    try:
        text = _brief_text(settings, citation.source)
    except SourceNotFoundError:
        text = ""
    start, end = _locate(text, citation)
    if start < 0:
        return Passage(source=citation.source, title=citation.title, text=citation.text,
                       start=0, end=len(citation.text))
    lo, hi = paragraph_around(text, start, end)
    return Passage(source=citation.source, title=citation.title, text=text[lo:hi],
                   start=start - lo, end=end - lo)


def _locate(text: str, citation: Citation) -> tuple[int, int]:
    """Where the cited sentence is in ``text`` (-1, -1 when it is not there any more)."""
    if text[citation.start:citation.end] == citation.text:
        return citation.start, citation.end
    found = text.find(citation.text)
    return (found, found + len(citation.text)) if found >= 0 else (-1, -1)


def _brief_text(settings: Settings, source: str) -> str:
    root = settings.sources_dir.resolve()
    path = (root / source).resolve()
    if not path.is_relative_to(root) or not path.is_file():
        raise SourceNotFoundError(f"no source file {source!r} in {settings.sources_dir}")
    stat = path.stat()
    return _read_cached(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _read_cached(path: Path, mtime_ns: int, size: int) -> str:
    """The brief's text as ingest reads it; cached while the file is unchanged."""
    from .formats import read_document
    from ..errors import SourceRejectedError

    try:
        return read_document(path).text
    except SourceRejectedError:
        return ""
