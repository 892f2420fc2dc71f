"""The SKU index of a listing read page by page: the same conflicts as `sku_conflicts`, each
naming the other good's SKU exactly as FLOWii writes it, however compactly it is kept."""

from decimal import Decimal

import pytest

from connector.mapping.products import Good, SkuIndex, sku_conflicts


def good(good_id: int, sku: str) -> Good:
    return Good(good_id, f"tovar {good_id}", sku, Decimal("1.00"), 0, Decimal("20"), {})


@pytest.mark.parametrize(
    ("skus", "clash"),
    [
        # FLOWii's usual numbers, capitals and digits: kept by their key alone
        (["FA20260001", "fa20260001"], {1: (2, "fa20260001"), 2: (1, "FA20260001")}),
        (["FA20260001", "FA20260002"], {}),
        # any other spelling is kept as written, for the line that names it
        (["kava-1", " KAVA-1"], {1: (2, " KAVA-1"), 2: (1, "kava-1")}),
        (["Káva-1 ", "KÁVA-1"], {1: (2, "KÁVA-1"), 2: (1, "Káva-1 ")}),
        (["Straße", "STRASSE"], {1: (2, "STRASSE"), 2: (1, "Straße")}),  # casefold: ß = ss
        (["1234", "1234 "], {1: (2, "1234 "), 2: (1, "1234")}),
        # three of a kind: each later one clashes with the first
        (["AB-1", "ab-1", "Ab-1"], {1: (2, "ab-1"), 2: (1, "AB-1"), 3: (1, "AB-1")}),
    ],
)
def test_the_index_finds_the_conflicts_and_names_the_other_sku_as_written(skus, clash):
    goods = [good(n + 1, sku) for n, sku in enumerate(skus)]
    index = SkuIndex()
    for item in goods:
        index.add(item)
    assert index.clash == clash
    pure = sku_conflicts(goods)
    assert set(index.clash) == set(pure)
    for other_id, other_sku in index.clash.values():
        assert other_sku == next(g.sku for g in goods if g.id == other_id)


def test_a_good_listed_twice_is_no_conflict_with_itself():
    index = SkuIndex()
    for item in (good(1, "AB-1"), good(1, "AB-1"), good(2, "cd-1"), good(2, "cd-1")):
        index.add(item)
    assert index.clash == {}
