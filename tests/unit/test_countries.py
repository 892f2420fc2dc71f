"""Shop ISO codes to FLOWii's Slovak country names (CLDR through Babel, plus aliases)."""

import pytest

from connector.mapping.countries import country_ids, is_country, names_of, plain

FLOWII = [
    {"id": 1, "name": "Slovensko"},
    {"id": 2, "name": "Česká republika"},
    {"id": 3, "name": "MAĎARSKO"},
    {"id": 4, "name": "Rakusko"},  # typed without accents
    {"id": 5, "name": "Veľká Británia"},
    {"id": 6, "name": "Nemecko"},
    {"id": 9, "name": "Poľsko"},
    {"id": 7, "name": "Poľsko"},  # listed twice: the lowest id wins
    {"id": 8, "name": "Spojené štáty americké"},
]


@pytest.mark.parametrize(
    "code, country_id",
    [
        ("SK", 1),  # CLDR's own name
        ("CZ", 2),  # CLDR says "Česko": the alias finds FLOWii's official name
        ("HU", 3),  # case
        ("AT", 4),  # accents
        ("GB", 5),  # alias
        ("DE", 6),
        ("PL", 7),
        ("US", 8),
    ],
)
def test_codes_find_flowii_countries(code, country_id):
    assert country_ids(FLOWII)[code] == country_id


def test_a_code_flowii_does_not_list_is_left_out():
    ids = country_ids(FLOWII)
    assert "FR" not in ids and "XX" not in ids


def test_cldr_first_then_aliases():
    assert names_of("CZ")[0] == "Česko" and "Česká republika" in names_of("CZ")
    assert names_of("SK")[0] == "Slovensko"


def test_plain_names():
    assert plain("  Česká   Republika ") == "ceska republika"
    assert plain("Bosna a Hercegovina") == plain("bosna-a-hercegovina")


def test_every_iso_code_has_a_slovak_name():
    from connector.mapping.countries import ISO_COUNTRIES

    missing = [code for code in ISO_COUNTRIES if not names_of(code)]
    assert missing == []
    assert is_country("SK") and not is_country("XX")
