"""The category plan as tables: which FLOWii categories reach the shop, how each is matched,
where a good goes, when the tree is read and how the goods' places are read."""

from datetime import UTC, datetime, timedelta

import pytest

from connector.mapping.categories import (
    Category,
    conflicts,
    left_out,
    lists_to_read,
    name_key,
    place,
    plan_level,
    read_by_detail,
    read_tree,
    reading_order,
    shop_index,
    should_read_tree,
)
from connector.mapping.fingerprints import digest

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)

TREE = [
    Category(1, "Káva", None),
    Category(2, "Služby", None),
    Category(3, "Doprava", None),
    Category(11, "Zrnková", 1),
    Category(12, "Mletá", 1),
    Category(21, "Montáž", 2),
]


@pytest.mark.parametrize(
    "full, changed, last_read, expected",
    [
        (True, False, NOW, True),  # a full run always reads it
        (False, True, NOW, True),  # goods changed: their categories may have too
        (False, False, None, True),  # never read
        (False, False, NOW - timedelta(minutes=59), False),
        (False, False, NOW - timedelta(hours=1), True),  # renames reach the shop hourly
    ],
)
def test_when_the_tree_is_read(full, changed, last_read, expected):
    assert should_read_tree(full, changed, last_read, NOW) is expected


@pytest.mark.parametrize(
    "changed, list_reads, by_detail",
    [(0, 5, True), (3, 5, True), (5, 5, True), (6, 5, False), (400, 5, False), (1, 1, True)],
)
def test_details_for_few_goods_lists_for_many(changed, list_reads, by_detail):
    assert read_by_detail(changed, list_reads) is by_detail


@pytest.mark.parametrize(
    "row, problem",
    [
        ({"id": 5, "name": " Káva  zrnková ", "parent_id": None}, None),
        ({"id": "x5", "name": "Káva", "parent_id": None}, "category.bad_id"),
        ({"id": True, "name": "Káva", "parent_id": None}, "category.bad_id"),
        ({"id": 5, "name": "Káva", "parent_id": "1"}, "category.bad_id"),
        ({"id": 5, "name": "  ", "parent_id": None}, "category.no_name"),
        ({"id": 5, "name": None, "parent_id": None}, "category.no_name"),
    ],
)
def test_each_category_is_checked(row, problem):
    kept, refused = read_tree([row])
    assert [r.code for r in refused] == ([problem] if problem else [])
    if not problem:
        assert kept == [Category(5, "Káva zrnková", None)]


@pytest.mark.parametrize(
    "excluded, expected",
    [([], set()), ([2], {2, 21}), ([2, 3], {2, 3, 21}), ([12], {12}), (None, set())],
)
def test_left_out_with_their_subcategories(excluded, expected):
    assert left_out(TREE, excluded) == expected


@pytest.mark.parametrize(
    "cats, expected",
    [
        (TREE, {}),
        ([Category(1, "Káva", None), Category(2, " káva", None)], {1: 2, 2: 1}),
        ([Category(11, "Zrnková", 1), Category(31, "Zrnková", 3)], {}),  # other parents
        ([Category(1, "A & B", None), Category(2, "a &amp; b", None)], {1: 2, 2: 1}),
    ],
)
def test_same_name_under_one_parent_is_a_conflict(cats, expected):
    assert conflicts(cats) == expected


def test_names_compare_as_the_owner_reads_them():
    assert name_key("Tools &amp; Parts ") == name_key("tools  & parts")


def _fp(name, parent):
    return digest({"name": name, "parent": parent})


@pytest.mark.parametrize(
    "cat, links, shop_of, index, action, shop_id",
    [
        # linked and the same: nothing to write
        (Category(1, "Káva", None), {1: (50, _fp("Káva", 0))}, {}, None, "unchanged", 50),
        # renamed in FLOWii
        (Category(1, "Kávy", None), {1: (50, _fp("Káva", 0))}, {}, None, "update", 50),
        # moved to another category in FLOWii: its parent changes in the shop
        (Category(11, "Zrnková", 3), {11: (60, _fp("Zrnková", 50))}, {3: 70}, None, "update", 60),
        # unlinked, the shop has it as written: linked, nothing written
        (Category(1, "Káva", None), {}, {}, {("káva", 0): {"id": 9, "name": "Káva"}}, "link", 9),
        # unlinked, the shop spells it otherwise: linked by writing FLOWii's spelling
        (Category(1, "Káva", None), {}, {}, {("káva", 0): {"id": 9, "name": "KÁVA"}}, "update", 9),
        # the same name under another shop parent is another category
        (Category(11, "Zrnková", 1), {}, {1: 50}, {("zrnková", 0): {"id": 9}}, "create", None),
        (Category(1, "Káva", None), {}, {}, None, "create", None),
    ],
)
def test_each_category_step(cat, links, shop_of, index, action, shop_id):
    steps, refused = plan_level([cat], links=links, shop_of=shop_of, index=index)
    assert refused == []
    assert (steps[0].action, steps[0].shop_id) == (action, shop_id)
    parent = shop_of.get(cat.parent_id, 0)
    assert steps[0].payload == {"name": cat.name, "parent": parent}


