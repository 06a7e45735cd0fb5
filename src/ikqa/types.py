"""Plain data shared by every layer: briefs, sentences, chunks, hits, citations, answers."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

__all__ = ["Brief", "Sentence", "Chunk", "Evidence", "Citation", "Answer", "Turn", "Passage",
           "sentence_id", "parse_sentence_id", "brief_key"]


def sentence_id(prefix: str, position: int) -> str:
    """The id of the sentence at ``position`` in the brief whose ids start with ``prefix``."""
    return f"{prefix}:s{position}"


def parse_sentence_id(sid: str) -> tuple[str, int] | None:
    """``(prefix, position)`` of a sentence id made by ``sentence_id`` (None for another id)."""
    prefix, sep, position = sid.rpartition(":s")
    return (prefix, int(position)) if sep and position.isdigit() else None


def brief_key(sid: str) -> str:
    """The key of the brief a sentence id (``<key>:s<n>``) belongs to."""
    return sid.split(":", 1)[0]


@dataclass(frozen=True)
class Sentence:
    """One sentence of a brief, with its exact character span in the brief's text."""

    id: str
    source: str
    start: int
    end: int
    text: str
    position: int
    paragraph: int
    kind: str = "body"  # "title", "byline", "header", "heading" (a section's) or "body"
    page: int | None = None  # page of a paged source (PDF), else None


@dataclass(frozen=True)
class Brief:
    """A loaded source brief, split into sentences."""

    source: str  # file name relative to the sources folder
    title: str
    author: str
    text: str
    sha256: str
    sentences: tuple[Sentence, ...] = ()
    kind: str = "text"  # "text", "markdown", "pdf", "docx" or "html"
    date: str = ""
    pages: tuple[tuple[int, int], ...] = ()  # (start offset, page number) of a paged source


@dataclass(frozen=True)
class Chunk:
    """A retrieval unit: consecutive sentences of one paragraph."""

    id: str
    source: str
    title: str
    text: str
    start: int
    end: int
    sentence_ids: tuple[str, ...]
    sha256: str
    sentence_spans: tuple[tuple[int, int], ...] = ()
    author: str = ""


@dataclass(frozen=True)
class Evidence:
    """A candidate sentence scored against the question."""

    sentence_id: str
    source: str
    title: str
    text: str
    start: int
    end: int
    score: float
    dense: float
    lexical: float
    coverage: float
    kind: str = "body"
    typed: bool = True  # states the kind of fact the question asks for
    page: int | None = None  # page of a paged source (PDF)
    anchored: bool = True  # about the question's subject (read with the sentence before and the title)


@dataclass(frozen=True)
class Citation:
    """What an ``[n]`` marker in an answer points to: one exact source sentence."""

    marker: int
    source: str
    title: str
    text: str
    start: int
    end: int
    score: float
    page: int | None = None  # page of a paged source (PDF): "p. 3"

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Answer:
    """A short answer whose claims carry ``[n]`` markers, or an abstention."""

    question: str
    text: str
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    standalone_question: str = ""
    related: list[Citation] = field(default_factory=list)
    seconds: float = 0.0
    confidence: float = 0.0  # 0-1: estimated chance the answer is right (abstaining: that it is not)
    short: str = ""  # the shortest phrase that answers (a date, a name, an amount), when one is found
    mode: str = "extractive"  # the answer mode that produced it
    note: str = ""  # a remark for the user: which name was matched, a fallback, why it abstained
    struck: list[str] = field(default_factory=list)  # claims of a model's draft removed by the check

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "standalone_question": self.standalone_question or self.question,
            "text": self.text,
            "short": self.short,
            "citations": [c.to_dict() for c in self.citations],
            "abstained": self.abstained,
            "confidence": round(self.confidence, 3),
            "mode": self.mode,
            "note": self.note,
            "struck": list(self.struck),
            "related": [c.to_dict() for c in self.related],
            "seconds": round(self.seconds, 4),
        }


@dataclass(frozen=True)
class Turn:
    """One exchange of a conversation."""

    question: str
    standalone_question: str
    answer: Answer


@dataclass(frozen=True)
class Passage:
    """A cited sentence shown in its paragraph: ``text[start:end]`` is the sentence."""

    source: str
    title: str
    text: str
    start: int
    end: int
