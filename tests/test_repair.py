"""A damaged index has a way out: real indexes (real model, real Chroma), real files cut short,
the real ``ikqa`` command. Every damaged part gives one line naming ``ikqa ingest`` on the CLI
and in the page, ``ikqa doctor`` reports it without changing anything, and ``ikqa ingest``
repairs it from the per-brief records, embedding again only what it must."""

from __future__ import annotations

import hashlib
import html
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from conftest import BRIEF
from gen_briefs import write_briefs
from ui_helpers import chromium, css, open_page, private_copy, serve_process, wait
from ui_helpers import ask as ask_in_page

import ikqa
from ikqa.errors import IndexCorruptError
from ikqa.indexing.doctor import check_index
from ikqa.indexing.embed import file_sha256, stored_hash
from ikqa.indexing.store import damaged, encoder_path

pytestmark = pytest.mark.slow
IKQA = Path(sys.executable).with_name("ikqa")
QUESTION = "Where is IKCRI based?"
REPAIR = "run `ikqa ingest` to repair it"


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> ikqa.Settings:
    """The brief and 100 generated briefs: over 1,000 sentences, so Chroma writes the sentence
    collection's HNSW files to disk (it keeps smaller collections in its log)."""
    root = tmp_path_factory.mktemp("pristine")
    write_briefs(root / "sources", 100)
    shutil.copy(BRIEF, root / "sources" / BRIEF.name)
    settings = ikqa.Settings(answer_mode="extractive", sources_dir=root / "sources", index_dir=root / "index")
    ikqa.Assistant(settings).ingest()
    return settings


@pytest.fixture
def index(pristine: ikqa.Settings, tmp_path: Path) -> ikqa.Settings:
    """A private copy of the pristine index and its sources, to damage."""
    return private_copy(pristine, tmp_path / "copy")


def ikqa_cli(settings: ikqa.Settings, *args: str, stdin: str | None = None,
             env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(IKQA), *args, "--sources", str(settings.sources_dir),
                           "--index", str(settings.index_dir)], input=stdin, capture_output=True,
                          text=True, timeout=600, env={**os.environ, **(env or {})})


def snapshot(settings: ikqa.Settings) -> Path:
    return settings.index_dir / (settings.index_dir / "CURRENT").read_text().strip()


def hnsw_file(settings: ikqa.Settings, name: str) -> Path:
    """``name`` in the HNSW segment Chroma has written to disk (the sentences': the largest)."""
    segment = max((snapshot(settings) / "chroma").glob("*/data_level0.bin"),
                  key=lambda p: p.stat().st_size).parent
    return segment / name


def cut(path: Path, size: int) -> None:
    with path.open("r+b") as handle:
        handle.truncate(size)


def assert_one_line_naming_the_repair(done: subprocess.CompletedProcess[str]) -> str:
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    assert lines[0].startswith("Error: the index is damaged (") and lines[0].endswith(REPAIR)
    return lines[0]


def assert_repaired_and_answers(settings: ikqa.Settings, done: subprocess.CompletedProcess[str],
                                repaired: str, embedded: int = 0) -> None:
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"repaired: {repaired}" in done.stdout, done.stdout
    assert f"embedded {embedded} new chunk(s)" in done.stdout, done.stdout
    assert ikqa_cli(settings, "doctor").returncode == 0
    answer = ikqa_cli(settings, "ask", QUESTION)
    assert answer.returncode == 0 and "New Delhi" in answer.stdout, answer.stdout + answer.stderr


def test_damaged_error_is_one_line_and_names_the_repair_command() -> None:
    err = damaged("Chroma store of gen-1", "line one\nline two " + "x" * 500)
    assert isinstance(err, IndexCorruptError) and "\n" not in str(err)
    assert str(err).startswith("the index is damaged (Chroma store of gen-1: line one line two x")
    assert str(err).endswith(REPAIR) and len(str(err)) < 260


