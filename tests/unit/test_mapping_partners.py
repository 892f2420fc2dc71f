"""Shop customers and guest buyers to FLOWii partners: every rule of the mapping a case."""

import pytest

from connector.mapping.partners import (
    MetaKeys,
    PartnerRules,
    customer_partner,
    fingerprint,
    guest_key,
    guest_partner,
    match_keys,
)
from connector.mapping.refusals import Refusal
from connector.records import COMPANY, PERSON, Address, Contact

RULES = PartnerRules(
    meta_keys=MetaKeys("billing_ico", "billing_dic", "billing_ic_dph"),
    countries={"SK": 1, "CZ": 2},
    business_relationship_id=10,
    business_relationship_subtype_id=11,
    custom_field_id=77,
)
ORDER_RULES = PartnerRules(
    meta_keys=MetaKeys("_billing_ico", "_billing_dic", "_billing_ic_dph"),
    countries={"SK": 1},
    business_relationship_id=10,
)


def customer(**changes):
    record = {
        "id": 42,
        "email": "jana@example.sk",
        "first_name": "Jana",
        "last_name": "Nováková",
        "billing": {
            "first_name": "Jana",
            "last_name": "Nováková",
            "company": "",
            "address_1": "Hlavná 1",
            "address_2": "",
            "city": "Košice",
            "postcode": "040 01",
            "country": "SK",
            "email": "jana@example.sk",
            "phone": "+421 900 000 000",
        },
        "shipping": {"address_1": "", "city": "", "postcode": "", "country": ""},
        "meta_data": [],
    }
    billing = changes.pop("billing", {})
    record.update(changes)
    record["billing"] = {**record["billing"], **billing}
    return record


def test_a_person():
    data, notes = customer_partner(customer(), RULES)
    assert data.type == PERSON and data.name == "Jana Nováková" and notes == ()
    assert data.key_contact == Contact("Jana", "Nováková", "jana@example.sk", "+421 900 000 000")
    assert data.billing_address == Address("Hlavná 1", "Košice", "040 01", 1)
    assert data.delivery_address is None  # no shipping address given
    assert (data.business_relationship_id, data.business_relationship_subtype_id) == (10, 11)
    assert (data.custom_field_id, data.custom_field_value) == (77, "42")


def test_a_company_by_ico_with_its_numbers():
    meta = [
        {"key": "billing_ico", "value": "361 234 55"},
        {"key": "billing_dic", "value": 2020123456},  # a number in the meta: taken as text
        {"key": "billing_ic_dph", "value": "sk2020123456"},
    ]
    data, _ = customer_partner(customer(meta_data=meta, billing={"company": "Firma s.r.o."}), RULES)
    assert data.type == COMPANY and data.name == "Firma s.r.o."
    assert (data.ico, data.dic, data.ic_dph) == ("36123455", "2020123456", "SK2020123456")
    assert data.key_contact.first_name == "Jana"


def test_ico_without_a_company_name_is_a_company_named_by_the_person():
    data, _ = customer_partner(customer(meta_data=[{"key": "billing_ico", "value": "1"}]), RULES)
    assert data.type == COMPANY and data.name == "Jana Nováková"


def test_a_company_name_without_ico_is_a_company():
    data, _ = customer_partner(customer(billing={"company": "Ateliér Jana"}), RULES)
    assert data.type == COMPANY and data.name == "Ateliér Jana" and data.ico == ""


def test_delivery_address_from_shipping_and_address_lines_joined():
    record = customer(
        billing={"address_2": "byt 3"},
        shipping={"address_1": "Dlhá 5", "city": "Brno", "postcode": "602 00", "country": "cz"},
    )
    data, _ = customer_partner(record, RULES)
    assert data.billing_address.street == "Hlavná 1, byt 3"
    assert data.delivery_address == Address("Dlhá 5", "Brno", "602 00", 2)


