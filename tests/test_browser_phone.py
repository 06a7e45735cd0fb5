"""The page on a 400 px wide phone (Chromium's device emulation) against a real ``ikqa serve``
process: the cited sentence opens in a drawer where the reader is, the Sources table is
readable, a conversation survives a reload until "New conversation", and gibberish gets no
"related" passages. Screenshots go to the test's tmp folder."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from ui_helpers import PHONE, ask, chromium, css, open_page, rect, serve_process, tab, wait

import ikqa

pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.browser]

BRIEF = "india-rok-scientific-cooperation.txt"
STORAGE = "return window.localStorage.getItem('ikqa-conversation');"


@pytest.fixture(scope="module")
def url(built_settings: ikqa.Settings) -> Iterator[str]:
    with serve_process(built_settings.sources_dir, built_settings.index_dir) as address:
        yield address


@pytest.fixture(scope="module")
def phone(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("phone-profile"), phone=True) as driver:
        yield driver


def _scroll_y(driver: Any) -> float:
    return float(driver.execute_script("return window.scrollY;"))


def _ask_and_keep(driver: Any, question: str, answers_before: int) -> Any:
    """Ask, then wait until the browser's storage holds the new turn."""
    stored = driver.execute_script(STORAGE)
    answer = ask(driver, question, answers_before)
    wait(driver, lambda d: d.execute_script(STORAGE) not in (None, stored))
    return answer


def test_phone_citation_opens_in_a_drawer_where_the_reader_is(url: str, phone: Any,
                                                              tmp_path: Path) -> None:
    open_page(phone, url)
    assert phone.execute_script("return window.innerWidth;") == PHONE["width"]
    answer = ask(phone, "Where is IKCRI based?", 0)
    marker = answer.find_element("css selector", ".ikqa-text a.ikqa-cite")
    phone.execute_script("arguments[0].scrollIntoView({block: 'center'});", marker)
    reading_at = _scroll_y(phone)
    marker.click()
    mark = wait(phone, lambda d: css(d, "#ikqa-passage mark.ikqa-hl"))[0]
    phone.save_screenshot(str(tmp_path / "phone-drawer.png"))
    seen, drawer = rect(phone, mark), rect(phone, css(phone, "#ikqa-passage .ikqa-passage")[0])
    assert 0 <= seen["top"] and seen["bottom"] <= seen["height"], seen  # on screen, not below
    assert abs(drawer["bottom"] - drawer["height"]) < 2 and drawer["top"] > drawer["height"] / 3
    assert drawer["left"] == 0 and drawer["right"] == PHONE["width"]  # a drawer over the bottom
    clicked = rect(phone, marker)
    assert 0 <= clicked["top"] and clicked["bottom"] <= drawer["top"]  # still in sight above it
    assert abs(_scroll_y(phone) - reading_at) < PHONE["height"]  # no jump to the foot of the page
    assert "New Delhi" in mark.text and BRIEF in css(phone, "#ikqa-passage")[0].text
    css(phone, "#ikqa-passage .ikqa-close")[0].click()
    wait(phone, lambda d: not css(d, "#ikqa-passage .ikqa-passage")
         and css(d, "#ikqa-passage .ikqa-panel-empty"))


def test_phone_sources_table_shows_every_column_readably(url: str, phone: Any,
                                                         tmp_path: Path) -> None:
    open_page(phone, url)
    tab(phone, "Sources")
    wait(phone, lambda d: BRIEF in css(d, "#ikqa-sources-table")[0].text)
    phone.save_screenshot(str(tmp_path / "phone-sources.png"))
    cells = css(phone, "#ikqa-sources-table tbody td")
    labels = [phone.execute_script(
        "return getComputedStyle(arguments[0], '::before').content;", c) for c in cells]
    assert labels == ['"Title: "', '"Author: "', '"File: "', '"Chunks: "', '"Indexed: "']
    assert [c.text for c in cells][2] == BRIEF
    assert "Scientific Cooperation" in cells[0].text and cells[3].text.isdigit()
    for cell in cells:
        box = rect(phone, cell)
        assert cell.is_displayed() and 0 <= box["left"] and box["right"] <= PHONE["width"], box
        assert phone.execute_script("return arguments[0].scrollWidth <= arguments[0].clientWidth;",
                                    cell), cell.text  # nothing clipped inside a cell
    assert phone.execute_script("return document.documentElement.scrollWidth;") <= PHONE["width"]


def test_a_conversation_survives_a_reload_until_new_conversation(url: str, phone: Any) -> None:
    open_page(phone, url)
    first = _ask_and_keep(phone, "What is FORGE?", 0).text
    phone.refresh()
    wait(phone, lambda d: len(css(d, "#ikqa-chat .ikqa-answer")) == 1)
    assert css(phone, "#ikqa-chat .ikqa-answer")[0].text == first
    follow_up = _ask_and_keep(phone, "When was it launched?", 1)  # needs the restored turn
    assert "February 2026" in follow_up.text
    phone.refresh()
    wait(phone, lambda d: len(css(d, "#ikqa-chat .ikqa-answer")) == 2)
    assert "February 2026" in css(phone, "#ikqa-chat .ikqa-answer")[1].text
    css(phone, "#ikqa-chat .ikqa-answer .ikqa-text a.ikqa-cite")[0].click()  # restored citations
    mark = wait(phone, lambda d: css(d, "#ikqa-passage mark.ikqa-hl"))[0]
    assert "FORGE" in mark.text
    css(phone, "#ikqa-passage .ikqa-close")[0].click()
    stored = phone.execute_script(STORAGE)
    css(phone, "#ikqa-new")[0].click()
    wait(phone, lambda d: not css(d, "#ikqa-chat .ikqa-answer")
         and d.execute_script(STORAGE) != stored)
    phone.refresh()
    wait(phone, lambda d: css(d, "#ikqa-chat button.example"))  # the empty chat's examples
    assert not css(phone, "#ikqa-chat .ikqa-answer")


def test_gibberish_gets_an_abstention_without_related_passages(url: str, phone: Any) -> None:
    open_page(phone, url)
    answer = ask(phone, "xkcd qwpoe zzzy blorf", 0)
    assert "The briefings don't say" in answer.text
    assert not answer.find_elements("css selector", ".ikqa-related, a.ikqa-cite")
