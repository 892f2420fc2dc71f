"""Shop orders into FLOWii received orders, exactly once although FLOWii's creates are not
idempotent: read a page, map it, find the buyers' partners, record the intent, create a few
at a time, link, read FLOWii's totals back, and write FLOWii's numbers onto the shop orders."""

from __future__ import annotations

from ..binder import Binder
from ..http import RecordRefused
from ..mapping.order_checks import number_meta
from ..models import Link, OrderExport, default_order_statuses
from ..woocommerce import ORDER_NUMBER_META
from ..wording import words
from .order_pages import OrderExporter
from .write_back import write_back

Kind = Link.Kind
PAGE = 100


def export_new_orders(ctx) -> None:
    since, start = ctx.bookmark("orders"), ctx.settings.new_orders_from
    _export(ctx, "orders", modified_after=since, created_after=start)


def export_earlier_orders(ctx) -> None:
    start = ctx.settings.new_orders_from
    _export(ctx, "historic-orders", **({"created_before": start} if start else {}))


def resend_order(ctx, order_id: int) -> None:
    """One order from the admin: a linked one is not created again (its number is written
    back again when the shop lacks it), an unsettled one is settled first, any other sent."""
    exporter = OrderExporter(ctx, stream=None)
    if not exporter.ready():
        return
    order = ctx.woo.order(int(order_id))
    link = Binder(Kind.ORDER).by_shop(order["id"])
    if link is None:
        row = exporter.intents.rows_for([order["id"]]).get(str(order["id"]))
        unsure = row is not None and row.state != OrderExport.State.EXPORTED
        if not unsure or str(order["id"]) in exporter.settling.settle([row]):
            exporter.export_page([order], settled=True)
    else:
        ctx.info(
            words("orders.already", number=order.get("number"), flowii_number=link.flowii_number),
            kind=Kind.ORDER,
            shop_id=order["id"],
            flowii_id=link.flowii_id,
        )
        if number_meta(order, ORDER_NUMBER_META) != link.flowii_number:
            Binder(Kind.ORDER).bind(
                order["id"], link.flowii_id, flowii_number=link.flowii_number, needs_write_back=True
            )
    write_back(ctx)


def _export(ctx, stream: str, **filters) -> None:
    exporter = OrderExporter(ctx, stream)
    if not exporter.ready():
        return
    again = exporter.settling.settle_all()
    if again:
        exporter.export_page(orders_by_id(ctx, sorted(again, key=int)), settled=True)
    page = []
    on_first = lambda *_a: ctx.read_at(stream, ctx.woo.server_time())  # noqa: E731
    statuses = ctx.settings.order_statuses or default_order_statuses()
    for order in ctx.woo.orders(statuses, on_first_page=on_first, **filters):
        page.append(order)
        if len(page) == PAGE:
            exporter.export_page(page)
            page = []
    if page:
        exporter.export_page(page)
    write_back(ctx)
    if exporter.held:
        ctx.warning(words("orders.waiting", count=exporter.held))
    if count := exporter.intents.operator_count():
        ctx.warning(words("orders.operator_count", count=count))


def orders_by_id(ctx, ids, log=None) -> list[dict]:
    """The shop's orders with these ids, each read fresh; one the shop refuses (gone) is
    logged with `log` (an error by default: its intent stays, to be seen) and left out."""
    log = log or ctx.error
    found = []
    for order_id in ids:
        try:
            found.append(ctx.woo.order(int(order_id)))
        except RecordRefused as error:
            log(words("orders.order_unread", order=order_id, error=error))
    return found


def after_flowii_answered(order: dict, answer: dict) -> None:
    """Called between FLOWii's answer and saving the link; tests make it raise to prove a
    crash at this point never leads to a second FLOWii document."""
