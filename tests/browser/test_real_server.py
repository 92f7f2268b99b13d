"""The live server with the real model (no browser): concurrent API and chat-endpoint requests."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from gradio_client import Client

pytestmark = pytest.mark.integration

QUESTIONS = ["What does the plan say about open source?", "How many actions does the plan contain?"]


def test_concurrent_requests_share_the_model_safely(chat_url: str) -> None:
    expected = {
        q: httpx.post(f"{chat_url}/api/ask", json={"question": q}, timeout=60).json()["answer"] for q in QUESTIONS
    }
    client = Client(chat_url, analytics_enabled=False, verbose=False)

    def call(i: int) -> tuple[str, str]:
        q = QUESTIONS[i % 2]
        if i % 3 == 0:
            return q, client.predict(q, api_name="/ask")["answer"]
        r = httpx.post(f"{chat_url}/api/ask", json={"question": q}, timeout=60)
        assert r.status_code == 200, r.text
        return q, r.json()["answer"]

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(call, range(24)))
    assert all(answer == expected[q] for q, answer in results)