def test_an_unreachable_chroma_server_is_one_line_and_not_called_damage(
        index: ikqa.Settings) -> None:
    from ui_helpers import free_port

    url = f"http://127.0.0.1:{free_port()}"
    for args in (("ask", QUESTION), ("doctor",), ("ingest",)):
        done = ikqa_cli(index, *args, env={"IKQA_CHROMA_URL": url})
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.strip().splitlines() == [
            f"Error: cannot reach the Chroma server at {url} (Could not connect to a Chroma "
            "server. Are you sure it is running?); start it and try again"]
    assert ikqa_cli(index, "doctor").returncode == 0  # the embedded index was left alone


def test_a_truncated_chroma_database_is_one_line_on_every_command_and_ingest_rewrites_it(
        index: ikqa.Settings) -> None:
    cut(snapshot(index) / "chroma" / "chroma.sqlite3", 100_000)
    for args, stdin in ((("ask", QUESTION), None), (("sources",), None), (("chat",), QUESTION + "\n")):
        line = assert_one_line_naming_the_repair(ikqa_cli(index, *args, stdin=stdin))
        assert "Chroma store" in line and "malformed" in line
    doctor = ikqa_cli(index, "doctor")
    assert doctor.returncode == 1
    assert "DAMAGED  Chroma store    chroma.sqlite3: database disk image is malformed" in doctor.stdout
    assert "ok       BM25 sentences" in doctor.stdout and "ok       records" in doctor.stdout
    assert doctor.stderr.strip().splitlines() == [
        "Error: the index is damaged: run `ikqa ingest` to repair it (only briefs whose record "
        "is damaged are embedded again)"]
    damaged_snapshot = snapshot(index).name
    done = ikqa_cli(index, "ingest")
    assert_repaired_and_answers(index, done, f"Chroma store of {damaged_snapshot} (chroma.sqlite3: ")
    assert snapshot(index).name != damaged_snapshot


def test_a_truncated_hnsw_file_is_one_line_and_rebuilt_from_the_records_without_embedding(
        index: ikqa.Settings) -> None:
    data = hnsw_file(index, "data_level0.bin")
    cut(data, 100_000)
    line = assert_one_line_naming_the_repair(ikqa_cli(index, "ask", QUESTION))
    assert "Chroma store" in line
    doctor = ikqa_cli(index, "doctor")
    assert doctor.returncode == 1 and "data_level0.bin holds 100000 bytes" in doctor.stdout
    assert_repaired_and_answers(index, ikqa_cli(index, "ingest"), "Chroma store of ")


def test_doctor_finds_each_truncated_hnsw_file_even_where_searches_still_run(
        index: ikqa.Settings) -> None:
    assert check_index(index).ok
    for name, size in (("header.bin", 50), ("length.bin", 100), ("link_lists.bin", 0),
                       ("data_level0.bin", None)):
        path = hnsw_file(index, name)
        whole = path.read_bytes()
        cut(path, len(whole) - 52 if size is None else size)
        problem = check_index(index).problem("Chroma store")
        assert problem is not None and name in problem, (name, problem)
        path.write_bytes(whole)
    assert check_index(index).ok


def test_a_truncated_bm25_array_is_one_line_and_ingest_if_missing_repairs_it(
        index: ikqa.Settings) -> None:
    cut(snapshot(index) / "bm25-sentences" / "data.csc.index.npy", 500)
    line = assert_one_line_naming_the_repair(ikqa_cli(index, "ask", QUESTION))
    assert "BM25 index" in line and "bm25-sentences" in line
    doctor = ikqa_cli(index, "doctor")
    assert doctor.returncode == 1 and "DAMAGED  BM25 sentences" in doctor.stdout
    done = ikqa_cli(index, "ingest", "--if-missing")  # what `make run` runs: it repairs too
    assert "nothing to do" not in done.stdout
    assert_repaired_and_answers(index, done, "BM25 sentences of ")


