"""Metric definitions on hand-made answers (pure logic), and the shipped question sets' validity."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikqa.evaluation import (
    EvidenceIndex,
    Question,
    load_conversations,
    load_questions,
    score_answer,
    summarize,
    token_f1,
    validate,
    QuestionResult,
)
from ikqa.eval_run import read_sources
from ikqa.types import Answer, Citation

REPO = Path(__file__).resolve().parents[1]
SOURCE = "Alpha is based in Delhi. Beta was launched in 2026. Gamma is small."
SOURCES = {"a.txt": SOURCE}


def _q(**kw: object) -> Question:
    base = dict(id="q1", type="factoid", question="Where is Alpha based?", answer="Delhi",
                must=[["Delhi"]], evidence=["Alpha is based in Delhi"], answerable=True)
    return Question(**{**base, **kw})  # type: ignore[arg-type]


def _cite(n: int, start: int, end: int) -> Citation:
    return Citation(n, "a.txt", "A", SOURCE[start:end], start, end, 0.9)


def test_correct_cited_answer_scores_full_marks() -> None:
    ans = Answer("q", "Alpha is based in Delhi. [1]", citations=[_cite(1, 0, 24)])
    m = score_answer(_q(), ans, EvidenceIndex(SOURCES))
    assert m["exact_pass"] == m["key_fact_recall"] == 1.0
    assert m["citation_precision"] == m["citation_recall"] == 1.0


def test_wrong_citation_and_uncited_sentence_lower_precision() -> None:
    ans = Answer("q", "Beta was launched in 2026. [1] Alpha is in Delhi.", citations=[_cite(1, 25, 51)])
    m = score_answer(_q(), ans, EvidenceIndex(SOURCES))
    assert m["exact_pass"] == 1.0
    assert m["citation_precision"] == 0.0 and m["citation_recall"] == 0.0


def test_a_whole_passage_citation_counts_each_sentence_it_covers() -> None:
    ans = Answer("q", "Alpha is based in Delhi. [1]", citations=[_cite(1, 0, len(SOURCE))])
    m = score_answer(_q(), ans, EvidenceIndex(SOURCES))
    assert m["citation_precision"] == pytest.approx(1 / 3)
    assert m["citation_recall"] == 1.0


def test_abstaining_is_right_only_on_unanswerable_questions() -> None:
    abstain = Answer("q", "The briefings don't say.", abstained=True)
    assert score_answer(_q(), abstain, EvidenceIndex(SOURCES))["exact_pass"] == 0.0
    unanswerable = _q(must=[], evidence=[], answerable=False)
    assert score_answer(unanswerable, abstain, EvidenceIndex(SOURCES))["exact_pass"] == 1.0


def test_retrieval_rank_metrics() -> None:
    ans = Answer("q", "Alpha is based in Delhi. [1]", citations=[_cite(1, 0, 24)])
    ranked = [("a.txt", 25, 51), ("a.txt", 0, 24)]
    m = score_answer(_q(), ans, EvidenceIndex(SOURCES), chunk_spans=ranked)
    assert m["chunk_hit@1"] == 0.0 and m["chunk_hit@3"] == 1.0 and m["chunk_mrr"] == 0.5


def test_token_f1() -> None:
    assert token_f1("New Delhi [1]", "New Delhi") == 1.0
    assert token_f1("in New Delhi, India", "New Delhi") == pytest.approx(2 * 0.5 * 1 / 1.5)
    assert token_f1("", "x") == 0.0


def test_summary_abstention_rates() -> None:
    def r(answerable: bool, abstained: bool) -> QuestionResult:
        return QuestionResult("x", "t", "q", answerable, False, "", abstained, [], 0.01,
                              {"exact_pass": float(answerable != abstained)})
    s = summarize([r(True, False), r(True, True), r(False, True), r(False, False)], [])
    assert s["abstention_recall"] == 0.5 and s["abstention_precision"] == 0.5
    assert s["false_abstention"] == 0.5


def test_validator_flags_duplicates_and_missing_evidence() -> None:
    bad = [_q(), _q(evidence=["not in the source"])]
    problems = validate(bad, [], SOURCES)
    assert any("duplicate id q1" in p for p in problems)
    assert any("evidence not in any source" in p for p in problems)


def test_shipped_question_sets_are_valid_and_large_enough() -> None:
    questions = load_questions(REPO / "eval" / "questions.jsonl")
    conversations = load_conversations(REPO / "eval" / "conversations.jsonl")
    assert validate(questions, conversations, read_sources(REPO / "sources")) == []
    assert len(questions) >= 100 and len(conversations) >= 15
    types = {q.type for q in questions}
    assert {"factoid", "list", "paraphrase", "multihop", "unanswerable", "numeric_date"} <= types
    assert sum(q.type == "paraphrase" for q in questions) >= 20
    assert sum(not q.answerable for q in questions) >= 15
    assert all(2 <= len(c.turns) <= 4 for c in conversations)
    assert sum(q.held_out for q in questions) == len(questions) // 5
