"""Outputs of an evaluation run: a rich table, ``results.json``, ``report.md`` and PNG plots."""

from __future__ import annotations

import dataclasses
import json
import time
from pathlib import Path
from typing import Any

__all__ = ["HEADLINE", "SIDE_BY_SIDE", "write_run", "print_table", "risk_coverage",
           "side_by_side_rows", "print_side_by_side", "write_side_by_side"]

# (key, label, higher is better)
HEADLINE = [
    ("exact_pass", "exact pass", True),
    ("wrong_among_answered", "wrong among answered", False),
    ("coverage", "answered (share)", True),
    ("key_fact_recall", "key-fact recall", True),
    ("token_f1", "token F1", True),
    ("short_f1", "short-answer F1", True),
    ("citation_precision", "citation precision", True),
    ("citation_recall", "citation recall", True),
    ("chunk_hit@1", "hit@1 (chunks)", True),
    ("chunk_hit@3", "hit@3 (chunks)", True),
    ("chunk_hit@5", "hit@5 (chunks)", True),
    ("chunk_mrr", "MRR (chunks)", True),
    ("sentence_hit@1", "hit@1 (sentences)", True),
    ("sentence_hit@3", "hit@3 (sentences)", True),
    ("sentence_mrr", "MRR (sentences)", True),
    ("abstention_precision", "abstention precision", True),
    ("abstention_recall", "abstention recall", True),
    ("false_abstention", "false abstention", False),
    ("followup_pass", "follow-up pass", True),
    ("words", "answer words (mean)", False),
    ("latency_p50_ms", "latency p50 (ms)", False),
    ("latency_p95_ms", "latency p95 (ms)", False),
]


# The columns of the one table that sets every mode and recipe side by side, on every dataset.
SIDE_BY_SIDE = [
    ("exact_pass", "gold in reply"),
    ("wrong_among_answered", "wrong among answered"),
    ("coverage", "answered"),
    ("abstention_recall", "abstention recall"),
    ("short_f1", "short F1"),
    ("citation_precision", "citation precision"),
    ("followup_pass", "follow-up pass"),
    ("latency_p50_ms", "p50 (ms)"),
    ("latency_p95_ms", "p95 (ms)"),
]


def _fmt(value: Any) -> str:
    if value is None:
        return "–"
    return f"{value:.0f}" if isinstance(value, float) and value > 10 else f"{value:.3f}"


