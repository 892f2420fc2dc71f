"""The larger deployment as it runs in production: one PostgreSQL database, Redis as the queue,
several `qcluster` processes and commands started at the same time from different processes.
Proves that runs of one kind never overlap and that every order reaches FLOWii exactly once:
FLOWii has no idempotency, so that rests on the lock alone (one create per order, counted on
FLOWii's side)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import uuid
from itertools import combinations
from pathlib import Path

import pytest
import requests
from picklefield.fields import dbsafe_decode

from connector.dates import parse_utc
from connector.woocommerce import WooCommerceClient
from sandbox.configure import SEED_ORDERS_FROM, WOO_KEY, WOO_SECRET
from tests.services import (
    fresh_database,
    query,
    redis_database,
    require_postgres,
    require_postgres_and_redis,
)

pytestmark = [pytest.mark.services, pytest.mark.slow]

ROOT = Path(__file__).resolve().parents[2]
MANAGE = [sys.executable, str(ROOT / "manage.py")]
TASKS_PER_PROCESS = 10
ENQUEUERS = 2
# Enough added latency on both simulators that an orders export takes seconds, so the tasks
# the four workers take up at once collide with it.
LATENCY = {"latency_ms": 30}
TASKS_DONE_WITHIN = 90  # seconds
CLUSTER_READY_WITHIN = 30
TASK_ID = re.compile(r"^[0-9a-f]{32}$", re.MULTILINE)
RECEIVED_ORDER = 5
CREATE_DOCUMENT = "POST /documents"


class Processes:
    """Every process a test starts, each in its own process group so that its children (the
    cluster's workers) can be stopped with it; `stop_all` always ends them."""

    def __init__(self, env: dict, logs: Path):
        self.env = env
        self.logs = logs
        self.started: list[tuple[str, subprocess.Popen]] = []

    def start(self, name: str, *args: str) -> subprocess.Popen:
        out = open(self.logs / f"{name}.log", "w")  # the child keeps its own copy
        proc = subprocess.Popen(
            [*MANAGE, *args],
            cwd=ROOT,
            env=self.env,
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        out.close()
        self.started.append((name, proc))
        return proc

    def output(self, name: str) -> str:
        return (self.logs / f"{name}.log").read_text(errors="replace")

    def call(self, *args: str, timeout: float = 120) -> subprocess.CompletedProcess:
        result = subprocess.run(
            [*MANAGE, *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        assert result.returncode == 0, f"manage.py {' '.join(args)}:\n{result.stderr}"
        return result

    def stop_all(self, grace: float = 20) -> None:
        """SIGTERM first (a cluster finishes its current task and stops its workers), then
        SIGKILL to the whole group of whatever is left."""
        for _name, proc in self.started:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + grace
        for _name, proc in self.started:
            try:
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
            try:
                os.killpg(proc.pid, signal.SIGKILL)  # the group's leader is the process itself
            except ProcessLookupError:
                pass
            if proc.poll() is None:
                proc.wait(timeout=10)


def wait_until(condition, within: float, what: str, check=None):
    """Polls `condition` until it is true; `check` is called on every round and may fail
    early (a process that died)."""
    deadline = time.monotonic() + within
    while True:
        value = condition()
        if value:
            return value
        if check:
            check()
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {within} s waiting for {what}")
        time.sleep(0.2)


def overlapping(runs: list[tuple]) -> list[str]:
    """Pairs of runs (id, started_at, finished_at, ...) whose times overlap."""
    return [
        f"runs {a[0]} ({a[1]:%H:%M:%S.%f}-{a[2]:%H:%M:%S.%f}) and "
        f"{b[0]} ({b[1]:%H:%M:%S.%f}-{b[2]:%H:%M:%S.%f}) overlap"
        for a, b in combinations(runs, 2)
        if not (a[2] <= b[1] or b[2] <= a[1])
    ]


def eligible_orders(woo_url: str) -> dict[str, str]:
    """The shop orders the sandbox settings export (processing or completed, created on or
    after the configured start): shop order id -> its number."""
    woo = WooCommerceClient(woo_url, WOO_KEY, WOO_SECRET)
    return {
        str(o["id"]): str(o["number"])
        for o in woo.orders(["processing", "completed"])
        if parse_utc(o["date_created_gmt"]) >= SEED_ORDERS_FROM
    }


def flowii_documents(flowii_url: str) -> list[dict]:
    """The received orders the connector made in FLOWii (the simulator's read-back)."""
    made = requests.get(flowii_url + "/__sandbox__/created", timeout=10).json()
    return [d for d in made["documents"] if d["type"] == RECEIVED_ORDER]


def flowii_requests(flowii_url: str) -> dict:
    return requests.get(flowii_url + "/__sandbox__/stats", timeout=10).json()["by_path"]


@pytest.fixture
def slow_sandbox(woo_server, flowii_server):
    """Both simulators, seeded, answering every request after LATENCY."""
    for server in (woo_server, flowii_server):
        server.service.set_faults(LATENCY)
    yield woo_server, flowii_server
    for server in (woo_server, flowii_server):
        server.service.set_faults({"latency_ms": 0})


def configured(procs: Processes, woo_server, flowii_server) -> None:
    """A migrated database whose settings point at the running simulators."""
    procs.call("migrate", "-v0")
    procs.call(
        "sandbox",
        "--configure",
        f"--woo-port={woo_server.port}",
        f"--flowii-port={flowii_server.port}",
    )


ENQUEUE = """
import time
from django_q.tasks import async_task
time.sleep(max(0.0, {start} - time.time()))
for _ in range({n}):
    print(async_task("connector.tasks.run_sync", "orders", "command", group="{group}"))
"""


def test_two_clusters_twenty_order_runs_never_overlap_and_export_each_order_once(
    slow_sandbox, tmp_path
):
    require_postgres_and_redis()
    woo_server, flowii_server = slow_sandbox
    cluster = f"scale_{uuid.uuid4().hex[:10]}"
    with fresh_database() as database_url, redis_database(cluster) as redis_url:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "Q_CLUSTER_NAME": cluster,
            "Q_WORKERS": "2",
        }
        procs = Processes(env, tmp_path)
        try:
            configured(procs, woo_server, flowii_server)
            flowii_server.service.stats.clear()

            clusters = [procs.start(f"qcluster{i}", "qcluster") for i in (1, 2)]

            def clusters_alive():
                for i, proc in enumerate(clusters, 1):
                    if proc.poll() is not None:
                        pytest.fail(f"qcluster {i} exited:\n{procs.output(f'qcluster{i}')}")

            import redis

            broker = redis.Redis.from_url(redis_url)
            wait_until(
                lambda: len(list(broker.scan_iter(f"django_q:{cluster}:cluster:*"))) >= 2,
                CLUSTER_READY_WITHIN,
                "both clusters to report to Redis",
                clusters_alive,
            )
            broker.close()

            # Both enqueuers wait for the same moment, so the twenty tasks arrive together.
            start = time.time() + 3
            code = ENQUEUE.format(start=start, n=TASKS_PER_PROCESS, group=cluster)
            enqueuers = [
                procs.start(f"enqueue{i}", "shell", "-c", code) for i in range(1, ENQUEUERS + 1)
            ]
            task_ids = set()
            for i, proc in enumerate(enqueuers, 1):
                assert proc.wait(timeout=60) == 0, procs.output(f"enqueue{i}")
                task_ids |= set(TASK_ID.findall(procs.output(f"enqueue{i}")))
            total = ENQUEUERS * TASKS_PER_PROCESS
            assert len(task_ids) == total

            def tasks_done():
                rows = query(
                    database_url, 'SELECT count(*) FROM django_q_task WHERE "group" = %s', [cluster]
                )
                return rows[0][0] >= total

            wait_until(tasks_done, TASKS_DONE_WITHIN, f"{total} finished tasks", clusters_alive)
        finally:
            procs.stop_all()

        # Every task ran to its end, exactly once, and none is missing.
        tasks = query(
            database_url,
            'SELECT id, success, result FROM django_q_task WHERE "group" = %s',
            [cluster],
        )
        assert {t[0] for t in tasks} == task_ids
        assert all(success for _id, success, _result in tasks), tasks

        # Runs of the orders kind never overlapped in time (the lock held across machines).
        runs = query(
            database_url,
            "SELECT id, started_at, finished_at, status, failed FROM connector_syncrun "
            "WHERE kind = 'orders' ORDER BY started_at",
        )
        assert runs, "no run started"
        assert all(r[2] is not None and r[3] == "succeeded" and r[4] == 0 for r in runs), runs
        assert not overlapping(runs), overlapping(runs)

        # Every refused attempt is logged, and runs and refusals account for all twenty.
        refusals = query(
            database_url,
            "SELECT message FROM connector_synclog WHERE level = 'warning' AND message LIKE %s",
            ["%already running%"],
        )
        assert len(runs) + len(refusals) == total, (len(runs), len(refusals))
        assert refusals, "four workers and twenty tasks, yet no attempt was refused"
        # django-q keeps each task's returned text pickled.
        results = [dbsafe_decode(result) for _id, _success, result in tasks]
        assert sum(r.startswith("run ") for r in results) == len(runs)
        assert sum("already running" in r for r in results) == len(refusals)

        # Every eligible order is in FLOWii once (by its variable symbol, the shop's order
        # number), created by exactly one request, and linked to its own document.
        eligible = eligible_orders(woo_server.url)
        assert len(eligible) > 50
        documents = flowii_documents(flowii_server.url)
        symbols = [d["attributes"].get("variable-symbol") for d in documents]
        assert len(symbols) == len(set(symbols))
        assert set(symbols) == set(eligible.values())
        assert flowii_requests(flowii_server.url).get(CREATE_DOCUMENT) == len(eligible)
        links = query(
            database_url, "SELECT shop_id, flowii_id FROM connector_link WHERE kind = 'order'"
        )
        symbol_of = {int(d["id"]): d["attributes"].get("variable-symbol") for d in documents}
        assert {shop_id: symbol_of.get(flowii_id) for shop_id, flowii_id in links} == eligible
        states = query(database_url, "SELECT DISTINCT state FROM connector_orderexport")
        assert states == [("exported",)], states
        print(
            f"{len(runs)} runs, {len(refusals)} refused, {len(eligible)} orders exported once, "
            f"{len(tasks)} tasks"
        )


def test_two_product_imports_at_once_on_postgresql_one_runs_one_is_refused(slow_sandbox, tmp_path):
    require_postgres()
    woo_server, flowii_server = slow_sandbox
    with fresh_database() as database_url:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": database_url,
            "REDIS_URL": "",
        }
        procs = Processes(env, tmp_path)
        try:
            configured(procs, woo_server, flowii_server)
            both = [procs.start(f"sync{i}", "sync", "products") for i in (1, 2)]
            codes = [proc.wait(timeout=120) for proc in both]
        finally:
            procs.stop_all()
        outputs = [procs.output(f"sync{i}") for i in (1, 2)]

        runs = query(
            database_url, "SELECT id, status FROM connector_syncrun WHERE kind = 'products'"
        )
        assert len(runs) == 1, runs
        run_id, status = runs[0]
        assert status == "succeeded"
        assert sorted(codes) == [0, 1], outputs
        ran, refused = (outputs[0], outputs[1]) if codes[0] == 0 else (outputs[1], outputs[0])
        assert f"Run #{run_id} products: succeeded" in ran
        assert "already running" in refused and f"run #{run_id}" in refused, refused
        # The lock is free again for the next run.
        assert query(database_url, "SELECT run_id FROM connector_runlock") == [(None,)]


RUN_REPEATEDLY = """
import time
from connector.tasks import run_sync
time.sleep(max(0.0, {start} - time.time()))
for _ in range({n}):
    run_sync("orders", "command")
"""


def test_back_to_back_order_runs_from_three_processes_never_overlap(
    woo_server, flowii_server, tmp_path
):
    """Short runs started one after another as fast as three processes can: the moment one run
    lets go of the lock, another takes it, which is where a lock's bookkeeping slips."""
    require_postgres()
    with fresh_database() as database_url:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings_test",
            "DATABASE_URL": database_url,
            "REDIS_URL": "",
            "LOG_LEVEL": "WARNING",
        }
        procs = Processes(env, tmp_path)
        attempts, per_process = 0, 40
        try:
            configured(procs, woo_server, flowii_server)
            procs.call("sync", "orders")  # the first export; every later run finds nothing new
            first_run = query(database_url, "SELECT max(id) FROM connector_syncrun")[0][0]
            flowii_server.service.stats.clear()
            code = RUN_REPEATEDLY.format(start=time.time() + 3, n=per_process)
            callers = [procs.start(f"caller{i}", "shell", "-c", code) for i in (1, 2, 3)]
            for i, proc in enumerate(callers, 1):
                assert proc.wait(timeout=120) == 0, procs.output(f"caller{i}")
                attempts += per_process
        finally:
            procs.stop_all()

        runs = query(
            database_url,
            "SELECT id, started_at, finished_at, status FROM connector_syncrun "
            "WHERE kind = 'orders' AND id > %s ORDER BY started_at",
            [first_run],
        )
        refusals = query(
            database_url,
            "SELECT count(*) FROM connector_synclog WHERE level = 'warning' AND message LIKE %s",
            ["%already running%"],
        )[0][0]
        assert len(runs) + refusals == attempts
        assert len(runs) >= 2 and refusals >= 1, (len(runs), refusals)
        assert all(r[3] == "succeeded" for r in runs), runs
        # Nothing new to export, and no order was sent to FLOWii a second time.
        assert CREATE_DOCUMENT not in flowii_requests(flowii_server.url)
        assert not overlapping(runs), overlapping(runs)
