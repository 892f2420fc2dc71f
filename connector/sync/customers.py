"""The customers stream: every shop customer (role `customer`; staff are not customers, and
guests come through their orders) to its FLOWii partner, through the partner book.

The button (`run("customers")`) or a full run compares every customer with what was sent
(no FLOWii call when nothing changed). A scheduled run reads the same list (WooCommerce has
no date filter for customers) but maps only the customers modified since their link was
made: `date_modified_gmt`, or `date_created_gmt` for one never updated.
"""

from __future__ import annotations

from ..binder import Binder, Kind
from ..dates import parse_utc
from ..http import OutcomeUnknown, RemoteError
from ..mapping.refusals import Refusal
from ..models import SyncRun
from ..wording import words
from .partners import PartnerBook

STREAM = "customers"
PAGE = 100  # customers mapped and written together: one link query and one wave a page


def export_customers(ctx) -> None:
    full = ctx.full or ctx.run.kind == SyncRun.Kind.CUSTOMERS
    if ctx.settings.business_relationship_id is None:
        ctx.warning(words("customer.no_relationship"))
    book = PartnerBook(ctx)
    binder = Binder(Kind.CUSTOMER)

    def on_first_page(total):
        ctx.progress(done=0, total=total, label=STREAM)

    page: list[dict] = []
    for customer in ctx.woo.customers(on_first_page=on_first_page):
        ctx.count("read", kind="partner")
        ctx.progress(step=1, label=STREAM)
        page.append(customer)
        if len(page) == PAGE:
            _export_page(ctx, book, binder, page, full)
            page = []
    if page:
        _export_page(ctx, book, binder, page, full)


def shop_modified(customer: dict):
    """When the shop last changed the customer; WooCommerce leaves date_modified empty for a
    user never updated since registering."""
    return parse_utc(customer.get("date_modified_gmt") or customer.get("date_created_gmt"))


def _export_page(ctx, book: PartnerBook, binder: Binder, customers: list[dict], full: bool):
    links = binder.many_by_shop(str(c.get("id")) for c in customers)
    buyers, records = [], {}
    for customer in customers:
        if customer.get("role", "customer") != "customer":
            continue  # the adapter reads buyers only; staff never become partners
        modified = shop_modified(customer)  # None when unreadable: compared by content instead
        link = links.get(str(customer.get("id")))
        if not full and link and link.shop_modified and modified and modified <= link.shop_modified:
            ctx.count(
                "unchanged", kind="partner"
            )  # not changed in the shop since it was sent: no FLOWii call
            continue
        try:
            buyer = book.customer_buyer(customer, modified)
        except Refusal as refusal:
            _failed(ctx, customer, words(refusal))
            continue
        buyers.append(buyer)
        records[buyer.shop_id] = customer
    for buyer, result in zip(buyers, book.settle(buyers), strict=True):
        if isinstance(result, OutcomeUnknown):
            ctx.count("failed", kind="partner")  # the book said why and what the next run does
        elif isinstance(result, RemoteError):
            _failed(ctx, records[buyer.shop_id], words("partner.refused", error=result))


def _failed(ctx, customer: dict, reason: str) -> None:
    ctx.count("failed", kind="partner")
    ident = customer.get("id")
    ctx.error(
        words(
            "customer.failed",
            customer=customer.get("email") if isinstance(customer.get("email"), str) else ident,
            id=ident,
            reason=reason.rstrip(". "),
        ),
        kind=Kind.CUSTOMER,
        shop_id=ident if isinstance(ident, (int, str)) else "",
    )