def test_a_subcategory_whose_category_failed_waits():
    steps, refused = plan_level([Category(11, "Zrnková", 1)], links={}, shop_of={}, index={})
    assert steps == [] and [r.code for r in refused] == ["category.parent_failed"]


def test_shop_index_skips_linked_and_keeps_the_oldest():
    cats = [
        {"id": 8, "name": "Káva", "parent": 0},
        {"id": 5, "name": "káva", "parent": 0},
        {"id": 3, "name": "Čaj", "parent": 0},
    ]
    index = shop_index(cats, taken={"3"})
    assert index == {("káva", 0): cats[1]}


SHOP_OF = {1: 50, 11: 51, 12: 52}
LEFT = {2, 3, 21}


@pytest.mark.parametrize(
    "category, subcategory, outcome, shop, failed",
    [
        (1, None, "in", (50,), None),
        (1, 11, "in", (51,), None),
        (None, None, "in", (), None),
        (2, None, "left_out", (), None),
        (2, 21, "left_out", (), None),
        (3, None, "left_out", (), None),
        (4, None, "category_failed", (), 4),  # e.g. a conflict
        (1, 13, "category_failed", (), 13),
    ],
)
def test_where_a_good_goes(category, subcategory, outcome, shop, failed):
    placed = place(category, subcategory, shop_of=SHOP_OF, left_out_ids=LEFT)
    assert (placed.outcome, placed.shop_categories, placed.category) == (outcome, shop, failed)


KNOWN = {1, 2, 3, 4, 11, 12, 13, 21}  # the ids FLOWii's tree shows


@pytest.mark.parametrize(
    "category, subcategory, outcome, shop, named",
    [
        (1, 11, "in", (51,), None),
        (4, None, "category_failed", (), 4),  # in the tree, not in the shop: its own line
        (1, 13, "category_failed", (), 13),
        (99, 14, "category_missing", (), 99),  # a subcategory whose parent is gone
        (99, None, "category_missing", (), 99),  # a category FLOWii's tree does not have
        (1, 14, "category_missing", (), 14),  # a subcategory the tree does not show
        (2, 99, "left_out", (), None),  # left out as the settings say, whatever is under it
    ],
)
def test_a_good_in_a_category_the_tree_lacks(category, subcategory, outcome, shop, named):
    placed = place(category, subcategory, shop_of=SHOP_OF, left_out_ids=LEFT, known_ids=KNOWN)
    assert (placed.outcome, placed.shop_categories, placed.category) == (outcome, shop, named)


def test_each_good_is_placed_by_the_first_list_that_holds_it():
    lists = reading_order(TREE + [Category(13, "Darčeková", 1)], {2, 21, 13})
    # the left-out lists first, for ids only (a left-out subcategory before its kept
    # parent), then the subcategories, then the top categories
    assert [(x.category_id, x.subcategory_id, x.place, x.left_out) for x in lists] == [
        (None, 13, (1, 13), True),
        (2, None, (2, None), True),
        (None, 11, (1, 11), False),
        (None, 12, (1, 12), False),
        (1, None, (1, None), False),
        (3, None, (3, None), False),
    ]
    tops, subs = lists_to_read(TREE + [Category(13, "Darčeková", 1)], {2, 21, 13})
    assert len(lists) == len(tops) + len(subs)  # the same requests as the lists of today


def test_the_lists_that_tell_every_place():
    tops, subs = lists_to_read(TREE, {2, 21})
    assert tops == [1, 2, 3]  # a left-out one too: its goods must be known
    assert subs == [11, 12]  # none of a category left out as a whole
