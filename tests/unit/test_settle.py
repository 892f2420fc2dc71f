"""The settle decision, one row per branch: which FLOWii document an order whose create may
or may not have gone through became, from its partner's documents alone."""

from decimal import Decimal as D

import pytest

from connector.mapping.settle import (
    LATER,
    LINK,
    OPERATOR,
    SEND,
    WAIT,
    Candidate,
    candidates_of,
    settle,
)


def doc(id, total, type=5, serial=None):
    return {
        "id": id,
        "serial_nr": serial or f"OP{id}",
        "type": type,
        "gross_amount": None,
        "taxed_gross_amount": None if total is None else D(total),
    }


TABLE = [
    # (what, documents, linked ids, shop total, rivals, action, linked doc, total differs)
    ("no documents: nothing was created", [], [], "12.00", [], SEND, None, False),
    ("only linked ones", [doc(1, "12.00")], [1], "12.00", [], SEND, None, False),
    (
        "only other types",
        [doc(1, "12.00", type=4), doc(2, "12.00", type=1)],
        [],
        "12.00",
        [],
        SEND,
        None,
        False,
    ),
    ("one free, same total", [doc(1, "12.00")], [], "12.00", [], LINK, 1, False),
    ("one free, a cent off: linked, flagged", [doc(1, "12.01")], [], "12.00", [], LINK, 1, True),
    ("one free, far off: the operator", [doc(1, "19.00")], [], "12.00", [], OPERATOR, None, False),
    (
        "one free, total unreadable: operator",
        [doc(1, None)],
        [],
        "12.00",
        [],
        OPERATOR,
        None,
        False,
    ),
    (
        "one free beside linked ones",
        [doc(1, "12.00"), doc(2, "12.01")],
        [1],
        "12.00",
        [],
        LINK,
        2,
        True,
    ),
    (
        "one free beside linked ones, far off: the operator",
        [doc(1, "12.00"), doc(2, "9.00")],
        [1],
        "12.00",
        [],
        OPERATOR,
        None,
        False,
    ),
    (
        "several, one matches to the cent",
        [doc(1, "12.00"), doc(2, "12.01")],
        [],
        "12.00",
        [],
        LINK,
        1,
        False,
    ),
    (
        "several, none matches",
        [doc(1, "11.00"), doc(2, "13.00")],
        [],
        "12.00",
        [],
        OPERATOR,
        None,
        False,
    ),
    (
        "several, two match",
        [doc(1, "12.00"), doc(2, "12.00")],
        [],
        "12.00",
        [],
        OPERATOR,
        None,
        False,
    ),
    (
        "shop total with more decimals",
        [doc(1, "12.35"), doc(2, "1.00")],
        [],
        "12.3450",
        [],
        LINK,
        1,
        False,
    ),
    (
        "rivals: the one matching alone",
        [doc(1, "12.00"), doc(2, "30.00")],
        [],
        "12.00",
        ["30.00"],
        LINK,
        1,
        False,
    ),
    (
        "rivals: one free document, not matching",
        [doc(1, "30.00")],
        [],
        "12.00",
        ["30.00"],
        WAIT,
        None,
        False,
    ),
    ("rivals with the same total", [doc(1, "12.00")], [], "12.00", ["12.00"], WAIT, None, False),
    ("rivals, no free document", [doc(1, "12.00")], [1], "12.00", ["12.00"], SEND, None, False),
]
# The same decision with the seconds since the order's last create was sent (the grace: 120).
# A create the server still holds may land after the documents were read: "none found" sends
# again only once the grace is over; a document found decides whatever the age.
AGED = [
    ("none found, sent just now: checked again later", [], [], "12.00", [], 1.0, LATER, None),
    ("none found, sent at the grace's end: later", [], [], "12.00", [], 120.0, LATER, None),
    ("none found, sent after the grace: sent again", [], [], "12.00", [], 120.5, SEND, None),
    ("none found, age unknown (older rows): sent again", [], [], "12.00", [], None, SEND, None),
    ("only linked ones, sent just now: later", [doc(1, "12.00")], [1], "12.00", [], 3, LATER, None),
    ("rivals, none free, sent just now: later", [], [], "12.00", ["9.00"], 3, LATER, None),
    ("one free, sent just now: linked", [doc(1, "12.00")], [], "12.00", [], 1.0, LINK, 1),
    (
        "several, sent just now: operator",
        [doc(1, "1"), doc(2, "2")],
        [],
        "12",
        [],
        1,
        OPERATOR,
        None,
    ),
]


@pytest.mark.parametrize(
    "documents, linked, total, rivals, action, document, differs",
    [row[1:] for row in TABLE],
    ids=[row[0] for row in TABLE],
)
def test_settle(documents, linked, total, rivals, action, document, differs):
    decision = settle(documents, linked, D(total), [D(r) for r in rivals])
    assert decision.action == action
    assert (decision.document.id if decision.document else None) == document
    assert decision.total_differs is differs
    if action in (OPERATOR, WAIT):  # what the operator is shown: every free candidate
        free = [d["id"] for d in documents if d["type"] == 5 and d["id"] not in linked]
        assert [c.id for c in decision.candidates] == free
    if action == LINK:
        assert decision.flowii_total == decision.document.total


@pytest.mark.parametrize(
    "documents, linked, total, rivals, sent_ago, action, document",
    [row[1:] for row in AGED],
    ids=[row[0] for row in AGED],
)
def test_settle_waits_for_a_create_that_may_still_land(
    documents, linked, total, rivals, sent_ago, action, document
):
    decision = settle(
        documents, linked, D(total), [D(r) for r in rivals], sent_ago=sent_ago, settle_after=120
    )
    assert decision.action == action
    assert (decision.document.id if decision.document else None) == document


def test_candidates_are_free_received_orders_by_id_and_say_what_the_operator_needs():
    found = candidates_of([doc(7, "5.5"), doc(3, "1.239"), doc(4, "2", type=4), doc(9, "1")], [9])
    assert found == [Candidate(3, "OP3", D("1.24")), Candidate(7, "OP7", D("5.50"))]
    assert found[0].as_dict() == {"id": 3, "serial_nr": "OP3", "total": "1.24"}


def test_settle_takes_an_iterator_and_candidates_alike():
    assert settle(iter([doc(1, "3.00")]), iter([]), D("3")).action == LINK
    assert settle([Candidate(1, "X", D("3.00"))], [], D("3")).document.serial_nr == "X"
