"""The page in a real browser: Debian's headless Chromium driven by Selenium against a real server.

One server (over a private copy of the built index, since a test uploads a brief) and
one browser are shared by the module. Screenshots go to the test's tmp folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Iterator

import pytest
from ui_helpers import ask as _ask
from ui_helpers import chromium, private_copy, served
from ui_helpers import css as _css
from ui_helpers import open_page as _open
from ui_helpers import tab as _tab
from ui_helpers import wait as _wait

import ikqa

pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.browser]

NEW_BRIEF = """Nordic-Indian Ocean Data Partnership

Asha Menon
Fellow, Marine Policy Unit

The Nordic-Indian Ocean Data Partnership was signed in Reykjavik on 3 March 2026. It funds a \
shared network of forty ocean-observation buoys in the Arabian Sea.

The partnership is coordinated by the Marine Data Secretariat, which is based in Kochi.
"""


@pytest.fixture(scope="module")
def app(built_settings: ikqa.Settings, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[tuple[str, ikqa.Settings]]:
    settings = private_copy(built_settings, tmp_path_factory.mktemp("browser-index"))
    with served(ikqa.Assistant(settings)) as url:
        yield url, settings


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("chromium-profile")) as driver:
        yield driver


def test_ask_click_marker_see_the_sentence_highlighted(app: tuple[str, ikqa.Settings],
                                                       browser: Any, tmp_path: Path) -> None:
    url, settings = app
    _open(browser, url)
    assert len(_css(browser, "#ikqa-chat button.example")) >= 3  # examples on an empty chat
    answer = _ask(browser, "Where is IKCRI based?", 0)
    assert "New Delhi" in answer.text
    browser.save_screenshot(str(tmp_path / "1-answer.png"))
    marker = answer.find_element("css selector", ".ikqa-text a.ikqa-cite")
    assert marker.text == "[1]"
    marker.click()
    mark = _wait(browser, lambda d: _css(d, "#ikqa-passage mark.ikqa-hl"))[0]
    want = ikqa.Assistant(settings).ask("Where is IKCRI based?").citations[0]
    assert " ".join(mark.text.split()) == " ".join(want.text.split())
    panel = _css(browser, "#ikqa-passage")[0].text
    assert "India-Republic of Korea Scientific Cooperation" in panel and want.source in panel
    assert "IKSTC" in panel  # the rest of the paragraph is shown around the sentence
    assert browser.current_url.rstrip("/") == url.rstrip("/")  # the click did not navigate
    browser.save_screenshot(str(tmp_path / "2-cited-sentence.png"))
    assert (tmp_path / "2-cited-sentence.png").stat().st_size > 10_000


def test_abstention_feedback_copy_and_new_conversation(app: tuple[str, ikqa.Settings],
                                                       browser: Any, tmp_path: Path) -> None:
    url, settings = app
    browser.execute_cdp_cmd("Browser.grantPermissions", {
        "origin": url.rstrip("/"), "permissions": ["clipboardReadWrite", "clipboardSanitizedWrite"]})
    _open(browser, url)
    next(b for b in _css(browser, "#ikqa-chat button.example") if "FORGE" in b.text).click()
    _wait(browser, lambda d: _css(d, "#ikqa-chat .ikqa-sources"))
    _css(browser, "#ikqa-copy")[0].click()
    copied = _wait(browser, lambda d: d.execute_async_script(
        "const done = arguments[0]; navigator.clipboard.readText().then(done, () => done(''));"))
    assert copied.startswith("It may be noted that the FORGE") and "\n[1] India-Republic" in copied
    feedback = settings.index_dir / "feedback.jsonl"
    def votes() -> int:  # the copied index may hold earlier tests' votes
        return len(feedback.read_text(encoding="utf-8").splitlines()) if feedback.exists() else 0
    before = votes()
    _css(browser, "#ikqa-chat button[aria-label='Dislike']")[-1].click()
    _wait(browser, lambda d: votes() > before)
    vote = json.loads(feedback.read_text(encoding="utf-8").splitlines()[-1])
    assert vote["vote"] == "down" and vote["question"] == "What is FORGE?"
    answer = _ask(browser, "Who won the 2030 football world cup?", 1)
    assert "The briefings don't say" in answer.text and "Related, but not an answer" in answer.text
    assert not answer.find_elements("css selector", ".ikqa-text a.ikqa-cite")
    answer.find_element("css selector", ".ikqa-related a.ikqa-cite").click()
    _wait(browser, lambda d: "Related, but not an answer" in _css(d, "#ikqa-passage")[0].text)
    browser.save_screenshot(str(tmp_path / "abstention.png"))
    _css(browser, "#ikqa-new")[0].click()
    _wait(browser, lambda d: not _css(d, "#ikqa-chat .ikqa-answer"))
    assert "Click a" in _css(browser, "#ikqa-passage")[0].text


def test_upload_a_brief_then_ask_about_it(app: tuple[str, ikqa.Settings], browser: Any,
                                          tmp_path: Path) -> None:
    url, settings = app
    upload = tmp_path / "upload" / "ocean-data-partnership.txt"
    upload.parent.mkdir()
    upload.write_text(NEW_BRIEF, encoding="utf-8")
    _open(browser, url)
    _tab(browser, "Sources")
    _wait(browser, lambda d: "india-rok-scientific-cooperation.txt" in
          _css(d, "#ikqa-sources-table")[0].text)
    _css(browser, "#ikqa-upload input[type=file]")[0].send_keys(str(upload))
    _wait(browser, lambda d: "Added" in _css(d, "#ikqa-sources-status")[0].text, timeout=180)
    table = _css(browser, "#ikqa-sources-table")[0].text
    assert "ocean-data-partnership.txt" in table and "Nordic-Indian Ocean Data Partnership" in table
    browser.save_screenshot(str(tmp_path / "sources.png"))
    assert (settings.sources_dir / "ocean-data-partnership.txt").read_text(encoding="utf-8") == NEW_BRIEF
    _tab(browser, "Chat")
    answer = _ask(browser, "Where was the Nordic-Indian Ocean Data Partnership signed?", 0)
    assert "Reykjavik" in answer.text and "ocean-data-partnership.txt" in answer.text
    answer.find_element("css selector", ".ikqa-text a.ikqa-cite").click()
    mark = _wait(browser, lambda d: _css(d, "#ikqa-passage mark.ikqa-hl"))[0]
    assert "signed in Reykjavik" in mark.text
    assert "forty ocean-observation buoys" in _css(browser, "#ikqa-passage")[0].text
    browser.save_screenshot(str(tmp_path / "uploaded-answer.png"))


def test_a_rejected_upload_says_why_and_changes_nothing(app: tuple[str, ikqa.Settings],
                                                        browser: Any, tmp_path: Path) -> None:
    url, settings = app
    fake = tmp_path / "not-a-brief.txt"
    fake.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    before = sorted(p.name for p in settings.sources_dir.iterdir())
    _open(browser, url)
    _tab(browser, "Sources")
    _wait(browser, lambda d: "india-rok" in _css(d, "#ikqa-sources-table")[0].text)
    _css(browser, "#ikqa-upload input[type=file]")[0].send_keys(str(fake))
    status = _wait(browser, lambda d: "Not added." in _css(d, "#ikqa-sources-status")[0].text
                   and _css(d, "#ikqa-sources-status")[0].text)
    assert "not-a-brief.txt" in status and "\n" not in status.strip()
    assert sorted(p.name for p in settings.sources_dir.iterdir()) == before
    assert "not-a-brief" not in _css(browser, "#ikqa-sources-table")[0].text
