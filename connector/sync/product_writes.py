"""One page of placed goods into the shop: map each (pure), look up its link (or a shop
product with its SKU), write the page in one batch, bind, log; a good that fails is named
with its fix and kept to be read again on the next run."""

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
        if link and run.shop_ids is not None and int(link.shop_id) not in run.shop_ids:
            _deleted(ctx, good, link.shop_id)
            link = None
        item = Item(good, fields, stock, _write(run, fields, link, stock))
        item.notes = [n for n in (tax_note, stock_note) if n]
        if stock_note and stock_note.code == "stock.not_a_number":  # never sent: said now
            ctx.warning(words(stock_note, **who(good)), kind=Kind.PRODUCT, flowii_id=good.id)
        if stock_note and stock_note.code == "stock.missing":  # said once for the run
            _note(run, stock_note, who(good))
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
            fail(ctx, run, Refusal("good.sku_linked_elsewhere", **params), item.good)
            items.remove(item)
            continue
        ctx.info(words("product.linked", **who(item.good), shop_id=shop_id), **_at(item, shop_id))
        item.shop_id, item.write = shop_id, _write(run, item.fields, None, item.stock)
    return submit(ctx, run, items)


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


@dataclass
class Pending:
    """One page's batch on its way to the shop (its HTTP runs in a thread of the run's pool;
    its answers are handled in the run's own thread)."""

    creates: list
    updates: list
    answer: object  # a Future of the shop's BatchResults


def submit(ctx, run, items) -> Pending | None:
    """Sends one page's writes; the shop may be writing a few pages at a time (Settings:
    shop writes at once), since a real store spends most of a batch's time in PHP."""
    if not items:
        return None
    creates = [i for i in items if i.shop_id is None]
    updates = [i for i in items if i.shop_id is not None]
    answer = run.pool.submit(
        ctx.woo.write_products,
        create=[plan.new_product(i.write.send) for i in creates],
        update=[{"id": i.shop_id, **i.write.send} for i in updates],
    )
    return Pending(creates, updates, answer)


def _send(ctx, run, items, again=True) -> None:
    pending = submit(ctx, run, items)
    if pending is not None:
        finish(ctx, run, pending, again)


def finish(ctx, run, pending: Pending, again=True) -> None:
    """The shop's answers to one page: bind what went over, name what did not."""
    creates, updates = pending.creates, pending.updates
    results = pending.answer.result()
    rows, retry = [], []
    for item, result in zip(creates + updates, results, strict=True):
        answer, holder = shop_answer(result.error)
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
            fail(ctx, run, Refusal("good.sku_linked_elsewhere", **params), item.good)
        elif again and answer == "sku_taken" and created:
            text = words("product.made_meanwhile", **who(item.good), shop_id=holder)
            ctx.info(text, **_at(item, holder))
            item.shop_id = holder
            retry.append(item)
        else:
            error = shop_words(result.error)
            fail(ctx, run, Refusal("product.refused", error=error), item.good, item.shop_id)
    run.binder.bind_many(rows)
    if retry:
        _send(ctx, run, retry, again=False)


def _done(ctx, run, item, shop_id, created) -> None:
    send, named = item.write.send, who(item.good)
    if created or not plan.only_stock(send):
        ctx.count("created" if created else "updated", kind="product")
        code = "product.created" if created else "product.updated"
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
