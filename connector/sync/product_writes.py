"""One page of placed goods into the shop: map each (pure), look up its link (or a shop
product with its SKU), write the page in one batch, bind, log; a good that fails is named
with its fix and kept to be read again on the next run.

A good whose SKU is a variation's (of a variable product) is linked to that variation: the
products batch cannot write a variation, so linked variations go through their variable
product's variations batch, one call per variable product of the page, and take only their
price, tax class and stock. A variation deleted in the shop drops its link; no variation is
ever created."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..binder import Kind
from ..mapping import products as plan
from ..mapping.refusals import Refusal
from ..mapping.shop_refusals import shop_answer, shop_words
from ..wording import words

PAGE = 100
# Past this many unlinked goods in one page, one read of the shop's SKUs beats a look-up.
SKU_LOOKUP_LIMIT = 20


@dataclass
class Item:
    """One good on its way: the shop fields, the stock figure, what to write and where."""

    good: plan.Good
    fields: dict
    stock: int | None
    write: plan.Write
    shop_id: int | None = None
    notes: list = field(default_factory=list)
    parent_id: int | None = None  # a linked variation: its variable product

    def link_to(self, run, shop_id, parent_id, stored=None) -> None:
        """Writes go to this shop record from now on (None: a product to create)."""
        self.shop_id, self.parent_id = shop_id, parent_id
        fields = plan.variation_fields(self.fields) if parent_id else self.fields
        self.write = plan.what_to_write(
            fields,
            stored,
            prices_with_vat=run.prices_with_vat,
            stock=self.stock,
            stock_imported=bool(run.stock_attribute),
        )


def import_page(ctx, run, page) -> None:
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
        parent = _parent_of(run, link)
        if link and run.shop_ids is not None and int(link.shop_id) not in run.shop_ids:
            if parent:
                _variation_gone(ctx, run, good, link.shop_id)
            else:
                _deleted(ctx, good, link.shop_id)
            link = parent = None
        item = Item(good, fields, stock, None)
        item.link_to(run, int(link.shop_id) if link else None, parent, link and link.fingerprint)
        item.notes = [n for n in (tax_note, stock_note) if n]
        if stock_note and stock_note.code == "stock.not_a_number":  # never sent: said now
            ctx.warning(words(stock_note, **who(good)), kind=Kind.PRODUCT, flowii_id=good.id)
        if stock_note and stock_note.code == "stock.missing":  # said once for the run
            _note(run, stock_note, who(good))
        if item.write.send:
            items.append(item)
        else:
            ctx.count("unchanged", kind="product")
            printed = item.write.fingerprint.text()
            if link and (printed, str(parent or "")) != (link.fingerprint, link.shop_parent_id):
                quiet.append((link.shop_id, good.id, printed, good.sku, None, parent))
    run.binder.bind_many(quiet)  # e.g. the stock attribute unset: nothing for the shop
    unlinked = [i for i in items if i.shop_id is None]
    matched = _shop_products_by_sku(ctx, run, unlinked)
    holders = run.binder.many_by_shop(shop_id for _item, shop_id, _parent in matched)
    for item, shop_id, parent in matched:
        other = holders.get(str(shop_id))
        if other and other.flowii_id != item.good.id:
            params = {"shop_id": shop_id, "other_id": other.flowii_id}
            fail(ctx, run, Refusal("good.sku_linked_elsewhere", **params), item.good)
            items.remove(item)
            continue
        named = {**who(item.good), "shop_id": shop_id}
        if parent:
            ctx.info(words("variation.linked", **named, parent_id=parent), **_at(item, shop_id))
        else:
            ctx.info(words("product.linked", **named), **_at(item, shop_id))
        item.link_to(run, shop_id, parent)
    return submit(ctx, run, items)


def _parent_of(run, link) -> int | None:
    """The variable product of a linked variation: as this run's read of the shop names it,
    else as it was when linked; None for a product of its own."""
    if link is None:
        return None
    parent = run.variation_parents.get(int(link.shop_id)) or link.shop_parent_id
    return int(parent) if parent else None


def read_shop_skus(ctx, run, ids: set | None = None) -> None:
    """The shop's products page by page, keeping only SKUs, the variations' parents and (in
    `ids`) every product and variation id."""
    run.shop_skus = {}
    for product in ctx.woo.products():
        if ids is not None:
            ids.add(product["id"])
        if product.get("sku"):
            run.shop_skus[plan.sku_key(product["sku"])] = product["id"]
        for variation_id in plan.variation_ids(product):
            run.variation_parents[variation_id] = product["id"]
            if ids is not None:
                ids.add(variation_id)


def _shop_products_by_sku(ctx, run, unlinked):
    """(item, shop id, variable product id or None) for the unlinked goods whose SKU the
    shop has. The product list shows no variation: a SKU it lacks, in a shop with
    variations, is looked up by a SKU search (which finds variations too)."""
    if not unlinked:
        return []
    if run.shop_skus is None and len(unlinked) > SKU_LOOKUP_LIMIT:
        read_shop_skus(ctx, run)
    found = {}
    ask = [i.good.sku for i in unlinked]
    if run.shop_skus is not None:
        for item in unlinked:
            shop_id = run.shop_skus.get(plan.sku_key(item.good.sku))
            if shop_id:
                found[item.good.sku] = (shop_id, run.variation_parents.get(shop_id))
        searched = run.variation_parents and not run.variation_skus
        ask = [sku for sku in ask if sku not in found] if searched else []
    if ask:
        for sku, record in ctx.woo.products_by_sku(ask).items():
            if plan.shop_match(record):
                found[sku] = plan.shop_match(record)
    return [(i, *found[i.good.sku]) for i in unlinked if i.good.sku in found]


@dataclass
class Pending:
    """One page's batch on its way to the shop (its HTTP runs in a thread of the run's pool;
    its answers are handled in the run's own thread)."""

    creates: list
    updates: list  # products, then variations by their variable product
    answer: object  # a Future of the shop's BatchResults


