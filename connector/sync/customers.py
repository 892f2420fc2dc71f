"""The customers stream: every shop customer (role `customer`; staff are not customers, and
guests come through their orders) to its FLOWii partner, through the partner book.

The button (`run("customers")`) or a full run compares every customer with what was sent
(no FLOWii call when nothing changed). WooCommerce has no date filter for customers, so a
scheduled run looks only for customers registered since the last read (ids only grow: one
request, newest first), and compares every customer once a day (COMPARE_ALL_EVERY), which
is when edits to existing customers go over; a buyer's order exports its partner anyway.
"""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from ..binder import Binder, Kind
from ..dates import parse_utc
from ..http import OutcomeUnknown, RemoteError
from ..mapping.order_checks import modified_text
from ..mapping.refusals import Refusal
from ..models import Bookmark, SyncRun
from ..wording import words
from .partners import PartnerBook

STREAM = "customers"
PAGE = 100  # customers mapped and written together: one link query and one wave a page
COMPARE_ALL_EVERY = timedelta(days=1)


def compares_all(full: bool, last_compare, last_id, now) -> bool:
    """Whether this run reads every customer (else only those registered since the last
    read): the button and full runs always; a scheduled run when no read went through yet
    or the last complete comparison is older than COMPARE_ALL_EVERY."""
    if full or last_compare is None or last_id is None:
        return True
    return now - last_compare >= COMPARE_ALL_EVERY


def export_customers(ctx) -> None:
    full = ctx.full or ctx.run.kind == SyncRun.Kind.CUSTOMERS
    if ctx.settings.business_relationship_id is None:
        ctx.warning(words("customer.no_relationship"))
    book = PartnerBook(ctx)
    binder = Binder(Kind.CUSTOMER)
    mark, _created = Bookmark.objects.get_or_create(stream=STREAM)
    started = timezone.now()
    everyone = compares_all(full, mark.value, mark.position, started)

    def on_first_page(total):
        ctx.progress(done=0, total=total, label=STREAM)

    if everyone:
        customers = ctx.woo.customers(on_first_page=on_first_page)
    else:
        customers = ctx.woo.customers_newer_than(mark.position)
    failed_ids: list[int] = []
    newest = mark.position or 0
    page: list[dict] = []
    for customer in customers:
        ctx.count("read", kind="partner")
        ctx.progress(step=1, label=STREAM)
        if isinstance(customer.get("id"), int):
            newest = max(newest, customer["id"])
        page.append(customer)
        if len(page) == PAGE:
            failed_ids += _export_page(ctx, book, binder, page, full or everyone)
            page = []
    if page:
        failed_ids += _export_page(ctx, book, binder, page, full or everyone)
    # A failed customer is read again on the next run: the position stays below it.
    mark.position = min([newest, *(i - 1 for i in failed_ids)])
    if everyone and not failed_ids:
        mark.value = started
    mark.save(update_fields=["position", "value", "updated_at"])


def shop_modified(customer: dict):
    """When the shop last changed the customer; WooCommerce leaves date_modified empty for a
    user never updated since registering."""
    return parse_utc(modified_text(customer))


def _export_page(
    ctx, book: PartnerBook, binder: Binder, customers: list[dict], full: bool
) -> list[int]:
    """Maps and sends one page; returns the ids of the customers that failed."""
    links = binder.many_by_shop(str(c.get("id")) for c in customers)
    buyers, records, failed = [], {}, []
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
            failed.append(customer.get("id"))
            continue
        buyers.append(buyer)
        records[buyer.shop_id] = customer
    for buyer, result in zip(buyers, book.settle(buyers), strict=True):
        if isinstance(result, OutcomeUnknown):
            ctx.count("failed", kind="partner")  # the book said why and what the next run does
            failed.append(records[buyer.shop_id].get("id"))
        elif isinstance(result, RemoteError):
            _failed(ctx, records[buyer.shop_id], words("partner.refused", error=result))
            failed.append(records[buyer.shop_id].get("id"))
    return [i for i in failed if isinstance(i, int)]


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
