"""What a remote can no longer do to the connector through HTTP: send it to another host with
our credentials, hold a call for ever with a body that never ends, or fill the memory with a
huge answer. Against real loopback servers of the tests' own (127.0.0.1, stopped by each test).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
import tracemalloc
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from connector.http import (
    EndsRun,
    HttpClient,
    MalformedResponse,
    OutcomeUnknown,
    RedirectRefused,
    RemoteError,
    Unavailable,
)

API_KEY = "the-flowii-api-key-value"
MB = 1024 * 1024


class _Server(ThreadingHTTPServer):
    daemon_threads = False  # server_close() waits for every handler thread
    block_on_close = True


class Loopback:
    """An HTTP server on 127.0.0.1 in a thread; `routes` maps a path to a function
    (handler) that answers it; every request is recorded in `seen` (path, headers)."""

    def __init__(self, routes):
        self.routes = routes
        self.seen: list[tuple[str, dict]] = []
        self.peers: set = set()  # the client's (address, port): one per connection
        self.connections: list[socket.socket] = []
        self.stop = threading.Event()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self):
                outer.connections.append(self.request)
                super().setup()

            def log_message(self, *args):
                pass

            def _any(self):
                outer.seen.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                outer.peers.add(self.client_address)
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                route = outer.routes.get(self.path.split("?")[0])
                try:
                    if route is None:
                        send_json(self, {"missing": self.path}, status=404)
                    else:
                        route(self, outer)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading, as it should

            do_GET = do_POST = do_HEAD = _any

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        self.server.shutdown()
        for connection in self.connections:  # wakes handlers waiting on kept-alive sockets
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)
        self.server.server_close()  # joins the handler threads
        self.thread.join(5)
        assert not self.thread.is_alive()


def send_json(handler, data, status=200, headers=()):
    body = json.dumps(data).encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(body)))
    for name, value in headers:
        handler.send_header(name, value)
    handler.end_headers()
    handler.wfile.write(body)


def redirect(location, status=302):
    def route(handler, server):
        handler.send_response(status)
        handler.send_header("Location", location(server) if callable(location) else location)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return route


def ok(handler, server):
    send_json(handler, {"ok": True})


def client(**options):
    options.setdefault("max_attempts", 1)
    options.setdefault("read_timeout", 5.0)
    return HttpClient("FLOWii", secrets=[API_KEY], sleep=lambda s: None, **options)


# -- redirects -----------------------------------------------------------------------------


def test_redirect_to_another_port_is_refused_and_the_key_never_goes_there():
    with Loopback({"/steal": ok}) as other:
        with Loopback({"/start": redirect(f"{other.url}/steal?x=1")}) as remote:
            http = client()
            with pytest.raises(RedirectRefused) as caught:
                http.request(
                    "GET",
                    f"{remote.url}/start",
                    call="GET goods",
                    headers={"Api-Key": API_KEY},
                    auth=("demo@flowii.test", "pw"),
                )
    assert other.seen == []  # neither the Api-Key nor the Authorization header went there
    error = caught.value
    assert isinstance(error, EndsRun)
    assert other.url in str(error) and "another address" in str(error)
    assert "x=1" not in str(error) and API_KEY not in str(error)
    assert error.status == 302


@pytest.mark.parametrize(
    "target",
    [
        lambda port: f"http://localhost:{port}/same-port-other-host",
        lambda port: f"https://127.0.0.1:{port}/other-scheme",
    ],
    ids=["other-host", "other-scheme"],
)
def test_redirect_to_another_host_or_scheme_is_refused(target):
    with Loopback({}) as remote:
        port = remote.server.server_address[1]
        remote.routes["/start"] = redirect(target(port), status=301)
        with pytest.raises(RedirectRefused) as caught:
            client().request("GET", f"{remote.url}/start", call="GET goods")
        assert [path for path, _ in remote.seen] == ["/start"]
    assert target(port).split("/")[2].split(":")[0] in str(caught.value)


def test_same_host_redirect_of_a_get_is_followed_with_its_headers():
    routes = {"/old": redirect("/new?page=2", status=301), "/new": ok}
    with Loopback(routes) as remote:
        reply = client().request(
            "GET", f"{remote.url}/old", call="GET goods", headers={"Api-Key": API_KEY}
        )
    assert reply.data == {"ok": True}
    assert [path for path, _ in remote.seen] == ["/old", "/new?page=2"]
    assert remote.seen[1][1]["api-key"] == API_KEY


def test_redirect_of_a_post_to_another_host_is_refused_and_not_sent():
    with Loopback({"/steal": ok}) as other:
        with Loopback({"/orders": redirect(f"{other.url}/steal", status=307)}) as remote:
            with pytest.raises(RedirectRefused):
                client().request(
                    "POST",
                    f"{remote.url}/orders",
                    call="POST orders",
                    json={"a": 1},
                    headers={"Api-Key": API_KEY},
                )
    assert other.seen == []


def test_same_host_redirect_of_a_post_is_not_followed():
    with Loopback({"/orders": redirect("/elsewhere", status=307), "/elsewhere": ok}) as remote:
        with pytest.raises(RemoteError) as caught:
            client().request("POST", f"{remote.url}/orders", call="POST orders", json={})
    assert caught.value.status == 307
    assert [path for path, _ in remote.seen] == ["/orders"]


def test_a_redirect_loop_ends():
    with Loopback({"/loop": redirect("/loop")}) as remote:
        with pytest.raises(MalformedResponse) as caught:
            client(max_redirects=3).request("GET", f"{remote.url}/loop", call="GET goods")
    assert "more than 3 times" in str(caught.value)
    assert len(remote.seen) == 4


# -- size and time caps --------------------------------------------------------------------


def endless_chunks(pause: float, size: int):
    def route(handler, server):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        handler.wfile.write(b"1\r\n[\r\n")
        piece = (b"1," * (size // 2))[:size]
        frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        while not server.stop.is_set():
            handler.wfile.write(frame)
            if pause:
                time.sleep(pause)

    return route


def big_body(total: int, declare_length: bool):
    def route(handler, server):
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        if declare_length:
            handler.send_header("Content-Length", str(total))
        else:
            handler.send_header("Connection", "close")  # the end of the body is the close
        handler.end_headers()
        piece = b" " * (256 * 1024)
        sent = 0
        while sent < total and not server.stop.is_set():
            handler.wfile.write(piece)
            sent += len(piece)
        handler.close_connection = True

    return route


@contextlib.contextmanager
def peak_memory():
    """Yields a dict whose "peak" is the most Python memory allocated meanwhile (bytes)."""
    result = {}
    tracemalloc.start()
    try:
        yield result
    finally:
        result["peak"] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def test_a_body_that_never_ends_fails_within_the_time_cap():
    # A trickle: every pause is far below the read timeout, so only the total cap ends it.
    with Loopback({"/goods": endless_chunks(pause=0.02, size=100)}) as remote:
        http = client(max_answer_seconds=1.5, read_timeout=5.0)
        started = time.monotonic()
        with pytest.raises(Unavailable) as caught:
            http.request("GET", f"{remote.url}/goods", call="GET goods")
        elapsed = time.monotonic() - started
    assert 1.4 < elapsed < 4.0
    assert str(caught.value) == "FLOWii did not finish its answer within 1.5 s (GET goods)."


def test_a_fast_body_that_never_ends_fails_at_the_default_size_cap():
    with Loopback({"/goods": endless_chunks(pause=0, size=64 * 1024)}) as remote:
        http = client()
        assert (http.max_body_bytes, http.max_answer_seconds) == (20 * MB, 120.0)
        with peak_memory() as memory:
            with pytest.raises(MalformedResponse) as caught:
                http.request("GET", f"{remote.url}/goods", call="GET goods")
    assert str(caught.value) == (
        "FLOWii sent an answer larger than 20 MB, more than the connector reads (GET goods)."
    )
    assert memory["peak"] < 30 * MB


def test_a_50_mb_body_without_a_length_is_read_only_up_to_the_cap():
    with Loopback({"/goods": big_body(50 * MB, declare_length=False)}) as remote:
        http = client(max_body_bytes=1 * MB)
        with peak_memory() as memory:
            with pytest.raises(MalformedResponse) as caught:
                http.request("GET", f"{remote.url}/goods", call="GET goods")
    assert "sent an answer larger than 1 MB" in str(caught.value)
    assert memory["peak"] < 5 * MB  # a tenth of the body, and far below it


def test_a_50_mb_body_with_its_length_is_refused_before_reading():
    with Loopback({"/goods": big_body(50 * MB, declare_length=True)}) as remote:
        with peak_memory() as memory:
            with pytest.raises(MalformedResponse) as caught:
                client().request("GET", f"{remote.url}/goods", call="GET goods")
    assert "larger than 20 MB" in str(caught.value)
    assert memory["peak"] < 5 * MB


def test_a_create_whose_answer_is_too_large_is_an_unknown_outcome():
    with Loopback({"/orders": big_body(3 * MB, declare_length=False)}) as remote:
        with pytest.raises(OutcomeUnknown) as caught:
            client(max_body_bytes=1 * MB).request(
                "POST", f"{remote.url}/orders", call="POST orders", json={"a": 1}
            )
    assert "larger than 1 MB" in str(caught.value)
    assert "may or may not have been carried out" in str(caught.value)


def test_answers_within_the_caps_still_work_and_reuse_the_connection():
    with Loopback({"/goods": ok}) as remote:
        http = client(max_body_bytes=1024)
        for _ in range(3):
            assert http.request("GET", f"{remote.url}/goods", call="GET goods").data == {"ok": True}
        http.close()
    assert len(remote.seen) == 3
    assert len(remote.peers) == 1  # a body read to its end leaves the connection pooled
