"""The binder's invariants: one FLOWii record per shop record; for categories, products and
orders one shop record per FLOWii record; buyers of one firm may share a partner."""

import pytest

from connector.binder import Binder
from connector.models import Link

pytestmark = pytest.mark.django_db


def rows(kind):
    return sorted(Link.objects.filter(kind=kind).values_list("shop_id", "flowii_id"))


def test_bind_then_read_back_by_either_side():
    products = Binder(Link.Kind.PRODUCT)
    products.bind(10, 900, fingerprint="fp", flowii_number="K-1")
    assert products.by_shop("10").flowii_id == 900
    assert products.by_flowii(900).shop_id == "10"
    assert products.by_number(["K-1", "K-2"])["K-1"].shop_id == "10"
    assert products.by_shop(11) is None and products.by_flowii(901) is None


def test_rebinding_a_shop_record_replaces_its_flowii_record():
    products = Binder(Link.Kind.PRODUCT)
    products.bind(10, 900)
    products.bind(10, 901, fingerprint="new")
    assert rows(Link.Kind.PRODUCT) == [("10", 901)]
    assert products.by_shop(10).fingerprint == "new"


@pytest.mark.parametrize("kind", [Link.Kind.CATEGORY, Link.Kind.PRODUCT, Link.Kind.ORDER])
def test_a_flowii_record_moves_to_its_new_shop_record_for_exclusive_kinds(kind):
    binder = Binder(kind)
    binder.bind(10, 900)
    binder.bind(11, 900)
    assert rows(kind) == [("11", 900)]


@pytest.mark.parametrize("kind", [Link.Kind.CUSTOMER, Link.Kind.GUEST])
def test_buyers_of_one_firm_share_its_partner(kind):
    binder = Binder(kind)
    binder.bind(10, 900)
    binder.bind(11, 900)
    binder.bind_many([(12, 900, "fp")])
    assert rows(kind) == [("10", 900), ("11", 900), ("12", 900)]


def test_kinds_do_not_see_each_other():
    Binder(Link.Kind.PRODUCT).bind(10, 900)
    Binder(Link.Kind.CATEGORY).bind(10, 901)
    assert Binder(Link.Kind.PRODUCT).by_shop(10).flowii_id == 900
    assert Binder(Link.Kind.CATEGORY).by_shop(10).flowii_id == 901


def test_bind_many_writes_the_last_row_of_a_shop_record():
    products = Binder(Link.Kind.PRODUCT)
    products.bind_many([(1, 100, "a", "K-1"), (2, 200, "b"), (1, 101, "c", "K-1b")])
    assert rows(Link.Kind.PRODUCT) == [("1", 101), ("2", 200)]
    assert products.by_shop(1).flowii_number == "K-1b"
    assert products.many_by_flowii([101, 200, 999]).keys() == {101, 200}


def test_fingerprints_can_be_forgotten_so_the_next_run_writes_again():
    products = Binder(Link.Kind.PRODUCT)
    products.bind_many([(1, 100, "a"), (2, 200, "b")])
    products.forget_fingerprint([1])
    assert products.by_shop(1).fingerprint == "" and products.by_shop(2).fingerprint == "b"
    products.forget_all_fingerprints()
    assert products.by_shop(2).fingerprint == ""


def test_unbind_by_either_side():
    products = Binder(Link.Kind.PRODUCT)
    products.bind_many([(1, 100, ""), (2, 200, "")])
    products.unbind(1)
    products.unbind(flowii_id=200)
    assert rows(Link.Kind.PRODUCT) == []


def test_pending_write_backs_in_the_order_linked_until_written():
    orders = Binder(Link.Kind.ORDER)
    orders.bind(5, 50, flowii_number="OP1", needs_write_back=True)
    orders.bind(6, 60, flowii_number="OP2", needs_write_back=True)
    orders.bind(7, 70, flowii_number="OP3", needs_write_back=False)
    pending = orders.pending_write_backs()
    assert [b.shop_id for _pk, b in pending] == ["5", "6"]
    assert orders.pending_write_backs(after_pk=pending[0][0])[0][1].shop_id == "6"
    orders.written_back(["5"])
    assert [b.shop_id for _pk, b in orders.pending_write_backs()] == ["6"]
    # Binding again without saying otherwise keeps the write-back still to do.
    orders.bind(6, 60, flowii_number="OP2")
    assert [b.shop_id for _pk, b in orders.pending_write_backs()] == ["6"]


def test_a_note_being_sent_is_pending_until_it_is_told():
    orders = Binder(Link.Kind.ORDER)
    orders.bind("5", 50, flowii_number="OP5", needs_write_back=True)
    assert orders.notes_pending() == []
    orders.written_back(["5"])  # the number is on the order: its note goes out next
    assert [b.shop_id for b in orders.notes_pending()] == ["5"]
    orders.noted(["5"])
    assert orders.notes_pending() == []