def submit(ctx, run, items) -> Pending | None:
    """Sends one page's writes; the shop may be writing a few pages at a time (Settings:
    shop writes at once), since a real store spends most of a batch's time in PHP."""
    if not items:
        return None
    creates = [i for i in items if i.shop_id is None]
    updates = [i for i in items if i.shop_id is not None and not i.parent_id]
    by_parent: dict[int, list] = {}
    for item in items:
        if item.shop_id is not None and item.parent_id:
            by_parent.setdefault(item.parent_id, []).append(item)
    variations = [i for group in by_parent.values() for i in group]
    answer = run.pool.submit(
        _write_page,
        ctx.woo,
        [plan.new_product(i.write.send) for i in creates],
        [{"id": i.shop_id, **i.write.send} for i in updates],
        {p: [{"id": i.shop_id, **i.write.send} for i in group] for p, group in by_parent.items()},
    )
    return Pending(creates, updates + variations, answer)


def _write_page(woo, create, update, variations) -> list:
    """The page's products in one batch, then each variable product's variations in one
    batch of its own; the results in that order."""
    results = woo.write_products(create=create, update=update) if create or update else []
    for parent_id, changes in variations.items():
        results += woo.write_variations(parent_id, update=changes)
    return results


def _send(ctx, run, items, again=True) -> None:
    pending = submit(ctx, run, items)
    if pending is not None:
        finish(ctx, run, pending, again)


