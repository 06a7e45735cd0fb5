"""Hostile file names and brief text rendered through every Markdown/HTML part of the page, in
headless Chromium against a real ``ikqa serve`` process: the answer, the citation panel, the
Sources table and the re-index, upload and delete status lines. Each must show the text as
written: no element, link, emphasis or formula made from it, no script run."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, Iterator

import pytest
from ui_helpers import (ask, chromium, css, ingest, open_page, serve_process, tab, wait)

import ikqa

pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.browser]

BRIEF_NAME = "<img src=x onerror=window.__pwned=1>[f](javascript:window.__pwned=2) **f**.txt"
BROKEN_NAME = "<img src=x onerror=window.__pwned=3>**broken**.txt"
TITLE = "<img src=x onerror=window.__pwned=4> **Zephyria** [go](javascript:window.__pwned=5)"
SIGNED = ("The Zephyria Accord <img src=x onerror=window.__pwned=6> was signed in **Tallinn** "
          "[see](javascript:window.__pwned=7) on 4 May 2026 by $$x^2$$ delegates.")
RUN_BY = ("The Zephyria Accord <img src=x onerror=window.__pwned=10> is administered by the "
          "**Baltic** Ledger Office, based in [Riga](javascript:window.__pwned=11) $$y^2$$.")
HOSTILE_BRIEF = f"""{TITLE}

Mallory _Author_ <b>Fellow</b>

{SIGNED}

{RUN_BY}
"""
# In either sentence an answer may cite:
IN_BOTH = ("The Zephyria Accord <img src=x onerror=window.__pwned=", "](javascript:window.__pwned=",
           "**", "$$")
# Gradio drops < > : * $ ! {{ }} from uploaded names; brackets, parentheses, _ and # stay.
UPLOAD_NAME = "[up](javascript=window.__pwned=8) _em_ #x.txt"
REFUSED_NAME = "[no](javascript=window.__pwned=9) _em_.rtf"
UPLOAD_TEXT = "Harbour Notes\n\nThe Vantaa harbour pact covers forty berths.\n"
OURS = ("Added", "Not added.", "Deleted", "Re-indexed", "Related, but not an answer")  # bold labels
# What Markdown or HTML would have made of the strings above, had they got through.
MADE = ("img", "a[href^='javascript']", "a[href*='pwned']", "strong", "em", "b", ".katex",
        "h1")


@pytest.fixture(scope="module")
def app(built_settings: ikqa.Settings, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("hostile")
    sources = root / "sources"
    shutil.copytree(built_settings.sources_dir, sources)
    (sources / BRIEF_NAME).write_text(HOSTILE_BRIEF, encoding="utf-8")
    (sources / BROKEN_NAME).write_bytes(b"\x7fELF\x02\x01\x01" + bytes(300))
    ingest(sources, root / "index")
    env = {"GRADIO_TEMP_DIR": str(root / "gradio-temp")}
    with serve_process(sources, root / "index", env=env) as url:
        yield url, sources


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("hostile-profile")) as driver:
        yield driver


def _inert(driver: Any, selector: str, *literals: str) -> str:
    """The text of ``selector``, after checking it shows ``literals`` as written and holds
    nothing made from them; and that no hostile script ran anywhere."""
    scope = css(driver, selector)[0]
    text = " ".join(scope.text.split())
    for literal in literals:
        assert " ".join(literal.split()) in text, (literal, text)
    for made in MADE:
        found = [e.get_attribute("outerHTML")[:120] for e in
                 scope.find_elements("css selector", made)
                 if made not in ("strong", "b") or e.text not in OURS]
        assert not found, (selector, made, found)
    assert driver.execute_script("return window.__pwned === undefined;")
    assert not css(driver, "img[src='x'], a[href^='javascript']")
    return text


def test_hostile_names_and_text_show_as_written_in_answer_panel_and_table(
        app: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    url, _ = app
    open_page(browser, url)
    answer = ask(browser, "Where was the Zephyria Accord signed?", 0)
    assert "Zephyria Accord" in answer.text
    _inert(browser, "#ikqa-chat .ikqa-answer", *IN_BOTH, TITLE, BRIEF_NAME)
    browser.save_screenshot(str(tmp_path / "hostile-answer.png"))
    answer.find_element("css selector", "a.ikqa-cite").click()  # a citation (or related passage)
    wait(browser, lambda d: css(d, "#ikqa-passage mark.ikqa-hl"))
    _inert(browser, "#ikqa-passage", *IN_BOTH, TITLE, BRIEF_NAME)
    assert "<img src=x" in css(browser, "#ikqa-passage mark.ikqa-hl")[0].text
    tab(browser, "Sources")
    wait(browser, lambda d: "Zephyria" in css(d, "#ikqa-sources-table")[0].text)
    _inert(browser, "#ikqa-sources-table", TITLE, BRIEF_NAME, "Mallory _Author_ <b>Fellow</b>")
    browser.save_screenshot(str(tmp_path / "hostile-sources.png"))


def _status(driver: Any) -> str:
    return " ".join(css(driver, "#ikqa-sources-status")[0].text.split())


def test_hostile_names_show_as_written_in_reindex_upload_and_delete_messages(
        app: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    url, sources = app
    open_page(browser, url)
    tab(browser, "Sources")
    wait(browser, lambda d: "Zephyria" in css(d, "#ikqa-sources-table")[0].text)
    css(browser, "#ikqa-reindex")[0].click()
    wait(browser, lambda d: "Re-indexed" in _status(d), timeout=240)
    _inert(browser, "#ikqa-sources-status", f"not indexed: {BROKEN_NAME}")

    refused = tmp_path / REFUSED_NAME
    refused.write_text("{\\rtf1 memo}", encoding="utf-8")
    css(browser, "#ikqa-upload input[type=file]")[0].send_keys(str(refused))
    wait(browser, lambda d: "Not added." in _status(d))
    _inert(browser, "#ikqa-sources-status", REFUSED_NAME)

    upload = tmp_path / UPLOAD_NAME
    upload.write_text(UPLOAD_TEXT, encoding="utf-8")
    css(browser, "#ikqa-upload input[type=file]")[0].send_keys(str(upload))
    wait(browser, lambda d: "Added" in _status(d) and "Not added" not in _status(d), timeout=120)
    stored = next(p.name for p in sources.iterdir() if "harbour" in p.read_text("utf-8", "ignore")
                  .lower())
    assert stored.startswith("[up](javascript") and "_em_" in stored
    _inert(browser, "#ikqa-sources-status", f"Added {UPLOAD_NAME} as {stored}")
    browser.save_screenshot(str(tmp_path / "hostile-added.png"))

    css(browser, "#ikqa-delete-name input")[0].click()
    option = wait(browser, lambda d: [o for o in css(d, "[role=listbox] [role=option]")
                                      if o.text.strip(" ✓") == stored])
    option[0].click()
    css(browser, "#ikqa-delete")[0].click()
    wait(browser, lambda d: d.switch_to.alert).accept()
    wait(browser, lambda d: "Deleted" in _status(d))
    _inert(browser, "#ikqa-sources-status", f"Deleted {stored}")
    assert not (sources / stored).exists()
