"""FLOWii goods into the shop's products: read what changed (and the goods to try again),
place each good in the tree, then write them a page at a time (product_writes.py).

Flat memory: the goods come one list page at a time (goods_places.py) and go to the shop in
pages of 100, a few in flight; the run keeps only ids (and, while the plain list is read, SKU
keys). SKU conflicts: the plain list, read first, holds every good of the run, so all
conflicts are known before anything is written: both goods of a conflict fail, in every run
that reads them both, and neither is written (whichever was linked would flip). A non-stock
or shipping good counts too (its list is read for ids only: it is left out, not failed)."""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import chain

from django.utils import timezone

from ..binder import Binder, Kind
from ..mapping import categories as tree_plan
from ..mapping import products as plan
from ..mapping.fingerprints import WITH_VAT, WITHOUT_VAT, read_product_print
from ..mapping.refusals import Refusal
from ..models import Settings
from ..wording import words
from .categories import Tree, import_categories, last_tree_read
from .goods_places import check, detail, placed, read_listing
from .product_writes import PAGE, fail, finish, import_page, read_shop_skus
from .retries import RetrySet

STREAM = "products"
# FLOWii's goods carry no edit time: the bookmark is FLOWii's clock when the read began,
# less this, so a good saved in the same moment is read again rather than lost.
OVERLAP = timedelta(minutes=1)
MAX_SKUS_PER_SEARCH = 100  # the SKUs one search of the shop's products takes


@dataclass
class Run:
    """What the pages of one run share: the shop's side, read once, and the run's notes."""

    since: datetime | None
    stock_attribute: str
    binder: Binder = field(default_factory=lambda: Binder(Kind.PRODUCT))
    prices_with_vat: bool = True
    tax_classes: dict = field(default_factory=dict)
    shop_ids: set | None = None  # a full run: every product the shop has
    shop_skus: dict | None = None  # SKU key -> shop id, once the shop's SKUs were read whole
    # Variation id -> its variable product's id, as the shop's product list names them: the
    # list shows no variation (nor its SKU), so a SKU it lacks may still be a variation's.
    variation_parents: dict = field(default_factory=dict)
    variation_skus: bool = False  # the variations' SKUs are in shop_skus: no SKU search
    unlinked: int = 0  # at most this many goods of the run have no link yet
    left_out: int = 0
    switched: int = 0
    notes: dict = field(default_factory=dict)  # (code, value) -> [count, first good's words]
    failed: dict = field(default_factory=dict)  # good id -> reason: read again next run
    pool: object = None  # the threads that send the shop's batches
    shop_read: bool = False  # the shop's side read (at the first page to write)


def import_products(ctx) -> None:
    since = ctx.bookmark(STREAM, inclusive=True)
    run = Run(since, (ctx.settings.stock_attribute or "").strip())
    run.prices_with_vat = _prices_with_vat(ctx)
    if since is not None and _written_in_the_other_mode(run):
        since = run.since = None  # the shop switched its VAT mode: every price again
    began = []

    def read_began():  # FLOWii's clock at its first answer, once
        if not began:
            began.append(ctx.flowii.server_time())
            ctx.read_at(STREAM, began[0])
            ctx.seen(STREAM, began[0] - OVERLAP if began[0] else None)

    listing = read_listing(ctx, since, read_began)
    read_began()
    retries = RetrySet(Kind.PRODUCT)
    # The goods that did not go over last time, unchanged since: read again by their detail.
    again = [] if since is None else sorted(retries.ids() - listing.ids)
    extra = [detail(ctx, {"id": good_id}) for good_id in again]
    for raw, where, _service in extra:
        if where is not None:
            listing.add_sku(raw)
    listing.skus.first = {}  # every conflict is known: the SKUs themselves are not needed
    total = listing.size + len(again)
    run.unlinked = max(0, total - run.binder.count())
    ctx.count("read", total, kind="product")
    ctx.progress(done=0, total=total, label="products")
    tree = Tree()
    changed = bool(total)
    if tree_plan.should_read_tree(since is None, changed, last_tree_read(), timezone.now()):
        tree = import_categories(ctx)
    if changed:
        for raw in listing.bad:  # an id that is not one: refused, no list places it
            fail(ctx, run, Refusal("good.bad_id", value=repr(raw.get("id"))), raw)
        ctx.progress(step=len(listing.bad) + sum(where is None for _r, where, _s in extra))
        goods = chain((e for e in extra if e[1] is not None), placed(ctx, tree, since, listing))
        _import_goods(ctx, run, goods, tree, listing.skus.clash)
    _run_notes(ctx, run)
    retries.settle(run.failed, listing.ids | set(again), everything=since is None)
    if since is None:
        _report_gone(ctx, run, listing.ids)


