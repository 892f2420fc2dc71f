"""FLOWii goods into the shop's products: read what changed, place each good in the tree,
map (pure), look up the links, write in batches of 100, bind, log."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from ..binder import Binder, Kind
from ..mapping import categories as tree_plan
from ..mapping import products as plan
from ..mapping.fingerprints import WITH_VAT, WITHOUT_VAT, read_product_print
from ..mapping.refusals import Refusal
from ..models import Settings
from ..wording import words
from .categories import Tree, import_categories, last_tree_read, places

STREAM = "products"
# FLOWii's goods carry no edit time: the bookmark is FLOWii's clock when the read began,
# less this, so a good saved in the same moment is read again rather than lost.
OVERLAP = timedelta(minutes=1)
PAGE = 100
# Past this many unlinked goods in one page, one read of the shop's SKUs beats a look-up.
SKU_LOOKUP_LIMIT = 20
# Where a run with a failed good holds the bookmark when it had read everything.
FROM_THE_START = datetime(1970, 1, 1, tzinfo=UTC)


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
    ctx.count("read", len(goods), kind="product")
    ctx.progress(done=0, total=len(goods), label="products")
    tree = Tree()
    if tree_plan.should_read_tree(since is None, bool(goods), last_tree_read(), timezone.now()):
        tree = import_categories(ctx)
    if goods:
        _import_goods(ctx, run, goods, tree)
    _run_notes(ctx, run)
    if since is None:
        _report_gone(ctx, run, {g.get("id") for g in goods})


def _import_goods(ctx, run, goods, tree) -> None:
    found = places(ctx, goods, tree, run.since)
    checked = []
    for raw in goods:
        try:
            good = plan.read_good(raw)
        except Refusal as refusal:
            _fail(ctx, run, refusal, raw)
            continue
        where = found.of(good.id)
        if where is None:
            _fail(ctx, run, Refusal("good.detail_unreadable"), raw)
            continue
        kw = {"shop_of": tree.shop_of, "left_out_ids": tree.left_out}
        checked.append((good, tree_plan.place(*where, **kw), good.id in found.services))
    clash = plan.sku_conflicts([good for good, _p, _s in checked])
    ready = []
    for good, placement, service in checked:
        if good.id in clash:
            other = clash[good.id]
            _fail(
                ctx, run, Refusal("good.sku_conflict", other_id=other.id, other_sku=other.sku), good
            )
        elif placement.outcome == "left_out":
            run.left_out += 1
            ctx.count("skipped", kind="product")
        elif placement.outcome == "category_failed":
            _hold(ctx, run)
            ctx.count("skipped", kind="product")
            text = words("good.category_failed", **_who(good), category=placement.category)
            ctx.warning(text, kind=Kind.PRODUCT, flowii_id=good.id)
        else:
            ready.append((good, placement.shop_categories, service))
    if ready:
        _read_shop_side(ctx, run, full=run.since is None)
    for start in range(0, len(ready), PAGE):
        _import_page(ctx, run, ready[start : start + PAGE])
        ctx.progress(step=len(ready[start : start + PAGE]))


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


@dataclass
class Item:
    good: plan.Good
    fields: dict
    stock: int | None
    write: plan.Write
    shop_id: int | None = None
    notes: list = field(default_factory=list)


def _import_page(ctx, run, page) -> None:
    links = run.binder.many_by_flowii([good.id for good, _c, _s in page])
    items, quiet = [], []
    for good, shop_categories, service in page:
        fields, tax_note = plan.product_fields(
            good,
            prices_with_vat=run.prices_with_vat,
            tax_classes=run.tax_classes,
            shop_categories=shop_categories,
            service=service,
        )
        stock, stock_note = plan.stock_figure(good, run.stock_attribute)
        link = links.get(good.id)
        if link and run.shop_ids is not None and int(link.shop_id) not in run.shop_ids:
            _deleted(ctx, good, link.shop_id)
            link = None
        item = Item(good, fields, stock, _write(run, fields, link, stock))
        item.notes = [n for n in (tax_note, stock_note) if n]
        if stock_note and stock_note.code == "stock.not_a_number":  # never sent: said now
            ctx.warning(words(stock_note, **_who(good)), kind=Kind.PRODUCT, flowii_id=good.id)
        if stock_note and stock_note.code == "stock.missing":  # said once for the run
            _note(run, stock_note, _who(good))
        item.shop_id = int(link.shop_id) if link else None
        if item.write.send:
            items.append(item)
        else:
            ctx.count("unchanged", kind="product")
            if link and item.write.fingerprint.text() != link.fingerprint:
                quiet.append((link.shop_id, good.id, item.write.fingerprint.text(), good.sku))
    run.binder.bind_many(quiet)  # e.g. the stock attribute unset: nothing for the shop
    unlinked = [i for i in items if i.shop_id is None]
    for item, shop_id in _shop_products_by_sku(ctx, run, unlinked):
        other = run.binder.by_shop(shop_id)
        if other and other.flowii_id != item.good.id:
            params = {"shop_id": shop_id, "other_id": other.flowii_id}
            _fail(ctx, run, Refusal("good.sku_linked_elsewhere", **params), item.good)
            items.remove(item)
            continue
        ctx.info(words("product.linked", **_who(item.good), shop_id=shop_id), **_at(item, shop_id))
        item.shop_id, item.write = shop_id, _write(run, item.fields, None, item.stock)
    _send(ctx, run, items)


def _write(run, fields, link, stock) -> plan.Write:
    return plan.what_to_write(
        fields,
        link.fingerprint if link else None,
        prices_with_vat=run.prices_with_vat,
        stock=stock,
        stock_imported=bool(run.stock_attribute),
    )


def _shop_products_by_sku(ctx, run, unlinked):
    if not unlinked:
        return []
    if run.shop_skus is None and len(unlinked) > SKU_LOOKUP_LIMIT:
        run.shop_skus = {plan.sku_key(s): i for s, i in ctx.woo.product_skus().items()}
    if run.shop_skus is not None:
        found = {i.good.sku: run.shop_skus.get(plan.sku_key(i.good.sku)) for i in unlinked}
    else:
        by_sku = ctx.woo.products_by_sku([i.good.sku for i in unlinked])
        found = {sku: product["id"] for sku, product in by_sku.items()}
    return [(i, found[i.good.sku]) for i in unlinked if found.get(i.good.sku)]


def _send(ctx, run, items, again=True) -> None:
    if not items:
        return
    creates = [i for i in items if i.shop_id is None]
    updates = [i for i in items if i.shop_id is not None]
    results = ctx.woo.write_products(
        create=[{**i.write.send, "status": "draft"} for i in creates],
        update=[{"id": i.shop_id, **i.write.send} for i in updates],
    )
    rows, retry = [], []
    for item, result in zip(creates + updates, results, strict=True):
        answer, holder = plan.shop_answer(result.error)
        created = item.shop_id is None
        if answer == "ok":
            shop_id = result.item["id"]
            rows.append((shop_id, item.good.id, item.write.fingerprint.text(), item.good.sku))
            _done(ctx, run, item, shop_id, created)
        elif again and answer == "gone" and not created:
            _deleted(ctx, item.good, item.shop_id)
            item.shop_id, item.write = None, _write(run, item.fields, None, item.stock)
            retry.append(item)
        elif answer == "sku_taken" and created and run.binder.by_shop(holder):
            other = run.binder.by_shop(holder).flowii_id
            params = {"shop_id": holder, "other_id": other}
            _fail(ctx, run, Refusal("good.sku_linked_elsewhere", **params), item.good)
        elif again and answer == "sku_taken" and created:
            text = words("product.made_meanwhile", **_who(item.good), shop_id=holder)
            ctx.info(text, **_at(item, holder))
            item.shop_id = holder
            retry.append(item)
        else:
            error = plan.shop_words(result.error)
            _fail(ctx, run, Refusal("product.refused", error=error), item.good, item.shop_id)
    run.binder.bind_many(rows)
    if retry:
        _send(ctx, run, retry, again=False)


def _done(ctx, run, item, shop_id, created) -> None:
    send, who = item.write.send, _who(item.good)
    if created or set(send) - {"manage_stock", "stock_quantity"}:
        ctx.count("created" if created else "updated", kind="product")
        code = "product.created" if created else "product.updated"
        ctx.info(words(code, **who), **_at(item, shop_id))
        run.switched += item.write.mode_switched
    else:
        ctx.count("updated", kind="product")
        ctx.info(words("product.stock_updated", **who, stock=item.stock), **_at(item, shop_id))
    for note in item.notes:
        if note.code == "good.unknown_vat_rate":  # said once for the run
            _note(run, note, who)
        elif note.code != "stock.missing" and "stock_quantity" in send:
            ctx.warning(words(note, **who), **_at(item, shop_id))


def _note(run, note, who) -> None:
    run.notes.setdefault((note.code, str(note.params)), [0, note, who])[0] += 1


def _run_notes(ctx, run) -> None:
    if run.left_out:
        ctx.info(words("goods.left_out", count=run.left_out), kind=Kind.PRODUCT)
    if run.switched:
        mode = words("prices.with_vat" if run.prices_with_vat else "prices.without_vat")
        ctx.info(words("prices.mode_switched", mode=mode, count=run.switched), kind=Kind.PRODUCT)
    for count, note, who in run.notes.values():
        ctx.warning(words(note, **who, count=count), kind=Kind.PRODUCT)


def _report_gone(ctx, run, read_ids) -> None:
    """A full read that no longer lists a linked good: said, never deleted in the shop."""
    for link in run.binder.all():
        if link.flowii_id not in read_ids:
            params = {"id": link.flowii_id, "sku": link.flowii_number or "—"}
            text = words("goods.gone", **params, shop_id=link.shop_id)
            ctx.warning(text, kind=Kind.PRODUCT, flowii_id=link.flowii_id, shop_id=link.shop_id)


def _deleted(ctx, good, shop_id) -> None:
    text = words("product.deleted_in_shop", **_who(good), shop_id=shop_id)
    ctx.warning(text, kind=Kind.PRODUCT, flowii_id=good.id, shop_id=shop_id)


def _fail(ctx, run, refusal, good, shop_id="") -> None:
    """A good that did not go over: said with its fix, and read again on the next run."""
    ctx.count("failed", kind="product")
    _hold(ctx, run)
    who = _who(good)
    flowii_id = who["id"] if who["id"] != "—" else ""
    ctx.error(words(refusal, **who), kind=Kind.PRODUCT, flowii_id=flowii_id, shop_id=shop_id)


def _hold(ctx, run) -> None:
    # The goods carry no edit time: the bookmark stays where this run began reading.
    ctx.failed_at(STREAM, run.since or FROM_THE_START)


def _who(good) -> dict:
    if isinstance(good, plan.Good):
        return {"id": good.id, "name": good.name, "sku": good.sku}
    return plan.who(good)


def _at(item, shop_id) -> dict:
    return {"kind": Kind.PRODUCT, "flowii_id": item.good.id, "shop_id": shop_id}
