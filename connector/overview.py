"""What the Overview says: is everything in sync, and what waits and why, each with the page
that fixes it. Also the ONE rule for a run's state (ok, needs attention, failed, running) that
every page shows. Reads only indexed rows and the runs' own counts: never a loop over logs."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

from django.conf import settings as django_settings
from django.db.models import Count, Max, Q, TextField
from django.db.models.fields.json import KeyTextTransform, KeyTransform
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone
from django.utils.translation import gettext, ngettext

from .binder import Binder
from .models import Alert, Link, OrderExport, Settings, SyncLog, SyncRun

logger = logging.getLogger("connector.overview")

# The reason code a run that ended on refused credentials carries (connector/alerts.py words
# it; the runner stores it, see failure_reason there).
CREDENTIALS_CODE = "run.credentials_refused"
# How an order held back by an unmapped method is logged (connector/sync/orders.py): the line
# "orders.held" with its reason, itself a code with values (wording/orders.py).
HELD_CODE = "orders.held"
SHIPPING_UNMAPPED = "order.shipping_unmapped"
PAYMENT_UNMAPPED = "order.payment_unmapped"
# The runs that export orders (whose log says which orders were held back).
ORDER_RUNS = (SyncRun.Kind.ORDERS, SyncRun.Kind.ALL, SyncRun.Kind.HISTORIC_ORDERS)
# The latest run of each group is "the last run" of that part of the work.
RUN_GROUPS = {
    "products": (SyncRun.Kind.PRODUCTS, SyncRun.Kind.ALL),
    "customers": (SyncRun.Kind.CUSTOMERS, SyncRun.Kind.ALL),
    "orders": ORDER_RUNS,
}
RECORD_KINDS = ("order", "partner", "product", "category")
LISTED = 10  # orders named on the Overview per problem (the rest: behind the link)


# -- a run's state: one rule for every page ---------------------------------------------------


@dataclass(frozen=True)
class RunState:
    key: str  # "running", "ok", "attention", "failed"
    label: str
    css: str
    words: str = ""


def held_back(run: SyncRun) -> int:
    """Orders the run held back (an unmapped shipping or payment method): the orders stream
    counts them as skipped, and skips no order for any other reason."""
    return int(((run.counts_by_kind or {}).get("order") or {}).get("skipped") or 0)


def run_state(run: SyncRun) -> RunState:
    """What a run's state is, for the live panel, the runs list, the run's page and the
    Overview alike: a run that failed records or held orders back needs attention."""
    if run.status == SyncRun.Status.RUNNING:
        return RunState("running", gettext("running"), "running")
    if run.status == SyncRun.Status.FAILED:
        return RunState("failed", gettext("failed"), "failed", run.reason_text)
    parts = []
    if run.failed:
        parts.append(
            ngettext("%(n)s record failed", "%(n)s records failed", run.failed) % {"n": run.failed}
        )
    held = held_back(run)
    if held:
        parts.append(
            ngettext(
                "%(n)s order is held back (its method is not mapped)",
                "%(n)s orders are held back (their method is not mapped)",
                held,
            )
            % {"n": held}
        )
    if parts:
        return RunState("attention", gettext("needs attention"), "attention", "; ".join(parts))
    return RunState("ok", gettext("succeeded"), "succeeded")


KIND_WORDS = {
    "order": lambda n: ngettext("%(n)s order", "%(n)s orders", n),
    "partner": lambda n: ngettext("%(n)s partner", "%(n)s partners", n),
    "product": lambda n: ngettext("%(n)s product", "%(n)s products", n),
    "category": lambda n: ngettext("%(n)s category", "%(n)s categories", n),
}


def kind_count(kind: str, n: int) -> str:
    words = KIND_WORDS.get(kind)
    return words(n) % {"n": n} if words else f"{n} {kind}"


def counts_per_kind(run: SyncRun) -> list[dict]:
    """[{"kind", "label", "counts": [(count name, n)...]}] of the kinds the run touched, in a
    fixed order, with only the counts that are not zero."""
    out = []
    by_kind = run.counts_by_kind or {}
    for kind in (*RECORD_KINDS, *sorted(set(by_kind) - set(RECORD_KINDS))):
        counts = by_kind.get(kind)
        if not counts:
            continue
        shown = [
            (str(SyncRun._meta.get_field(name).verbose_name), counts.get(name, 0))
            for name in SyncRun.COUNTS
            if counts.get(name)
        ]
        if shown:
            out.append({"kind": kind, "label": KIND_LABELS().get(kind, kind), "counts": shown})
    return out


def KIND_LABELS() -> dict:  # noqa: N802  (a table, built in the active language)
    return {
        "order": gettext("orders"),
        "partner": gettext("partners"),
        "product": gettext("products"),
        "category": gettext("categories"),
    }


def run_name(run: SyncRun) -> str:
    """The run's name with its start in local time (SyncRun.__str__ says UTC)."""
    from django.utils.formats import date_format

    start = date_format(timezone.localtime(run.started_at), "SHORT_DATETIME_FORMAT")
    return f"{run.get_kind_display()} {start} ({run_state(run).label})"


