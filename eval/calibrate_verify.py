"""Choose verified mode's cut-off and number of candidates on the dev splits.

For a sample of *dev* questions of each dataset (held-out ones are never read), over a fresh
index of its sources, the language model judges each of the best ``--candidates`` sentences
once (``yes_probability`` with ikqa's judge prompt), and each candidate is scored as the answer
it would give (a question ikqa's fixed rules abstain on is not judged). Then every
(candidates, cut-off) pair is simulated offline: the answer is the first candidate whose
probability reaches the cut-off, else an abstention. First chosen on 150 dev questions (50 a
dataset), 2026-11-26: 3 candidates, cut-off 0.7. Re-chosen on all 456 dev questions
(``--per-dataset 1000``), 2026-11-27: 3 candidates, cut-off 0.75 -- gold 0.92 / 0.88 / 0.73,
false abstention 0.05 / 0.04 / 0.14, abstention recall 0.92 / 0.91 / 0.62, wrong among answered
0.07 / 0.10 / 0.28 on confusion / seed / squad2-dev (at 0.7: gold 0.92 / 0.89 / 0.74, abstention
recall 0.83 / 0.91 / 0.49, wrong 0.10 / 0.12 / 0.33). The table shows per
dataset the share of answerable questions answered with their key facts ("gold"), false
abstention, abstention recall and wrong among answered. Put the chosen pair into
``Settings.verify_candidates`` / ``Settings.verify_cutoff``. Run from the repository root (about
2 s a judgement on 2 cores)::

    .venv/bin/python eval/calibrate_verify.py --per-dataset 60
"""

from __future__ import annotations

import argparse
import json
import random
import tempfile
from pathlib import Path

import benchlib
from calibrate import DATASETS

CUTS = [0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9]


def judged(folder: Path, work: Path, per_dataset: int, n: int) -> list[dict]:
    """Per sampled dev question: rule abstention, and each candidate's (p, right)."""
    import ikqa
    from ikqa.answering.compose import _citation, _excerpt, compose_answer
    from ikqa.answering.verify import _needs_no_model, _passage, candidates, judge_prompt
    from ikqa.evaluation.metrics import EvidenceIndex, load_questions, score_answer
    from ikqa.evaluation.run import read_sources
    from ikqa.types import Answer

    sources = folder / "sources" if (folder / "sources").is_dir() else benchlib.REPO / "sources"
    settings = ikqa.Settings(sources_dir=sources, index_dir=work / folder.name)
    assistant = ikqa.Assistant(settings)
    assistant.ensure_index()
    llm = assistant.llm()
    evidence = EvidenceIndex(read_sources(sources))
    dev = [q for q in load_questions(folder / "questions.jsonl") if not q.held_out]
    random.Random(20261126).shuffle(dev)
    rows = []
    for q in dev[:per_dataset]:
        retrieval = assistant.retrieve(q.question)
        row = {"dataset": folder.name, "answerable": q.answerable,
               "no_model": _needs_no_model(q.question, retrieval, settings), "candidates": []}
        for rank, e in enumerate([] if row["no_model"] else candidates(retrieval, n)):
            [p] = llm.yes_probability([judge_prompt(q.question, _passage(e, retrieval.previous))])
            if rank == 0:
                answer = compose_answer(q.question, retrieval, settings, force=True)
            else:
                text = _excerpt(e.text, retrieval.term_weights, settings.max_answer_words)
                answer = Answer(q.question, f"{text} [1]", citations=[_citation(1, e)])
            right = q.answerable and bool(score_answer(q, answer, evidence)["exact_pass"])
            row["candidates"].append((p, right))
        rows.append(row)
        benchlib.log(f"  {folder.name} {len(rows)}/{min(per_dataset, len(dev))}")
    return rows


def simulate(rows: list[dict], n: int, cut: float) -> dict[str, float]:
    ans = [r for r in rows if r["answerable"]]
    una = [r for r in rows if not r["answerable"]]

    def outcome(r: dict) -> bool | None:  # None: abstained; else whether the answer is right
        if r["no_model"]:
            return None
        return next((right for p, right in r["candidates"][:n] if p >= cut), None)

    given = [(r, outcome(r)) for r in rows if outcome(r) is not None]
    return {"gold": sum(bool(outcome(r)) for r in ans) / max(1, len(ans)),
            "fa": sum(outcome(r) is None for r in ans) / max(1, len(ans)),
            "ar": sum(outcome(r) is None for r in una) / max(1, len(una)),
            "wrong": sum(not o for _, o in given) / max(1, len(given))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, action="append")
    parser.add_argument("--per-dataset", type=int, default=60)
    parser.add_argument("--candidates", type=int, default=3)
    parser.add_argument("--save", type=Path, help="also write the judgements as JSON")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ikqa-calibrate-verify-") as work:
        rows = [r for folder in (args.dataset or DATASETS)
                for r in judged(folder, Path(work), args.per_dataset, args.candidates)]
    if args.save:
        args.save.write_text(json.dumps(rows), encoding="utf-8")
    names = sorted({r["dataset"] for r in rows})
    print("cands  cut   " + "  ".join(f"{d[:12]:>12}: gold  FA   AR   wrong" for d in names))
    for n in range(1, args.candidates + 1):
        for cut in CUTS:
            cells = []
            for d in names:
                m = simulate([r for r in rows if r["dataset"] == d], n, cut)
                cells.append(f"{'':>12}  {m['gold']:.2f} {m['fa']:.2f} {m['ar']:.2f} {m['wrong']:.2f}")
            print(f"{n:5d}  {cut:.2f} " + "  ".join(cells))


if __name__ == "__main__":
    main()
