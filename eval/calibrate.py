"""Fit the confidence model of ``ikqa.answering.confidence`` on the dev splits, and show the cut-off.

For every *dev* question (held-out ones are never read) of each dataset, over a fresh index of
its sources, the best extractive answer is composed as if ikqa never abstained; its label is
whether it is right (an answerable question's key facts all in it; an unanswerable question is
never answered rightly). A logistic regression over ``FEATURES`` (each dataset weighted
equally) gives the weights; then, for a range of cut-offs, the table shows per dataset what
abstaining under the cut-off (together with ikqa's fixed rules) would give on the dev split.
Paste the printed constants into ``src/ikqa/answering/confidence.py`` and the suggested
cut-off into ``Settings.min_confidence``: the highest cut-off that adds at most
``MAX_ADDED_FALSE_ABSTENTION`` to any dataset's dev false abstention beyond ikqa's fixed rules
(a wrong "the briefings don't say" costs an analyst more than a cited answer they can check). Run from the repository root::

    .venv/bin/python eval/calibrate.py
    .venv/bin/python eval/calibrate.py --dataset eval/confusion --dataset ../shared/datasets/squad2-dev
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import benchlib

MAX_ADDED_FALSE_ABSTENTION = 0.01
CUTS = [0.0, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]
DATASETS = [benchlib.REPO / "eval", benchlib.REPO.parent / "shared" / "datasets" / "squad2-dev",
            benchlib.REPO / "eval" / "confusion"]


def rows_of(folder: Path, work: Path) -> list[dict]:
    """One row per dev question: features, rule verdict, whether the forced answer is right."""
    import ikqa
    from ikqa.answering.compose import _unknown_names, abstention_reason, compose_answer
    from ikqa.answering.confidence import features
    from ikqa.evaluation.metrics import EvidenceIndex, load_questions, score_answer
    from ikqa.evaluation.run import read_sources

    sources = folder / "sources" if (folder / "sources").is_dir() else benchlib.REPO / "sources"
    settings = ikqa.Settings(sources_dir=sources, index_dir=work / folder.name, min_confidence=0.0)
    assistant = ikqa.Assistant(settings)
    assistant.ensure_index()
    evidence = EvidenceIndex(read_sources(sources))
    rows = []
    for q in load_questions(folder / "questions.jsonl"):
        if q.held_out:
            continue
        retrieval = assistant.retrieve(q.question)
        answer = compose_answer(q.question, retrieval, settings, force=True)
        right = q.answerable and bool(score_answer(q, answer, evidence)["exact_pass"])
        rows.append({"dataset": folder.name, "answerable": q.answerable, "right": right,
                     "rule": bool(abstention_reason(q.question, retrieval, settings, p=1.0)),
                     "x": features(retrieval, len(_unknown_names(retrieval)))})
    return rows


def fit(rows: list[dict]) -> tuple[dict[str, float], float]:
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    from ikqa.answering.confidence import FEATURES

    x = np.array([[r["x"][k] for k in FEATURES] for r in rows])
    y = np.array([r["right"] for r in rows])
    counts = {d: sum(r["dataset"] == d for r in rows) for d in {r["dataset"] for r in rows}}
    weight = np.array([1.0 / counts[r["dataset"]] for r in rows]) * len(rows) / len(counts)
    model = LogisticRegression(C=1.0, max_iter=2000).fit(x, y, sample_weight=weight)
    return dict(zip(FEATURES, map(float, model.coef_[0]))), float(model.intercept_[0])


def table(rows: list[dict], weights: dict[str, float], bias: float) -> float:
    """Print what each cut-off gives per dataset; return the suggested cut-off."""
    from ikqa.answering.confidence import confidence

    for r in rows:
        r["p"] = confidence(r["x"], weights, bias)
    print(f"{'cut-off':>7}  " + "  ".join(f"{d[:12]:>12} gold FA   AR   wrong" for d in
                                           sorted({r['dataset'] for r in rows})))
    suggested, floor = 0.0, {}
    for cut in CUTS:
        cells, worst_fa = [], 0.0
        for d in sorted({r["dataset"] for r in rows}):
            part = [r for r in rows if r["dataset"] == d]
            answers = [r for r in part if not r["rule"] and r["p"] >= cut]
            ans = [r for r in part if r["answerable"]]
            una = [r for r in part if not r["answerable"]]
            gold = sum(r["right"] for r in answers) / max(1, len(ans))
            fa = sum(1 for r in ans if r not in answers) / max(1, len(ans))
            ar = sum(1 for r in una if r not in answers) / max(1, len(una))
            wrong = sum(not r["right"] for r in answers) / max(1, len(answers))
            worst_fa = max(worst_fa, fa - floor.setdefault(d, fa))
            cells.append(f"{'':>12} {gold:.2f} {fa:.2f} {ar:.2f} {wrong:.2f}")
        print(f"{cut:7.2f}  " + "  ".join(cells))
        if worst_fa <= MAX_ADDED_FALSE_ABSTENTION + 1e-9:
            suggested = cut
    return suggested


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dataset", type=Path, action="append",
                        help="dataset folders (default: eval/, squad2-dev, eval/confusion)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ikqa-calibrate-") as work:
        rows = [r for folder in (args.dataset or DATASETS) for r in rows_of(folder, Path(work))]
    weights, bias = fit(rows)
    print(f"{len(rows)} dev questions; features fit with each dataset weighted equally\n")
    print("WEIGHTS = {" + ", ".join(f'"{k}": {v:.3f}' for k, v in weights.items()) + "}")
    print(f"BIAS = {bias:.3f}\n")
    suggested = table(rows, weights, bias)
    print(f"\nsuggested min_confidence = {suggested:.2f} (adds <= {MAX_ADDED_FALSE_ABSTENTION} "
          "false abstention on every dev split)")


if __name__ == "__main__":
    main()
