"""`manage.py demo` (what `make demo` runs), started as a subprocess on free loopback ports with
a database of its own: it refuses taken ports before printing anything; it starts the sandbox,
a worker and the admin with little output; an import pressed through the button's endpoint
really runs; a restart starts fresh, both simulators and the connector's sync state; SIGINT
and SIGTERM end every process it started, every time. Every test stops what it started."""

import os
import queue
import re
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow
PASSWORD = "demo-pass-123"
# What the demo may print before it says it is ready.
MAX_LINES_BEFORE_READY = 15
SYNC_STATE_TABLES = (
    "connector_link",
    "connector_bookmark",
    "connector_orderexport",
    "connector_syncrun",
    "connector_synclog",
    "connector_runlock",
    "connector_webhookstate",
    "connector_deliveredorder",
)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _free_ports(n):
    ports = set()
    while len(ports) < n:
        ports.add(_free_port())
    return list(ports)


def _port_closed(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _env(db_path):
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{db_path}",
        "DEMO_PASSWORD": PASSWORD,
        "PYTHONUNBUFFERED": "1",
    }


# -- the processes ---------------------------------------------------------------------------


def _stat(pid):
    """(state, pgrp, start time) of a process, or None when there is none."""
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8", errors="replace") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return None
    return fields[0], int(fields[2]), fields[19]


def _children(pid):
    kids = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            kids.update(int(p) for p in (task / "children").read_text().split())
        except OSError:
            pass
    return kids


def _descendants(pid):
    """Every process under `pid`, as {pid: start time} (the start time tells a reused pid)."""
    found, todo = {}, [pid]
    while todo:
        for kid in _children(todo.pop()):
            stat = _stat(kid)
            if stat and kid not in found:
                found[kid] = stat[2]
                todo.append(kid)
    return found


def _alive(pid, started):
    stat = _stat(pid)
    return stat is not None and stat[0] not in ("Z", "X") and stat[2] == started


def _in_groups(pgids):
    """Live processes anywhere whose process group is one of `pgids`."""
    alive = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            stat = _stat(entry.name)
            if stat and stat[0] not in ("Z", "X") and stat[1] in pgids:
                alive.append(int(entry.name))
    return alive


class Demo:
    """One `manage.py demo` run; its output is read by a thread, line by line."""

    def __init__(self, db_path, ports):
        self.port, self.woo_port, self.flowii_port = ports
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = _env(db_path)
        self.lines: list[str] = []
        self._queue: queue.Queue = queue.Queue()
        self.seen: dict[int, str] = {}  # every descendant ever seen, with its start time
        self.proc = subprocess.Popen(
            [sys.executable, "manage.py", "demo", f"--port={self.port}",
             f"--woo-port={self.woo_port}", f"--flowii-port={self.flowii_port}"],
            cwd=ROOT, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
            text=True, start_new_session=True,
        )  # fmt: skip
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.proc.stdout:
            self._queue.put(line)
        self._queue.put(None)

    def _take(self, timeout):
        try:
            line = self._queue.get(timeout=timeout)
        except queue.Empty:
            return False
        if line is None:
            return None
        self.lines.append(line)
        return line

    @property
    def output(self):
        return "".join(self.lines)

    def wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self._take(deadline - time.monotonic())
            if not line:
                break
            if "Press Ctrl-C" in line:
                break
        assert "demo is ready" in self.output, self.output
        before = self.output.split("FLOWii Connector demo is ready.")[0].strip().splitlines()
        assert len(before) <= MAX_LINES_BEFORE_READY, self.output
        return self.output

    def processes(self, at_least=1, timeout=15):
        """Its descendants now, once there are `at_least` of them and their number holds."""
        deadline, last = time.monotonic() + timeout, {}
        while time.monotonic() < deadline:
            now = _descendants(self.proc.pid)
            self.seen.update(now)
            if len(now) >= at_least and now.keys() == last.keys():
                return now
            last = now
            time.sleep(0.5)
        return last

    def stop(self, sig=signal.SIGINT, timeout=30):
        """Sends `sig` to the demo alone (as Ctrl-C in a terminal reaches only it: its worker
        and web server run in groups of their own); its return code."""
        self.seen.update(_descendants(self.proc.pid))
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
        try:
            code = self.proc.wait(timeout=timeout)
        finally:
            self.kill_leftovers()
        self._reader.join(timeout=5)
        while self._take(0.1):
            pass
        return code

    def leftovers(self):
        return {pid for pid, started in self.seen.items() if _alive(pid, started)} | set(
            _in_groups({self.proc.pid, *self.seen})
        )

    def kill_leftovers(self):
        """Whatever the test started and is still there, killed (the test's own clean-up)."""
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait()
        left = self.leftovers()
        for pid in left:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        return left

    def manage(self, *args, timeout=120):
        return subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=self.env, text=True,
            capture_output=True, timeout=timeout,
        )  # fmt: skip

    def login(self):
        session = requests.Session()
        login = session.post(
            f"{self.base}/admin/login/?next=/admin/",
            data={
                "username": "admin",
                "password": PASSWORD,
                "csrfmiddlewaretoken": _csrf(session, f"{self.base}/admin/login/"),
                "next": "/admin/",
            },
            headers={"Referer": f"{self.base}/admin/login/"},
            timeout=10,
        )
        assert login.status_code == 200 and "logout" in login.text.lower()
        return session


