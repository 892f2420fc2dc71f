"""Partner-match precedence: which FLOWii partner an unlinked buyer is (a table)."""

import pytest

from connector.mapping.matching import Match, choose, joins, waves


def partner(pid, email="", ico="", contact=True):
    return {
        "id": pid,
        "ico": ico,
        "key_contact": {"email": email} if contact else None,
    }


CASES = [
    # (candidates, email, ico, by_email, expected)
    ("none", [], "a@b.sk", "", True, None),
    ("email equal", [partner(5, "a@b.sk")], "a@b.sk", "", True, Match(5, "email")),
    ("email other case", [partner(5, "A@B.SK ")], "a@b.sk", "", True, Match(5, "email")),
    ("substring only", [partner(5, "xa@b.sk")], "a@b.sk", "", True, None),
    ("no key contact", [partner(5, contact=False)], "a@b.sk", "", True, None),
    (
        "several: lowest id",
        [partner(9, "a@b.sk"), partner(4, "a@b.sk")],
        "a@b.sk",
        "",
        True,
        Match(4, "email", (9,)),
    ),
    (
        "email and IČO beats email",
        [partner(3, "a@b.sk"), partner(8, "a@b.sk", "12345678")],
        "a@b.sk",
        "12345678",
        True,
        Match(8, "email+ico", (3,)),
    ),
    (
        "email of another firm",
        [partner(3, "office@b.sk", "87654321")],
        "office@b.sk",
        "12345678",
        True,
        None,
    ),
    ("IČO spaces", [partner(6, ico="123 456 78")], "", "12345678", False, Match(6, "ico")),
    ("IČO not in e-mail round", [partner(6, ico="12345678")], "", "12345678", True, None),
    ("IČO substring", [partner(6, ico="123456789")], "", "12345678", False, None),
    ("empty IČO never matches", [partner(6, ico="")], "", "", False, None),
    (
        "several IČO",
        [partner(12, ico="12345678"), partner(11, ico="12345678")],
        "",
        "12345678",
        False,
        Match(11, "ico", (12,)),
    ),
]


@pytest.mark.parametrize("name, details, email, ico, by_email, expected", CASES)
def test_precedence(name, details, email, ico, by_email, expected):
    assert choose(details, email, ico, by_email=by_email) == expected


def test_the_answer_does_not_depend_on_the_order():
    details = [partner(9, "a@b.sk"), partner(4, "a@b.sk"), partner(7, "a@b.sk")]
    assert choose(details, "a@b.sk") == choose(list(reversed(details)), "a@b.sk")


@pytest.mark.parametrize(
    "keys, expected",
    [
        ([], []),
        ([{"e:a"}, {"e:b"}, {"e:c"}], [[0, 1, 2]]),
        ([{"e:a"}, {"e:a"}, {"e:b"}], [[0, 2], [1]]),
        ([{"e:a", "i:1"}, {"e:b", "i:1"}, {"e:b"}], [[0], [1], [2]]),
        ([set(), set()], [[0, 1]]),
    ],
)
def test_waves_never_send_one_key_twice_at_once(keys, expected):
    assert waves([frozenset(k) for k in keys]) == expected


@pytest.mark.parametrize(
    "key, partner_ico, ico, expected",
    [
        ("ico:12345678", "12345678", "12345678", True),
        ("email:a@b.sk", "", "", True),
        ("email:a@b.sk", "12345678", "", True),
        ("email:a@b.sk", "", "12345678", True),
        ("email:a@b.sk", "12345678", "123 456 78", True),
        ("email:a@b.sk", "12345678", "87654321", False),  # one office e-mail, two firms
    ],
)
def test_joining_a_partner_written_in_this_run(key, partner_ico, ico, expected):
    assert joins(key, partner_ico, ico) is expected
