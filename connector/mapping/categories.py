"""The category plan: FLOWii's two-level tree (category, subcategory) as the shop's tree,
less the non-stock and shipping categories; which shop category each good goes in. Pure."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import datetime, timedelta

from .fingerprints import digest
from .refusals import Refusal

# An incremental run reads the tree (1 + number of top categories requests) when goods
# changed, or when the last read is older than this, so renames reach the shop anyway.
TREE_MAX_AGE = timedelta(hours=1)


@dataclass(frozen=True)
class Category:
    id: int
    name: str
    parent_id: int | None  # None: a top category


@dataclass(frozen=True)
class CategoryStep:
    """What one category needs in the shop: "unchanged", "update" (shop_id given),
    "create", or "link" (an unlinked shop category that already says the same)."""

    category: Category
    action: str
    payload: dict
    fingerprint: str
    shop_id: int | None = None


def should_read_tree(full: bool, goods_changed: bool, last_read: datetime | None, now) -> bool:
    if full or goods_changed or last_read is None:
        return True
    return now - last_read >= TREE_MAX_AGE


def name_key(name: str) -> str:
    """Names compared as a shop owner reads them: the shop answers "&amp;" for "&", and
    neither case nor spacing makes two categories different."""
    return " ".join(html.unescape(name).split()).casefold()


def read_tree(tree: list[dict]) -> tuple[list[Category], list[Refusal]]:
    """The tree as given (parents first), each category checked; a bad one is refused."""
    kept: list[Category] = []
    refused: list[Refusal] = []
    for row in tree:
        cat_id, name, parent = row.get("id"), row.get("name"), row.get("parent_id")
        if not is_id(cat_id) or (parent is not None and not is_id(parent)):
            refused.append(Refusal("category.bad_id", id=repr(cat_id), name=str(name)))
        elif not isinstance(name, str) or not name.strip():
            refused.append(Refusal("category.no_name", id=cat_id))
        else:
            kept.append(Category(cat_id, " ".join(name.split()), parent))
    return kept, refused


def is_id(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def left_out(categories: list[Category], excluded_ids) -> set[int]:
    """The non-stock and shipping categories with their subcategories."""
    excluded = {int(i) for i in excluded_ids or []}
    return excluded | {c.id for c in categories if c.parent_id in excluded}


def conflicts(categories: list[Category]) -> dict[int, int]:
    """Category id -> another of the same name under the same parent. Neither goes to the
    shop (which keeps one name per parent): whichever was linked would flip between runs."""
    first: dict[tuple, int] = {}
    found: dict[int, int] = {}
    for cat in categories:
        key = (cat.parent_id, name_key(cat.name))
        if key in first:
            found[cat.id] = first[key]
            found.setdefault(first[key], cat.id)
        else:
            first[key] = cat.id
    return found


def shop_index(shop_categories: list[dict], taken) -> dict[tuple, dict]:
    """(name key, shop parent id) -> the shop's category (the oldest), leaving out those
    already linked to another FLOWii category."""
    index: dict[tuple, dict] = {}
    for cat in sorted(shop_categories, key=lambda c: c.get("id") or 0):
        if str(cat.get("id")) in taken or not isinstance(cat.get("name"), str):
            continue
        index.setdefault((name_key(cat["name"]), cat.get("parent") or 0), cat)
    return index


def plan_level(
    level: list[Category],
    *,
    links: dict[int, tuple[int, str]],
    shop_of: dict[int, int],
    index: dict[tuple, dict] | None,
) -> tuple[list[CategoryStep], list[Refusal]]:
    """The steps of one level. `links`: FLOWii id -> (shop id, fingerprint); `shop_of`:
    the shop id of each parent already in the shop; `index`: the shop's unlinked categories
    (None when every category is linked, so the shop was not read)."""
    steps: list[CategoryStep] = []
    refused: list[Refusal] = []
    for cat in level:
        parent = 0
        if cat.parent_id is not None:
            if cat.parent_id not in shop_of:
                refused.append(Refusal("category.parent_failed", id=cat.id, name=cat.name))
                continue
            parent = shop_of[cat.parent_id]
        payload = {"name": cat.name, "parent": parent}
        fp = digest(payload)
        if cat.id in links:
            shop_id, old = links[cat.id]
            action = "unchanged" if old == fp else "update"
            steps.append(CategoryStep(cat, action, payload, fp, shop_id))
            continue
        match = (index or {}).get((name_key(cat.name), parent))
        if match is None:
            steps.append(CategoryStep(cat, "create", payload, fp))
        elif html.unescape(match["name"]) == cat.name:
            steps.append(CategoryStep(cat, "link", payload, fp, match["id"]))
        else:  # the same name spelled otherwise: FLOWii's spelling is written
            steps.append(CategoryStep(cat, "update", payload, fp, match["id"]))
    return steps, refused


@dataclass(frozen=True)
class Placement:
    """Where a good goes: "in" the shop categories given, "left_out" (non-stock, shipping),
    "category_failed" (its category is in FLOWii's tree but not in the shop this run: the
    category's own line says why) or "category_missing" (FLOWii's tree does not have it: a
    subcategory whose parent category is gone). `category` says which category."""

    outcome: str
    shop_categories: tuple[int, ...] = ()
    category: int | None = None


def place(category_id, subcategory_id, *, shop_of, left_out_ids, known_ids=None) -> Placement:
    """A good in a subcategory goes in that subcategory (the shop shows it under the parent
    too); in a category only, in that category; in none, in none. `known_ids`: the ids of
    FLOWii's tree as read (None: not read, nothing to say it lacks a category)."""
    if category_id in left_out_ids or subcategory_id in left_out_ids:
        return Placement("left_out")
    most_specific = subcategory_id if subcategory_id is not None else category_id
    if most_specific is None:
        return Placement("in")
    if most_specific in shop_of:
        return Placement("in", (shop_of[most_specific],))
    if known_ids is not None:
        missing = [c for c in (category_id, subcategory_id) if c is not None and c not in known_ids]
        if missing:  # the topmost missing one: what the owner looks for in FLOWii
            return Placement("category_missing", category=missing[0])
    return Placement("category_failed", category=most_specific)