@pytest.fixture
def demos():
    """Starts demos; at the end kills whatever of them is still running."""
    started = []

    def start(db_path, ports):
        demo = Demo(db_path, ports)
        started.append(demo)
        return demo

    yield start
    for demo in started:
        demo.kill_leftovers()


def _csrf(session, url):
    page = session.get(url, timeout=10)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def _count(db_path, table):
    with sqlite3.connect(db_path) as db:
        return db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def _run_summary(result):
    """The counts of `manage.py sync`'s summary line, e.g. {"created": 49, ...}."""
    line = next((x for x in result.stdout.splitlines() if x.startswith("Run #")), "")
    assert "succeeded" in line, result.stdout + result.stderr
    return {name: int(n) for n, name in re.findall(r"(\d+) (\w+)", line.split(";", 1)[1])}


# -- the tests -------------------------------------------------------------------------------


@pytest.mark.parametrize("taken", [0, 1, 2], ids=["admin", "woocommerce", "flowii"])
def test_a_taken_port_is_refused_before_anything_is_printed_or_started(tmp_path, taken):
    ports = _free_ports(3)
    names = [("PORT", "--port"), ("WOO_PORT", "--woo-port"), ("FLOWII_PORT", "--flowii-port")]
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", ports[taken]))
        holder.listen()
        result = subprocess.run(
            [sys.executable, "manage.py", "demo", f"--port={ports[0]}",
             f"--woo-port={ports[1]}", f"--flowii-port={ports[2]}"],
            cwd=ROOT, env=_env(tmp_path / "demo.sqlite3"), capture_output=True, text=True,
            timeout=60,
        )  # fmt: skip
        others_closed = all(_port_closed(p) for i, p in enumerate(ports) if i != taken)
    assert result.returncode != 0
    assert result.stdout == ""  # nothing, in particular no "ready" and no login
    message = result.stderr
    assert f"{ports[taken]} (" in message and "already in use" in message, message
    make_var, option = names[taken]
    assert f"make demo {make_var}=" in message and f"demo {option} " in message, message
    assert len(message.strip().splitlines()) <= 6, message
    assert others_closed
    assert not (tmp_path / "demo.sqlite3").exists()  # not even migrated


