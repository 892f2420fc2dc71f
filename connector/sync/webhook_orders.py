"""The orders the shop's webhooks announced, into FLOWii: the run takes the waiting rows
(under the orders lock, so no other export of the same orders runs meanwhile), reads each
order fresh from the shop and exports it with the orders stream's exactly-once rules (a
linked order is not sent again, an unsettled one is settled first). It moves no bookmark:
the scheduled polling still reads every order, and finds any a lost delivery missed."""

from __future__ import annotations

from ..dates import parse_utc
from ..models import DeliveredOrder, default_order_statuses
from ..wording import words
from .order_pages import OrderExporter
from .orders import orders_by_id


def take_waiting() -> list[str]:
    """The waiting orders, taken: a delivery arriving from now on makes a new row (and a
    new task), so nothing announced while this run reads is lost."""
    rows = list(DeliveredOrder.objects.values_list("pk", "shop_order_id"))
    DeliveredOrder.objects.filter(pk__in=[pk for pk, _id in rows]).delete()
    return sorted({order_id for _pk, order_id in rows}, key=int)


def export_delivered_orders(ctx) -> None:
    exporter = OrderExporter(ctx, stream=None)
    ids = take_waiting()
    if not ids or not exporter.ready():
        return
    statuses = ctx.settings.order_statuses or default_order_statuses()
    start = ctx.settings.new_orders_from
    ctx.progress(total=len(ids), label=words("webhooks.run_label", count=len(ids)))
    orders = []
    # One gone from the shop meanwhile has nothing to export: a warning, not an error.
    for order in orders_by_id(ctx, ids, log=ctx.warning):
        created = parse_utc(order.get("date_created_gmt") or "")
        if order.get("status") not in statuses or (start and created and created < start):
            continue  # changed since the delivery: a later one (or the polling) takes it
        orders.append(order)
    if orders:
        exporter.export_page(orders)
