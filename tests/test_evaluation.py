"""Metric definitions on hand-made answers (pure logic), and the shipped question sets' validity."""

from __future__ import annotations

from pathlib import Path

import pytest

from ikqa.evaluation.metrics import (
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
from ikqa.evaluation.run import read_sources
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


def test_a_key_fact_is_found_without_the_punctuation_around_the_gold_answer() -> None:
    ans = Answer("q", "Delhi [1].", citations=[_cite(1, 0, 24)])
    assert score_answer(_q(must=[["Delhi."]]), ans, EvidenceIndex(SOURCES))["exact_pass"] == 1.0
    assert score_answer(_q(must=[["Delhi, India"]]), ans, EvidenceIndex(SOURCES))["exact_pass"] == 0.0


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
    held = [c for c in conversations if c.held_out]
    assert len(held) == len(conversations) // 5 and all(t.held_out for c in held for t in c.turns)


@pytest.mark.slow
def test_eval_command_writes_results_report_and_plots_with_baseline(tmp_path: Path,
                                                                   sources_copy: Path) -> None:
    import json
    import os
    import subprocess
    import sys

    lines = (REPO / "eval" / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "q.jsonl").write_text("\n".join(lines[:10]) + "\n", encoding="utf-8")
    convs = (REPO / "eval" / "conversations.jsonl").read_text(encoding="utf-8").splitlines()
    (tmp_path / "c.jsonl").write_text(convs[0] + "\n", encoding="utf-8")
    ikqa_bin = Path(sys.executable).with_name("ikqa")
    proc = subprocess.run(
        [str(ikqa_bin), "eval", "--questions", str(tmp_path / "q.jsonl"), "--conversations",
         str(tmp_path / "c.jsonl"), "--out", str(tmp_path / "out"), "--baseline",
         "--sources", str(sources_copy), "--index", str(tmp_path / "ix")],
        capture_output=True, text=True, timeout=600, env=os.environ.copy())
    assert proc.returncode == 0, proc.stderr
    assert "exact pass" in proc.stdout and "llama-index recipe" in proc.stdout
    (folder,) = (tmp_path / "out").iterdir()
    runs = json.loads((folder / "results.json").read_text(encoding="utf-8"))
    assert [r["system"] for r in runs] == ["ikqa", "llama-index recipe"]
    assert len(runs[0]["questions"]) == 10 and runs[0]["followups"]
    assert all(q["seconds"] > 0 and "exact_pass" in q["metrics"] for q in runs[0]["questions"])
    assert all("short" in q and "note" in q for q in runs[0]["questions"])  # for reading why
    report = (folder / "report.md").read_text(encoding="utf-8")
    assert "| exact pass |" in report and "held-out" in report
    assert (folder / "latency_hist.png").exists() and (folder / "scores_by_type.png").exists()


def test_eval_command_rejects_an_invalid_question_set(tmp_path: Path, sources_copy: Path) -> None:
    from click.testing import CliRunner

    from ikqa.cli import cli

    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x1", "type": "factoid", "question": "Q?", "answer": "a", '
                   '"must": [["a"]], "evidence": ["no such text anywhere"], "answerable": true}\n',
                   encoding="utf-8")
    result = CliRunner().invoke(cli, ["eval", "--questions", str(bad), "--sources", str(sources_copy),
                                      "--out", str(tmp_path / "o")])
    assert result.exit_code == 1 and "invalid question set" in result.output
