"""Answer modes on the page: a real ``ikqa serve --mode verified`` process with the packaged
Qwen model, driven by headless Chromium and by eight ``gradio_client`` sessions at once.

One verified server (the model loads once, in the background, as the server starts) serves
the module; the model-failure test starts its own server whose model cannot be reached.
"""

from __future__ import annotations

import re
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Iterator

import pytest
from ui_helpers import ask, chromium, css, message_text, open_page, private_copy, serve_process, wait

import ikqa
from ikqa.config import ANSWER_MODES

pytestmark = [pytest.mark.slow, pytest.mark.server]

# Records, in page time, when a "checking…" placeholder and when a finished answer first appear.
WATCH_JS = """
window.__ikqaSeen = {};
const before = arguments[0];
const started = performance.now();
new MutationObserver(() => {
  const seen = window.__ikqaSeen;
  if (!seen.checking && document.querySelector('#ikqa-chat .ikqa-checking')) {
    seen.checking = performance.now() - started;
  }
  const answers = document.querySelectorAll('#ikqa-chat .ikqa-answer .ikqa-meta');
  if (!seen.answer && answers.length > before) seen.answer = performance.now() - started;
}).observe(document.body, {childList: true, subtree: true, characterData: true});
"""
UNREACHABLE_MODEL = {"IKQA_LLM": "openai", "IKQA_LLM_URL": "http://127.0.0.1:9/v1",
                     "IKQA_LLM_MODEL": "m", "IKQA_LLM_TIMEOUT": "5"}
# Eight different questions, each with what its answer (and no other one here) contains.
SESSIONS = [
    ("Where is IKCRI based?", "New Delhi"),
    ("What is FORGE?", "United States-led"),
    ("Where is the IKSTC?", "Bangalore"),
    ("What is KIND-X?", "Defense Accelerator"),
    ("Who is the author of the brief on India-Republic of Korea scientific cooperation?",
     "Varshney"),
    ("Which President of the Republic of Korea recently visited India?", "Lee Jae Myung"),
    ("What does the cross-border payment linkage allow?", "real-time cross-border payments"),
    ("Which agencies form the space Joint Working Group?", "Indian Space Research"),
]


@pytest.fixture(scope="module")
def index_copy(built_settings: ikqa.Settings, tmp_path_factory: pytest.TempPathFactory
               ) -> ikqa.Settings:
    return private_copy(built_settings, tmp_path_factory.mktemp("modes-index"))


@pytest.fixture(scope="module")
def verified_url(index_copy: ikqa.Settings) -> Iterator[str]:
    with serve_process(index_copy.sources_dir, index_copy.index_dir, "--mode", "verified",
                       env={"IKQA_LLM": "local"}) as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-modes")) as driver:
        yield driver


def _picked(driver: Any) -> str:
    """The answer mode checked in the page's selector."""
    return next(r.get_attribute("value") for r in css(driver, "#ikqa-mode input[type=radio]")
                if r.is_selected())


def _pick(driver: Any, label: str) -> None:
    css(driver, f"#ikqa-mode label[data-testid='{label}-radio-label']")[0].click()
    wait(driver, lambda d: _picked(d) == {"fast": "extractive"}.get(label, label))


def _ask_watched(driver: Any, question: str, answers_before: int) -> tuple[Any, dict[str, float]]:
    """Ask ``question`` and return its answer with the page times (ms) of "checking…" and of
    the finished answer."""
    driver.execute_script(WATCH_JS, answers_before)
    answer = ask(driver, question, answers_before)
    return answer, driver.execute_script("return window.__ikqaSeen;")


def _meta(answer: Any) -> tuple[float, str, str]:
    """(confidence, its style, mode label) shown under an answer."""
    shown = answer.find_element("css selector", ".ikqa-confidence")
    value = float(re.fullmatch(r"confidence (\d\.\d\d)", shown.text).group(1))
    level = "high" if "ikqa-conf-high" in shown.get_attribute("class") else "low"
    return value, level, answer.find_element("css selector", ".ikqa-mode").text


