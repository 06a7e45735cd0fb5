"""The public Python surface: names, ``ikqa.ask`` with default settings, settings from env."""

from __future__ import annotations

from pathlib import Path

import pytest

import ikqa


def test_public_names_are_exactly_listed() -> None:
    assert {"ask", "Assistant", "Answer", "Citation", "Settings"} <= set(ikqa.__all__)
    for name in ikqa.__all__:
        assert hasattr(ikqa, name), name


def test_importing_the_package_sets_the_offline_switches() -> None:
    import os

    for key in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE"):
        assert os.environ[key] == "1"
    assert os.environ["ANONYMIZED_TELEMETRY"] == "False"
    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"


def test_importing_the_package_does_not_load_heavy_libraries() -> None:
    import subprocess
    import sys

    code = ("import sys, ikqa, ikqa.cli; heavy = {'torch', 'sentence_transformers', 'chromadb', "
            "'gradio', 'llama_index'} & {m.split('.')[0] for m in sys.modules}; print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_settings_come_from_env_then_overrides(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IKQA_INDEX_DIR", str(tmp_path / "ix"))
    monkeypatch.setenv("IKQA_TOP_CHUNKS", "9")
    settings = ikqa.Settings.from_env(port=8000)
    assert settings.index_dir == tmp_path / "ix"
    assert settings.top_chunks == 9 and settings.port == 8000
    assert settings.host == "127.0.0.1"
    assert set(ikqa.Settings.help()) >= {"sources_dir", "index_dir", "abstain_threshold"}


@pytest.mark.slow
def test_ask_with_default_settings_builds_the_index_and_answers(sources_copy: Path) -> None:
    answer = ikqa.ask("Where is IKCRI based?")
    assert isinstance(answer, ikqa.Answer) and not answer.abstained
    assert "New Delhi" in answer.text and "[1]" in answer.text
    citation = answer.citations[0]
    assert isinstance(citation, ikqa.Citation)
    assert isinstance(citation.marker, int) and isinstance(citation.score, float)
    assert citation.source == "india-rok-scientific-cooperation.txt"


@pytest.mark.slow
def test_conversation_from_the_documented_call(sources_copy: Path) -> None:
    conv = ikqa.Assistant().conversation()
    conv.ask("What is FORGE?")
    follow = conv.ask("When was it launched?")
    assert "February 2026" in follow.text


def test_repeated_ask_calls_share_one_assistant(sources_copy: Path) -> None:
    from ikqa import _shared_assistant

    settings = ikqa.Settings.from_env()
    first = ikqa.ask("Where is IKCRI based?")
    assert _shared_assistant(ikqa.Settings.from_env()) is _shared_assistant(settings)
    assert _shared_assistant(settings)._retriever is not None  # the index stays open
    assert ikqa.ask("Where is IKCRI based?").text == first.text


def test_every_answer_has_a_mode_and_a_confidence_in_its_json(sources_copy: Path) -> None:
    data = ikqa.ask("Where is IKCRI based?").to_dict()
    assert data["mode"] == "extractive" and 0.0 <= data["confidence"] <= 1.0
    assert {"short", "note"} <= set(data)


def test_an_unknown_answer_mode_is_a_one_line_settings_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("IKQA_ANSWER_MODE", "psychic")
    with pytest.raises(ikqa.IkqaError, match="unknown answer mode 'psychic'"):
        ikqa.Settings.from_env()
