"""A small HTTP server on loopback that takes the simulated shop's webhook deliveries and
keeps them (path, headers, raw body), answering with a status the test chooses; and the
simulated shop's webhook switches, for the tests that use them."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


def switches(server, **values) -> dict:
    """Sets the simulated shop's webhook switches (copies, lose, lose_all, wrong_secret)."""
    answer = requests.post(f"{server.url}/__sandbox__/webhooks", json=values, timeout=10)
    answer.raise_for_status()
    return answer.json()


def settled(server, timeout: float = 15.0) -> dict:
    """The simulated shop's webhook state once nothing waits to be delivered."""
    deadline = time.monotonic() + timeout
    while True:
        state = requests.get(f"{server.url}/__sandbox__/webhooks", timeout=10).json()
        if state["waiting"] == 0 or time.monotonic() > deadline:
            return state
        time.sleep(0.02)


class Receiver:
    def __init__(self, status: int = 200, delay: float = 0.0):
        self.status = status
        self.delay = delay
        self.received: list[dict] = []
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, format, *args):  # noqa: A002 - the base class names it so
                pass

            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                if receiver.delay:
                    time.sleep(receiver.delay)
                with receiver._lock:
                    receiver.received.append(
                        {"path": self.path, "headers": dict(self.headers), "body": body}
                    )
                self.send_response(receiver.status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook/"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        with self._lock:
            return list(self.received)