@dataclass(frozen=True)
class GoodsList:
    """One goods list read for places: by `category_id` or `subcategory_id`; every good
    first found in it sits at `place` (category id, subcategory id); `left_out`: a non-stock
    or shipping list, read for its goods' ids only."""

    category_id: int | None
    subcategory_id: int | None
    place: tuple
    left_out: bool = False


def reading_order(tree: list[Category], left_out_ids: set[int]) -> list[GoodsList]:
    """The lists of `lists_to_read` in the order that places each good at its first list:
    the left-out ones first (a left-out subcategory comes before its kept parent), then
    the subcategories, then the top categories (whose lists also hold their subcategories'
    goods, already placed by then)."""
    tops, subs = lists_to_read(tree, left_out_ids)
    parent_of = {c.id: c.parent_id for c in tree}
    lists = [GoodsList(None, s, (parent_of[s], s), s in left_out_ids) for s in subs]
    lists += [GoodsList(c, None, (c, None), c in left_out_ids) for c in tops]
    return sorted(lists, key=lambda x: (not x.left_out, x.subcategory_id is None))


def lists_to_read(tree: list[Category], left_out_ids: set[int]) -> tuple[list[int], list[int]]:
    """The category and subcategory lists that tell every good's place: each top category
    (a left-out one too: its goods must be known to leave them out), and each subcategory
    of a category that is not left out as a whole."""
    tops = [c.id for c in tree if c.parent_id is None]
    subs = [c.id for c in tree if c.parent_id is not None and c.parent_id not in left_out_ids]
    return tops, subs


def read_by_detail(changed: int, list_reads: int) -> bool:
    """Whether the changed goods' places are cheaper read one detail each (`changed`
    requests) than from the lists (`list_reads` requests at least, one page each)."""
    return changed <= list_reads
