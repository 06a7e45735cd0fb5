"""The web page: rendering, cited passages, feedback, safe serving, and the chat and /ask
endpoints on a real Gradio server on 127.0.0.1 reached with gradio_client."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from click.testing import CliRunner
from ui_helpers import message_text, served

import ikqa
from ikqa.cli import cli
from ikqa.config import ANSWER_MODES
from ikqa.errors import ModelServerError
from ikqa.indexing.passage import paragraph_around
from ikqa.llm import LanguageModel
from ikqa.types import Answer, Citation, Passage, Turn
from ikqa.ui.app import ServeError, build_ui, check_exposure, parse_auth, warm_model
from ikqa.ui.chat_tab import ChatHandlers, restored_turns, saved_turns
from ikqa.ui.render import (answer_html, answer_plain, mode_choices, parse_ref, passage_html,
                            safe, sources_html, stream_answer_html)

CITED = Citation(1, "b.txt", "Brief <B>", "IKCRI is based in New Delhi.", 10, 38, 0.9)
ANSWER = Answer("Where?", "IKCRI is based in New Delhi. [1] Also [7] & <x>.", citations=[CITED])


# -- rendering (no server) ---------------------------------------------------------------

def test_markers_of_real_citations_become_links_and_text_is_escaped() -> None:
    html = answer_html(ANSWER, turn=3)
    assert html.count('<a class="ikqa-cite" href="#ikqa-c-3-1">[1]</a>') == 2  # text + source list
    assert "&#91;7&#93;" in html and "#ikqa-c-3-7" not in html  # no citation 7: plain text
    assert "&amp; &lt;x&gt;" in html and "<x>" not in html
    assert "Brief &lt;B&gt;" in html and "<code>b.txt</code>" in html


def test_abstention_is_shown_as_such_with_related_passages() -> None:
    related = Citation(1, "c.txt", "Brief C", "A nearby sentence.", 0, 18, 0.3)
    html = answer_html(Answer("q", "The briefings don't say.", abstained=True, related=[related]), 0)
    assert 'class="ikqa-abstain"' in html and "Related, but not an answer" in html
    assert 'href="#ikqa-r-0-1"' in html and "A nearby sentence." in html
    assert "ikqa-sources" not in html


def test_streaming_grows_word_by_word_and_ends_with_the_full_answer() -> None:
    steps = list(stream_answer_html(ANSWER, 0))
    assert len(steps) > 2 and steps[-1] == answer_html(ANSWER, 0)
    assert "ikqa-sources" not in steps[0] and "IKCRI is based" in steps[0]
    assert all(len(a) < len(b) for a, b in zip(steps, steps[1:]))


def test_passage_panel_marks_exactly_the_sentence_inside_its_paragraph() -> None:
    passage = Passage("b.txt", "Brief B", "Before. The sentence & more. After.", 8, 28)
    html = passage_html(passage, "[1]")
    assert '<mark class="ikqa-hl">The sentence &amp; more.</mark>' in html
    assert html.index("Before.") < html.index("<mark") < html.index("After.")
    assert "Brief B" in html and "b.txt" in html


def test_refs_and_plain_copy() -> None:
    assert parse_ref("#ikqa-c-2-1") == ("c", 2, 1) and parse_ref("ikqa-r-0-3") == ("r", 0, 3)
    assert parse_ref("javascript:alert(1)") is None and parse_ref("") is None
    plain = answer_plain(ANSWER)
    assert plain.startswith(ANSWER.text) and "[1] Brief <B> (b.txt): IKCRI is based" in plain


HOSTILE = "<img src=x onerror=alert(1)> **md** [link](javascript:alert(2)) $$x$$ ${y} _e_"


def _inert(html: str) -> None:
    """No tag, link, emphasis or formula can come out of HOSTILE in ``html``."""
    for made in ("<img", "**", "[link]", "](", "javascript:", "$", "{", "_e_"):
        assert made not in html, made
    assert "&lt;img src=x onerror=alert&#40;1&#41;&gt;" in html


def test_hostile_names_and_text_are_inert_in_every_rendering() -> None:
    hostile = Citation(1, HOSTILE + ".txt", HOSTILE, HOSTILE + " [1]", 0, 9, 0.5)
    _inert(answer_html(Answer("q", HOSTILE + " [1]", citations=[hostile]), 0))
    _inert(answer_html(Answer("q", "No.", abstained=True, related=[hostile]), 0))
    for partial in stream_answer_html(Answer("q", HOSTILE + " [1]", citations=[hostile]), 0):
        assert "<img" not in partial and "**" not in partial
    _inert(passage_html(Passage(HOSTILE + ".txt", HOSTILE, HOSTILE * 3, 10, 40), HOSTILE))
    _inert(sources_html([[HOSTILE, HOSTILE, HOSTILE + ".txt", 3, HOSTILE]]))
    assert safe("india-rok 2026.txt") == "india-rok 2026.txt"  # plain names stay readable


def test_saved_turns_come_back_and_malformed_storage_is_ignored() -> None:
    conversation = ikqa.Assistant(ikqa.Settings()).conversation()
    conversation.turns.append(Turn("Where?", "Where?", replace(ANSWER, standalone_question="Where?")))
    conversation.turns.append(Turn("When?", "When was it?", Answer(
        "When?", "The briefings don't say.", abstained=True, related=[CITED],
        standalone_question="When was it?")))
    saved = json.loads(json.dumps(saved_turns(conversation)))  # as the browser stores it
    turns = restored_turns(saved)
    assert turns == conversation.turns
    assert restored_turns([{"question": "q", "answer": {**saved[0]["answer"], "extra": 1}}])
    for junk in (None, "text", [1, 2], [{"answer": {}}], [{"question": "q", "answer": 3}],
                 [{"question": "q", "answer": {"text": "t", "question": "q",
                                              "citations": [{"bogus": 1}]}}]):
        assert restored_turns(junk) == [], junk


def test_each_answer_shows_its_confidence_mode_and_escaped_note() -> None:
    checked = replace(ANSWER, confidence=0.834, mode="verified", note="Matched <b>IKCRI</b>")
    html = answer_html(checked, 0)
    assert '<span class="ikqa-confidence ikqa-conf-high" title="estimated chance this answer ' \
           'is right">confidence 0.83</span>' in html and '<span class="ikqa-mode">verified<' in html
    assert '<div class="ikqa-note">Matched &lt;b&gt;IKCRI&lt;/b&gt;</div>' in html
    assert html.index("ikqa-text") < html.index("ikqa-note") < html.index("ikqa-meta")
    weak = answer_html(replace(ANSWER, confidence=0.31), 0)  # mode extractive: "fast", no note
    assert "ikqa-conf-low" in weak and "confidence 0.31" in weak and ">fast<" in weak
    assert "ikqa-note" not in weak
    refused = answer_html(Answer("q", "The briefings don't say.", abstained=True, confidence=0.9,
                                 mode="verified", note="Not answered: no passage states it."), 0)
    assert "chance the briefings really do not answer this" in refused
    assert "Not answered&#58; no passage states it." in refused
    steps = list(stream_answer_html(checked, 0))
    assert "ikqa-meta" not in steps[0] and "ikqa-note" not in steps[0] and "ikqa-meta" in steps[-1]
    assert answer_plain(checked).splitlines()[:2] == [checked.text, "(Matched <b>IKCRI</b>)"]
    _inert(answer_html(replace(ANSWER, note=HOSTILE, mode=HOSTILE), 0))


def test_mode_selector_lists_every_answer_mode_and_starts_at_the_settings_default(
        tmp_path: Path) -> None:
    assert mode_choices(("extractive", "verified", "generative")) == [
        ("fast", "extractive"), ("verified", "verified"), ("generative", "generative")]
    for default in ANSWER_MODES:
        settings = ikqa.Settings(sources_dir=tmp_path / "s", index_dir=tmp_path / "ix",
                                 answer_mode=default)
        demo = build_ui(ikqa.Assistant(settings))
        [radio] = [b for b in demo.blocks.values() if getattr(b, "elem_id", None) == "ikqa-mode"]
        assert [value for _, value in radio.choices] == list(ANSWER_MODES)
        assert radio.value == default


def test_restored_answers_keep_their_confidence_and_junk_confidence_is_ignored() -> None:
    conversation = ikqa.Assistant(ikqa.Settings()).conversation()
    answer = replace(ANSWER, confidence=0.77, mode="verified", note="n", standalone_question="Where?")
    conversation.turns.append(Turn("Where?", "Where?", answer))
    saved = json.loads(json.dumps(saved_turns(conversation)))
    [turn] = restored_turns(saved)
    assert (turn.answer.confidence, turn.answer.mode, turn.answer.note) == (0.77, "verified", "n")
    for junk in ("high", [1], {"a": 1}):
        assert restored_turns([{**saved[0], "answer": {**saved[0]["answer"], "confidence": junk}}]) == []
    odd = replace(ANSWER, confidence=float("nan"))
    assert "confidence 0.00" in answer_html(odd, 0)
    assert "confidence 1.00" in answer_html(replace(ANSWER, confidence=7), 0)


def test_paragraph_around_a_span() -> None:
    text = "Title\n\nFirst para. Second sentence.\n\nNext para."
    start = text.index("Second")
    lo, hi = paragraph_around(text, start, start + len("Second sentence."))
    assert text[lo:hi] == "First para. Second sentence."


# -- Assistant methods the page uses -------------------------------------------------------

@pytest.mark.slow
def test_passage_reads_the_cited_paragraph_from_the_source(assistant: ikqa.Assistant) -> None:
    citation = assistant.ask("Where is IKCRI based?").citations[0]
    passage = assistant.passage(citation)
    assert passage.text[passage.start:passage.end] == citation.text
    assert len(passage.text) > len(citation.text) and "IKSTC" in passage.text  # the whole paragraph
    assert passage.title == citation.title and passage.source == citation.source


def test_passage_of_a_missing_file_falls_back_to_the_sentence(tmp_path: Path) -> None:
    a = ikqa.Assistant(ikqa.Settings(sources_dir=tmp_path / "none", index_dir=tmp_path / "ix"))
    passage = a.passage(CITED)
    assert passage.text == CITED.text and (passage.start, passage.end) == (0, len(CITED.text))
    escaping = Citation(1, "../../etc/passwd", "t", "root", 0, 4, 0.1)
    assert a.passage(escaping).text == "root"  # never reads outside the sources folder


def test_feedback_is_appended_as_json_lines(tmp_path: Path) -> None:
    a = ikqa.Assistant(ikqa.Settings(sources_dir=tmp_path / "s", index_dir=tmp_path / "ix"))
    a.record_feedback(ANSWER, "up")
    a.record_feedback(ANSWER, "down")
    lines = (tmp_path / "ix" / "feedback.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line) for line in lines]
    assert [r["vote"] for r in records] == ["up", "down"]
    assert records[0]["question"] == "Where?" and records[0]["answer"] == ANSWER.text
    assert records[0]["citations"][0]["source"] == "b.txt" and records[0]["time"]
    with pytest.raises(ValueError):
        a.record_feedback(ANSWER, "meh")


# -- safe serving ----------------------------------------------------------------------------

def test_open_addresses_need_a_login() -> None:
    check_exposure("127.0.0.1", None)
    check_exposure("::1", None)
    check_exposure("localhost", None)
    for host in ("0.0.0.0", "192.168.1.5", "example.org", "::"):
        with pytest.raises(ServeError, match="--auth"):
            check_exposure(host, None)
    check_exposure("0.0.0.0", ("u", "p"))
    assert parse_auth("ana:s3:cret") == ("ana", "s3:cret") and parse_auth("") is None
    for bad in ("nopass", ":p", "u:"):
        with pytest.raises(ServeError):
            parse_auth(bad)


def test_serve_refuses_an_open_host_without_auth(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IKQA_AUTH", raising=False)
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert result.exit_code == 1
    assert "refusing to serve on 0.0.0.0 without a login" in result.output
    monkeypatch.setenv("IKQA_AUTH", "broken")
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--port", "1"])
    assert result.exit_code == 1 and "USER:PASS" in result.output


def test_read_only_page_has_no_upload_delete_or_reindex(tmp_path: Path) -> None:
    a = ikqa.Assistant(ikqa.Settings(sources_dir=tmp_path / "s", index_dir=tmp_path / "ix"))
    def ids(read_only: bool) -> set[str]:
        demo = build_ui(a, read_only=read_only)
        return {b.elem_id for b in demo.blocks.values() if getattr(b, "elem_id", None)}
    writable = {"ikqa-upload", "ikqa-delete", "ikqa-reindex"}
    assert writable <= ids(False)
    assert not writable & ids(True) and "ikqa-read-only" in ids(True)


@pytest.mark.slow
@pytest.mark.server
def test_a_login_is_enforced_when_given(assistant: ikqa.Assistant) -> None:
    with served(assistant, auth=("ana", "secret")) as url:
        assert httpx.get(url + "config", timeout=30).status_code == 401
        with httpx.Client(base_url=url, timeout=30) as web:
            assert web.post("login", data={"username": "ana", "password": "nope"}).status_code == 400
            assert web.post("login", data={"username": "ana", "password": "secret"}).status_code == 200
            assert web.get("config").status_code == 200


# -- the served page ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def app_url(assistant: ikqa.Assistant) -> Iterator[str]:
    with served(assistant) as url:
        yield url


@pytest.mark.slow
@pytest.mark.server
def test_page_is_served_on_loopback(app_url: str) -> None:
    assert app_url.startswith("http://127.0.0.1:")
    page = httpx.get(app_url, timeout=30)
    assert page.status_code == 200 and "ikqa" in page.text


@pytest.mark.slow
@pytest.mark.server
def test_ask_endpoint_returns_the_cli_json(app_url: str, assistant: ikqa.Assistant) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    assert "/ask" in client.view_api(print_info=False, return_format="dict")["named_endpoints"]
    got = client.predict("Where is IKCRI based?", api_name="/ask")
    want = assistant.ask("Where is IKCRI based?").to_dict()
    assert {"text", "citations", "abstained"} <= set(got)
    assert got["text"] == want["text"] and got["citations"] == want["citations"]
    assert got["abstained"] is False and "New Delhi" in got["text"]
    refused = client.predict("Who won the 2030 football world cup?", api_name="/ask")
    assert refused["abstained"] is True and refused["citations"] == []


@pytest.mark.slow
@pytest.mark.server
def test_chat_streams_answers_with_linked_markers_and_follow_ups(app_url: str) -> None:
    from gradio_client import Client

    client = Client(app_url, verbose=False)
    job = client.submit("What is FORGE?", api_name="/chat")
    updates = [out for out in job]
    lengths = [len(message_text(out[1][-1])) for out in updates if len(out[1]) == 2]
    assert len(lengths) >= 3 and lengths == sorted(lengths)  # the answer grew while streaming
    final = job.outputs()[-1]
    answer = message_text(final[1][-1])
    assert "February 2026" in answer and 'href="#ikqa-c-0-1">[1]</a>' in answer
    assert final[2].startswith("It may be noted") and "[1] India-Republic" in final[2]  # copy text
    _, history, _ = client.predict("When was it launched?", api_name="/chat")
    assert len(history) == 4 and "February 2026" in message_text(history[-1])
    _, history, _ = client.predict("What is KIND-X?", api_name="/chat")
    _, history, _ = client.predict("What does it connect?", api_name="/chat")
    assert len(history) == 8 and "defense startups" in message_text(history[-1])
    client.predict(api_name="/new_conversation")
    _, history, _ = client.predict("Where is IKCRI based?", api_name="/chat")
    assert len(history) == 2 and 'href="#ikqa-c-0-1"' in message_text(history[-1])


@pytest.mark.slow
def test_clicked_marker_and_votes_reach_the_right_turn(assistant: ikqa.Assistant) -> None:
    import gradio as gr

    chat = ChatHandlers(assistant)
    conversation = assistant.conversation()
    for question in ("What is FORGE?", "Where is IKCRI based?"):
        for _ in chat.respond(question, conversation):
            pass
    panel = chat.open_citation("ikqa-c-1-1", conversation)
    assert '<mark class="ikqa-hl">Besides the India Korea' in panel and "IKSTC" in panel
    assert "FORGE is a United States-led" in chat.open_citation("ikqa-c-0-1", conversation)
    assert "ikqa-panel-empty" in chat.open_citation("ikqa-c-9-1", conversation)
    chat.vote(gr.LikeData(None, {"index": 3, "value": "", "liked": False}), conversation)
    chat.vote(gr.LikeData(None, {"index": 1, "value": "", "liked": True}), conversation)
    lines = (assistant.settings.index_dir / "feedback.jsonl").read_text(encoding="utf-8")
    down, up = [json.loads(line) for line in lines.splitlines()[-2:]]
    assert (down["vote"], down["question"]) == ("down", "Where is IKCRI based?")
    assert (up["vote"], up["question"]) == ("up", "What is FORGE?")


# -- answer modes: each session picks its own ------------------------------------------------

class StandIn(LanguageModel):
    """A judge that says yes with probability ``p`` to every passage, or fails like an
    unreachable server (logic tests; the real model is in test_browser_modes.py)."""

    name = "stand-in judge"

    def __init__(self, p: float = 0.9, fail: bool = False) -> None:
        self.p, self.fail, self.calls = p, fail, 0

    def check(self) -> None:
        pass

    def yes_probability(self, prompts):  # type: ignore[no-untyped-def]
        self.calls += 1
        if self.fail:
            raise ModelServerError("cannot reach the language model server: start it")
        return [self.p for _ in prompts]

    def complete(self, messages, max_tokens=256, stop=()):  # type: ignore[no-untyped-def]
        return ""

    def stream(self, messages, max_tokens=256, stop=()):  # type: ignore[no-untyped-def]
        yield from ()


def _judged(settings: ikqa.Settings, judge: StandIn) -> ikqa.Assistant:
    assistant = ikqa.Assistant(settings)
    assistant._llm = judge
    return assistant


@pytest.mark.slow
def test_a_verified_turn_shows_checking_first_then_the_answer_with_its_confidence(
        built_settings: ikqa.Settings) -> None:
    judge = StandIn(0.9)
    chat = ChatHandlers(_judged(built_settings, judge))
    conversation = chat.assistant.conversation()
    steps = list(chat.respond("Where is IKCRI based?", conversation, "verified"))
    first = steps[0][1]
    assert [m["role"] for m in first] == ["user", "assistant"]
    assert 'class="ikqa-checking"' in first[-1]["content"] and "checking…" in first[-1]["content"]
    final = steps[-1][1][-1]["content"]
    assert "ikqa-checking" not in final and "New Delhi" in final and judge.calls == 1
    assert "confidence 0.90" in final and '<span class="ikqa-mode">verified<' in final
    fast = list(chat.respond("What is FORGE?", conversation, "extractive"))
    assert fast[0][1][-1]["role"] == "user"  # a fast answer needs no "checking…"
    assert '<span class="ikqa-mode">fast<' in fast[-1][1][-1]["content"] and judge.calls == 1
    assert [t.answer.mode for t in conversation.turns] == ["verified", "extractive"]


@pytest.mark.slow
def test_a_failing_model_gives_the_fast_answer_with_its_note_and_the_chat_goes_on(
        built_settings: ikqa.Settings) -> None:
    chat = ChatHandlers(_judged(built_settings, StandIn(fail=True)))
    conversation = chat.assistant.conversation()
    for question, want in (("Where is IKCRI based?", "New Delhi"),
                           ("What does it focus on?", "technology transfer")):
        final = list(chat.respond(question, conversation, "verified"))[-1][1][-1]["content"]
        assert want in final and "ikqa-abstain" not in final
        assert '<div class="ikqa-note">Not checked by the language model&#58; cannot reach' in final
        assert '<span class="ikqa-mode">fast<' in final
    assert len(conversation.turns) == 2


@pytest.mark.slow
@pytest.mark.server
def test_each_page_session_answers_in_the_mode_it_picked(built_settings: ikqa.Settings) -> None:
    from gradio_client import Client
    from gradio_client.exceptions import AppError

    with served(_judged(built_settings, StandIn(0.9))) as url:
        checked, fast = Client(url, verbose=False), Client(url, verbose=False)
        params = checked.view_api(print_info=False, return_format="dict")[
            "named_endpoints"]["/chat"]["parameters"]
        assert [p["parameter_name"] for p in params] == ["message", "mode"]
        assert params[1]["parameter_default"] == "extractive"  # the settings' default
        _, mine, _ = checked.predict("Where is IKCRI based?", "verified", api_name="/chat")
        _, theirs, _ = fast.predict("Where is IKCRI based?", api_name="/chat")
        assert ">verified<" in message_text(mine[-1]) and "confidence 0.90" in message_text(mine[-1])
        assert ">fast<" in message_text(theirs[-1])
        _, mine, _ = checked.predict("What does it focus on?", "verified", api_name="/chat")
        assert len(mine) == 4 and ">verified<" in message_text(mine[-1])
        assert "technology transfer" in message_text(mine[-1])
        got = checked.predict("Where is IKCRI based?", "verified", api_name="/ask")
        assert (got["mode"], got["confidence"]) == ("verified", 0.9)
        assert checked.predict("Where is IKCRI based?", api_name="/ask")["mode"] == "extractive"
        with pytest.raises(AppError, match="unknown answer mode"):
            checked.predict("Where is IKCRI based?", "bogus", api_name="/ask")
        with pytest.raises(AppError, match="not in the list of choices"):
            checked.predict("Where is IKCRI based?", "bogus", api_name="/chat")


def test_a_model_that_cannot_load_at_serve_time_is_one_logged_line(
        tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    settings = ikqa.Settings(sources_dir=tmp_path / "s", index_dir=tmp_path / "ix", llm="none",
                             answer_mode="verified")
    warm_model(ikqa.Assistant(settings)).join(timeout=60)
    [line] = [r.getMessage() for r in caplog.records if r.name == "ikqa.ui"]
    assert "language model is not available" in line and "IKQA_LLM" in line and "\n" not in line
