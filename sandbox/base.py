"""What both simulated servers share: a threaded HTTP/1.1 server on loopback, request
parsing, the fault switches, the request counter and the `/__sandbox__/` control endpoints.

A simulator subclasses `SimulatedService`, implements `handle(request)` and `reset(seed)`,
and never thinks about faults or counters: those happen here, before `handle` is called.
"""

from __future__ import annotations

import json
import random
import re
import socket
import sys
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl, urlsplit

CONTROL_PREFIX = "/__sandbox__/"

# Fault kinds a request can be answered with instead of its real answer. "create-then-drop"
# carries the request out (a create happens) and then drops the connection unanswered.
FAULT_KINDS = (
    "500", "502", "503", "429", "429-no-retry-after", "timeout", "cutoff", "create-then-drop",
)  # fmt: skip
# How many requests an instance remembers when it captures them.
CAPTURE_LIMIT = 20_000


@dataclass
class Request:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]  # lower-cased names
    body: bytes
    # The raw query pairs in order, repeated keys kept (OAuth signs exactly these).
    query_pairs: list[tuple[str, str]] = field(default_factory=list)
    scheme: str = "http"
    host: str = "127.0.0.1"

    def json(self):
        """The body as JSON; raises ValueError when it is not JSON."""
        if not self.body:
            return None
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> list[tuple[str, str]]:
        if self.headers.get("content-type", "").startswith("application/x-www-form-urlencoded"):
            return parse_qsl(self.body.decode("utf-8"), keep_blank_values=True)
        return []


@dataclass
class Response:
    status: int = 200
    body: object = None  # JSON-able; bytes are sent as they are
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if self.body is None and self.status == 204:
            return b""
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def json_response(body, status=200, **headers) -> Response:
    return Response(status=status, body=body, headers=dict(headers))


@dataclass
class Faults:
    """Fault switches. `rates` maps a fault kind to the share of requests it hits;
    `next` is a queue of fault kinds given to the next requests in order (deterministic
    bursts for tests); `paths` limits faults to paths starting with one of its prefixes."""

    latency_ms: int = 0
    rates: dict[str, float] = field(default_factory=dict)
    next: list[str] = field(default_factory=list)
    retry_after: int = 1
    timeout_seconds: float = 30.0
    paths: list[str] = field(default_factory=list)
    seed: int | None = None
    # Requests allowed per rolling minute; past it, 429 (0 = no quota).
    quota_per_minute: int = 0

    @classmethod
    def from_dict(cls, data: dict, base: Faults | None = None) -> Faults:
        current = base.as_dict() if base else {}
        current.update(data or {})
        faults = cls(
            latency_ms=int(current.get("latency_ms", 0)),
            rates={k: float(v) for k, v in (current.get("rates") or {}).items()},
            next=[str(k) for k in (current.get("next") or [])],
            retry_after=int(current.get("retry_after", 1)),
            timeout_seconds=float(current.get("timeout_seconds", 30.0)),
            paths=list(current.get("paths") or []),
            seed=current.get("seed"),
            quota_per_minute=int(current.get("quota_per_minute") or 0),
        )
        unknown = [k for k in [*faults.rates, *faults.next] if k not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown}; known: {list(FAULT_KINDS)}")
        return faults

    def as_dict(self) -> dict:
        return {
            "latency_ms": self.latency_ms,
            "rates": dict(self.rates),
            "next": list(self.next),
            "retry_after": self.retry_after,
            "timeout_seconds": self.timeout_seconds,
            "paths": list(self.paths),
            "seed": self.seed,
            "quota_per_minute": self.quota_per_minute,
        }


_ID_SEGMENT = re.compile(r"/\d+(?=/|$)")


def path_pattern(path: str) -> str:
    """`/wp-json/wc/v3/orders/17/notes` -> `/wp-json/wc/v3/orders/{id}/notes`."""
    return _ID_SEGMENT.sub("/{id}", path)


