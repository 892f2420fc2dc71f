"""The preview on PostgreSQL, where its run's writes stay in a transaction that is rolled
back (on SQLite it works on a copy): against the simulators over real HTTP, in a process of
its own on a fresh database, it writes nothing anywhere and says what the run then does; its
progress rows go to the real database meanwhile, and none is left."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.services import fresh_database, require_postgres

pytestmark = [pytest.mark.services, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]

SCRIPT = r"""
import json

import django

django.setup()
from django.apps import apps
from django.core.management import call_command

call_command("migrate", verbosity=0)
from connector import preview_progress
from connector.models import PreviewProgress, SyncRun
from connector.preview import preview
from connector.sync.runner import run
from sandbox.base import RunningServer
from sandbox.configure import configure_for_sandbox
from sandbox.flowii_sim import FlowiiSimulator
from sandbox.woocommerce_sim import WooCommerceSimulator


def rows():
    return {
        m._meta.label: sorted(map(repr, m.objects.values_list()))
        for m in apps.get_app_config("connector").get_models()
    }


def writes(server):
    counted = server.service.stats_snapshot()["by_path"]
    return {k: n for k, n in counted.items() if n and not k.startswith("GET ") and k != "POST /token"}


# The progress rows as the preview writes them, read back from the real database.
written = []
relayed = preview_progress.Relay.write


def write(relay):
    relayed(relay)
    row = PreviewProgress.objects.filter(task=relay.task_id).values_list("done", "total", "label")
    written.append(list(row.first() or []))


preview_progress.Relay.write = write
found = {}
with RunningServer(WooCommerceSimulator(seed="default")) as woo, RunningServer(
    FlowiiSimulator(seed="default")
) as flowii:
    configure_for_sandbox(woo.url, flowii.url)
    for kind in ("products", "customers"):
        woo.service.stats.clear()
        flowii.service.stats.clear()
        before = rows()
        written.clear()
        report = preview(kind, task_id="d" * 32)
        found[kind] = {
            "progress": list(written),
            "status": report["status"],
            "same_rows": rows() == before,
            "writes": [writes(woo), writes(flowii)],
            "preview": {k: v["count"] for k, v in report["lists"].items()},
            "counts": report["counts"],
        }
        done = run(kind, SyncRun.Trigger.BUTTON, full=True)
        found[kind]["run_counts"] = {n: getattr(done, n) for n in SyncRun.COUNTS}
print(json.dumps(found))
"""


def test_a_preview_on_postgresql_writes_nothing_and_matches_the_run():
    require_postgres()
    with fresh_database("connector_preview") as url:
        env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings_test"}
        done = subprocess.run(
            [sys.executable, "-c", SCRIPT],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
    assert done.returncode == 0, done.stderr[-3000:]
    found = json.loads(done.stdout.strip().splitlines()[-1])
    for kind in ("products", "customers"):
        assert found[kind]["status"] == "succeeded"
        assert found[kind]["same_rows"] is True  # rolled back: no row of any table changed
        # Its progress was written to the real database beside the rolled-back transaction,
        # from the start to the report's step, and deleted at the end (same_rows above).
        progress = found[kind]["progress"]
        assert progress[0] == [0, 0, ""] and progress[-1][2] == "preview-report"
        assert progress[-1][0] == progress[-1][1] > 0
        assert found[kind]["writes"] == [{}, {}]  # neither simulator was written to
        assert found[kind]["preview"]["created"] > 0
        assert found[kind]["counts"] == found[kind]["run_counts"]
