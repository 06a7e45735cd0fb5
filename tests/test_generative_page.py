"""Generative answers on the page: the draft streams in with clickable ``[n]``, then the check
keeps or strikes each claim.

The rendering is tested as pure functions; the chat handler with a stand-in writer over a real
index (what each update shows, in order); and a real ``ikqa serve --mode generative`` process
with the packaged Qwen model in headless Chromium.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from test_generative import Writer
from ui_helpers import ask, chromium, css, open_page, private_copy, serve_process, wait

import ikqa
from ikqa.types import Answer, Citation
from ikqa.ui.chat_tab import ChatHandlers
from ikqa.ui.render import answer_html, draft_html, parse_ref

CITED = Citation(marker=1, source="brief.txt", title="Brief", text="IKCRI is based in New Delhi.",
                 start=0, end=28, score=0.9)


def test_a_drafts_complete_markers_of_numbered_sentences_are_links_as_they_arrive() -> None:
    html = draft_html("New Delhi [1] and <b>x</b> [7] then [2", 3, {1, 2})
    assert '<a class="ikqa-cite" href="#ikqa-d-3-1">[1]</a>' in html
    assert "#ikqa-d-3-7" not in html and "&#91;7&#93;" in html  # not a numbered sentence
    assert "&#91;2" in html and "#ikqa-d-3-2" not in html  # not complete yet
    assert "<b>" not in html and "&lt;b&gt;" in html
    assert "writing…" in html and "checking each claim" in draft_html("x", 0, set(), checking=True)
    assert parse_ref("#ikqa-d-3-1") == ("d", 3, 1)


def test_a_checked_answer_shows_its_short_phrase_first_in_bold_and_struck_claims_struck() -> None:
    answer = Answer(question="Where is IKCRI based?", text="IKCRI is based in New Delhi [1].",
                    citations=[CITED], short="New Delhi", mode="generative",
                    struck=["It has <i>500</i> staff."], confidence=0.9)
    html = answer_html(answer, 0)
    assert html.index('<div class="ikqa-short"><b>New Delhi</b></div>') < html.index("ikqa-text")
    assert "<del>It has &lt;i&gt;500&lt;/i&gt; staff.</del>" in html
    assert html.index("ikqa-text") < html.index("ikqa-struck") < html.index("ikqa-meta")
    only_phrase = Answer(question="q", text="New Delhi [1].", citations=[CITED], short="New Delhi")
    assert "ikqa-short" not in answer_html(only_phrase, 0)  # the whole answer already


@pytest.mark.slow
def test_the_page_streams_the_draft_then_the_checked_answer_with_the_struck_claim(
        built_settings: ikqa.Settings) -> None:
    assistant = ikqa.Assistant(built_settings.replace(answer_mode="generative"))
    assistant._llm = Writer("New Delhi\nIKCRI is based in New Delhi [1]. It has 500 staff [1].",
                            yes_to=["based in New Delhi"], delay=0.05)
    handlers = ChatHandlers(assistant)
    shown, panels = [], []
    for _, history, conversation, _ in handlers.respond("Where is IKCRI based?", None, "generative"):
        shown.append(history[-1]["content"] if history[-1]["role"] == "assistant" else "")
        if "#ikqa-d-0-1" in shown[-1] and not panels:  # a draft's marker, clicked mid-stream
            panels.append(handlers.open_citation("ikqa-d-0-1", conversation))
    drafts = [s for s in shown if "ikqa-draft" in s]
    assert len(drafts) >= 3 and len({len(d) for d in drafts}) >= 3  # the draft grows
    assert "checking each claim" in drafts[-1] and "writing…" in drafts[0]
    assert panels and "based in New Delhi" in panels[0] and "not checked yet" in panels[0]
    final = shown[-1]
    assert "ikqa-draft" not in final and '<a class="ikqa-cite" href="#ikqa-c-0-1">' in final
    assert "<del>It has 500 staff.</del>" in final and "generative" in final


@pytest.fixture(scope="module")
def generative_url(built_settings: ikqa.Settings, tmp_path_factory: pytest.TempPathFactory
                   ) -> Iterator[str]:
    copy = private_copy(built_settings, tmp_path_factory.mktemp("generative-index"))
    with serve_process(copy.sources_dir, copy.index_dir, "--mode", "generative",
                       env={"IKQA_LLM": "local"}) as url:
        yield url


# Records, in page time, the draft's texts as they change, when a draft's [n] is first a link,
# and when the checked answer (its meta line) appears.
WATCH_DRAFT_JS = """
window.__ikqaDraft = {texts: []};
const started = performance.now();
new MutationObserver(() => {
  const seen = window.__ikqaDraft;
  const draft = document.querySelector('#ikqa-chat .ikqa-draft .ikqa-text');
  if (draft && draft.textContent !== seen.texts[seen.texts.length - 1]) {
    seen.texts.push(draft.textContent);
  }
  if (!seen.link && document.querySelector('#ikqa-chat .ikqa-draft a.ikqa-cite')) {
    seen.link = performance.now() - started;
  }
  if (!seen.answer && document.querySelector('#ikqa-chat .ikqa-answer .ikqa-meta')) {
    seen.answer = performance.now() - started;
  }
}).observe(document.body, {childList: true, subtree: true, characterData: true});
"""


@pytest.mark.slow
@pytest.mark.server
@pytest.mark.browser
@pytest.mark.llm
def test_qwen_drafts_stream_into_the_page_before_the_checked_answer(
        generative_url: str, tmp_path: Path) -> None:
    with chromium(tmp_path / "chromium") as browser:
        open_page(browser, generative_url)
        browser.execute_script(WATCH_DRAFT_JS)
        answer = ask(browser, "Whom does KIND-X connect?", 0)
        seen: dict[str, Any] = browser.execute_script("return window.__ikqaDraft;")
        assert len(seen["texts"]) >= 2, seen  # the draft grew on the page, piece by piece
        assert "startups" in seen["texts"][-1] and seen["answer"] > 0, seen
        assert "startups" in answer.text and "generative" in answer.text
        browser.save_screenshot(str(tmp_path / "generative-answer.png"))
        css(browser, "#ikqa-chat .ikqa-answer a.ikqa-cite")[0].click()
        wait(browser, lambda d: "Korea India Defense Accelerator" in
             css(d, "#ikqa-passage")[0].text)