# -- the held-back orders ----------------------------------------------------------------------


def _reason(*keys: str):
    """params -> reason -> (params ->) key, as text: the held line's nested code and values.
    Built by hand, because the key `__words__` cannot be spelled in a lookup."""
    expr = KeyTransform("reason", "params")
    for key in keys[:-1]:
        expr = KeyTransform(key, expr)
    # Cast: a plain text from here on (JSON lookups would treat `in` values as JSON).
    return Cast(KeyTextTransform(keys[-1], expr), TextField())


def held_orders(run_ids=None) -> dict[str, dict[str, dict]]:
    """{"shipping": {method key: {"n", "title"}}, "payment": {gateway: {...}}}: the orders the
    given runs (default: the latest order-exporting one) held back because the method is not
    mapped, and that are still not linked. One grouped query."""
    if run_ids is None:
        latest = (
            SyncRun.objects.filter(kind__in=ORDER_RUNS)
            .exclude(status=SyncRun.Status.RUNNING)
            .values_list("pk", flat=True)
            .first()
        )
        run_ids = [latest] if latest else []
    result: dict[str, dict[str, dict]] = {"shipping": {}, "payment": {}}
    if not run_ids:
        return result
    linked = Binder(Link.Kind.ORDER).shop_ids_query()
    rows = (
        SyncLog.objects.filter(run_id__in=run_ids, code=HELD_CODE, kind=Link.Kind.ORDER)
        .exclude(shop_id="")
        .exclude(shop_id__in=linked)
        .annotate(
            why=_reason("__words__"),
            gateway=_reason("params", "gateway"),
            method_id=_reason("params", "method_id"),
            instance_id=_reason("params", "instance_id"),
            title=Coalesce(_reason("params", "title"), _reason("params", "name")),
        )
        .filter(why__in=[SHIPPING_UNMAPPED, PAYMENT_UNMAPPED])
        .values("why", "gateway", "method_id", "instance_id")
        .annotate(n=Count("shop_id", distinct=True), name=Max("title"))
        .order_by()
    )
    for row in rows:
        if row["why"] == SHIPPING_UNMAPPED:
            key = f"{row['method_id']}:{row['instance_id']}"
            result["shipping"][key] = {"n": row["n"], "title": row["name"] or key}
        else:
            key = row["gateway"] or ""
            result["payment"][key] = {"n": row["n"], "title": row["name"] or key}
    return result


# -- the Overview's facts ----------------------------------------------------------------------


@dataclass
class Problem:
    """One thing that waits, in the reader's words, with the page that fixes it."""

    key: str
    text: str
    url: str = ""
    link_text: str = ""
    level: str = "attention"  # "attention" or "failed"
    items: list = field(default_factory=list)  # [(text, url)] named one by one


def latest_runs() -> dict[str, SyncRun]:
    """The latest finished run of each part of the work (products, customers, orders)."""
    out = {}
    for group, kinds in RUN_GROUPS.items():
        run = SyncRun.objects.filter(kind__in=kinds).exclude(status=SyncRun.Status.RUNNING).first()
        if run is not None:
            out[group] = run
    return out


def credentials_refused(run: SyncRun | None) -> bool:
    return bool(run and run.status == SyncRun.Status.FAILED and run.reason_code == CREDENTIALS_CODE)


