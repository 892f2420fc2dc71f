"""Where each FLOWii good sits in the category tree, read with the fewest requests and no
more than a page of goods held at a time.

FLOWii's goods list carries no relationships: a good's place comes from the list filters
(category, subcategory) or from its detail. A run reads, in this order:

1. the plain list (what changed since the bookmark; everything on a full import), page by
   page, keeping only the ids, the SKU conflicts (`SkuIndex`: SKU key -> the first good's id
   and SKU, dropped once the listing is done) and, on an incremental run with few changes, the
   records themselves. This list decides which goods the run imports (a good created since
   is read by the next run: the bookmark is FLOWii's clock when this list began) and gives
   the progress total; every SKU conflict is known before anything is written;
2. a few changed goods: their details (cheaper than the lists); otherwise
3. the services' list (ids only, few), then each list of `reading_order`: the non-stock and
   shipping lists for their goods' ids only (those goods are left out, never imported from
   another list), each kept subcategory's list (place: that subcategory), each kept top
   category's list (goods not placed yet: that category); each good of step 1 is handed on
   as its first list brings it, the others skipped;
4. the goods of step 1 that no list brought: their detail (they sit in no category, or in one
   FLOWii's tree does not show, which must not pass unseen).

The same number of requests as reading the whole list into memory and then the lists."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from ..binder import Kind
from ..http import RecordRefused
from ..mapping import categories as plan
from ..mapping.products import SERVICE, SkuIndex, read_good
from ..mapping.refusals import Refusal
from ..memory import give_back
from ..wording import words
from .product_writes import fail, who

# An incremental run keeps the changed goods' records while there are at most this many
# (more than any tree's lists, so the few-goods path always has them).
FEW = 1000
# A few pages of goods: often enough to keep the memory flat, seldom enough to cost nothing.
GIVE_BACK_EVERY = 500


@dataclass
class Listing:
    """What the plain list told, kept small: every usable id, the records whose id is not
    (refused at once), the SKU conflicts (good id -> (other id, other SKU)) and, while they
    are few, the records (None: too many, or a full import)."""

    ids: set = field(default_factory=set)
    bad: list = field(default_factory=list)
    skus: SkuIndex = field(default_factory=SkuIndex)
    few: list | None = None

    @property
    def size(self) -> int:
        return len(self.ids) + len(self.bad)

    def add_sku(self, raw: dict) -> None:
        try:
            self.skus.add(read_good(raw))
        except Refusal:
            pass  # refused with its own line when it is imported


def read_listing(ctx, since, on_first_page) -> Listing:
    listing = Listing(few=None if since is None else [])
    for raw in ctx.flowii.goods(edited_from=since, on_first_page=on_first_page):
        good_id = raw.get("id")
        if not plan.is_id(good_id):
            listing.bad.append(raw)
            continue
        listing.ids.add(good_id)
        listing.add_sku(raw)
        if listing.few is not None and len(listing.few) < FEW:
            listing.few.append(raw)
        elif listing.few is not None:
            listing.few = None
    return listing


def detail(ctx, raw: dict) -> tuple[dict, tuple | None, bool]:
    """A good by its detail (which also brings the freshest fields): (record, (category id,
    subcategory id), service?); the place None when FLOWii refused it (gone since the list
    was read)."""
    try:
        found = ctx.flowii.good(raw["id"])
    except RecordRefused:
        return raw, None, False
    where = (found.get("category_id"), found.get("subcategory_id"))
    return found, where, found.get("type") == SERVICE


def placed(ctx, tree, since, listing: Listing) -> Iterator[tuple[dict, tuple | None, bool]]:
    """The goods of `listing`, one at a time, as (record, place, service?); a good in a
    left-out list comes with its place and an empty record (its fields were not kept).
    Every GIVE_BACK_EVERY goods, the memory the pages before them freed goes back to the
    system (connector/memory.py: without it the import's memory grew with the catalogue)."""
    for count, item in enumerate(_placed(ctx, tree, since, listing), 1):
        if count % GIVE_BACK_EVERY == 0:
            give_back()
        yield item


def _placed(ctx, tree, since, listing: Listing) -> Iterator[tuple[dict, tuple | None, bool]]:
    lists = plan.reading_order(tree.categories, tree.left_out)
    if since is not None and plan.read_by_detail(listing.size, len(lists) + 1):
        records = listing.few
        if records is None:
            records = [{"id": good_id} for good_id in sorted(listing.ids)]
        for raw in records:
            yield detail(ctx, raw)
        return
    read = ctx.flowii.goods
    services = {g.get("id") for g in read(edited_from=since, good_type=SERVICE)}
    remaining = set(listing.ids)
    for goods_list in lists:
        category, sub = goods_list.category_id, goods_list.subcategory_id
        for raw in read(edited_from=since, category_id=category, subcategory_id=sub):
            good_id = raw.get("id")
            if good_id not in remaining:
                continue  # placed by an earlier list, or not in this run's listing
            remaining.discard(good_id)
            if goods_list.left_out:
                raw = {"id": good_id}
            yield raw, goods_list.place, good_id in services
    for good_id in sorted(remaining):
        yield detail(ctx, {"id": good_id})


def check(ctx, run, raw, where, service, kw, clash):
    """(good, shop categories, service?) when the good is ready for the shop; otherwise it
    is counted, and named where it needs a fix. A left-out good is left out whatever its
    fields (its list was read for ids only)."""
    if where is None:
        fail(ctx, run, Refusal("good.detail_unreadable"), raw)
        return None
    placement = plan.place(*where, **kw)
    if placement.outcome == "left_out":
        run.left_out += 1
        ctx.count("skipped", kind="product")
        return None
    try:
        good = read_good(raw)
    except Refusal as refusal:
        fail(ctx, run, refusal, raw)
        return None
    if good.id in clash:
        other_id, other_sku = clash[good.id]
        fail(ctx, run, Refusal("good.sku_conflict", other_id=other_id, other_sku=other_sku), good)
    elif placement.outcome == "category_missing":  # FLOWii's tree lacks it: the fix is there
        fail(ctx, run, Refusal("good.category_missing", category=placement.category), good)
    elif placement.outcome == "category_failed":  # the category's own line says why
        run.failed[good.id] = "good.category_failed"
        ctx.count("skipped", kind="product")
        text = words("good.category_failed", **who(good), category=placement.category)
        ctx.warning(text, kind=Kind.PRODUCT, flowii_id=good.id)
    else:
        return good, placement.shop_categories, service
    return None
