"""How likely the extractive answer is right: a calibrated probability from the evidence.

A logistic model over a few features of the retrieval (the best sentence's score, similarity,
term coverage, whether it states the kind of fact asked for and is about the question's
subject, its lead over the runner-up, names the briefs never mention...). Its weights are fit
on the *dev* splits of every dataset (the seed brief's questions, squad2-dev, the multi-brief
confusion set) by ``eval/calibrate.py``, which prints the constants below; held-out splits are
never used. ``Answer.confidence`` is this probability, and abstaining is a cut-off on it
(``Settings.min_confidence``, chosen on the same dev splits), on top of ikqa's fixed rules
(no passage states the kind of fact asked for, a name no brief mentions, an evidence score
under ``Settings.abstain_threshold``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .retrieve import Retrieval

__all__ = ["FEATURES", "features", "confidence"]

FEATURES = ("score", "dense", "coverage", "lexical", "typed", "anchored", "margin",
            "unknown_names", "kinds", "header")
# Fit by eval/calibrate.py on 456 dev questions (seed brief 130, squad2-dev 240, confusion set 86),
# 2026-11-27. Stating the kind of fact asked for and the evidence score weigh most.
WEIGHTS = {"score": 1.567, "dense": 1.037, "coverage": 0.796, "lexical": 1.119, "typed": 3.393,
           "anchored": 1.174, "margin": 0.808, "unknown_names": -0.862, "kinds": -0.135,
           "header": 0.807}
BIAS = -6.933


def features(retrieval: "Retrieval", unknown_names: int) -> dict[str, float]:
    """The model's inputs for the best evidence of ``retrieval``."""
    evidence = retrieval.evidence
    if not evidence:
        return {name: 0.0 for name in FEATURES}
    best = evidence[0]
    second = _runner_up(retrieval)
    return {
        "score": best.score,
        "dense": best.dense,
        "coverage": best.coverage,
        "lexical": best.lexical,
        "typed": float(best.typed) if retrieval.kinds else 1.0,
        "anchored": float(best.anchored),
        "margin": best.score - second,
        "unknown_names": float(unknown_names > 0),
        "kinds": float(bool(retrieval.kinds)),
        "header": float(best.kind != "body"),
    }


def _runner_up(retrieval: "Retrieval") -> float:
    """The score of the best other sentence that could be the answer too: one stating the kind
    of fact asked for about the question's subject (any sentence when no kind is asked for). A
    higher-scoring sentence that only describes the subject ("X is an association of ...") is
    no rival of "It is led by Y" for "Who leads X?"."""
    best, *rest = retrieval.evidence
    rivals = [e for e in rest if not retrieval.kinds or (e.typed and e.anchored)]
    return rivals[0].score if rivals else 0.0


def confidence(values: dict[str, float], weights: dict[str, float] | None = None,
               bias: float | None = None) -> float:
    """The probability (0-1) that an answer with these feature values is right."""
    weights = WEIGHTS if weights is None else weights
    z = (BIAS if bias is None else bias) + sum(weights[k] * values[k] for k in FEATURES)
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))
