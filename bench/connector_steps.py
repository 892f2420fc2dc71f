"""The connector's side of the benchmark, run in a child process: sets up Django on the
benchmark's own database, then runs one sync as `manage.py sync` would and measures it."""

from __future__ import annotations

import logging
import os
import time
from datetime import UTC

from .measure import peak_rss_mb, rss_mb


def _django(env: dict) -> None:
    # The environment must be in place before Django reads its settings.
    os.environ.update(env)
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    import django

    django.setup()
    # A line per record on the console would cost time the connector does not spend in
    # production (where the log goes to a file or journal); the run log rows are still written.
    logging.getLogger("connector").setLevel(logging.ERROR)


def prepare(job: dict) -> dict:
    """A new database: tables, then settings and mappings pointing at the sandbox."""
    _django(job["env"])
    from django.core.management import call_command

    from sandbox.configure import configure_for_sandbox

    call_command("migrate", verbosity=0, interactive=False)
    settings = configure_for_sandbox(job["woo_url"], job["flowii_url"])
    # The reference client exports the same orders: the same statuses, from the same date.
    return {
        "orders_from": settings.new_orders_from.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "statuses": list(settings.order_statuses or ["processing", "completed"]),
    }


def forget_sync_state() -> None:
    """The connector as before its first run: no links, bookmarks, runs, logs or locks."""
    from connector.models import Bookmark, Link, RunLock, SyncLog, SyncRun

    for model in (SyncLog, SyncRun, Link, Bookmark, RunLock):
        model.objects.all().delete()


def run_sync(job: dict) -> dict:
    """One `runner.run(kind, full)`; job: env, kind, full, concurrency, fresh (forget the
    sync state first), then (optional) more runs before it that are not measured."""
    _django(job["env"])
    from connector.models import Settings
    from connector.sync import runner

    if job.get("fresh"):
        forget_sync_state()
    settings = Settings.load()
    settings.order_export_concurrency = job.get("concurrency", 4)
    settings.save()
    phases = _time_phases() if job.get("phases") else {}
    rss_before = rss_mb()
    started = time.perf_counter()
    run = runner.run(job["kind"], full=bool(job.get("full")))
    wall = time.perf_counter() - started
    return {
        "status": str(run.status),
        "reason": run.reason,
        "counts": dict(run.counts),
        "wall_s": round(wall, 3),
        "phases_s": {name: round(seconds, 3) for name, seconds in phases.items()},
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
    }


def _time_phases() -> dict:
    """Adds up the time an orders export spends on its buyers (partners) and on the
    write-back, to show where the rest of its time goes. Wraps the methods in this
    child process only; what they do is unchanged."""
    from connector.sync.customers import PartnerBook
    from connector.sync.orders import OrderExporter

    spent = {"partners": 0.0, "write_back": 0.0}

    def timed(owner, method: str, phase: str) -> None:
        original = getattr(owner, method, None)
        if original is None:
            return

        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                spent[phase] += time.perf_counter() - started

        setattr(owner, method, wrapper)

    timed(OrderExporter, "_partners", "partners")
    timed(PartnerBook, "preload", "partners")
    timed(OrderExporter, "write_back", "write_back")
    return spent
