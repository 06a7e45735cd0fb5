"""Judge-free evaluation: gold question sets, per-question metrics, and their aggregates.

Every metric is computed against gold annotations (``must`` groups of key facts and
``evidence`` substrings of the sources), so no LLM judge is needed. Evidence strings are
located in the source texts once, and citations are matched to them by character span.
"""

from __future__ import annotations

import json
import re
import statistics
import string
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Protocol

from ..types import Answer

__all__ = [
    "Question", "ConversationCase", "QuestionResult", "load_questions", "load_conversations",
    "validate", "EvidenceIndex", "score_answer", "evaluate", "summarize", "HELD_OUT_EVERY",
    "System",
]

HELD_OUT_EVERY = 5  # every fifth question (and conversation) is held out: never tuned on, reported apart
_MARKER = re.compile(r"\s*\[(\d+)\]")


@dataclass(frozen=True)
class Question:
    """One gold question."""

    id: str
    type: str
    question: str
    answer: str
    must: list[list[str]]
    evidence: list[str]
    answerable: bool
    held_out: bool = False
    doc: str | None = None  # the one source the evidence must be found in (None: any source)


@dataclass(frozen=True)
class ConversationCase:
    """A gold multi-turn conversation; turns after the first depend on earlier ones."""

    id: str
    turns: list[Question]
    held_out: bool = False


def _question(raw: dict[str, Any], held_out: bool = False) -> Question:
    if "answers" in raw and "must" not in raw:  # SQuAD-style: any gold answer, found in its doc
        return _squad_question(raw, held_out)
    return Question(id=raw.get("id", ""), type=raw.get("type", "followup"), question=raw["question"],
                    answer=raw.get("answer", ""), must=raw.get("must", []),
                    evidence=raw.get("evidence", []), answerable=raw.get("answerable", True),
                    held_out=held_out, doc=raw.get("doc"))


def _squad_question(raw: dict[str, Any], held_out: bool) -> Question:
    """A SQuAD-style row (``answers``, ``answerable``, ``doc``): one key fact with the gold
    answers as alternatives, the answers themselves as evidence inside ``doc``."""
    answers = [a for a in raw.get("answers", []) if a.strip()]
    answerable = bool(raw.get("answerable", bool(answers)))
    return Question(id=raw.get("id", ""), type="squad" if answerable else "unanswerable",
                    question=raw["question"], answer=answers[0] if answers else "",
                    must=[answers] if answerable else [], evidence=answers if answerable else [],
                    answerable=answerable, held_out=held_out,
                    doc=raw.get("doc") if answerable else None)


def _jsonl(path: Path) -> list[dict[str, Any]]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def load_questions(path: Path) -> list[Question]:
    """Questions from a JSONL file; every fifth (by position) is marked held out."""
    return [_question(raw, held_out=(i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1))
            for i, raw in enumerate(_jsonl(path))]


def load_conversations(path: Path) -> list[ConversationCase]:
    """Conversations from a JSONL file; every fifth (by position) is marked held out."""
    cases = []
    for i, raw in enumerate(_jsonl(path)):
        held_out = i % HELD_OUT_EVERY == HELD_OUT_EVERY - 1
        turns = [_question({**t, "id": f"{raw['id']}.{n}"}, held_out=held_out)
                 for n, t in enumerate(raw["turns"], 1)]
        cases.append(ConversationCase(id=raw["id"], turns=turns, held_out=held_out))
    return cases


def validate(questions: list[Question], conversations: list[ConversationCase],
             sources: dict[str, str]) -> list[str]:
    """Problems with a question set: duplicate ids, evidence or key facts not in any source."""
    problems = []
    ids = Counter([q.id for q in questions] + [c.id for c in conversations])
    problems += [f"duplicate id {i}" for i, n in ids.items() if n > 1]
    corpus = "\n".join(sources.values())
    for q in [*questions, *(t for c in conversations for t in c.turns)]:
        if q.doc is not None and q.doc not in sources:
            problems.append(f"{q.id}: doc {q.doc!r} is not a source")
            continue
        for ev in q.evidence:
            if ev not in (sources[q.doc] if q.doc is not None else corpus):
                problems.append(f"{q.id}: evidence not in any source: {ev[:60]!r}")
        if q.answerable and not q.evidence:
            problems.append(f"{q.id}: answerable but has no evidence")
        if not q.answerable and (q.must or q.evidence):
            problems.append(f"{q.id}: unanswerable but has must/evidence")
    return problems


class EvidenceIndex:
    """Where each gold evidence string lies in the sources: (source, start, end) spans,
    and the sentence spans of every source, to count a long citation sentence by sentence."""

    def __init__(self, sources: dict[str, str]) -> None:
        from ..indexing.briefs import split_sentences

        self.sources = sources
        self._sentences = {name: [(name, s.start, s.end) for s in split_sentences(text)]
                           for name, text in sources.items()}

    def sentences_in(self, span: tuple[str, int, int]) -> list[tuple[str, int, int]]:
        """The source sentences a cited span covers (a chunk citation covers several)."""
        return [s for s in self._sentences.get(span[0], []) if _overlaps(s, [span])] or [span]

    def spans(self, evidence: str, doc: str | None = None) -> list[tuple[str, int, int]]:
        """Every place ``evidence`` occurs (only in ``doc`` when one is named)."""
        found = []
        for name, text in self.sources.items():
            if doc is not None and name != doc:
                continue
            start = text.find(evidence)
            while start >= 0:
                found.append((name, start, start + len(evidence)))
                start = text.find(evidence, start + 1)
        return found


