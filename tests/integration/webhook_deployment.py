"""The connector deployed as an operator runs it, for the webhook tests and the benchmark: a
file database of its own, the web app served over real HTTP by a process of its own (Django's
threaded WSGI server, no autoreload), and a real `manage.py qcluster`. Both processes run in
their own process groups and are ended whole."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]
SERVE = """
import sys
import django
django.setup()
from django.core.servers.basehttp import run
from django.core.wsgi import get_wsgi_application
run("127.0.0.1", int(sys.argv[1]), get_wsgi_application(), threading=True)
"""
CONFIGURE = """
import json, sys
from datetime import timedelta
from django.utils import timezone
from connector import webhook_queue
from connector.models import Settings
from sandbox.configure import configure_for_sandbox
s = configure_for_sandbox(sys.argv[1], sys.argv[2])
# Only orders placed from now on are new: the seeded shop's own orders stay out.
s.new_orders_from = timezone.now() - timedelta(seconds=5)
s.save()
print(json.dumps({"secret": webhook_queue.secret()}))
"""
RUN = """
import json, sys
from connector.sync.runner import run
r = run(sys.argv[1])
print(json.dumps({"id": r.pk, "status": r.status, "reason": r.reason, "counts": r.counts,
                  "by_kind": r.counts_by_kind}))
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Deployment:
    def __init__(self, folder: Path, workers: int = 2):
        self.folder = folder
        self.env = {k: v for k, v in os.environ.items() if k not in ("REDIS_URL", "DEBUG")}
        self.env.update(
            DJANGO_SETTINGS_MODULE="config.settings_test",
            DATABASE_URL=f"sqlite:///{folder / 'webhooks.sqlite3'}",
            Q_WORKERS=str(workers),
            LOG_LEVEL="WARNING",
            PYTHONUNBUFFERED="1",
        )
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.delivery_url = f"{self.url}/webhooks/woocommerce/"
        self.procs: dict[str, subprocess.Popen] = {}
        self.logs: dict[str, Path] = {}
        self.secret = ""

    # -- one-off commands ---------------------------------------------------------------
    def manage(self, *args, timeout=180) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert done.returncode == 0, f"manage.py {args[0]} failed:\n{done.stderr[-3000:]}"
        return done

    def script(self, code: str, *args) -> dict:
        """Runs `code` in a fresh process with Django set up; its last stdout line is JSON."""
        prelude = "import django\ndjango.setup()\n"
        done = subprocess.run(
            [sys.executable, "-c", prelude + code, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert done.returncode == 0, f"script failed:\n{done.stderr[-3000:]}"
        return json.loads(done.stdout.strip().splitlines()[-1])

    def set_up(self, woo_url: str, flowii_url: str) -> None:
        self.manage("migrate", "--no-input", "-v", "0")
        self.secret = self.script(CONFIGURE, woo_url, flowii_url)["secret"]

    def run(self, kind: str) -> dict:
        return self.script(RUN, kind)

    # -- the two services ---------------------------------------------------------------
    def _start(self, name: str, args: list[str]) -> None:
        self.logs[name] = self.folder / f"{name}.log"
        log = open(self.logs[name], "w")  # noqa: SIM115 - closed with the process
        self.procs[name] = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()

    def start_web(self, timeout: float = 30) -> None:
        self._start("web", [sys.executable, "-c", SERVE, str(self.port)])
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                requests.get(self.delivery_url, timeout=1)
                return
            except requests.ConnectionError:
                assert self.procs["web"].poll() is None, self.output("web")
                time.sleep(0.1)
        raise AssertionError(f"the web server did not start:\n{self.output('web')}")

    def start_worker(self, timeout: float = 60) -> None:
        self._start("worker", [sys.executable, "manage.py", "qcluster"])
        deadline = time.monotonic() + timeout
        while "running" not in self.output("worker") or "ready for work" not in self.output(
            "worker"
        ):
            assert time.monotonic() < deadline, f"qcluster did not start:\n{self.output('worker')}"
            assert self.procs["worker"].poll() is None, self.output("worker")
            time.sleep(0.1)

    def output(self, name: str) -> str:
        path = self.logs.get(name)
        return path.read_text(errors="replace") if path and path.exists() else ""

    def stop(self) -> None:
        for name, proc in list(self.procs.items()):
            try:
                os.killpg(proc.pid, signal.SIGTERM if name == "web" else signal.SIGKILL)
            except ProcessLookupError:
                continue
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout=20)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:  # the forked workers go with the group
                try:
                    os.killpg(proc.pid, 0)
                except ProcessLookupError:
                    break
                time.sleep(0.1)
        self.procs.clear()

    # -- reading the database -------------------------------------------------------------
    def query(self, sql: str, params=()) -> list[tuple]:
        import sqlite3

        with sqlite3.connect(self.folder / "webhooks.sqlite3", timeout=30) as db:
            return db.execute(sql, params).fetchall()