def _import_goods(ctx, run, goods, tree, clash) -> None:
    """`goods`: (record, place, service?) as the lists bring them; the ready ones go to the
    shop a page at a time, a few pages in flight (Settings: shop writes at once)."""
    known = {c.id for c in tree.categories} | tree.known
    kw = {"shop_of": tree.shop_of, "left_out_ids": tree.left_out, "known_ids": known}
    at_once = max(1, int(ctx.settings.shop_write_concurrency or 1))
    in_flight: deque = deque()
    ready: list = []
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        run.pool = pool
        for raw, where, service in goods:
            item = check(ctx, run, raw, where, service, kw, clash)
            if item is None:
                ctx.progress(step=1)
                continue
            ready.append(item)
            if len(ready) == PAGE:
                _send_page(ctx, run, ready, in_flight, at_once)
                ready = []
        _send_page(ctx, run, ready, in_flight, at_once)
        while in_flight:
            _finish(ctx, run, *in_flight.popleft())


def _send_page(ctx, run, page, in_flight, at_once) -> None:
    if not page:
        return
    if not run.shop_read:
        _read_shop_side(ctx, run, full=run.since is None)
    in_flight.append((import_page(ctx, run, page), len(page)))
    while len(in_flight) >= at_once:
        _finish(ctx, run, *in_flight.popleft())


def _finish(ctx, run, pending, size) -> None:
    if pending is not None:
        finish(ctx, run, pending)
    ctx.progress(step=size)


def _prices_with_vat(ctx) -> bool:
    choice = ctx.settings.prices_with_vat
    if choice == Settings.PricesWithVat.FROM_SHOP:
        return ctx.woo.prices_include_tax()
    return choice == Settings.PricesWithVat.YES


def _written_in_the_other_mode(run) -> bool:
    """Whether a product's price was last written in the other VAT mode (a database read)."""
    other = WITHOUT_VAT if run.prices_with_vat else WITH_VAT
    return any(read_product_print(b.fingerprint).mode == other for b in run.binder.all())


def _read_shop_side(ctx, run, full) -> None:
    run.shop_read = True
    run.tax_classes = plan.tax_classes_by_rate(ctx.woo.tax_rates())
    if full:  # to find linked products deleted in the shop, and SKUs to link, in one read
        run.shop_ids = set()
        read_shop_skus(ctx, run, run.shop_ids)
        parents = sorted(set(run.variation_parents.values()))
        # The unlinked goods' SKUs are searched 100 at a time unless reading every variable
        # product's variations (a call each) is no dearer: a first import, a few of them.
        if parents and len(parents) <= -(-run.unlinked // MAX_SKUS_PER_SEARCH):
            for parent_id in parents:
                for variation in ctx.woo.variations(parent_id):
                    if variation.get("sku") and plan.shop_match(variation):
                        run.shop_skus[plan.sku_key(variation["sku"])] = variation["id"]
            run.variation_skus = True


def _run_notes(ctx, run) -> None:
    if run.left_out:
        ctx.info(words("goods.left_out", count=run.left_out), kind=Kind.PRODUCT)
    if run.switched:
        mode = words("prices.with_vat" if run.prices_with_vat else "prices.without_vat")
        ctx.info(words("prices.mode_switched", mode=mode, count=run.switched), kind=Kind.PRODUCT)
    for count, note, named in run.notes.values():
        ctx.warning(words(note, **named, count=count), kind=Kind.PRODUCT)


def _report_gone(ctx, run, read_ids) -> None:
    """A full read that no longer lists a linked good: said, never deleted in the shop."""
    for link in run.binder.all():
        if link.flowii_id not in read_ids:
            params = {"id": link.flowii_id, "sku": link.flowii_number or "—"}
            text = words("goods.gone", **params, shop_id=link.shop_id)
            ctx.warning(text, kind=Kind.PRODUCT, flowii_id=link.flowii_id, shop_id=link.shop_id)
