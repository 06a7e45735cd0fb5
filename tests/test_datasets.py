"""``ikqa eval --dataset DIR``: SQuAD-style and ikqa-style folders, each over a fresh index,
with the metrics for answers nobody here wrote (wrong among answered, short-answer F1,
risk-coverage)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ikqa.evaluation.metrics import (EvidenceIndex, Question, QuestionResult, load_questions,
                                    score_answer, validate)
from ikqa.evaluation.report import risk_coverage
from ikqa.evaluation.run import load_dataset
from ikqa.errors import IkqaError
from ikqa.types import Answer, Citation

REPO = Path(__file__).resolve().parents[1]
SQUAD = REPO.parent / "shared" / "datasets" / "squad2-dev"


def _squad_rows(tmp_path: Path) -> Path:
    rows = [
        {"id": "s1", "question": "Where is Alpha based?", "answers": ["Delhi"], "answerable": True,
         "doc": "a.txt"},
        {"id": "s2", "question": "Who founded Beta?", "answers": [], "answerable": False,
         "doc": None, "context_doc": "a.txt"},
    ]
    path = tmp_path / "q.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    return path


def test_a_squad_row_becomes_one_key_fact_whose_evidence_must_lie_in_its_doc(tmp_path: Path) -> None:
    questions = load_questions(_squad_rows(tmp_path))
    assert questions[0].must == [["Delhi"]] and questions[0].doc == "a.txt"
    assert not questions[1].answerable and questions[1].must == []
    sources = {"a.txt": "Alpha is based in Delhi.", "b.txt": "Delhi is a city."}
    assert validate(questions, [], sources) == []
    assert validate(questions, [], {"b.txt": "Delhi is a city."}) == ["s1: doc 'a.txt' is not a source"]
    # a citation of the same words in another document is not a citation of the evidence
    index = EvidenceIndex(sources)
    wrong_doc = Answer("Where is Alpha based?", "Delhi is a city. [1]", citations=[
        Citation(1, "b.txt", "", "Delhi is a city.", 0, 16, 1.0)])
    m = score_answer(questions[0], wrong_doc, index)
    assert m["exact_pass"] == 1.0 and m["citation_precision"] == 0.0


def test_wrong_among_answered_counts_answered_unanswerables_and_misses() -> None:
    index = EvidenceIndex({"a.txt": "Alpha is based in Delhi."})
    answerable = Question("a", "squad", "Where is Alpha?", "Delhi", [["Delhi"]], ["Delhi"], True)
    unanswerable = Question("u", "unanswerable", "Who founded Alpha?", "", [], [], False)
    right = Answer("", "Alpha is based in Delhi. [1]", short="Delhi")
    miss = Answer("", "Alpha is based somewhere. [1]")
    assert score_answer(answerable, right, index)["wrong"] == 0.0
    assert score_answer(answerable, right, index)["short_f1"] == 1.0
    assert score_answer(answerable, miss, index)["wrong"] == 1.0
    assert score_answer(unanswerable, miss, index)["wrong"] == 1.0
    assert score_answer(unanswerable, Answer("", "x", abstained=True), index)["wrong"] is None


def _result(conf: float, wrong: float | None, abstained: bool = False) -> QuestionResult:
    return QuestionResult("x", "t", "q", True, False, "", abstained, [], 0.01,
                          {"confidence": conf, "wrong": wrong})


def test_risk_coverage_answers_the_most_confident_first() -> None:
    results = [_result(0.9, 0.0), _result(0.2, 1.0), _result(0.6, 0.0), _result(0.0, None, True)]
    assert risk_coverage(results) == [(0.25, 0.0), (0.5, 0.0), (0.75, pytest.approx(1 / 3))]


def test_a_folder_without_questions_is_not_a_dataset(tmp_path: Path) -> None:
    (tmp_path / "sources").mkdir()
    with pytest.raises(IkqaError, match="questions.jsonl is missing"):
        load_dataset(tmp_path)


@pytest.mark.slow
def test_eval_dataset_runs_a_squad_folder_over_its_own_fresh_index(tmp_path: Path) -> None:
    """A slice of the public squad2-dev set (its own layout) through the real CLI."""
    rows = [json.loads(line) for line in (SQUAD / "questions.jsonl").read_text().splitlines()]
    docs = sorted({r["doc"] for r in rows if r["doc"]})[:4]
    picked = [r for r in rows if r["doc"] in docs or r.get("context_doc") in docs][:15]
    folder = tmp_path / "mini-squad"
    (folder / "sources").mkdir(parents=True)
    for doc in {r["doc"] or r["context_doc"] for r in picked}:
        shutil.copy(SQUAD / "sources" / doc, folder / "sources" / doc)
    (folder / "questions.jsonl").write_text("\n".join(json.dumps(r) for r in picked) + "\n")
    ikqa_bin = Path(sys.executable).with_name("ikqa")
    proc = subprocess.run([str(ikqa_bin), "eval", "--dataset", str(folder), "--out",
                           str(tmp_path / "out"), "--index", str(tmp_path / "unused-index")],
                          capture_output=True, text=True, timeout=600, env=os.environ.copy())
    assert proc.returncode == 0, proc.stderr
    assert "mini-squad" in proc.stdout and "wrong among answered" in proc.stdout
    assert not (tmp_path / "unused-index").exists()  # the dataset got an index of its own
    (run_folder,) = (tmp_path / "out" / "mini-squad").iterdir()
    runs = json.loads((run_folder / "results.json").read_text(encoding="utf-8"))
    summary = runs[0]["summary"]["all"]
    assert summary["n"] == len(picked)
    assert 0.0 <= summary["short_f1"] <= 1.0 and summary["coverage"] > 0
    assert all("confidence" in q["metrics"] for q in runs[0]["questions"])
    assert (run_folder / "risk_coverage.png").stat().st_size > 1000
