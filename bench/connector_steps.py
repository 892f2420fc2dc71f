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


def concurrency_field() -> str:
    """The setting of how many shop writes go at once: a field of its own when the model has
    one (a name with "concurrency" other than the orders'), else the orders' setting."""
    from connector.models import Settings

    names = [f.name for f in Settings._meta.get_fields() if "concurrency" in f.name]
    own = [n for n in names if n != "order_export_concurrency"]
    return (own or names)[0]


def prepare(job: dict) -> dict:
    """A new database: tables, then settings and mappings pointing at the sandbox."""
    _django(job["env"])
    from django.core.management import call_command

    from connector.models import Settings
    from sandbox.configure import configure_for_sandbox

    call_command("migrate", verbosity=0, interactive=False)
    settings = configure_for_sandbox(job["woo_url"], job["flowii_url"])
    field = concurrency_field()
    # The reference client exports the same orders: the same statuses, from the same date.
    return {
        "orders_from": settings.new_orders_from.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S"),
        "statuses": list(settings.order_statuses or ["processing", "completed"]),
        "concurrency_field": field,
        "concurrency_default": Settings._meta.get_field(field).default,
    }


def forget_sync_state() -> None:
    """The connector as before its first run: no links, bookmarks, intents, runs, logs or
    locks."""
    from connector.models import Bookmark, Link, OrderExport, RunLock, SyncLog, SyncRun

    for model in (SyncLog, SyncRun, Link, Bookmark, OrderExport, RunLock):
        model.objects.all().delete()


def run_sync(job: dict) -> dict:
    """One `runner.run(kind, full)`; job: env, kind, full, concurrency (None: the setting's
    default), fresh (forget the sync state first)."""
    _django(job["env"])
    from django.core.management import call_command

    from connector.models import Link, Settings
    from connector.sync import runner

    # The project may have gained a migration since `prepare` (the code is read anew by
    # every step): the database follows it, as `manage.py migrate` would before a deploy.
    call_command("migrate", verbosity=0, interactive=False)

    if job.get("fresh"):
        forget_sync_state()
    settings = Settings.load()
    field = concurrency_field()
    concurrency = job.get("concurrency")
    if concurrency is None:
        concurrency = Settings._meta.get_field(field).default
    setattr(settings, field, concurrency)
    settings.save()
    buyers_before = Link.objects.filter(kind__in=[Link.Kind.CUSTOMER, Link.Kind.GUEST]).count()
    rss_before = rss_mb()
    started = time.perf_counter()
    run = runner.run(job["kind"], full=bool(job.get("full")))
    wall = time.perf_counter() - started
    buyers_after = Link.objects.filter(kind__in=[Link.Kind.CUSTOMER, Link.Kind.GUEST]).count()
    return {
        "status": str(run.status),
        "reason": run.reason,
        "counts": dict(run.counts),
        "wall_s": round(wall, 3),
        "concurrency": {field: concurrency},
        "buyers_linked": buyers_after - buyers_before,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak_rss_mb(),
    }
