"""The one wiring point: settings -> store + encoder -> retriever -> answers.

``cli`` and ``ui`` talk only to ``Assistant``. Opening is lazy (the first question
opens the index), and a newer index snapshot written by another process is picked
up on the next question without a restart.
"""

from __future__ import annotations

import threading
from dataclasses import replace
import time
from typing import TYPE_CHECKING, Callable

from .config import Settings
from .errors import EmptyQuestionError, IndexMissingError, SourcesError
from .types import Answer, Citation, Passage, Turn

if TYPE_CHECKING:
    from .llm import LanguageModel
    from .chat import Conversation
    from .indexing.doctor import Health
    from .indexing.run import IngestSummary
    from .answering.retrieve import Retrieval, Retriever

__all__ = ["Assistant"]


class Assistant:
    """Answers questions over the index described by ``settings``."""

    def __init__(self, settings: Settings | None = None) -> None:
        self.settings = settings or Settings.from_env()
        self._retriever: "Retriever | None" = None
        self._encoder = None
        self._llm: "LanguageModel | None" = None
        self._lock = threading.Lock()

    @classmethod
    def from_settings(cls, settings: Settings) -> "Assistant":
        return cls(settings)

    def ask(self, question: str) -> Answer:
        """Answer one standalone question."""
        return self.explain(question)[0]

    def explain(self, question: str, mode: str | None = None,
                on_token: Callable[[str], None] | None = None,
                on_sources: Callable[[list[Citation]], None] | None = None
                ) -> "tuple[Answer, Retrieval]":
        """The answer to ``question`` together with the retrieval it was composed from.

        ``mode`` overrides ``settings.answer_mode`` for this question ("extractive",
        "verified": a language model confirms the cited sentence first, "generative": it
        writes the answer and every claim is checked). ``on_token`` receives a generative
        answer's draft piece by piece as the model writes it (before the check; an empty piece
        ends it), ``on_sources`` first the numbered sentences its ``[n]`` refer to.
        """
        return self._explain(question, mode, on_token, on_sources)

    def _explain(self, question: str, mode: str | None = None,
                 on_token: Callable[[str], None] | None = None,
                 on_sources: Callable[[list[Citation]], None] | None = None,
                 retrieval: "Retrieval | None" = None) -> "tuple[Answer, Retrieval]":
        """``explain``, from ``retrieval`` when the question was retrieved already."""
        from .answering.compose import asked_cell, compares, compose_answer, gives_another_cell, \
            matched_note, sub_questions

        started = time.perf_counter()
        retrieval = retrieval or self.retrieve(question)
        parts = sub_questions(question.strip())
        compared = compares(question)
        first = [self.retrieve(parts[0])] if len(parts) > 1 and not compared else []
        chosen = mode or self.settings.answer_mode
        if compared:  # no passage compares them: each is asked about, below
            answer = Answer(question=question.strip(), text="", abstained=True, mode=chosen)
        elif chosen == "verified":
            from .answering.verify import verified_answer

            answer = verified_answer(question.strip(), retrieval, self.settings, self.llm(),
                                     parts=first)
        elif chosen == "generative":
            from .answering.generate import generative_answer

            answer = generative_answer(question.strip(), retrieval, self.settings, self.llm(),
                                       parts=first, on_token=on_token, on_sources=on_sources)
        else:
            answer = compose_answer(question.strip(), retrieval, self.settings, parts=first)
        if len(parts) > 1:
            answer = self._by_parts(question.strip(), parts, mode, answer, first)
        matched = matched_note(retrieval, answer.citations)  # every mode says which name it read
        if matched and matched not in answer.note:
            answer.note = f"{matched} {answer.note}".strip()
        if not answer.abstained and answer.citations:
            cell = asked_cell(question, answer.citations[0], retrieval)
            if cell and answer.mode == "generative" and gives_another_cell(answer, cell):
                answer = replace(answer, text=f"{cell} [1].")  # another column, or no unit
            answer.short = cell or answer.short
        if not answer.short and not answer.abstained and answer.citations:
            from .answering.short import typed_short

            answer.short = typed_short(retrieval.kinds, answer.citations[0].text, question)
        answer.short = " ".join(answer.short.split())  # a hard-wrapped sentence's line breaks
        answer.standalone_question = question.strip()
        answer.seconds = time.perf_counter() - started
        return answer, retrieval

    def _by_parts(self, question: str, parts: list[str], mode: str | None,
                  whole: Answer, first: "list[Retrieval]") -> Answer:
        """"Who directs Aurora and what is its budget?": each part answered as a question of
        its own (the second reading "its" as the first part's subject) and the answers joined,
        when every part is answered; else the answer to the whole question (``whole``), whose
        note names the part the briefings do not answer."""
        from .answering.compose import joined_answer
        from .chat import rewrite_follow_up

        answers: list[Answer] = []
        for part in parts:
            if answers:
                part = rewrite_follow_up(part, [Turn(parts[0], parts[0], answers[0])])
            ready = first[0] if first and not answers else None  # the first part's, retrieved above
            answers.append(self._explain(part, mode, retrieval=ready)[0])
        joined = joined_answer(question, answers)
        if all(not a.abstained for a in answers) or (whole.abstained and not joined.abstained) \
                or not whole.text:  # a comparison: only its parts are answered
            return joined
        if whole.abstained or joined.abstained:
            return whole
        missing = joined.note[joined.note.find("The briefings don't say: "):]
        return replace(whole, note=f"{whole.note} {missing}".strip())

    def uses_model(self, mode: str | None = None) -> bool:
        """Whether answers in ``mode`` (default: the settings') call a language model."""
        return (mode or self.settings.answer_mode) != "extractive" and self.settings.llm != "none"

    def llm(self) -> "LanguageModel":
        """The language model ``settings.llm`` names (opened once; loads on first use)."""
        with self._lock:
            if self._llm is None:
                from .llm import open_llm

                self._llm = open_llm(self.settings)
            return self._llm

    def retrieve(self, question: str) -> "Retrieval":
        """The evidence retrieval finds for ``question`` (fused chunks, scored sentences)."""
        if not question or not question.strip():
            raise EmptyQuestionError("the question is empty")
        return self._ready().retrieve(question.strip())

    def conversation(self) -> "Conversation":
        """A new multi-turn conversation."""
        from .chat import Conversation

        return Conversation(self)

    def passage(self, citation: Citation) -> Passage:
        """The cited sentence inside its paragraph of the source brief, for display."""
        from .indexing.passage import passage_for

        return passage_for(self.settings, citation)

    def record_feedback(self, answer: Answer, vote: str) -> None:
        """Append a thumbs ``"up"``/``"down"`` on ``answer`` to ``<index>/feedback.jsonl``."""
        from .feedback import record_feedback

        record_feedback(self.settings, answer, vote)

    def ingest(self, progress: Callable[[str, int, int], None] | None = None) -> "IngestSummary":
        """Bring the index up to date with the sources folder (only new or changed files are
        embedded, deleted ones removed); the next question uses it."""
        from .indexing.run import run_ingest

        summary = run_ingest(self.settings, progress=progress)
        with self._lock:
            self._retriever = None
        return summary

    def doctor(self) -> "Health":
        """Check every part of the index (store, BM25, encoders, records) without changing it;
        ``ingest()`` repairs what is damaged."""
        from .indexing.doctor import check_index

        return check_index(self.settings)

    def add_source(self, filename: str, data: bytes,
                   progress: Callable[[str, int, int], None] | None = None) -> "IngestSummary":
        """Store an uploaded file in the sources folder and index it (only it is embedded).

        Raises ``SourceRejectedError`` (too large, unsupported or unreadable content) or
        ``DuplicateSourceError`` with a one-line reason; nothing is changed then.
        """
        from .indexing.library import add_source

        return self._after_write(add_source(self.settings, filename, data, progress))

    def remove_source(self, name: str) -> None:
        """Delete source ``name`` from the sources folder and the index (``SourceNotFoundError``)."""
        from .indexing.library import remove_source

        self._after_write(remove_source(self.settings, name))

    def reindex(self, progress: Callable[[str, int, int], None] | None = None) -> "IngestSummary":
        """Rebuild the whole index from the sources folder, re-reading and re-embedding every file."""
        from .indexing.library import reindex

        return self._after_write(reindex(self.settings, progress))

    def _after_write(self, summary: "IngestSummary") -> "IngestSummary":
        with self._lock:
            self._retriever = None
        return summary

    def ensure_index(self) -> None:
        """Build the index from the sources folder if there is none yet."""
        with self._lock:
            self._build_if_missing()

    def _build_if_missing(self) -> None:
        from .indexing.run import run_ingest
        from .indexing.store import index_exists

        if index_exists(self.settings):
            return
        if not self.settings.sources_dir.is_dir():
            raise IndexMissingError(
                f"no index in {self.settings.index_dir} and no sources folder "
                f"{self.settings.sources_dir} to build one from")
        try:
            run_ingest(self.settings)
        except SourcesError as err:
            raise IndexMissingError(f"no index and no usable sources: {err}") from err

    def sources(self) -> list[dict[str, object]]:
        """The indexed briefs as recorded in the manifest: source, title, author, chunks, indexed_at..."""
        return self._ready().store.sources

    def _ready(self) -> "Retriever":
        with self._lock:
            if self._retriever is None or self._retriever.store.is_stale():
                self._retriever = self._open()
            return self._retriever

    def _open(self) -> "Retriever":
        from .indexing.embed import QueryEncoder
        from .answering.retrieve import Retriever
        from .indexing.store import Store, encoder_path

        self._build_if_missing()
        store = Store(self.settings)
        if not store.analysed_as_now and self.settings.sources_dir.is_dir():
            from .indexing.run import run_ingest

            store.close()  # an index from an older ikqa: bring its word index up to date
            run_ingest(self.settings)
            store = Store(self.settings)
        if self._encoder is None:
            self._encoder = QueryEncoder(encoder_path(self.settings))
        return Retriever(store, self._encoder, self.settings)
