"""The web server's defences, on real ``ikqa serve`` processes reached over HTTP: foreign
``Host``/``Origin`` refused without a login, failed logins throttled per client, no upload
route when read-only, and an abstention on gibberish that offers no "related" passages."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator
from urllib.parse import urlsplit

import httpx
import pytest
from ui_helpers import serve_process

import ikqa
from ikqa.types import Evidence
from ikqa.ui.guard import LoginThrottle, foreign_reason, is_upload_route

GIBBERISH = "xkcd qwpoe zzzy blorf"


# -- logic (no server) -----------------------------------------------------------------------

class _Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_login_throttle_delays_grow_then_lock_until_quiet_and_success_resets() -> None:
    clock = _Clock()
    throttle = LoginThrottle(free=2, base_delay=0.5, max_delay=2.0, lock_after=6,
                             lock_seconds=60, clock=clock)
    assert [throttle.admit("a") for _ in range(6)] == [0.0, 0.0, 0.5, 1.0, 2.0, 2.0]
    assert throttle.admit("a") is None and throttle.retry_after("a") == 60
    assert throttle.admit("b") == 0.0  # per client
    clock.now += 30
    assert throttle.admit("a") is None and throttle.retry_after("a") == 30
    clock.now += 30
    assert throttle.admit("a") == 0.0  # a quiet minute: the count starts again
    throttle.admit("a"), throttle.admit("a")
    throttle.succeeded("a")
    assert throttle.admit("a") == 0.0


def test_foreign_host_or_origin_is_named_and_loopback_names_pass() -> None:
    def scope(**headers: str) -> dict[str, object]:
        return {"server": ("127.0.0.1", 7860),
                "headers": [(k.encode(), v.encode()) for k, v in headers.items()]}
    for host in ("127.0.0.1:7860", "localhost:7860", "LOCALHOST:7860", "[::1]:7860"):
        assert foreign_reason(scope(host=host)) == ""
    assert foreign_reason(scope(host="localhost:7860", origin="http://127.0.0.1:7860")) == ""
    assert "Host rebind.example:7860" in foreign_reason(scope(host="rebind.example:7860"))
    assert "Host 127.0.0.1:8000" in foreign_reason(scope(host="127.0.0.1:8000"))
    assert "Host (none)" in foreign_reason(scope())
    assert "Origin" in foreign_reason(scope(host="127.0.0.1:7860", origin="http://evil.example"))
    assert "Origin" in foreign_reason(scope(host="127.0.0.1:7860", origin="null"))


def test_related_passages_must_share_a_term_or_be_close_in_meaning() -> None:
    from ikqa.answering.compose import RELATED_DENSE, related_evidence

    def ev(n: int, dense: float, coverage: float) -> Evidence:
        return Evidence(f"s{n}", "a.txt", "A", f"sentence {n}", 0, 10, 0.3, dense, 0.0, coverage)
    evidence = [ev(1, 0.2, 0.0), ev(2, 0.2, 0.3), ev(3, RELATED_DENSE, 0.0), ev(4, 0.1, 0.1),
                ev(5, 0.1, 0.2)]
    assert [e.sentence_id for e in related_evidence(evidence)] == ["s2", "s3", "s4"]
    assert related_evidence([ev(1, 0.3, 0.0), ev(2, 0.25, 0.0)]) == []


# -- real `ikqa serve` processes -------------------------------------------------------------

@pytest.fixture(scope="module")
def open_server(built_settings: ikqa.Settings, tmp_path_factory: pytest.TempPathFactory
                ) -> Iterator[tuple[str, Path]]:
    """A writable server without a login, and its own Gradio temp folder."""
    temp = tmp_path_factory.mktemp("gradio-temp-open")
    with serve_process(built_settings.sources_dir, built_settings.index_dir,
                       env={"GRADIO_TEMP_DIR": str(temp)}) as url:
        yield url, temp


def _with_host(url: str, host: str, path: str = "", method: str = "GET",
               **headers: str) -> httpx.Response:
    return httpx.request(method, url + path, headers={"Host": host, **headers}, timeout=30)


@pytest.mark.slow
@pytest.mark.server
def test_a_server_without_login_refuses_requests_that_name_another_host(
        open_server: tuple[str, Path]) -> None:
    """DNS rebinding: the attacker's page reaches the port under its own name; refused."""
    url, _ = open_server
    port = urlsplit(url).port
    for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
        assert _with_host(url, host).status_code == 200
        assert _with_host(url, host, "config").status_code == 200
    for path, method in (("", "GET"), ("config", "GET"), ("gradio_api/info", "GET"),
                         ("gradio_api/queue/join", "POST"), ("gradio_api/upload", "POST")):
        refused = _with_host(url, f"rebind.example:{port}", path, method)
        assert refused.status_code == 403, (path, refused.status_code)
        assert "DNS-rebinding" in refused.text and "rebind.example" in refused.text
    assert _with_host(url, "rebind.example", "config").status_code == 403
    cross = _with_host(url, f"127.0.0.1:{port}", "gradio_api/queue/join", "POST",
                       Origin="http://rebind.example")
    assert cross.status_code == 403 and "Origin http://rebind.example" in cross.text
    same = _with_host(url, f"127.0.0.1:{port}", "config", Origin=f"http://localhost:{port}")
    assert same.status_code == 200


