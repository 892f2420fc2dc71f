"""`manage.py demo` (what `make demo` runs) from a fresh database: it starts the sandbox, a
worker and the admin; an import pressed through the button's endpoint really runs; Ctrl-C
stops all of it."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.slow


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _port_closed(port):
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _csrf(session, url):
    page = session.get(url, timeout=10)
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)


def test_demo_starts_everything_runs_an_import_and_stops(tmp_path):
    port, woo_port, flowii_port = _free_port(), _free_port(), _free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings_test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DEMO_PASSWORD": "demo-pass-123",
        "PYTHONUNBUFFERED": "1",
    }
    demo = subprocess.Popen(
        [sys.executable, "manage.py", "demo", f"--port={port}", f"--woo-port={woo_port}",
         f"--flowii-port={flowii_port}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        start_new_session=True,
    )  # fmt: skip
    output = []
    try:
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            line = demo.stdout.readline()
            if not line and demo.poll() is not None:
                break
            output.append(line)
            if "Press Ctrl-C" in line:
                break
        text = "".join(output)
        assert "demo is ready" in text, text
        assert f"http://127.0.0.1:{port}/admin/" in text and "admin / demo-pass-123" in text

        base = f"http://127.0.0.1:{port}"
        session = requests.Session()
        login = session.post(
            f"{base}/admin/login/?next=/admin/",
            data={
                "username": "admin",
                "password": "demo-pass-123",
                "csrfmiddlewaretoken": _csrf(session, f"{base}/admin/login/"),
                "next": "/admin/",
            },
            headers={"Referer": f"{base}/admin/login/"},
            timeout=10,
        )
        assert login.status_code == 200 and "logout" in login.text.lower()
        sync_url = f"{base}/admin/connector/syncrun/"
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
            finished = next((r for r in runs if r["status"] == "succeeded"), None)
            time.sleep(0.5)
        assert finished is not None, runs
        counts = dict(finished["counts"])  # [label, number] pairs, in the admin's language
        assert counts["created"] > 100  # categories and draft products
        shop = requests.get(f"http://127.0.0.1:{woo_port}/__sandbox__/stats", timeout=5).json()
        assert shop["by_path"]["POST /wp-json/wc/v3/products/batch"] >= 2
    finally:
        demo.send_signal(signal.SIGINT)
        try:
            rest, _ = demo.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(demo.pid, signal.SIGKILL)
            rest, _ = demo.communicate()
        output.append(rest)
    assert "Demo stopped." in "".join(output)
    assert all(_port_closed(p) for p in (port, woo_port, flowii_port))
