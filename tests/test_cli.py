"""The ``ikqa`` command as a user runs it: a real process, a real index, real files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