@pytest.mark.slow
@pytest.mark.server
def test_failed_logins_are_slowed_then_refused_with_429_per_client(
        built_settings: ikqa.Settings) -> None:
    env = {"IKQA_AUTH": "ana:long-passphrase"}
    with serve_process(built_settings.sources_dir, built_settings.index_dir, env=env) as url:
        codes, seconds = [], []
        with httpx.Client(base_url=url, timeout=60) as web:
            for _ in range(11):
                start = time.monotonic()
                codes.append(web.post("login", data={"username": "ana", "password": "guess"})
                             .status_code)
                seconds.append(time.monotonic() - start)
            locked = web.post("login", data={"username": "ana", "password": "long-passphrase"})
        assert codes == [400] * 8 + [429] * 3
        assert max(seconds[:3]) < 0.2  # a typo or two costs nothing
        assert seconds[3] >= 0.2 and all(b > a * 1.5 for a, b in zip(seconds[3:7], seconds[4:8]))
        assert seconds[7] >= 3.5 and max(seconds[8:]) < 0.5  # then refused at once
        assert locked.status_code == 429 and int(locked.headers["retry-after"]) > 200
        assert "too many failed logins" in locked.text
        other = httpx.HTTPTransport(local_address="127.0.0.2")  # another client address
        with httpx.Client(base_url=url, transport=other, timeout=60) as web:
            assert web.post("login", data={"username": "ana", "password": "guess"}).status_code == 400
            ok = web.post("login", data={"username": "ana", "password": "long-passphrase"})
            assert ok.status_code == 200 and web.get("config").status_code == 200


def _stored(temp: Path, payload: bytes) -> list[Path]:
    return [p for p in temp.rglob("*") if p.is_file() and p.read_bytes() == payload]


@pytest.mark.slow
@pytest.mark.server
def test_a_read_only_server_has_no_upload_route(built_settings: ikqa.Settings,
                                                open_server: tuple[str, Path],
                                                tmp_path: Path) -> None:
    payload = b"Planted Brief\n\nA file sent straight to the upload route.\n"
    files = {"files": ("planted.txt", payload, "text/plain")}
    url, open_temp = open_server
    stored = httpx.post(url + "gradio_api/upload", files=files, timeout=30)
    assert stored.status_code == 200 and _stored(open_temp, payload)  # a writable server stores it
    temp = tmp_path / "gradio-temp"
    with serve_process(built_settings.sources_dir, built_settings.index_dir, "--read-only",
                       env={"GRADIO_TEMP_DIR": str(temp)}) as ro_url:
        for route in ("gradio_api/upload", "gradio_api/upload/", "gradio_api//upload",
                      "gradio_api/upload?upload_id=x1"):
            refused = httpx.post(ro_url + route, files=files, timeout=30)
            assert refused.status_code in (404, 405), (route, refused.status_code)
        progress = httpx.get(ro_url + "gradio_api/upload_progress?upload_id=x1", timeout=30)
        assert progress.status_code in (404, 405)
        assert httpx.get(ro_url, timeout=30).status_code == 200  # the page itself is served
    assert not _stored(temp, payload)


@pytest.mark.slow
@pytest.mark.server
def test_gibberish_abstains_without_related_passages(open_server: tuple[str, Path]) -> None:
    from gradio_client import Client

    url, _ = open_server
    client = Client(url, verbose=False)
    got = client.predict(GIBBERISH, api_name="/ask")
    assert got["abstained"] is True and got["citations"] == [] and got["related"] == []
    near = client.predict("What is the annual budget of IKCRI?", api_name="/ask")
    assert near["abstained"] is True and near["related"]  # a related passage shares a term
    assert all("IKCRI" in r["text"] for r in near["related"])


def test_upload_routes_are_recognised_however_the_path_is_written() -> None:
    for path in ("/gradio_api/upload", "/gradio_api/upload/", "/gradio_api//upload",
                 "/gradio_api/upload_progress", "/sub/gradio_api/process_recording"):
        assert is_upload_route(path), path
    for path in ("/", "/config", "/gradio_api/queue/join", "/gradio_api/info", "/uploads.css"):
        assert not is_upload_route(path), path