def test_a_country_flowii_lacks_goes_without_a_country_and_says_so():
    data, notes = customer_partner(customer(billing={"country": "FR"}), RULES)
    assert data.billing_address.country_id is None
    assert [(n.code, n.params) for n in notes] == [
        ("partner.country_unknown", {"country": "FR", "address": "billing"})
    ]


def test_an_invalid_email_is_left_out_with_a_warning_and_the_account_email_used():
    data, notes = customer_partner(customer(billing={"email": "jana at example"}), RULES)
    assert data.key_contact.email == "jana@example.sk" and notes == ()
    data, notes = customer_partner(customer(email="", billing={"email": "nope"}), RULES)
    assert data.key_contact.email == "" and notes[0].code == "partner.email_invalid"


@pytest.mark.parametrize(
    "changes, code, field",
    [
        ({"email": ["jana@example.sk"], "billing": {"email": ""}}, "partner.not_text", "email"),
        ({"billing": {"email": 12}}, "partner.not_text", "billing.email"),
        ({"billing": {"first_name": {"x": 1}}}, "partner.not_text", "billing.first_name"),
        ({"billing": {"company": "F" * 256}}, "partner.too_long", "billing.company"),
        ({"billing": {"last_name": "N" * 101}}, "partner.too_long", "billing.last_name"),
        ({"billing": {"city": "K" * 101}}, "partner.too_long", "billing.city"),
        ({"id": "42"}, "partner.bad_customer_id", None),
        ({"id": None}, "partner.bad_customer_id", None),
        ({"id": True}, "partner.bad_customer_id", None),
    ],
)
def test_bad_fields_refuse_the_record(changes, code, field):
    with pytest.raises(Refusal) as refused:
        customer_partner(customer(**changes), RULES)
    assert refused.value.code == code
    if field:
        assert refused.value.params["field"] == field


def test_no_name_at_all_is_refused():
    record = customer(
        email="",
        first_name="",
        last_name="",
        billing={"first_name": "", "last_name": "", "email": ""},
    )
    with pytest.raises(Refusal) as refused:
        customer_partner(record, RULES)
    assert refused.value.code == "partner.no_name"


def test_an_email_alone_names_the_partner():
    record = customer(first_name="", last_name="", billing={"first_name": "", "last_name": ""})
    data, _ = customer_partner(record, RULES)
    assert data.name == "jana@example.sk" and data.type == PERSON


def test_a_guest_from_the_order_billing_with_the_order_meta_keys():
    order = {
        "id": 7,
        "customer_id": 0,
        "billing": {**customer()["billing"], "email": "Guest@Example.SK", "company": "G s.r.o."},
        "shipping": {},
        "meta_data": [{"key": "_billing_ico", "value": "50123459"}],
    }
    data, _ = guest_partner(order, ORDER_RULES)
    assert data.type == COMPANY and data.ico == "50123459"
    assert data.custom_field_id is None  # a guest has no shop customer id to keep
    assert guest_key(order) == "guest@example.sk"
    assert match_keys(data) == {"email:guest@example.sk", "ico:50123459"}


def test_guest_key_without_an_email():
    order = {"id": 3, "billing": {"first_name": "Ján", "last_name": "Kováč", "city": "Nitra"}}
    assert guest_key(order) == "name:ján|kováč|||nitra"
    assert guest_key({"id": 3, "billing": {}}) == "order:3"
    assert len(guest_key({"id": 1, "billing": {"first_name": "x" * 400}})) <= 255


def test_fingerprint_follows_what_would_be_sent():
    first, _ = customer_partner(customer(), RULES)
    again, _ = customer_partner(customer(), RULES)
    moved, _ = customer_partner(customer(billing={"city": "Prešov"}), RULES)
    assert fingerprint(first) == fingerprint(again) != fingerprint(moved)
    assert len(fingerprint(first)) == 64


def test_every_code_has_wording():
    from connector.wording.partners import TEXTS

    for code in (
        "partner.not_text",
        "partner.too_long",
        "partner.no_name",
        "partner.bad_customer_id",
        "partner.email_invalid",
        "partner.country_unknown",
    ):
        assert code in TEXTS
