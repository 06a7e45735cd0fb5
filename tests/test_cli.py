"""The ``ikqa`` command as a user runs it: a real process, a real index, real files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

import ikqa
from ikqa.cli import EXIT_PARTIAL

pytestmark = pytest.mark.slow
IKQA = Path(sys.executable).with_name("ikqa")
NETGUARD = Path(__file__).parent / "netguard"
QUESTION = "Where is the India Korea Centre for Research & Innovation based?"


def run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([str(IKQA), *args], cwd=cwd, env=full_env, capture_output=True,
                          text=True, timeout=300)


def test_ingest_then_ask_json_from_a_fresh_folder(tmp_path: Path, sources_copy: Path) -> None:
    ingest = run("ingest", "--sources", str(sources_copy), "--index", str(tmp_path / "ix"), cwd=tmp_path)
    assert ingest.returncode == 0, ingest.stderr
    assert "indexed 1 brief(s)" in ingest.stdout
    ask = run("ask", QUESTION, "--json", "--index", str(tmp_path / "ix"), cwd=tmp_path)
    assert ask.returncode == 0, ask.stderr
    data = json.loads(ask.stdout)
    assert set(data) >= {"text", "citations", "abstained"}
    assert "New Delhi" in data["text"] and data["abstained"] is False
    assert any("based in New Delhi" in c["text"] for c in data["citations"])
    assert all({"marker", "source", "title", "text", "start", "end", "score"} <= set(c)
               for c in data["citations"])


def test_ask_builds_a_missing_index_from_sources_via_env(tmp_path: Path, sources_copy: Path) -> None:
    env = {"IKQA_SOURCES_DIR": str(sources_copy), "IKQA_INDEX_DIR": str(tmp_path / "auto")}
    ask = run("ask", "What is FORGE?", cwd=tmp_path, env=env)
    assert ask.returncode == 0, ask.stderr
    assert "[1]" in ask.stdout and "FORGE" in ask.stdout
    assert (tmp_path / "auto" / "CURRENT").exists()
    listing = run("sources", cwd=tmp_path, env=env)
    assert "india-rok-scientific-cooperation.txt" in listing.stdout
    assert "Sanjeev K. Varshney" in listing.stdout
    assert listing.stdout.splitlines()[0].split("\t")[:3] == ["source", "title", "author"]


@pytest.mark.parametrize("args,message", [
    (["ask", "   "], "the question is empty"),
    (["ask", "Where?", "--sources", "{tmp}/none", "--index", "{tmp}/none-ix"], "no index"),
    (["ingest", "--sources", "{tmp}/a-file.txt", "--index", "{tmp}/ix"], "not a folder"),
    (["ingest", "--sources", "{tmp}/missing", "--index", "{tmp}/ix"], "not found"),
])
def test_expected_failures_give_one_clear_line(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "a-file.txt").write_text("x", encoding="utf-8")
    result = run(*[a.format(tmp=tmp_path) for a in args], cwd=tmp_path)
    assert result.returncode == 1
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_partial_ingest_reports_broken_files_and_indexes_the_rest(tmp_path: Path,
                                                                 sources_copy: Path) -> None:
    (sources_copy / "broken.txt").write_bytes(b"\xff\xfe\x00\x81 junk \xc3")
    (sources_copy / "empty.txt").write_text("", encoding="utf-8")
    result = run("ingest", "--sources", str(sources_copy), "--index", str(tmp_path / "ix"), cwd=tmp_path)
    assert result.returncode == EXIT_PARTIAL, result.stderr
    assert "failed: broken.txt" in result.stderr and "failed: empty.txt: file is empty" in result.stderr
    ask = run("ask", QUESTION, "--index", str(tmp_path / "ix"), cwd=tmp_path)
    assert "New Delhi" in ask.stdout


def test_failed_reingest_keeps_the_old_index_usable(tmp_path: Path, sources_copy: Path) -> None:
    assert run("ingest", "--sources", str(sources_copy), "--index", str(tmp_path / "ix"),
               cwd=tmp_path).returncode == 0
    bad = tmp_path / "bad-sources"
    bad.mkdir()
    (bad / "empty.txt").write_text("", encoding="utf-8")
    again = run("ingest", "--sources", str(bad), "--index", str(tmp_path / "ix"), cwd=tmp_path)
    assert again.returncode == 1 and "no usable brief" in again.stderr
    ask = run("ask", QUESTION, "--index", str(tmp_path / "ix"), cwd=tmp_path)
    assert ask.returncode == 0 and "New Delhi" in ask.stdout


def test_chat_resolves_a_follow_up_in_the_terminal(tmp_path: Path, sources_copy: Path) -> None:
    env = {"IKQA_SOURCES_DIR": str(sources_copy), "IKQA_INDEX_DIR": str(tmp_path / "ix")}
    proc = subprocess.run([str(IKQA), "chat"], input="What is IKCRI?\nWhere is it based?\n\n",
                          env={**os.environ, **env}, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    second = proc.stdout.split("you> ")[2]
    assert "New Delhi" in second
    assert "(read as: Where is " in second and "IKCRI" in second.split("(read as:")[1].split(")")[0]
    assert second.index("(read as:") < second.index("[1]")  # said before the answer


def test_chat_ends_when_the_user_types_exit_instead_of_answering_it(
        tmp_path: Path, sources_copy: Path) -> None:
    env = {"IKQA_SOURCES_DIR": str(sources_copy), "IKQA_INDEX_DIR": str(tmp_path / "ix")}
    proc = subprocess.run([str(IKQA), "chat", "--mode", "extractive"],
                          input="Where is IKCRI based?\nexit\nWhat is KIND-X?\n",
                          env={**os.environ, **env}, cwd=tmp_path, capture_output=True, text=True,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert len(_answers(proc.stdout)) == 1 and "KIND-X" not in proc.stdout


CONFIDENCE_LINE = re.compile(r"^\(confidence (0\.\d\d|1\.00), (extractive|verified)\)$")
UNREACHABLE_MODEL = {"IKQA_LLM": "openai", "IKQA_LLM_URL": "http://127.0.0.1:9/v1",
                     "IKQA_LLM_MODEL": "m", "IKQA_LLM_TIMEOUT": "5"}


def _answers(chat_stdout: str) -> list[str]:
    """The answers ``ikqa chat`` printed, one per question."""
    return [a.strip() for a in chat_stdout.split("you> ")[1:] if a.strip()]


def test_ask_ends_with_the_confidence_and_mode_and_json_has_them(
        tmp_path: Path, built_settings: ikqa.Settings) -> None:
    index = str(built_settings.index_dir)
    ask = run("ask", QUESTION, "--index", index, cwd=tmp_path)
    assert ask.returncode == 0, ask.stderr
    last = ask.stdout.strip().splitlines()[-1]
    assert CONFIDENCE_LINE.match(last) and last.endswith(", extractive)"), last
    data = json.loads(run("ask", QUESTION, "--json", "--index", index, cwd=tmp_path).stdout)
    assert last == f"(confidence {data['confidence']:.2f}, {data['mode']})"
    assert data["note"] == "" and "note:" not in ask.stdout
    refused = run("ask", "Who heads the Zorblax Institute?", "--index", index, cwd=tmp_path)
    lines = refused.stdout.strip().splitlines()
    assert lines[-2].startswith("  note: ") and "zorblax" in lines[-2].lower()  # why it abstained
    assert CONFIDENCE_LINE.match(lines[-1])


def test_verified_with_an_unreachable_model_answers_fast_with_a_note(
        tmp_path: Path, built_settings: ikqa.Settings) -> None:
    index = str(built_settings.index_dir)
    ask = run("ask", QUESTION, "--mode", "verified", "--index", index, cwd=tmp_path,
              env=UNREACHABLE_MODEL)
    assert ask.returncode == 0, ask.stderr
    lines = ask.stdout.strip().splitlines()
    assert "New Delhi" in lines[0] and lines[-1].endswith(", extractive)")
    assert lines[-2].startswith("  note: Not checked by the language model: cannot reach")
    chat = subprocess.run([str(IKQA), "chat", "--mode", "verified", "--index", index],
                          input="What is IKCRI?\nWhere is it based?\n\n", cwd=tmp_path,
                          env={**os.environ, **UNREACHABLE_MODEL}, capture_output=True,
                          text=True, timeout=300)
    assert chat.returncode == 0, chat.stderr
    answers = _answers(chat.stdout)
    assert len(answers) == 2 and "New Delhi" in answers[1]
    for answer in answers:
        assert "  note: Not checked by the language model" in answer
        assert CONFIDENCE_LINE.match(answer.splitlines()[-1])


@pytest.mark.llm
def test_chat_in_verified_mode_prints_the_models_confidence(
        tmp_path: Path, built_settings: ikqa.Settings) -> None:
    """The real packaged model checks both turns of a terminal conversation."""
    chat = subprocess.run([str(IKQA), "chat", "--mode", "verified", "--index",
                           str(built_settings.index_dir)],
                          input="What is FORGE?\nWhen was it launched?\n\n", cwd=tmp_path,
                          capture_output=True, text=True, timeout=600)
    assert chat.returncode == 0, chat.stderr
    answers = _answers(chat.stdout)
    assert len(answers) == 2 and "February 2026" in answers[1]
    for answer in answers:
        last = answer.splitlines()[-1]
        assert CONFIDENCE_LINE.match(last) and last.endswith(", verified)"), answer
        assert float(last.split()[1].rstrip(",")) >= 0.5  # the model's "yes" passed the cut-off


def test_no_network_connection_during_ingest_and_ask(tmp_path: Path, sources_copy: Path) -> None:
    log = tmp_path / "net.log"
    env = {"PYTHONPATH": str(NETGUARD), "IKQA_NETGUARD_LOG": str(log),
           "HF_HUB_OFFLINE": "", "TRANSFORMERS_OFFLINE": "", "ANONYMIZED_TELEMETRY": ""}
    env_clean = {k: v for k, v in {**os.environ, **env}.items() if v != ""}
    probe = subprocess.run([sys.executable, "-c", "import socket; socket.create_connection(('10.255.255.1', 9), 1)"],
                           env=env_clean, capture_output=True, text=True)
    assert probe.returncode != 0 and "10.255.255.1" in log.read_text()  # the guard itself works
    log.unlink()
    for args in (["ingest", "--sources", str(sources_copy), "--index", str(tmp_path / "ix")],
                 ["ask", QUESTION, "--index", str(tmp_path / "ix")]):
        proc = subprocess.run([str(IKQA), *args], env=env_clean, cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)
        assert proc.returncode == 0, proc.stderr
    assert not log.exists() or log.read_text() == ""


def test_sources_without_index_warns_when_the_index_was_built_from_another_folder(
        tmp_path: Path, sources_copy: Path) -> None:
    built = run("ingest", "--sources", str(sources_copy), cwd=tmp_path)  # ./index of the seed brief
    assert built.returncode == 0, built.stderr
    other = tmp_path / "other"
    other.mkdir()
    (other / "delta.txt").write_text("The Delta Soil Observatory is run by Dr. Ana Lima.\n",
                                     encoding="utf-8")
    ask = run("ask", "Who runs the Delta Soil Observatory?", "--sources", str(other),
              "--mode", "extractive", cwd=tmp_path)
    assert "holds none of the files in" in ask.stderr and "--index" in ask.stderr
    same = run("ask", QUESTION, "--sources", str(sources_copy), "--mode", "extractive", cwd=tmp_path)
    assert "holds none" not in same.stderr and "New Delhi" in same.stdout