def test_a_truncated_query_encoder_is_one_line_and_rebuilt_by_ingest_and_by_ingest_full(
        index: ikqa.Settings) -> None:
    onnx = encoder_path(index)
    cut(onnx, 1_000_000)
    line = assert_one_line_naming_the_repair(ikqa_cli(index, "ask", QUESTION))
    assert "encoder all-MiniLM-L6-v2.onnx" in line
    doctor = ikqa_cli(index, "doctor")
    assert doctor.returncode == 1 and "DAMAGED  query encoder   all-MiniLM-L6-v2.onnx: its " \
                                      "content does not match its stored SHA-256" in doctor.stdout
    assert_repaired_and_answers(index, ikqa_cli(index, "ingest"), "query encoder (")
    assert file_sha256(onnx) == stored_hash(onnx)

    cut(onnx, 1_000_000)
    done = ikqa_cli(index, "ingest", "--full")
    assert done.returncode == 0 and "repaired: query encoder (" in done.stdout, done.stdout
    assert file_sha256(onnx) == stored_hash(onnx)
    assert "New Delhi" in ikqa_cli(index, "ask", QUESTION).stdout


def test_an_encoder_without_a_stored_hash_gets_one_and_a_changed_byte_is_then_caught(
        index: ikqa.Settings) -> None:
    onnx = encoder_path(index)
    onnx.with_name(onnx.name + ".sha256").unlink()  # an index built before hashes were kept
    health = check_index(index)
    assert health.ok and "its SHA-256 is stored by the next ingest" in next(
        c.detail for c in health.checks if c.part == "query encoder")
    assert stored_hash(onnx) is None  # the check alone writes nothing
    ikqa.Assistant(index).ingest()
    assert stored_hash(onnx) == file_sha256(onnx)

    with onnx.open("r+b") as handle:  # one byte of the weights: still loads, wrong vectors
        handle.seek(onnx.stat().st_size // 2)
        byte = handle.read(1)
        handle.seek(-1, os.SEEK_CUR)
        handle.write(bytes([byte[0] ^ 0xFF]))
    assert "does not match its stored SHA-256" in (check_index(index).problem("query encoder") or "")
    summary = ikqa.Assistant(index).ingest()
    assert any(note.startswith("query encoder (") for note in summary.repaired)
    assert file_sha256(onnx) == stored_hash(onnx) and check_index(index).ok


def test_a_damaged_machine_cache_is_exported_again_not_copied_into_the_index(
        index: ikqa.Settings, tmp_path: Path) -> None:
    cache = tmp_path / "model-cache"
    shutil.copytree(ikqa.Settings.from_env().model_cache, cache,
                    ignore=shutil.ignore_patterns("*.gguf*"))
    cached = next(p for p in cache.glob("*.onnx") if "int8" not in p.name)
    assert stored_hash(cached) == file_sha256(cached)
    cut(cached, 1_000_000)
    cut(encoder_path(index), 1_000_000)
    done = ikqa_cli(index, "ingest", env={"IKQA_MODEL_CACHE": str(cache)})
    assert_repaired_and_answers(index, done, "query encoder (")
    assert stored_hash(cached) == file_sha256(cached)  # the cache was mended as well


def test_a_truncated_record_is_embedded_again_alone_and_new_briefs_still_index(
        index: ikqa.Settings) -> None:
    entries = {e["source"]: e for e in ikqa.Assistant(index).sources()}
    victim = entries["generated-0020.txt"]
    cut(index.index_dir / "records" / f"{victim['key']}.npz", 3000)
    doctor = ikqa_cli(index, "doctor")
    assert doctor.returncode == 1
    assert "DAMAGED  records         1 of 101 damaged: generated-0020.txt (" in doctor.stdout
    write_briefs(index.sources_dir, 1, start=100)  # the change that used to crash with BadZipFile
    done = ikqa_cli(index, "ingest")
    added = {e["source"]: e for e in ikqa.Assistant(index).sources()}["generated-0100.txt"]
    assert_repaired_and_answers(index, done, "record of generated-0020.txt (",
                                embedded=victim["chunks"] + added["chunks"])
    assert "│ updated   │     0 │" in done.stdout  # the repaired brief did not change
    answer = ikqa.Assistant(index).ask("How much will the battery recycling centre number 20 cost?")
    assert "120 million dollars" in answer.text


def test_a_truncated_manifest_is_one_line_and_ingest_writes_the_snapshot_again(
        index: ikqa.Settings) -> None:
    cut(snapshot(index) / "manifest.json", 100)
    line = assert_one_line_naming_the_repair(ikqa_cli(index, "ask", QUESTION))
    assert "manifest of gen-" in line
    assert "DAMAGED  manifest" in ikqa_cli(index, "doctor").stdout
    assert_repaired_and_answers(index, ikqa_cli(index, "ingest"), "manifest of gen-")


def test_the_assistant_behind_the_page_raises_index_corrupt_error_in_one_line(
        index: ikqa.Settings) -> None:
    cut(hnsw_file(index, "data_level0.bin"), 100_000)
    assistant = ikqa.Assistant(index)
    with pytest.raises(IndexCorruptError) as caught:
        assistant.ask(QUESTION)
    assert "\n" not in str(caught.value) and str(caught.value).endswith(REPAIR)
    assistant.ingest()  # the page's re-index goes through the same repair
    assert "New Delhi" in assistant.ask(QUESTION).text


@pytest.mark.server
def test_a_served_damaged_index_answers_in_one_line_then_again_after_ingest(
        index: ikqa.Settings) -> None:
    from gradio_client import Client

    cut(snapshot(index) / "bm25-chunks" / "data.csc.index.npy", 200)
    with serve_process(index.sources_dir, index.index_dir) as url:
        client = Client(url, verbose=False)
        for endpoint in ("/ask", "/chat"):
            with pytest.raises(Exception) as caught:
                client.predict(QUESTION, api_name=endpoint)
            message = html.unescape(str(caught.value)).strip()  # the page escapes it for HTML
            assert "\n" not in message and message.endswith(REPAIR), message
            assert "the index is damaged (" in message
        done = ikqa_cli(index, "ingest")  # another process repairs; the server uses it unrestarted
        assert done.returncode == 0 and "repaired: BM25 chunks of gen-" in done.stdout, done.stdout
        assert "New Delhi" in client.predict(QUESTION, api_name="/ask")["text"]


@pytest.mark.server
@pytest.mark.browser
def test_the_page_shows_a_damaged_index_as_one_line_naming_ikqa_ingest(
        index: ikqa.Settings, tmp_path: Path) -> None:
    cut(hnsw_file(index, "data_level0.bin"), 100_000)
    with serve_process(index.sources_dir, index.index_dir) as url, \
            chromium(tmp_path / "profile") as driver:
        open_page(driver, url)
        css(driver, "#ikqa-question textarea")[0].send_keys(QUESTION)
        css(driver, "#ikqa-ask")[0].click()
        toasts = wait(driver, lambda d: [t for t in css(d, ".toast-body") if "ikqa ingest" in t.text])
        driver.save_screenshot(str(tmp_path / "damaged.png"))
        text = toasts[0].text
        assert "the index is damaged (Chroma store of gen-" in text and "data_level0.bin" in text
        assert "Traceback" not in driver.page_source
        assert ikqa_cli(index, "ingest").returncode == 0
        open_page(driver, url)
        assert "New Delhi" in ask_in_page(driver, QUESTION, 0).text


def test_doctor_changes_nothing_it_reports(index: ikqa.Settings) -> None:
    cut(snapshot(index) / "bm25-chunks" / "indices.csc.index.npy", 100)
    cut(encoder_path(index, int8=True), 1000)
    cut(next((index.index_dir / "records").glob("*.npz")), 2000)
    before = _fingerprints(index.index_dir)
    doctor = ikqa_cli(index, "doctor")
    assert doctor.returncode == 1
    for part in ("BM25 chunks", "ingest encoder", "records"):
        assert f"DAMAGED  {part}" in doctor.stdout, doctor.stdout
    assert _fingerprints(index.index_dir) == before


def _fingerprints(folder: Path) -> dict[str, Any]:
    """Every file under ``folder`` with its SHA-256, except inside Chroma's own folder (Chroma
    updates its files when it is read, as on every question)."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and "chroma" not in p.parts}
