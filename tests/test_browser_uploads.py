"""Uploads through the page, against a real ``ikqa serve`` process with its own Gradio temp
folder and a 1 MB upload limit: a visible progress bar while a brief is indexed, a message for
every refusal, and no temp copy left behind (nor served) once an upload is handled."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any, Iterator

import httpx
import pytest
from ui_helpers import chromium, css, open_page, private_copy, serve_process, tab, wait

import ikqa

pytestmark = [pytest.mark.slow, pytest.mark.server, pytest.mark.browser]

WORDS = ("policy cooperation research innovation agreement partnership technology energy trade "
         "defence maritime security council ministry programme investment").split()


def _long_brief(paragraphs: int = 400) -> str:
    """A ~200 KB brief: long enough that indexing it takes a few seconds."""
    rng = random.Random(7)
    body = "\n\n".join(" ".join(" ".join(rng.choice(WORDS) for _ in range(14)).capitalize() + "."
                                for _ in range(4)) for _ in range(paragraphs))
    return f"A Long Brief on Many Things\n\nAnon Author\n\n{body}\n"


@pytest.fixture(scope="module")
def app(built_settings: ikqa.Settings, tmp_path_factory: pytest.TempPathFactory
        ) -> Iterator[tuple[str, ikqa.Settings, Path]]:
    settings = private_copy(built_settings, tmp_path_factory.mktemp("uploads-index"))
    temp = tmp_path_factory.mktemp("gradio-temp")
    env = {"GRADIO_TEMP_DIR": str(temp), "IKQA_MAX_UPLOAD_MB": "1"}
    with serve_process(settings.sources_dir, settings.index_dir, env=env) as url:
        yield url, settings, temp


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    with chromium(tmp_path_factory.mktemp("uploads-profile")) as driver:
        yield driver


def _sources_tab(driver: Any, url: str) -> None:
    open_page(driver, url)
    tab(driver, "Sources")
    wait(driver, lambda d: "india-rok" in css(d, "#ikqa-sources-table")[0].text)


def _status(driver: Any) -> str:
    return str(css(driver, "#ikqa-sources-status")[0].text)


def _copies(temp: Path, name: str) -> list[Path]:
    return [p for p in temp.rglob(name) if p.is_file()]


def test_an_upload_shows_a_progress_bar_and_leaves_no_temp_copy(
        app: tuple[str, ikqa.Settings, Path], browser: Any, tmp_path: Path) -> None:
    url, settings, temp = app
    upload = tmp_path / "long-brief.txt"
    upload.write_text(_long_brief(), encoding="utf-8")
    _sources_tab(browser, url)
    css(browser, "#ikqa-upload input[type=file]")[0].send_keys(str(upload))
    seen: dict[str, Any] = {}

    def watch(driver: Any) -> bool:
        for copy in _copies(temp, upload.name):
            seen["temp copy"] = copy
        bars = [e for e in css(driver, "#ikqa-sources-status .progress-bar, "
                                       "#ikqa-sources-status .progress-level")
                if e.is_displayed() and e.size["height"] >= 8 and e.size["width"] >= 100]
        if bars and "bar" not in seen:
            seen["bar"] = bars[0].size
            driver.save_screenshot(str(tmp_path / "upload-progress.png"))
        return "Added" in _status(driver)

    wait(browser, watch, timeout=240)
    assert "bar" in seen, "no visible progress bar while the upload was indexed"
    assert "long-brief.txt" in _status(browser) and "long-brief.txt" in \
        css(browser, "#ikqa-sources-table")[0].text
    assert (settings.sources_dir / upload.name).read_bytes() == upload.read_bytes()  # kept
    copy = seen["temp copy"]  # Gradio's copy existed while the upload was handled...
    assert not copy.exists() and not _copies(temp, upload.name)  # ...and is gone now
    served = httpx.get(url + f"gradio_api/file={copy}", timeout=30)
    assert served.status_code != 200 and "Many Things" not in served.text


def test_every_refused_upload_says_why_and_leaves_nothing_behind(
        app: tuple[str, ikqa.Settings, Path], browser: Any, tmp_path: Path) -> None:
    url, settings, temp = app
    before = sorted(p.name for p in settings.sources_dir.iterdir())
    refused = {
        "memo.rtf": b"{\\rtf1\\ansi A memo in rich text.}",
        "not-a-brief.txt": b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4,
        "empty.md": b"",
    }
    for name, data in refused.items():
        path = tmp_path / name
        path.write_bytes(data)
        _sources_tab(browser, url)
        css(browser, "#ikqa-upload input[type=file]")[0].send_keys(str(path))
        message = wait(browser, lambda d: "Not added." in _status(d) and _status(d), timeout=120)
        assert name in message and "\n" not in message.strip(), message
        assert not _copies(temp, name), name
    too_big = tmp_path / "too-big.txt"
    too_big.write_text("A Brief Too Big\n\n" + "Words fill this brief. " * 70_000, encoding="utf-8")
    _sources_tab(browser, url)
    css(browser, "#ikqa-upload input[type=file]")[0].send_keys(str(too_big))
    toast = wait(browser, lambda d: [t.text for t in css(d, ".toast-body")
                                     if "too-big.txt" in t.text])
    assert "maximum allowed size of 1" in toast[0]
    browser.save_screenshot(str(tmp_path / "too-big.png"))
    assert not _copies(temp, too_big.name)
    assert sorted(p.name for p in settings.sources_dir.iterdir()) == before
