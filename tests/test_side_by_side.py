"""``ikqa eval --mode a,b,c --baseline-llm``: every answer mode and the llama-index recipe with
the same language model, on every dataset, in one table and one risk-coverage plot.

The CLI runs for real over a small slice of squad2-dev, with the 98 MB SmolLM2 as the local
model (``IKQA_LLM_MODEL``) so the whole pipeline (judge, writer, llama-index query engine over
ikqa's model seam) runs in seconds; what is measured with the packaged Qwen is in the README.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from ikqa.cli import cli
from llm_helpers import smollm_path

SQUAD = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "squad2-dev"
IKQA = Path(sys.executable).with_name("ikqa")


def _mini_squad(folder: Path, docs: int = 1, questions: int = 3) -> Path:
    """A slice of squad2-dev laid out as a dataset folder."""
    rows = [json.loads(line) for line in (SQUAD / "questions.jsonl").read_text().splitlines()]
    names = sorted({r["doc"] for r in rows if r["doc"]})[:docs]
    picked = [r for r in rows if r["doc"] in names or r.get("context_doc") in names][:questions]
    (folder / "sources").mkdir(parents=True)
    for doc in {r["doc"] or r["context_doc"] for r in picked}:
        shutil.copy(SQUAD / "sources" / doc, folder / "sources" / doc)
    (folder / "questions.jsonl").write_text("\n".join(json.dumps(r) for r in picked) + "\n")
    return folder


def test_an_unknown_mode_in_the_list_is_a_one_line_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["eval", "--mode", "extractive,magic", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "unknown answer mode magic" in result.output and "Traceback" not in result.output


@pytest.mark.slow
@pytest.mark.llm
def test_every_mode_and_the_recipe_with_the_same_model_in_one_table_and_one_plot(
        tmp_path: Path) -> None:
    mini = _mini_squad(tmp_path / "mini-squad")
    env = {**os.environ, "IKQA_LLM": "local", "IKQA_LLM_MODEL": str(smollm_path())}
    proc = subprocess.run([str(IKQA), "eval", "--mode", "extractive,verified,generative",
                           "--baseline-llm", "--dataset", str(mini), "--out", str(tmp_path / "out")],
                          cwd=Path(__file__).resolve().parents[1], env=env, capture_output=True,
                          text=True, timeout=900)
    assert proc.returncode == 0, proc.stderr[-2000:]
    systems = ["ikqa extractive", "ikqa verified", "ikqa generative", "llama-index + same model"]
    (run_folder,) = (tmp_path / "out" / "mini-squad").iterdir()
    runs = json.loads((run_folder / "results.json").read_text(encoding="utf-8"))
    assert [r["system"] for r in runs] == systems
    recipe = runs[-1]["questions"]
    assert all(len(q["citations"]) == 2 for q in recipe)  # similarity_top_k=2: two chunks cited
    assert all(q["citations"][0]["source"].endswith(".txt") for q in recipe)
    assert {q["id"] for q in recipe} == {q["id"] for q in runs[0]["questions"]}
    n = len((mini / "questions.jsonl").read_text().splitlines())
    (side,) = (tmp_path / "out").glob("side-by-side-*")
    table = (side / "side_by_side.md").read_text(encoding="utf-8")
    for system in systems:
        assert f"| mini-squad | {system} | all | {n} |" in table  # too few to hold any out
    assert (side / "risk_coverage.png").stat().st_size > 5000
    assert "ikqa side by side" in proc.stdout and "gold in reply" in proc.stdout