def _columns(runs: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    cols = []
    for run in runs:
        for split in ("held_out", "dev"):
            if run["summary"][split]["n"]:  # a run of one split only has no column for the other
                cols.append((f"{run['system']} · {split.replace('_', '-')}", run["summary"][split]))
    return cols


def print_table(runs: list[dict[str, Any]], title: str = "ikqa evaluation") -> None:
    """The headline metrics of every run and split, side by side."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title=title)
    table.add_column("metric")
    cols = _columns(runs)
    for name, _ in cols:
        table.add_column(name, justify="right")
    for key, label, _ in HEADLINE:
        table.add_row(label, *[_fmt(summary.get(key)) for _, summary in cols])
    table.add_row("questions", *[str(summary["n"]) for _, summary in cols])
    Console(width=max(100, 24 + 16 * len(cols))).print(table)


def write_run(runs: list[dict[str, Any]], out_dir: Path) -> Path:
    """Write ``results.json``, ``report.md`` and plots into a new timestamped folder."""
    folder = out_dir / time.strftime("%Y%m%d-%H%M%S")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "results.json").write_text(json.dumps(_jsonable(runs), indent=1, ensure_ascii=False),
                                         encoding="utf-8")
    plots = _plots(runs, folder)
    (folder / "report.md").write_text(_markdown(runs, plots), encoding="utf-8")
    return folder


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _jsonable(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    return value


def _markdown(runs: list[dict[str, Any]], plots: list[str]) -> str:
    cols = _columns(runs)
    lines = ["# ikqa evaluation", "", f"Run at {time.strftime('%Y-%m-%d %H:%M:%S')}. Held-out = every "
             "fifth question and every fifth conversation, never used for tuning.", "",
             "| metric | " + " | ".join(n for n, _ in cols) + " |",
             "|---|" + "---:|" * len(cols)]
    for key, label, _ in HEADLINE:
        lines.append(f"| {label} | " + " | ".join(_fmt(s.get(key)) for _, s in cols) + " |")
    lines.append("| questions | " + " | ".join(str(s["n"]) for _, s in cols) + " |")
    lines += ["", "## Exact pass by question type", ""]
    types = sorted({t for run in runs for t in run["summary"]["all"]["by_type"]})
    lines.append("| type | " + " | ".join(r["system"] for r in runs) + " |")
    lines.append("|---|" + "---:|" * len(runs))
    for t in types:
        lines.append(f"| {t} | " + " | ".join(_fmt(r["summary"]["all"]["by_type"].get(t)) for r in runs) + " |")
    lines += ["", *[f"![{p}]({p})" for p in plots], "", "## Failures (first system)", ""]
    for r in runs[0]["questions"]:
        if not r.metrics.get("exact_pass"):
            lines.append(f"- `{r.id}` ({r.type}) {r.question} → {r.answer[:160]}")
    return "\n".join(lines) + "\n"


def _plots(runs: list[dict[str, Any]], folder: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    types = sorted({t for run in runs for t in run["summary"]["all"]["by_type"]})
    fig, ax = plt.subplots(figsize=(8, 4))
    width = 0.8 / max(1, len(runs))
    for i, run in enumerate(runs):
        values = [run["summary"]["all"]["by_type"].get(t) or 0.0 for t in types]
        ax.bar([x + i * width for x in range(len(types))], values, width, label=run["system"])
    ax.set_xticks([x + width * (len(runs) - 1) / 2 for x in range(len(types))], types, rotation=20)
    ax.set_ylabel("exact pass")
    ax.set_ylim(0, 1.05)
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "scores_by_type.png", dpi=110)
    plt.close(fig)
    fig, ax = plt.subplots(figsize=(8, 4))
    for run in runs:
        ax.hist([1000 * r.seconds for r in run["questions"]], bins=30, alpha=0.6, label=run["system"])
    ax.set_xlabel("latency per question (ms)")
    ax.set_ylabel("questions")
    ax.legend()
    fig.tight_layout()
    fig.savefig(folder / "latency_hist.png", dpi=110)
    plt.close(fig)
    _risk_coverage_plot(runs, folder / "risk_coverage.png")
    return ["scores_by_type.png", "latency_hist.png", "risk_coverage.png"]


def risk_coverage(results: list[Any]) -> list[tuple[float, float]]:
    """(coverage, risk) points as the confidence cut-off moves from high to low: answering
    only the questions whose answer's confidence is at or above the cut-off (abstentions are
    never answered), the share of all questions answered and the share of those answers that
    are wrong (an unanswerable question answered, or an answer without its key facts)."""
    answered = sorted((r for r in results if not r.abstained),
                      key=lambda r: -(r.metrics.get("confidence") or 0.0))
    points, wrong = [], 0
    for i, r in enumerate(answered, start=1):
        wrong += int(bool(r.metrics.get("wrong")))
        points.append((i / max(1, len(results)), wrong / i))
    return points


def _risk_coverage_plot(runs: list[dict[str, Any]], path: Path) -> None:
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for run in runs:
        points = risk_coverage(run["questions"])
        if points:
            ax.plot([c for c, _ in points], [r for _, r in points], label=run["system"])
    ax.set_xlabel("share of questions answered (coverage)")
    ax.set_ylabel("share of given answers that are wrong (risk)")
    ax.set_xlim(0, 1)
    ax.set_ylim(0, 1)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def _main_split(run: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """The held-out summary when the run has held-out questions, else all of them."""
    held_out = run["summary"]["held_out"]
    return ("held-out", held_out) if held_out["n"] else ("all", run["summary"]["all"])


def side_by_side_rows(results: list[Any]) -> list[list[str]]:
    """One row per dataset and system: dataset, system, split, n, then ``SIDE_BY_SIDE``."""
    rows = []
    for result in results:
        for run in result.runs:
            split, summary = _main_split(run)
            rows.append([result.name, run["system"], split, str(summary["n"]),
                         *[_fmt(summary.get(key)) for key, _ in SIDE_BY_SIDE]])
    return rows


def _side_header() -> list[str]:
    return ["dataset", "system", "split", "n", *[label for _, label in SIDE_BY_SIDE]]


def print_side_by_side(results: list[Any]) -> None:
    """Every dataset's runs (answer modes, recipes) in one table."""
    from rich.console import Console
    from rich.table import Table

    table = Table(title="ikqa side by side")
    for i, name in enumerate(_side_header()):
        table.add_column(name, justify="left" if i < 3 else "right")
    for row in side_by_side_rows(results):
        table.add_row(*row)
    Console(width=200).print(table)


def write_side_by_side(results: list[Any], out_dir: Path) -> Path:
    """``side_by_side.md`` (the one table) and ``risk_coverage.png`` (one panel per dataset,
    one curve per system) in a new timestamped folder of ``out_dir``."""
    folder = out_dir / f"side-by-side-{time.strftime('%Y%m%d-%H%M%S')}"
    folder.mkdir(parents=True, exist_ok=True)
    header = _side_header()
    lines = ["# ikqa side by side", "", "| " + " | ".join(header) + " |",
             "|" + "---|" * 4 + "---:|" * (len(header) - 4)]
    lines += ["| " + " | ".join(row) + " |" for row in side_by_side_rows(results)]
    lines += ["", "![risk-coverage](risk_coverage.png)", ""]
    (folder / "side_by_side.md").write_text("\n".join(lines), encoding="utf-8")
    _risk_coverage_panels(results, folder / "risk_coverage.png")
    return folder


def _risk_coverage_panels(results: list[Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, len(results), figsize=(5 * len(results), 4), squeeze=False)
    for ax, result in zip(axes[0], results):
        for run in result.runs:
            points = risk_coverage(run["questions"])
            if points:
                ax.plot([c for c, _ in points], [r for _, r in points], label=run["system"])
        ax.set_title(result.name)
        ax.set_xlabel("share of questions answered (coverage)")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1)
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("share of given answers that are wrong (risk)")
    axes[0][-1].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
