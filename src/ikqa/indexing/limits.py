"""How much one source may unpack to and give: bytes, characters, paragraphs, checked while reading.

A source is refused with a one-line ``SourceRejectedError`` as soon as reading it passes
a limit, so a decompression bomb or a file of 20,000 one-letter paragraphs costs a bounded
amount of time and memory instead of filling both.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import BinaryIO

from ..config import Settings
from ..errors import SourceRejectedError

__all__ = ["Limits", "TextBudget", "CappedReader", "PARAGRAPH_BREAK", "check_text"]

PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n")
_MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """The per-source limits of ``Settings`` (``max_unpacked_mb``, ``max_source_*``)."""

    unpacked_bytes: int
    chars: int
    paragraphs: int

    @classmethod
    def from_settings(cls, settings: Settings | None = None) -> "Limits":
        """The limits of ``settings`` (the defaults when None)."""
        s = settings or Settings()
        return cls(unpacked_bytes=int(s.max_unpacked_mb * _MB), chars=s.max_source_chars,
                   paragraphs=s.max_source_paragraphs)

    def too_many_chars(self) -> SourceRejectedError:
        """The reason given for a source over the character limit."""
        return SourceRejectedError(f"too much text (over {self.chars:,} characters, the "
                                   f"max_source_chars limit)")

    def too_many_paragraphs(self) -> SourceRejectedError:
        """The reason given for a source over the paragraph limit."""
        return SourceRejectedError(f"too many paragraphs (over {self.paragraphs:,}, the "
                                   f"max_source_paragraphs limit)")

    def too_large_unpacked(self, what: str) -> SourceRejectedError:
        """The reason given when ``what`` unpacks past the byte limit."""
        return SourceRejectedError(f"{what} unpacks to more than {self.unpacked_bytes / _MB:g} MB "
                                   f"(the max_unpacked_mb limit)")


class TextBudget:
    """Counts characters and paragraphs as a reader produces them; raises once over a limit."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.chars = 0
        self.paragraphs = 0

    def add_chars(self, count: int) -> None:
        """``count`` more characters of text were read."""
        self.chars += count
        if self.chars > self.limits.chars:
            raise self.limits.too_many_chars()

    def add_paragraph(self) -> None:
        """One more non-empty paragraph was read."""
        self.paragraphs += 1
        if self.paragraphs > self.limits.paragraphs:
            raise self.limits.too_many_paragraphs()


def check_text(text: str, limits: Limits) -> str:
    """``text`` unchanged if it is within the character and paragraph limits."""
    if len(text) > limits.chars:
        raise limits.too_many_chars()
    budget = TextBudget(limits)
    start = 0
    for brk in PARAGRAPH_BREAK.finditer(text):
        if not text[start:brk.start()].isspace() and brk.start() > start:
            budget.add_paragraph()
        start = brk.end()
    if text[start:].strip():
        budget.add_paragraph()
    return text


class CappedReader:
    """A file-like ``read`` over ``stream`` that refuses to return more than ``cap`` bytes in all."""

    def __init__(self, stream: BinaryIO, cap: int, on_excess: SourceRejectedError) -> None:
        self._stream = stream
        self._left = cap
        self._on_excess = on_excess

    def read(self, size: int = -1) -> bytes:
        """Up to ``size`` bytes; ``SourceRejectedError`` once the stream passes the cap."""
        want = self._left + 1 if size is None or size < 0 else min(size, self._left + 1)
        data = self._stream.read(want)
        self._left -= len(data)
        if self._left < 0:
            raise self._on_excess
        return data