def finish(ctx, run, pending: Pending, again=True) -> None:
    """The shop's answers to one page: bind what went over, name what did not."""
    creates, updates = pending.creates, pending.updates
    results = pending.answer.result()
    rows, retry, taken = [], [], []
    for item, result in zip(creates + updates, results, strict=True):
        answer, holder = shop_answer(result.error)
        created = item.shop_id is None
        if answer == "ok":
            shop_id = result.item["id"]
            printed = item.write.fingerprint.text()
            rows.append((shop_id, item.good.id, printed, item.good.sku, None, item.parent_id))
            _done(ctx, run, item, shop_id, created)
        elif again and answer == "gone" and not created:
            if item.parent_id:
                _variation_gone(ctx, run, item.good, item.shop_id)
            else:
                _deleted(ctx, item.good, item.shop_id)
            item.link_to(run, None, None)
            retry.append(item)
        elif answer == "sku_taken" and created and (other := run.binder.by_shop(holder)):
            params = {"shop_id": holder, "other_id": other.flowii_id}
            fail(ctx, run, Refusal("good.sku_linked_elsewhere", **params), item.good)
        elif again and answer == "sku_taken" and created:
            text = words("product.made_meanwhile", **who(item.good), shop_id=holder)
            ctx.info(text, **_at(item, holder))
            item.link_to(run, holder, None)
            taken.append(item)
        else:
            error = shop_words(result.error)
            fail(ctx, run, Refusal("product.refused", error=error), item.good, item.shop_id)
    run.binder.bind_many(rows)
    if taken:  # the holder may be a variation (whose writes go through its parent)
        found = ctx.woo.products_by_sku([i.good.sku for i in taken])
        for item in taken:
            match = plan.shop_match(found.get(item.good.sku) or {})
            if match and match[0] == item.shop_id and match[1]:
                item.link_to(run, item.shop_id, match[1])
        retry += taken
    if retry:
        _send(ctx, run, retry, again=False)


def _done(ctx, run, item, shop_id, created) -> None:
    send, named = item.write.send, who(item.good)
    if created or not plan.only_stock(send):
        ctx.count("created" if created else "updated", kind="product")
        code = "product.created" if created else "product.updated"
        code = "variation.updated" if item.parent_id else code
        ctx.info(words(code, **named), **_at(item, shop_id))
        run.switched += item.write.mode_switched
    else:
        ctx.count("updated", kind="product")
        ctx.info(words("product.stock_updated", **named, stock=item.stock), **_at(item, shop_id))
    for note in item.notes:
        if note.code == "good.unknown_vat_rate":  # said once for the run
            _note(run, note, named)
        elif note.code != "stock.missing" and plan.sends_stock(send):
            ctx.warning(words(note, **named), **_at(item, shop_id))


def _note(run, note, named) -> None:
    run.notes.setdefault((note.code, str(note.params)), [0, note, named])[0] += 1


def _variation_gone(ctx, run, good, shop_id) -> None:
    """A linked variation the shop deleted: its link is dropped, the good is unlinked."""
    text = words("variation.deleted_in_shop", **who(good), shop_id=shop_id)
    ctx.warning(text, kind=Kind.PRODUCT, flowii_id=good.id, shop_id=shop_id)
    run.binder.unbind(shop_id)


def _deleted(ctx, good, shop_id) -> None:
    text = words("product.deleted_in_shop", **who(good), shop_id=shop_id)
    ctx.warning(text, kind=Kind.PRODUCT, flowii_id=good.id, shop_id=shop_id)


def fail(ctx, run, refusal, good, shop_id="") -> None:
    """A good that did not go over: said with its fix, and read again on the next run."""
    ctx.count("failed", kind="product")
    named = who(good)
    flowii_id = named["id"] if named["id"] != "—" else ""
    if isinstance(flowii_id, int):
        run.failed[flowii_id] = refusal.code
    ctx.error(words(refusal, **named), kind=Kind.PRODUCT, flowii_id=flowii_id, shop_id=shop_id)


def who(good) -> dict:
    if isinstance(good, plan.Good):
        return {"id": good.id, "name": good.name, "sku": good.sku}
    return plan.who(good)


def _at(item, shop_id) -> dict:
    return {"kind": Kind.PRODUCT, "flowii_id": item.good.id, "shop_id": shop_id}
