"""Helpers shared by the web UI tests: a free loopback port, a served app (in this process or
a real ``ikqa serve`` process), a private index copy, and headless Chromium with small
Selenium helpers."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator, TypeVar

import ikqa
from ikqa.ui.app import build_ui, launch


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(assistant: ikqa.Assistant, **options: Any) -> Iterator[str]:
    """The page for ``assistant`` on a real Gradio server on 127.0.0.1; closed afterwards."""
    auth = options.pop("auth", None)
    demo = build_ui(assistant, **options)
    port = free_port()
    launch(demo, "127.0.0.1", port, auth=auth, read_only=options.get("read_only", False),
           block=False)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()


def private_copy(settings: ikqa.Settings, root: Path) -> ikqa.Settings:
    """A copy of a built index and its sources under ``root``, for tests that change them."""
    shutil.copytree(settings.sources_dir, root / "sources")
    shutil.copytree(settings.index_dir, root / "index")
    return settings.replace(sources_dir=root / "sources", index_dir=root / "index")


def message_text(message: dict[str, Any]) -> str:
    """A chat message's text as gradio_client returns it (a string or a list of parts)."""
    content = message["content"]
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") for part in content if isinstance(part, dict))


# -- a real `ikqa serve` process ---------------------------------------------------------------

IKQA = Path(sys.executable).with_name("ikqa")


@contextmanager
def serve_process(sources: Path, index: Path, *options: str, env: dict[str, str] | None = None,
                  port: int | None = None) -> Iterator[str]:
    """``ikqa serve`` over ``sources``/``index`` on 127.0.0.1 (extra CLI ``options`` and
    environment ``env``), until it answers; terminated afterwards."""
    import httpx

    port = port or free_port()
    full_env = {**os.environ, **(env or {})}
    server = subprocess.Popen([str(IKQA), "serve", "--sources", str(sources), "--index", str(index),
                               "--port", str(port), *options], env=full_env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.communicate()[0]
            try:
                if httpx.get(url, timeout=5).status_code in (200, 401):
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "ikqa serve never came up"
            time.sleep(0.3)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


def ingest(sources: Path, index: Path) -> subprocess.CompletedProcess[str]:
    """``ikqa ingest`` as a separate process (exit 0, or 3 when some file was refused)."""
    done = subprocess.run([str(IKQA), "ingest", "--sources", str(sources), "--index", str(index)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 3), done.stdout + done.stderr
    return done


# -- headless Chromium -----------------------------------------------------------------------

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--window-size=1400,1000"]
WAIT = 60
PHONE = {"width": 400, "height": 800, "deviceScaleFactor": 1, "mobile": True}
T = TypeVar("T")


@contextmanager
def chromium(profile: Path, phone: bool = False) -> Iterator[Any]:
    """Debian's headless Chromium driven by Selenium; ``phone`` emulates a 400 px wide phone."""
    import pytest

    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.fail("Chromium is missing: run `make browser-deps` (apt-get install chromium "
                    "chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    os.environ.setdefault("SE_AVOID_STATS", "true")  # Selenium Manager is never needed here
    options = webdriver.ChromeOptions()
    options.binary_location = str(CHROMIUM)
    for flag in [*FLAGS, f"--user-data-dir={profile}"]:
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
    try:
        if phone:
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", PHONE)
        yield driver
    finally:
        driver.quit()


def wait(driver: Any, condition: Callable[[Any], T], timeout: float = WAIT) -> T:
    """Poll ``condition`` until it is truthy; an element re-rendered meanwhile is polled again."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout, poll_frequency=0.1,
                         ignored_exceptions=(StaleElementReferenceException,)).until(condition)


def css(driver: Any, selector: str) -> list[Any]:
    from selenium.webdriver.common.by import By

    return list(driver.find_elements(By.CSS_SELECTOR, selector))


def open_page(driver: Any, url: str, fresh: bool = True) -> None:
    """Load the page; ``fresh`` first forgets a conversation kept in the browser's storage."""
    driver.get(url)
    if fresh:
        driver.execute_script("window.localStorage.clear();")
        driver.get(url)
    wait(driver, lambda d: css(d, "#ikqa-question textarea"))


def ask(driver: Any, question: str, answers_before: int) -> Any:
    """Type ``question``, press Ask, and return the finished answer's element."""
    box = css(driver, "#ikqa-question textarea")[0]
    box.send_keys(question)
    css(driver, "#ikqa-ask")[0].click()
    wait(driver, lambda d: len(css(d, "#ikqa-chat .ikqa-answer")) > answers_before
         and not css(d, "#ikqa-chat .pending"))
    wait(driver, lambda d: css(d, "#ikqa-chat .ikqa-answer")[-1].find_elements(
        "css selector", ".ikqa-sources, .ikqa-related") or "No indexed source answers this question" in
        css(d, "#ikqa-chat .ikqa-answer")[-1].text)
    return css(driver, "#ikqa-chat .ikqa-answer")[-1]


def tab(driver: Any, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.find_elements(By.XPATH, f"//button[@role='tab' and normalize-space()='{name}']")[0].click()


def rect(driver: Any, element: Any) -> dict[str, float]:
    """The element's box in the viewport, with the viewport's size."""
    return driver.execute_script(
        "const r = arguments[0].getBoundingClientRect();"
        "return {top: r.top, bottom: r.bottom, left: r.left, right: r.right,"
        " width: window.innerWidth, height: window.innerHeight};", element)
