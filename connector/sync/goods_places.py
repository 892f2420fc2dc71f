"""Where each FLOWii good sits in the category tree, read with the fewest requests: a few
goods by their detail, many from the goods lists of each category and subcategory."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..http import RecordRefused
from ..mapping import categories as plan
from ..mapping.products import SERVICE


@dataclass
class Places:
    """Where the goods read sit: good id -> (category id, subcategory id); the services
    among them; the ids whose detail could not be read (gone since the list was read)."""

    where: dict = field(default_factory=dict)
    services: set = field(default_factory=set)
    unreadable: set = field(default_factory=set)

    def of(self, good_id):
        return None if good_id in self.unreadable else self.where.get(good_id, (None, None))

    def add_detail(self, detail: dict) -> None:
        self.where[detail["id"]] = (detail.get("category_id"), detail.get("subcategory_id"))
        if detail.get("type") == SERVICE:
            self.services.add(detail["id"])


def by_detail(ctx, goods: list[dict], found: Places) -> None:
    """Each good's detail (which also brings the freshest fields, put in place of the list's
    record in `goods`), its place noted in `found`."""
    for index, raw in enumerate(goods):
        if not plan.is_id(raw.get("id")):
            continue  # refused by the mapping, with its own line
        try:
            detail = ctx.flowii.good(raw["id"])
        except RecordRefused:
            found.unreadable.add(raw["id"])  # gone since the list was read
            continue
        goods[index] = detail
        found.add_detail(detail)


def places(ctx, goods: list[dict], tree, since) -> Places:
    """A few changed goods: one detail each; otherwise one list per category and per
    subcategory, plus the services' list, each limited to what changed since `since`. A good
    in none of the lists is read by its detail: it may sit in no category, or in one FLOWii's
    tree does not show (a subcategory whose parent is gone), which must not pass unseen."""
    tops, subs = plan.lists_to_read(tree.categories, tree.left_out)
    found = Places()
    if since is not None and plan.read_by_detail(len(goods), len(tops) + len(subs) + 1):
        by_detail(ctx, goods, found)
        return found
    read = ctx.flowii.goods
    by_category = {c: {g["id"] for g in read(edited_from=since, category_id=c)} for c in tops}
    by_sub = {s: {g["id"] for g in read(edited_from=since, subcategory_id=s)} for s in subs}
    found.services = {g["id"] for g in read(edited_from=since, good_type=SERVICE)}
    found.where = plan.membership(tree.categories, by_category, by_sub)
    unplaced = [i for i, g in enumerate(goods) if g.get("id") not in found.where]
    if unplaced:
        picked = [goods[i] for i in unplaced]
        by_detail(ctx, picked, found)
        for i, detail in zip(unplaced, picked, strict=True):
            goods[i] = detail
    return found
