"""The category side of the products stream: FLOWii's two-level tree into the shop, a level
per batch (parents first): read the tree, plan each level (pure), look up the links, write,
bind, log. Where each good sits in the tree is goods_places.py's job."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils import timezone

from ..binder import Binder, Kind
from ..mapping import categories as plan
from ..mapping.shop_refusals import category_answer, shop_words
from ..models import Bookmark
from ..wording import words

STREAM = "categories"


@dataclass
class Tree:
    """The tree as this run left it in the shop."""

    categories: list = field(default_factory=list)  # every category FLOWii's tree shows
    shop_of: dict = field(default_factory=dict)  # FLOWii category id -> shop category id
    left_out: set = field(default_factory=set)  # non-stock, shipping and their subcategories
    known: set = field(default_factory=set)  # every id in FLOWii's tree, refused ones too


def last_tree_read():
    mark = Bookmark.objects.filter(stream=STREAM).first()
    return mark.value if mark else None


def import_categories(ctx) -> Tree:
    settings = ctx.settings
    excluded = list(settings.non_stock_category_ids or []) + list(
        settings.shipping_category_ids or []
    )
    rows = ctx.flowii.category_tree()
    categories, refused = plan.read_tree(rows)
    for refusal in refused:
        _failed(ctx, refusal, refusal.params.get("id"))
    tree = Tree(categories, {}, plan.left_out(categories, excluded))
    tree.known = {row.get("id") for row in rows if plan.is_id(row.get("id"))}
    kept = [c for c in categories if c.id not in tree.left_out]
    ctx.count("read", len(kept), kind="category")
    clash = plan.conflicts(kept)
    for cat in kept:
        if cat.id in clash:
            _failed(ctx, plan_refusal("category.conflict", cat, other=clash[cat.id]), cat.id)
    kept = [c for c in kept if c.id not in clash]
    binder = Binder(Kind.CATEGORY)
    links = {
        fid: (int(b.shop_id), b.fingerprint)
        for fid, b in binder.many_by_flowii([c.id for c in kept]).items()
    }
    index = None
    # The shop is read when a category has no link yet (to match it by name), and in a full
    # run, where a linked category deleted in the shop is found and made again.
    if ctx.full or any(c.id not in links for c in kept):
        shop_categories = ctx.woo.categories()
        present = {c.get("id") for c in shop_categories}
        for cat in kept:
            if cat.id in links and links[cat.id][0] not in present:
                _gone(ctx, cat, links.pop(cat.id)[0])
        taken = set(binder.many_by_shop(present))
        index = plan.shop_index(shop_categories, taken)
    for level in ([c for c in kept if c.parent_id is None], [c for c in kept if c.parent_id]):
        steps, refused = plan.plan_level(level, links=links, shop_of=tree.shop_of, index=index)
        for refusal in refused:
            _failed(ctx, refusal, refusal.params["id"])
        _write_level(ctx, binder, steps, tree.shop_of)
    Bookmark.objects.update_or_create(stream=STREAM, defaults={"value": timezone.now()})
    return tree


def plan_refusal(code, cat, **params):
    return plan.Refusal(code, id=cat.id, name=cat.name, **params)


def _write_level(ctx, binder, steps, shop_of, again=True) -> None:
    bound, creates, updates = [], [], []
    for step in steps:
        if step.action in ("unchanged", "link"):
            shop_of[step.category.id] = step.shop_id
            ctx.count("unchanged", kind="category")
            if step.action == "link":
                bound.append((step.shop_id, step.category.id, step.fingerprint))
                ctx.info(words("category.linked", **_named(step)), **_where(step))
        else:
            (creates if step.action == "create" else updates).append(step)
    binder.bind_many(bound)
    if not creates and not updates:
        return
    results = ctx.woo.write_categories(
        create=[s.payload for s in creates],
        update=[{"id": s.shop_id, **s.payload} for s in updates],
    )
    retry, rows = [], []
    for step, result in zip(creates + updates, results, strict=True):
        answer, holder = category_answer(result.error)
        if answer == "ok":
            shop_id = result.item["id"]
            shop_of[step.category.id] = shop_id
            rows.append((shop_id, step.category.id, step.fingerprint))
            ctx.count("created" if step.action == "create" else "updated", kind="category")
            code = "category.created" if step.action == "create" else "category.updated"
            ctx.info(words(code, **_named(step)), **_where(step, shop_id))
        elif again and answer == "gone" and step.action == "update":
            _gone(ctx, step.category, step.shop_id)
            retry.append(plan.CategoryStep(step.category, "create", step.payload, step.fingerprint))
        elif again and answer == "exists" and not binder.by_shop(holder):
            ctx.info(words("category.linked", **_named(step)), **_where(step, holder))
            retry.append(
                plan.CategoryStep(step.category, "update", step.payload, step.fingerprint, holder)
            )
        else:
            error = shop_words(result.error)
            _failed(
                ctx, plan.Refusal("category.refused", **_named(step), error=error), step.category.id
            )
    binder.bind_many(rows)
    if retry:
        _write_level(ctx, binder, retry, shop_of, again=False)


def _named(step) -> dict:
    return {"id": step.category.id, "name": step.category.name}


def _where(step, shop_id=None) -> dict:
    shop_id = shop_id or step.shop_id or ""
    return {"kind": Kind.CATEGORY, "flowii_id": step.category.id, "shop_id": shop_id}


def _gone(ctx, cat, shop_id) -> None:
    ctx.warning(
        words("category.deleted_in_shop", id=cat.id, name=cat.name, shop_id=shop_id),
        kind=Kind.CATEGORY,
        flowii_id=cat.id,
        shop_id=shop_id,
    )


def _failed(ctx, refusal, flowii_id) -> None:
    ctx.count("failed", kind="category")
    ctx.error(words(refusal), kind=Kind.CATEGORY, flowii_id=flowii_id or "")
