"""A real HTTP JSON-RPC endpoint in front of a node that behaves like a public provider.

It forwards every call to `upstream` but refuses `eth_getLogs` over more than `max_blocks`
blocks or returning more than `max_results` logs (JSON-RPC error -32005, as Infura, Alchemy or
QuickNode answer), and answers every `rate_every`-th HTTP request with 429 Too Many Requests.
Shared by tests/cli/test_logs.py and tests/index/test_flaky.py.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

__all__ = ["FlakyProvider"]


class FlakyProvider(ThreadingHTTPServer):
    def __init__(
        self,
        upstream: str,
        *,
        max_blocks: int | None = None,
        max_results: int | None = None,
        rate_every: int | None = None,
    ):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.upstream = upstream
        self.max_blocks, self.max_results, self.rate_every = max_blocks, max_results, rate_every
        self.refused = 0  # eth_getLogs refused for range or size
        self.served = 0  # eth_getLogs served
        self.rate_limited = 0  # HTTP 429 answers
        self.requests = 0
        self.calls: list[str] = []  # the JSON-RPC method of every call forwarded, in order
        self._count = threading.Lock()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"

    def start(self) -> FlakyProvider:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def take_turn(self) -> bool:
        """True when this HTTP request is to be refused with 429."""
        with self._count:
            self.requests += 1
            limited = bool(self.rate_every) and self.requests % self.rate_every == 0
            self.rate_limited += limited
            return limited

    def answer(self, call: dict) -> dict:
        with self._count:
            self.calls.append(call.get("method", "?"))
        if call.get("method") != "eth_getLogs":
            return requests.post(self.upstream, json=call, timeout=30).json()
        query = call["params"][0]
        span = int(query["toBlock"], 16) - int(query["fromBlock"], 16) + 1
        if self.max_blocks is not None and span > self.max_blocks:
            return self._refuse(call, f"block range {span} exceeds limit {self.max_blocks}")
        reply = requests.post(self.upstream, json=call, timeout=30).json()
        found = len(reply.get("result") or [])
        if self.max_results is not None and found > self.max_results:
            return self._refuse(call, f"query returned more than {self.max_results} results")
        self.served += 1
        return reply

    def _refuse(self, call: dict, message: str) -> dict:
        self.refused += 1
        error = {"code": -32005, "message": message}
        return {"jsonrpc": "2.0", "id": call.get("id"), "error": error}


class _Handler(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - the http.server hook
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        server: FlakyProvider = self.server  # type: ignore[assignment]
        if server.take_turn():
            self._send(429, b'{"error": "Too Many Requests"}')
            return
        reply = [server.answer(c) for c in body] if isinstance(body, list) else server.answer(body)
        self._send(200, json.dumps(reply).encode())

    def _send(self, status: int, data: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args) -> None:
        pass
