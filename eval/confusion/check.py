"""Check the confusion set: ikqa's own validator, plus every key fact of an answerable question
found in its brief and in the sentence that holds its evidence; prints the counts by type.

Run from the repository root: ``.venv/bin/python eval/confusion/check.py`` (exit 1 on a problem).
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from ikqa.evaluation.metrics import Question, load_conversations, load_questions, normalize, validate
from ikqa.indexing.briefs import split_sentences

HERE = Path(__file__).resolve().parent


def _evidence_sentences(evidence: str, sources: dict[str, str]) -> tuple[str, str]:
    """(the brief, the sentences of it) that contain the first occurrence of ``evidence``."""
    for text in sources.values():
        start = text.find(evidence)
        if start >= 0:
            end = start + len(evidence)
            spans = [(s.start, s.end) for s in split_sentences(text)]
            return text, " ".join(text[a:b] for a, b in spans if a < end and start < b)
    return "", ""


def key_fact_problems(q: Question, sources: dict[str, str]) -> list[str]:
    """A ``must`` alternative missing from its brief, or a group with none in the evidence sentence."""
    found = [_evidence_sentences(ev, sources) for ev in q.evidence]
    briefs = normalize(" ".join(b for b, _ in found))
    sentences = normalize(" ".join(s for _, s in found))
    problems = [f"{q.id}: {alt!r} is not in the brief" for group in q.must for alt in group
                if normalize(alt) not in briefs]
    problems += [f"{q.id}: no alternative of {group} in the evidence sentence" for group in q.must
                 if not any(normalize(alt) in sentences for alt in group)]
    return problems


def main() -> int:
    sources = {p.name: p.read_text(encoding="utf-8") for p in sorted((HERE / "sources").glob("*.txt"))}
    questions = load_questions(HERE / "questions.jsonl")
    conversations = load_conversations(HERE / "conversations.jsonl")
    turns = [t for c in conversations for t in c.turns]
    problems = validate(questions, conversations, sources)
    problems += [p for q in [*questions, *turns] if q.answerable for p in key_fact_problems(q, sources)]
    print(f"{len(sources)} briefs, {len(questions)} questions "
          f"({sum(not q.answerable for q in questions)} unanswerable), {len(conversations)} conversations "
          f"({len(turns)} turns, {sum(not t.answerable for t in turns)} unanswerable)")
    for split, held in (("dev", False), ("held-out", True)):
        kinds = Counter(q.type for q in questions if q.held_out == held)
        print(f"{split:9} {sum(kinds.values()):3}: " + ", ".join(f"{k} {n}" for k, n in kinds.most_common()))
    print("\n".join(problems) or "valid")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
