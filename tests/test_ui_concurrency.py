"""Eight users at once on one real server: each gets its own answers, follow-ups never mix."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from ui_helpers import message_text, served

import ikqa

pytestmark = [pytest.mark.slow, pytest.mark.server]

# (first question, follow-up that only makes sense after it, what each answer must contain)
SESSIONS = [
    ("Where is IKCRI based?", "What does it focus on?", "New Delhi", "technology transfer"),
    ("What is FORGE?", "When was it launched?", "United States-led", "February 2026"),
    ("Where is the IKSTC?", "What does it serve as?", "Bangalore", "global knowledge platform"),
    ("What is KIND-X?", "What does it connect?", "Defense Accelerator", "defense startups"),
    ("What is FORGE?", "What does it secure?", "United States-led", "supply chains"),
    ("What is KIND-X?", "What does it develop?", "Defense Accelerator", "military technologies"),
    ("Where is IKCRI based?", "What does it focus on?", "New Delhi", "joint research"),
    ("Where is the IKSTC?", "What research does it host?", "Bangalore", "materials science"),
]


def _one_user(url: str, session: tuple[str, str, str, str], start: threading.Barrier
              ) -> tuple[str, str, list[str]]:
    from gradio_client import Client

    first, follow_up, _, _ = session
    client = Client(url, verbose=False)
    start.wait(timeout=60)
    _, history, _ = client.submit(first, api_name="/chat").result(timeout=120)
    answer_one = message_text(history[-1])
    start.wait(timeout=60)  # every user asks the follow-up at the same moment too
    _, history, _ = client.submit(follow_up, api_name="/chat").result(timeout=120)
    return answer_one, message_text(history[-1]), [message_text(m) for m in history[::2]]


def test_eight_parallel_sessions_each_get_their_own_answers(assistant: ikqa.Assistant) -> None:
    start = threading.Barrier(len(SESSIONS))
    with served(assistant) as url, ThreadPoolExecutor(len(SESSIONS)) as pool:
        results = list(pool.map(lambda s: _one_user(url, s, start), SESSIONS))
    for (first, follow_up, want_one, want_two), (one, two, asked) in zip(SESSIONS, results):
        assert asked == [first, follow_up], "a session's history holds another user's turns"
        assert want_one in one, (first, one)
        assert want_two in two, (follow_up, two)
