"""`manage.py sandbox` as outside checks use it: serves both simulators until SIGTERM and
prints a line with `ready`; the control endpoints answer on both."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_sandbox_command_serves_until_sigterm():
    woo_port, flowii_port = _free_port(), _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "manage.py",
            "sandbox",
            f"--woo-port={woo_port}",
            f"--flowii-port={flowii_port}",
            "--faults",
            '{"latency_ms": 1}',
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert "ready" in line, line + proc.stderr.read()
        woo = f"http://127.0.0.1:{woo_port}"
        flowii = f"http://127.0.0.1:{flowii_port}"
        assert requests.get(woo + "/wp-json/wc/v3/products", timeout=5).status_code == 401
        token = requests.post(
            flowii + "/token",
            data={"grant_type": "password", "username": "demo@flowii.test", "password": "sandbox"},
            headers={"Api-Key": "sandbox-api-key"},
            timeout=5,
        )
        assert token.status_code == 200 and token.json()["access_token"]
        assert requests.get(woo + "/__sandbox__/faults", timeout=5).json()["latency_ms"] == 1
        stats = requests.get(flowii + "/__sandbox__/stats", timeout=5).json()
        assert stats["by_path"]["POST /token"] == 1 and stats["by_method"]["POST"] == 1
        reset = requests.post(woo + "/__sandbox__/reset", json={"seed": "empty"}, timeout=5)
        assert reset.status_code == 200
        assert requests.get(woo + "/__sandbox__/stats", timeout=5).json()["total"] == 0
    finally:
        proc.send_signal(signal.SIGTERM)
        out, _err = proc.communicate(timeout=15)
    assert proc.returncode == 0
    assert "stopped" in out


def test_sandbox_command_names_a_taken_port():
    woo_port, flowii_port = _free_port(), _free_port()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
    with socket.socket() as holder:
        holder.bind(("127.0.0.1", flowii_port))
        holder.listen()
        result = subprocess.run(
            [sys.executable, "manage.py", "sandbox", f"--woo-port={woo_port}",
             f"--flowii-port={flowii_port}"],
            cwd=ROOT, env=env, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
    assert result.returncode != 0 and "ready" not in result.stdout
    assert f"{flowii_port} (the simulated FLOWii) is already in use" in result.stderr
    assert "make sandbox FLOWII_PORT=" in result.stderr and "--flowii-port " in result.stderr