def worker_verdict():
    """connector/health.py's verdict on the worker, or None when it cannot be read."""
    try:
        from . import health

        return health.verdict(
            queue_stale=getattr(django_settings, "CONNECTOR_QUEUE_STALE", 300),
            heartbeat_stale=getattr(django_settings, "CONNECTOR_HEARTBEAT_STALE", 300),
        )
    except Exception:  # the Overview must open even when the worker's tables cannot be read
        logger.exception("the worker's health could not be read")
        return None


def facts(urls, now=None) -> dict:
    """Everything the Overview shows. `urls` names the pages (an object with the attributes
    used below), so this stays free of the admin's routing."""
    from django_q.models import Schedule

    from .scheduling import SYNC_NAME

    now = now or timezone.now()
    problems: list[Problem] = []
    runs = latest_runs()
    last_any = SyncRun.objects.first()
    running = list(SyncRun.objects.filter(status=SyncRun.Status.RUNNING).order_by("started_at"))

    # Credentials that stopped working: the latest run of any part ended on them.
    refused = [r for r in {r.pk: r for r in runs.values()}.values() if credentials_refused(r)]
    if refused:
        problems.append(
            Problem(
                "credentials",
                gettext("The connection stopped working: %(reason)s")
                % {"reason": refused[0].reason_text},
                urls.settings,
                gettext("Check the credentials in Settings"),
                level="failed",
            )
        )
    else:
        for run in {r.pk: r for r in runs.values()}.values():
            if run.status == SyncRun.Status.FAILED:
                problems.append(
                    Problem(
                        f"failed-{run.pk}",
                        gettext("The last run “%(run)s” failed: %(reason)s")
                        % {"run": run_name(run), "reason": run.reason_text},
                        urls.logs_of(run.pk),
                        gettext("See its log"),
                        level="failed",
                    )
                )

    # Orders held back by an unmapped method (the latest order-exporting run's log).
    held = held_orders([runs["orders"].pk] if "orders" in runs else [])
    for area, url, words in (
        (
            "shipping",
            urls.shipping,
            lambda n, t: (
                ngettext(
                    "%(n)s order waits: shipping method “%(title)s” is not mapped",
                    "%(n)s orders wait: shipping method “%(title)s” is not mapped",
                    n,
                )
                % {"n": n, "title": t}
            ),
        ),
        (
            "payment",
            urls.payments,
            lambda n, t: (
                ngettext(
                    "%(n)s order waits: payment method “%(title)s” is not mapped",
                    "%(n)s orders wait: payment method “%(title)s” is not mapped",
                    n,
                )
                % {"n": n, "title": t}
            ),
        ),
    ):
        for key, row in sorted(held[area].items()):
            problems.append(
                Problem(
                    f"held-{area}-{key}",
                    words(row["n"], row["title"]),
                    url,
                    gettext("Map it on the Shipping page")
                    if area == "shipping"
                    else gettext("Map it on the Payments page"),
                )
            )

    # Records that failed in the last runs, per kind.
    failed: dict[str, int] = {}
    failed_runs = []
    for run in {r.pk: r for r in runs.values()}.values():
        if run.status == SyncRun.Status.FAILED and not run.failed:
            continue
        by_kind = run.counts_by_kind or {}
        any_failed = False
        for kind, counts in by_kind.items():
            n = int((counts or {}).get("failed") or 0)
            if n:
                failed[kind] = failed.get(kind, 0) + n
                any_failed = True
        if run.failed and not any_failed:
            failed["record"] = failed.get("record", 0) + run.failed
            any_failed = True
        if any_failed:
            failed_runs.append(run)
    if failed:
        listed = ", ".join(
            kind_count(k, n) if k != "record" else str(n) for k, n in sorted(failed.items())
        )
        problems.append(
            Problem(
                "failed-records",
                gettext("Records that failed in the last runs: %(list)s.") % {"list": listed},
                urls.errors_of(failed_runs[0].pk),
                gettext("See why in the log"),
                items=[(run_name(r), urls.errors_of(r.pk)) for r in failed_runs if r is not None],
            )
        )

    # Orders whose FLOWii outcome is unknown, that wait for the operator, or whose total differs.
    states = dict(OrderExport.objects.values_list("state").annotate(n=Count("id")).order_by())
    unknown = states.get(OrderExport.State.UNKNOWN, 0) + states.get(OrderExport.State.SENDING, 0)
    operator = states.get(OrderExport.State.NEEDS_OPERATOR, 0)
    differs = OrderExport.objects.filter(total_differs=True).count()
    for key, n, query, words in (
        (
            "operator",
            operator,
            Q(state=OrderExport.State.NEEDS_OPERATOR),
            lambda n: ngettext(
                "%(n)s order waits for you to say which FLOWii document it is",
                "%(n)s orders wait for you to say which FLOWii document they are",
                n,
            ),
        ),
        (
            "unknown",
            unknown,
            Q(state__in=[OrderExport.State.UNKNOWN, OrderExport.State.SENDING]),
            lambda n: ngettext(
                "%(n)s order's outcome in FLOWii is unknown; the next run settles it",
                "%(n)s orders' outcome in FLOWii is unknown; the next run settles them",
                n,
            ),
        ),
        (
            "differs",
            differs,
            Q(total_differs=True),
            lambda n: ngettext(
                "%(n)s order has a different total in FLOWii",
                "%(n)s orders have a different total in FLOWii",
                n,
            ),
        ),
    ):
        if not n:
            continue
        rows = OrderExport.objects.filter(query).order_by("-updated_at")[:LISTED]
        problems.append(
            Problem(
                key,
                words(n) % {"n": n},
                urls.order_exports(key),
                gettext("See them all"),
                level="failed" if key == "operator" else "attention",
                items=[
                    (
                        gettext("Order %(number)s") % {"number": r.shop_number or r.shop_order_id},
                        urls.order(r.shop_order_id),
                    )
                    for r in rows
                ],
            )
        )

    # The worker.
    worker = worker_verdict()
    if worker is not None and worker.stuck:
        problems.append(
            Problem(
                "worker",
                gettext(
                    "The background worker does not pick up work: runs and buttons wait. "
                    "Restart it (see the operations guide)."
                ),
                level="failed",
            )
        )

    # The shop's webhooks went quiet while the polling kept finding orders.
    from .webhook_overview import facts as webhook_facts

    webhooks = webhook_facts(now)
    if webhooks["stopped"]:
        state = webhooks["state"]
        problems.append(
            Problem(
                "webhooks-quiet",
                gettext(
                    "The shop's webhooks have delivered nothing since %(since)s, yet the "
                    "scheduled runs found %(n)s new orders meanwhile: the shop may have "
                    "disabled them after failed deliveries. Orders now wait for the schedule."
                )
                % {
                    "since": timezone.localtime(state.last_delivery_at or state.set_up_at).strftime(
                        "%Y-%m-%d %H:%M"
                    ),
                    "n": webhooks["polled"],
                },
                urls.settings + "#connector-webhooks",
                gettext("Check the webhooks in Settings"),
            )
        )

    alerts = list(Alert.objects.filter(ended_at__isnull=True).order_by("started_at")[:20])
    schedule = Schedule.objects.filter(name=SYNC_NAME).only("next_run").first()
    settings = Settings.load()
    if not settings.is_configured and problems:
        problems.insert(
            0,
            Problem(
                "not-configured",
                gettext("The connector is not set up yet: a connection is not filled in."),
                urls.settings,
                gettext("Fill in the connections in Settings"),
                level="failed",
            ),
        )
    in_sync = (
        settings.is_configured
        and not problems
        and bool(runs)
        and all(run_state(r).key == "ok" for r in runs.values())
        and not alerts
    )
    return {
        "in_sync": in_sync,
        "configured": settings.is_configured,
        "problems": problems,
        "runs": runs,
        "last_run": last_any,
        "last_run_state": run_state(last_any) if last_any else None,
        "running": running,
        "next_run": schedule.next_run if schedule else None,
        "schedule_on": settings.schedule != Settings.Schedule.OFF,
        "alerts": alerts,
        "worker": worker,
        "webhooks": webhooks,
        "now": now,
    }