def _overlaps(span: tuple[str, int, int], spans: Iterable[tuple[str, int, int]]) -> bool:
    source, start, end = span
    return any(s == source and start < e and b < end for s, b, e in spans)


def normalize(text: str) -> str:
    """Case-folded text with unified dashes, quotes and white space, for key-fact matching."""
    text = text.casefold().replace("–", "-").replace("—", "-").replace("’", "'").replace("‘", "'")
    text = text.replace("“", '"').replace("”", '"')
    return " ".join(text.split())


def _key_fact(alternative: str) -> str:
    """A gold alternative as matched: normalised, without the sentence punctuation around it
    (a SQuAD answer "Austria." is given by a reply saying "Austria")."""
    return normalize(alternative).strip(" .,;:!?")


def _tokens(text: str) -> list[str]:
    text = normalize(_MARKER.sub("", text))
    text = "".join(" " if ch in string.punctuation else ch for ch in text)
    return [t for t in text.split() if t not in {"a", "an", "the"}]


def token_f1(prediction: str, gold: str) -> float:
    """SQuAD-style token F1 between an answer and the gold answer."""
    pred, ref = _tokens(prediction), _tokens(gold)
    common = sum((Counter(pred) & Counter(ref)).values())
    if not pred or not ref or common == 0:
        return 0.0
    precision, recall = common / len(pred), common / len(ref)
    return 2 * precision * recall / (precision + recall)


def _segments(answer_text: str) -> tuple[int, int]:
    """(cited segments, uncited segments) of an answer: text before each marker is cited."""
    parts = _MARKER.split(answer_text)
    texts = parts[0::2]
    cited = len(parts[1::2])
    uncited = sum(1 for t in texts[cited:] if t.strip(" .…"))
    return cited, uncited


@dataclass
class QuestionResult:
    """Everything measured for one question by one system."""

    id: str
    type: str
    question: str
    answerable: bool
    held_out: bool
    answer: str
    abstained: bool
    citations: list[dict[str, Any]]
    seconds: float
    metrics: dict[str, float | None] = field(default_factory=dict)
    short: str = ""  # Answer.short
    note: str = ""  # Answer.note: why ikqa answered or abstained as it did


def score_answer(q: Question, answer: Answer, evidence: EvidenceIndex,
                 chunk_spans: list[tuple[str, int, int]] | None = None,
                 sentence_spans: list[tuple[str, int, int]] | None = None) -> dict[str, float | None]:
    """Metrics of one answer against its gold question (None where a metric does not apply)."""
    m: dict[str, float | None] = {"abstained": float(answer.abstained),
                                  "confidence": float(answer.confidence)}
    if not q.answerable:
        m["exact_pass"] = float(answer.abstained)
        m["wrong"] = None if answer.abstained else 1.0
        return m
    text = normalize(answer.text) if not answer.abstained else ""
    groups = [any(_key_fact(alt) in text for alt in group) for group in q.must]
    m["key_fact_recall"] = sum(groups) / len(groups) if groups else float(not answer.abstained)
    m["exact_pass"] = float(all(groups) and not answer.abstained)
    m["token_f1"] = token_f1(answer.text, q.answer) if not answer.abstained else 0.0
    golds = [g for g in [q.answer, *(q.must[0] if q.must else [])] if g]
    m["short_f1"] = max((token_f1(answer.short or answer.text, g) for g in golds), default=0.0) \
        if not answer.abstained else 0.0
    m["wrong"] = None if answer.abstained else 1.0 - m["exact_pass"]
    m["words"] = float(len(_MARKER.sub("", answer.text).split())) if not answer.abstained else None
    spans_of = [evidence.spans(ev, q.doc) for ev in q.evidence]  # each evidence string located once
    gold = [span for spans in spans_of for span in spans]
    cites = [(c.source, c.start, c.end) for c in answer.citations]
    _, uncited = _segments(answer.text)
    if answer.abstained:
        m["citation_precision"] = None
    else:
        cited_sentences = list(dict.fromkeys(s for c in cites for s in evidence.sentences_in(c)))
        good = sum(1 for s in cited_sentences if _overlaps(s, gold))
        m["citation_precision"] = good / max(1, len(cited_sentences) + uncited)
    covered = [any(_overlaps(c, spans) for c in cites) for spans in spans_of]
    m["citation_recall"] = sum(covered) / len(covered) if covered else None
    for name, spans in (("chunk", chunk_spans), ("sentence", sentence_spans)):
        if spans is not None:
            m.update(_retrieval_metrics(name, spans, gold))
    return m