def test_make_demo_passes_the_ports_on():
    dry = subprocess.run(
        ["make", "-n", "demo", "PORT=8010", "WOO_PORT=8011", "FLOWII_PORT=8012"],
        cwd=ROOT, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert "manage.py demo --port=8010 --woo-port=8011 --flowii-port=8012" in dry.stdout, (
        dry.stdout + dry.stderr
    )


def test_sigint_and_sigterm_end_every_process_the_demo_started(tmp_path, demos):
    ports = _free_ports(3)
    db_path = tmp_path / "demo.sqlite3"
    # The leftover workers showed in 1 run of 5: several rounds, on the same ports.
    for sig in (signal.SIGINT, signal.SIGINT, signal.SIGINT, signal.SIGTERM):
        demo = demos(db_path, ports)
        demo.wait_ready()
        # The cluster's main process, its sentinel, pusher, monitor and two workers; the web
        # server.
        running = demo.processes(at_least=7)
        assert len(running) >= 7, running
        stopping = time.monotonic()
        code = demo.stop(sig)
        assert time.monotonic() - stopping < 15
        # The demo waited for all of them: none is left, nor anything in their groups.
        left = demo.leftovers()
        assert not left, (sig, left, demo.output)
        assert code == 0, demo.output
        assert "Demo stopped." in demo.output
        assert all(_port_closed(p) for p in ports)


def test_a_group_that_ignores_the_signal_is_killed_whole(monkeypatch):
    """The fallback for django-q2's workers that outlive their parent: a child that ignores
    SIGINT and whose own child outlives it are both gone after the grace period."""
    from sandbox.management.commands import demo

    monkeypatch.setattr(demo, "GRACE_SECONDS", 1)
    script = (
        "import os, signal, subprocess, sys, time\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN)\n"
        "kid = subprocess.Popen([sys.executable, '-c', "
        "'import signal, time; signal.signal(signal.SIGINT, signal.SIG_IGN); time.sleep(60)'])\n"
        "print(kid.pid, flush=True)\n"
        "time.sleep(60)\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, process_group=0
    )
    try:
        grandchild = int(child.stdout.readline())
        started = _stat(grandchild)[2]
        began = time.monotonic()
        assert demo._stop_groups([("stubborn", child)], signal.SIGINT) == ["stubborn"]
        assert time.monotonic() - began < 5
        assert child.poll() is not None and not _alive(grandchild, started)
        assert not _in_groups({child.pid})
    finally:
        if _in_groups({child.pid}):
            os.killpg(child.pid, signal.SIGKILL)
        child.wait()
        child.stdout.close()


def test_an_import_runs_and_a_restart_starts_fresh(tmp_path, demos):
    ports = _free_ports(3)
    db_path = tmp_path / "demo.sqlite3"
    demo = demos(db_path, ports)
    text = demo.wait_ready()
    assert f"http://127.0.0.1:{demo.port}/admin/" in text and f"admin / {PASSWORD}" in text

    # The import, pressed through the button's endpoint, runs in the demo's worker.
    session = demo.login()
    sync_url = f"{demo.base}/admin/connector/syncrun/"
    started = session.post(
        f"{sync_url}start/products/",
        data={"csrfmiddlewaretoken": _csrf(session, sync_url)},
        headers={"Referer": sync_url},
        timeout=10,
    )
    assert started.status_code == 200 and "has started" in started.text
    finished = None
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline and finished is None:
        runs = session.get(f"{sync_url}progress/", timeout=10).json()["runs"]
        finished = next((r for r in runs if r["status"] != "running"), None)
        time.sleep(0.5)
    assert finished is not None and finished["status"] == "succeeded", runs
    imported = dict(finished["counts"])["created"]  # [label, number] pairs
    assert imported > 0
    shop = requests.get(f"http://127.0.0.1:{demo.woo_port}/__sandbox__/stats", timeout=5).json()
    assert shop["by_path"]["POST /wp-json/wc/v3/products/batch"] >= 1
    # And an export, run from the command line against the demo's database.
    exported = _run_summary(demo.manage("sync", "customers"))["created"]
    orders = _run_summary(demo.manage("sync", "orders"))["created"]
    order_exports = _count(db_path, "connector_orderexport")
    assert exported > 0 and orders > 0 and order_exports > 0
    assert _count(db_path, "connector_link") > 0 and _count(db_path, "connector_bookmark") > 0

    # The webhooks, as the demo's text says: made in the shop from Settings, then a shopper's
    # checkout is in FLOWii within seconds, with no run started by anyone.
    settings_url = f"{demo.base}/admin/connector/settings/"
    made = session.post(
        f"{settings_url}webhooks/create/",
        data={"csrfmiddlewaretoken": _csrf(session, f"{settings_url}1/change/")},
        headers={"Referer": settings_url},
        timeout=10,
    )
    assert made.status_code == 200
    shop_url = f"http://127.0.0.1:{demo.woo_port}/__sandbox__"
    hooks = requests.get(f"{shop_url}/webhooks", timeout=5).json()["webhooks"]
    assert sorted(h["topic"] for h in hooks) == ["order.created", "order.updated"], hooks
    created = f"http://127.0.0.1:{demo.flowii_port}/__sandbox__/created"
    before = len(requests.get(created, timeout=5).json()["documents"])
    order = requests.post(f"{shop_url}/order", json={}, timeout=5).json()
    deadline, documents = time.monotonic() + 5, []
    while time.monotonic() < deadline and len(documents) <= before:
        documents = requests.get(created, timeout=5).json()["documents"]
        time.sleep(0.2)
    assert len(documents) == before + 1, demo.output
    assert documents[-1]["attributes"]["variable-symbol"] == str(order["number"])
    assert demo.stop() == 0

    # Started again: new simulators, and nothing of the connector's that pointed at the old.
    again = demos(db_path, ports)
    text = again.wait_ready()
    assert "Started fresh" in text
    for table in SYNC_STATE_TABLES:
        assert _count(db_path, table) == 0, table
    flowii = f"http://127.0.0.1:{again.flowii_port}/__sandbox__/stats"
    assert requests.get(flowii, timeout=5).json()["total"] == 0
    # So the export creates again, and so does the import, as much as the first time.
    assert _run_summary(again.manage("sync", "customers"))["created"] == exported
    assert _run_summary(again.manage("sync", "products"))["created"] == imported
    assert _run_summary(again.manage("sync", "orders"))["created"] == orders
    assert _count(db_path, "connector_orderexport") == order_exports
    with sqlite3.connect(db_path) as db:
        kinds = dict(db.execute("SELECT kind, COUNT(*) FROM connector_link GROUP BY kind"))
    assert kinds.get("customer", 0) + kinds.get("guest", 0) > 0 and kinds.get("product", 0) > 0
    assert again.stop() == 0
    assert "Demo stopped." in again.output
    assert all(_port_closed(p) for p in ports)
