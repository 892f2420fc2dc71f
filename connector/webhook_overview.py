"""What the Overview says about the shop's webhooks: when the last delivery came, and
whether deliveries stopped while the polling runs kept finding orders (the rule is
webhooks.deliveries_stopped; this reads the facts it needs)."""

from __future__ import annotations

from .models import SyncRun, WebhookState
from .webhooks import QUIET_AFTER, deliveries_stopped

# The runs that poll the shop for new orders.
POLLING_RUNS = (SyncRun.Kind.ORDERS, SyncRun.Kind.ALL)
READ_RUNS = 500  # the polling runs looked at, newest first (a five-minute schedule: ~2 days)


def polled_orders_since(moment) -> int:
    """Orders the polling runs exported that started after `moment`."""
    runs = SyncRun.objects.filter(kind__in=POLLING_RUNS, started_at__gt=moment).order_by(
        "-started_at"
    )[:READ_RUNS]
    return sum(
        int(((r.counts_by_kind or {}).get("order") or {}).get("created") or 0)
        for r in runs.only("counts_by_kind")
    )


def facts(now) -> dict:
    state = WebhookState.objects.filter(pk=1).first()
    if state is None:
        return {"state": None, "stopped": False, "polled": 0}
    known = [d for d in (state.set_up_at, state.last_delivery_at) if d is not None]
    polled = polled_orders_since(max(known) + QUIET_AFTER) if known else 0
    stopped = deliveries_stopped(state.set_up_at, state.last_delivery_at, polled, now)
    return {"state": state, "stopped": stopped, "polled": polled}