def _retrieval_metrics(name: str, ranked: list[tuple[str, int, int]],
                       gold: list[tuple[str, int, int]]) -> dict[str, float | None]:
    rank = next((i for i, span in enumerate(ranked, 1) if _overlaps(span, gold)), None)
    out: dict[str, float | None] = {f"{name}_hit@{k}": float(rank is not None and rank <= k)
                                    for k in (1, 3, 5)}
    out[f"{name}_mrr"] = 1.0 / rank if rank else 0.0
    return out


class System(Protocol):
    """What the evaluation runs: ikqa itself or the baseline recipe."""

    name: str

    def answer(self, question: str) -> tuple[Answer, list[tuple[str, int, int]] | None,
                                             list[tuple[str, int, int]] | None]:
        """The answer, plus ranked chunk spans and ranked sentence spans (None if not known)."""
        ...

    def conversation(self) -> Callable[[str], Answer] | None:
        """A fresh multi-turn asker, or None when the system has no conversation support."""
        ...


def evaluate(system: System, questions: list[Question], conversations: list[ConversationCase],
             evidence: EvidenceIndex) -> dict[str, Any]:
    """Run ``system`` on every question and conversation; per-item results and summaries."""
    results = [_run_question(system, q, evidence) for q in questions]
    turns = _run_conversations(system, conversations, evidence)
    return {
        "system": system.name,
        "questions": results,
        "followups": turns,
        "summary": {
            "all": summarize(results, turns),
            "dev": summarize([r for r in results if not r.held_out],
                             [t for t in turns if not t.held_out]),
            "held_out": summarize([r for r in results if r.held_out], [t for t in turns if t.held_out]),
        },
    }


def _run_question(system: System, q: Question, evidence: EvidenceIndex) -> QuestionResult:
    started = time.perf_counter()
    answer, chunk_spans, sentence_spans = system.answer(q.question)
    seconds = time.perf_counter() - started
    return QuestionResult(
        id=q.id, type=q.type, question=q.question, answerable=q.answerable, held_out=q.held_out,
        answer=answer.text, abstained=answer.abstained,
        citations=[c.to_dict() for c in answer.citations], seconds=seconds,
        metrics=score_answer(q, answer, evidence, chunk_spans, sentence_spans),
        short=answer.short, note=answer.note)


def _run_conversations(system: System, cases: list[ConversationCase],
                       evidence: EvidenceIndex) -> list[QuestionResult]:
    """Results of every follow-up turn (the first turn of each conversation is context)."""
    out = []
    for case in cases:
        ask = system.conversation()
        if ask is None:
            return []
        for n, turn in enumerate(case.turns):
            started = time.perf_counter()
            answer = ask(turn.question)
            if n == 0:
                continue
            out.append(QuestionResult(
                id=turn.id, type="followup", question=turn.question, answerable=turn.answerable,
                held_out=case.held_out, answer=answer.text, abstained=answer.abstained,
                citations=[c.to_dict() for c in answer.citations],
                seconds=time.perf_counter() - started,
                metrics={**score_answer(turn, answer, evidence),
                         "standalone": answer.standalone_question},  # type: ignore[dict-item]
                short=answer.short, note=answer.note))
    return out


def _mean(values: Iterable[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return statistics.fmean(kept) if kept else None


def _percentile(values: list[float], p: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]


def summarize(results: list[QuestionResult], followups: list[QuestionResult]) -> dict[str, Any]:
    """Headline metrics of a set of question results (and the follow-up turns)."""
    answerable = [r for r in results if r.answerable]
    unanswerable = [r for r in results if not r.answerable]
    abstained = [r for r in results if r.abstained]
    out: dict[str, Any] = {"n": len(results), "n_answerable": len(answerable),
                           "n_unanswerable": len(unanswerable)}
    for key in ("exact_pass", "key_fact_recall", "token_f1", "short_f1", "citation_precision",
                "citation_recall", "words", "chunk_hit@1", "chunk_hit@3", "chunk_hit@5",
                "chunk_mrr", "sentence_hit@1", "sentence_hit@3", "sentence_hit@5", "sentence_mrr"):
        out[key] = _mean(r.metrics.get(key) for r in answerable)
    out["abstention_recall"] = (sum(r.abstained for r in unanswerable) / len(unanswerable)
                                if unanswerable else None)
    out["abstention_precision"] = (sum(not r.answerable for r in abstained) / len(abstained)
                                   if abstained else None)
    out["false_abstention"] = (sum(r.abstained for r in answerable) / len(answerable)
                               if answerable else None)
    out["followup_pass"] = _mean(r.metrics.get("exact_pass") for r in followups)
    out["wrong_among_answered"] = _mean(r.metrics.get("wrong") for r in results)
    out["coverage"] = (sum(not r.abstained for r in results) / len(results)) if results else None
    seconds = [r.seconds for r in results]
    out["latency_p50_ms"] = None if not seconds else 1000 * (_percentile(seconds, 0.5) or 0)
    out["latency_p95_ms"] = None if not seconds else 1000 * (_percentile(seconds, 0.95) or 0)
    out["by_type"] = {t: _mean(r.metrics.get("exact_pass") for r in results if r.type == t)
                      for t in sorted({r.type for r in results})}
    return out