@pytest.mark.llm
@pytest.mark.browser
def test_verified_page_shows_checking_then_the_answer_with_its_confidence(
        verified_url: str, browser: Any, tmp_path: Path) -> None:
    open_page(browser, verified_url)
    labels = [e.text for e in css(browser, "#ikqa-mode label")]
    assert labels[:2] == ["fast", "verified"] and len(labels) == len(ANSWER_MODES)
    assert _picked(browser) == "verified"  # the server's --mode is the page's default
    answer, seen = _ask_watched(browser, "Where is IKCRI based?", 0)
    assert "New Delhi" in answer.text
    assert seen.get("checking") and seen["checking"] < seen["answer"], seen  # shown first
    assert _meta(answer)[1:] == ("high", "verified") and _meta(answer)[0] >= 0.5
    browser.save_screenshot(str(tmp_path / "verified-answer.png"))
    _pick(browser, "fast")
    answer, seen = _ask_watched(browser, "What is FORGE?", 1)
    assert "February 2026" in answer.text and _meta(answer)[2] == "fast"
    assert "checking" not in seen, seen  # a fast answer has no "checking…" state
    open_page(browser, verified_url, fresh=False)  # a reload keeps this browser's choice
    wait(browser, lambda d: len(css(d, "#ikqa-chat .ikqa-answer")) == 2)
    wait(browser, lambda d: _picked(d) == "extractive")
    first = css(browser, "#ikqa-chat .ikqa-answer")[0]
    assert _meta(first)[2] == "verified"  # restored turns keep their confidence and mode


def _one_session(url: str, question: str, start: threading.Barrier
                 ) -> tuple[float, list[str], list[Any]]:
    """Seconds to the finished answer, what stood in the answer's place at each update, and
    the final history of one page session asking ``question`` in verified mode."""
    from gradio_client import Client

    client = Client(url, verbose=False)
    start.wait(timeout=120)
    started = time.perf_counter()
    job = client.submit(question, "verified", api_name="/chat")
    shown = [message_text(update[1][-1]) for update in job if len(update[1]) == 2]
    job.result(timeout=600)
    return time.perf_counter() - started, shown, job.outputs()[-1][1]


@pytest.mark.llm
def test_eight_parallel_verified_sessions_each_get_the_answer_to_their_own_question(
        verified_url: str) -> None:
    start = threading.Barrier(len(SESSIONS))
    with ThreadPoolExecutor(len(SESSIONS)) as pool:
        results = list(pool.map(lambda s: _one_session(verified_url, s[0], start), SESSIONS))
    for (question, want), (_, shown, history) in zip(SESSIONS, results):
        assert "ikqa-checking" in shown[0] and "ikqa-checking" not in shown[-1], shown
        assert [message_text(m) for m in history[::2]] == [question]  # its own turn only
        answer = message_text(history[-1])
        assert want in answer and '<span class="ikqa-mode">verified<' in answer, (question, answer)
        others = [w for q, w in SESSIONS if q != question and w in answer]
        assert not others, (question, others)
    seconds = sorted(s for s, _, _ in results)
    print(f"\n{len(seconds)} verified sessions at once: p50 {statistics.median(seconds):.1f} s, "
          f"p95 {seconds[-1]:.1f} s")  # of 8, the 95th percentile is the slowest


@pytest.mark.browser
def test_a_model_failure_shows_the_fast_answer_with_its_note_and_the_page_keeps_working(
        index_copy: ikqa.Settings, browser: Any, tmp_path: Path) -> None:
    with serve_process(index_copy.sources_dir, index_copy.index_dir, "--mode", "verified",
                       env=UNREACHABLE_MODEL) as url:
        open_page(browser, url)
        assert _picked(browser) == "verified"
        answer = ask(browser, "Where is IKCRI based?", 0)
        assert "New Delhi" in answer.text and _meta(answer)[2] == "fast"
        note = answer.find_element("css selector", ".ikqa-note").text
        assert note.startswith("Not checked by the language model: cannot reach") and \
            "\n" not in note
        browser.save_screenshot(str(tmp_path / "model-failure.png"))
        answer = ask(browser, "What does it focus on?", 1)  # the page keeps working
        assert "technology transfer" in answer.text
        assert "Not checked" in answer.find_element("css selector", ".ikqa-note").text
