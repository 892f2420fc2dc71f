"""FLOWii goods into the shop's products: read what changed (and the goods to try again),
place each good in the tree, then write them a page at a time (product_writes.py)."""

from __future__ import annotations

from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from ..binder import Binder, Kind
from ..mapping import categories as tree_plan
from ..mapping import products as plan
from ..mapping.fingerprints import WITH_VAT, WITHOUT_VAT, read_product_print
from ..mapping.refusals import Refusal
from ..models import Settings
from ..wording import words
from .categories import Tree, import_categories, last_tree_read
from .goods_places import Places, by_detail, places
from .product_writes import PAGE, fail, finish, import_page, who
from .retries import RetrySet

STREAM = "products"
# FLOWii's goods carry no edit time: the bookmark is FLOWii's clock when the read began,
# less this, so a good saved in the same moment is read again rather than lost.
OVERLAP = timedelta(minutes=1)


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
    left_out: int = 0
    switched: int = 0
    notes: dict = field(default_factory=dict)  # (code, value) -> [count, first good's words]
    failed: dict = field(default_factory=dict)  # good id -> reason: read again next run
    pool: object = None  # the threads that send the shop's batches


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

    goods = list(ctx.flowii.goods(edited_from=since, on_first_page=read_began))
    read_began()
    retries = RetrySet(Kind.PRODUCT)
    # The goods that did not go over last time, unchanged since: read again by their detail.
    again = [] if since is None else sorted(retries.ids() - {g.get("id") for g in goods})
    ctx.count("read", len(goods) + len(again), kind="product")
    ctx.progress(done=0, total=len(goods) + len(again), label="products")
    tree = Tree()
    changed = bool(goods or again)
    if tree_plan.should_read_tree(since is None, changed, last_tree_read(), timezone.now()):
        tree = import_categories(ctx)
    if changed:
        _import_goods(ctx, run, goods, tree, again)
    _run_notes(ctx, run)
    went_over = {g.get("id") for g in goods} | set(again)
    retries.settle(run.failed, went_over, everything=since is None)
    if since is None:
        _report_gone(ctx, run, {g.get("id") for g in goods})


def _import_goods(ctx, run, goods, tree, again) -> None:
    found = places(ctx, goods, tree, run.since)
    if again:
        extra = [{"id": good_id} for good_id in again]
        _read_again(ctx, extra, found)
        goods = goods + [g for g in extra if g["id"] not in found.unreadable]
    checked = []
    known = {c.id for c in tree.categories} | tree.known
    for raw in goods:
        try:
            good = plan.read_good(raw)
        except Refusal as refusal:
            fail(ctx, run, refusal, raw)
            continue
        where = found.of(good.id)
        if where is None:
            fail(ctx, run, Refusal("good.detail_unreadable"), raw)
            continue
        kw = {"shop_of": tree.shop_of, "left_out_ids": tree.left_out, "known_ids": known}
        checked.append((good, tree_plan.place(*where, **kw), good.id in found.services))
    clash = plan.sku_conflicts([good for good, _p, _s in checked])
    ready = []
    for good, placement, service in checked:
        if good.id in clash:
            other = clash[good.id]
            fail(
                ctx, run, Refusal("good.sku_conflict", other_id=other.id, other_sku=other.sku), good
            )
        elif placement.outcome == "left_out":
            run.left_out += 1
            ctx.count("skipped", kind="product")
        elif placement.outcome == "category_missing":  # FLOWii's tree lacks it: the fix is there
            fail(ctx, run, Refusal("good.category_missing", category=placement.category), good)
        elif placement.outcome == "category_failed":  # the category's own line says why
            run.failed[good.id] = "good.category_failed"
            ctx.count("skipped", kind="product")
            text = words("good.category_failed", **who(good), category=placement.category)
            ctx.warning(text, kind=Kind.PRODUCT, flowii_id=good.id)
        else:
            ready.append((good, placement.shop_categories, service))
    ctx.progress(step=len(goods) - len(ready))
    if ready:
        _read_shop_side(ctx, run, full=run.since is None)
    at_once = max(1, int(ctx.settings.shop_write_concurrency or 1))
    in_flight: deque = deque()
    with ThreadPoolExecutor(max_workers=at_once) as pool:
        run.pool = pool
        for start in range(0, len(ready), PAGE):
            page = ready[start : start + PAGE]
            in_flight.append((import_page(ctx, run, page), len(page)))
            while len(in_flight) >= at_once:
                _finish(ctx, run, *in_flight.popleft())
        while in_flight:
            _finish(ctx, run, *in_flight.popleft())


def _finish(ctx, run, pending, size) -> None:
    if pending is not None:
        finish(ctx, run, pending)
    ctx.progress(step=size)


def _read_again(ctx, extra: list[dict], found: Places) -> None:
    """The goods to try again, by their detail; one FLOWii no longer has (its detail refused)
    leaves the set, as it is not among the run's failures."""
    by_detail(ctx, extra, found)


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
    run.tax_classes = plan.tax_classes_by_rate(ctx.woo.tax_rates())
    if full:  # to find linked products deleted in the shop, and SKUs to link, in one read
        products = list(ctx.woo.products())
        run.shop_ids = {p["id"] for p in products}
        run.shop_skus = {plan.sku_key(p["sku"]): p["id"] for p in products if p.get("sku")}


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