class SimulatedService:
    """Base of a simulated remote system. State lives in memory; `lock` guards it."""

    name = "service"

    def __init__(self, size: str = "small", latency_ms: int = 0, seed: str | None = None):
        self.size = size
        self.lock = threading.RLock()
        self._stats_lock = threading.Lock()
        self.faults = Faults(latency_ms=latency_ms)
        self._random = random.Random(0)
        self.stats = Counter()
        self.capture = False  # a simulator that captures sets it and fills `captured`
        self.captured: deque = deque(maxlen=CAPTURE_LIMIT)
        self._quota_times: deque = deque()
        self._quota_refusals = 0
        self.base_url = ""  # set by the server once it knows its port
        self.reset(seed or "default")

    # -- to implement -------------------------------------------------------------
    def reset(self, seed: str) -> None:
        """Back to a known state: "default" is the seeded demo shop, "empty" nothing."""
        raise NotImplementedError

    def handle(self, request: Request) -> Response:
        raise NotImplementedError

    def control(self, action: str, request: Request) -> Response | None:
        """Extra `/__sandbox__/<action>` endpoints of one simulator; None if unknown."""
        return None

    # -- shared machinery ---------------------------------------------------------
    def set_faults(self, data: dict) -> None:
        self.faults = Faults.from_dict(data, base=self.faults)
        with self._stats_lock:
            # A new quota starts its own minute and its own Retry-After alternation.
            self._quota_times.clear()
            self._quota_refusals = 0
        if self.faults.seed is not None:
            self._random = random.Random(self.faults.seed)

    def _pick_fault(self, request: Request) -> str | None:
        faults = self.faults
        if faults.paths and not any(request.path.startswith(p) for p in faults.paths):
            return None
        with self._stats_lock:
            if faults.next:
                return faults.next.pop(0)
            roll = self._random.random()
        edge = 0.0
        for kind in FAULT_KINDS:
            edge += faults.rates.get(kind, 0.0)
            if roll < edge:
                return kind
        return None

    def capture_request(self, request: Request) -> None:
        """Remembers a request for the conformance checks (simulators say what to keep)."""

    def _over_quota(self) -> bool | None:
        """None under the quota; otherwise whether this refusal sends a Retry-After (every
        other one does, as a real API sometimes does and sometimes does not)."""
        limit = self.faults.quota_per_minute
        if not limit:
            return None
        now = time.monotonic()
        with self._stats_lock:
            while self._quota_times and now - self._quota_times[0] >= 60:
                self._quota_times.popleft()
            if len(self._quota_times) < limit:
                self._quota_times.append(now)
                return None
            self._quota_refusals += 1
            return self._quota_refusals % 2 == 1

    def dispatch(self, request: Request) -> tuple[Response, str | None]:
        """Answer one request; the second value says how the connection should misbehave."""
        if request.path.startswith(CONTROL_PREFIX):
            return self._control(request), None
        with self._stats_lock:
            self.stats[f"{request.method} {path_pattern(request.path)}"] += 1
        if self.capture:
            self.capture_request(request)
        if self.faults.latency_ms:
            time.sleep(self.faults.latency_ms / 1000.0)
        over = self._over_quota()
        if over is not None:
            response = self.fault_response(429)
            if over:
                response.headers["Retry-After"] = str(self.faults.retry_after)
            return response, None
        fault = self._pick_fault(request)
        if fault in ("500", "502", "503"):
            return self.fault_response(int(fault)), None
        if fault in ("429", "429-no-retry-after"):
            response = self.fault_response(429)
            if fault == "429":
                response.headers["Retry-After"] = str(self.faults.retry_after)
            return response, None
        if fault == "timeout":
            time.sleep(self.faults.timeout_seconds)
        with self.lock:
            response = self.handle(request)
        if fault == "create-then-drop":
            return response, "drop"
        return response, ("cutoff" if fault == "cutoff" else None)

    def fault_response(self, status: int) -> Response:
        """The body a misbehaving server sends; simulators may override the shape."""
        return json_response({"error": "simulated fault", "status": status}, status)

    def _control(self, request: Request) -> Response:
        action = request.path[len(CONTROL_PREFIX) :].strip("/")
        try:
            payload = request.json() or {}
        except ValueError:
            return json_response({"error": "the body is not JSON"}, 400)
        if action == "stats" and request.method == "GET":
            return json_response(self.stats_snapshot())
        if action == "stats" and request.method == "DELETE":
            with self._stats_lock:
                self.stats.clear()
            return json_response(self.stats_snapshot())
        if action == "reset" and request.method == "POST":
            with self.lock:
                self.reset(payload.get("seed", "default"))
            with self._stats_lock:
                self.stats.clear()
            self.faults = Faults(latency_ms=self.faults.latency_ms)
            return json_response({"ok": True, "seed": payload.get("seed", "default")})
        if action == "faults" and request.method == "POST":
            try:
                self.set_faults(payload)
            except (TypeError, ValueError) as exc:
                return json_response({"error": str(exc)}, 400)
            return json_response(self.faults.as_dict())
        if action == "faults" and request.method == "GET":
            return json_response(self.faults.as_dict())
        with self.lock:
            response = self.control(action, request)
        if response is not None:
            return response
        return json_response({"error": f"no sandbox control {request.method} {action}"}, 404)

    def stats_snapshot(self) -> dict:
        with self._stats_lock:
            by_method = Counter()
            for key, count in self.stats.items():
                by_method[key.split(" ", 1)[0]] += count
            return {
                "total": sum(self.stats.values()),
                "by_method": dict(by_method),
                "by_path": dict(self.stats),
            }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out as two writes; without this, every kept-alive request waits
    # for the client's delayed acknowledgement (about 40 ms).
    disable_nagle_algorithm = True
    server_version = "sandbox"
    sys_version = ""

    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        pass  # quiet: tests and the demo print what matters themselves

    def _serve(self):
        service: SimulatedService = self.server.service
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        pairs = parse_qsl(parts.query, keep_blank_values=True)
        request = Request(
            method=self.command,
            path=parts.path,
            query=dict(pairs),
            query_pairs=pairs,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            host=self.headers.get("Host", "127.0.0.1"),
        )
        try:
            response, misbehave = service.dispatch(request)
        except Exception as exc:  # a simulator bug must show up as a 500, not a hang
            response, misbehave = json_response({"error": f"sandbox bug: {exc!r}"}, 500), None
        if misbehave == "drop":  # carried out, never answered: the client sees a dead socket
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        payload = response.encoded()
        self.send_response(response.status)
        headers = {"Content-Type": "application/json; charset=UTF-8", **response.headers}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        if misbehave == "cutoff":
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload[: max(1, len(payload) // 2)])
            self.wfile.flush()
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # A client that gave up on a slow answer (the timeout fault) is expected, not news.
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return
        super().handle_error(request, client_address)


class RunningServer:
    """One simulator served on 127.0.0.1 in a background thread; `stop()` ends it."""

    def __init__(self, service: SimulatedService, port: int = 0):
        self.service = service
        self.httpd = _Server(("127.0.0.1", port), _Handler)
        self.httpd.service = service
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        service.base_url = self.url
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, name=f"sandbox-{service.name}", daemon=True
        )
        self.thread.start()

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()
        self.thread.join(timeout=5)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()
