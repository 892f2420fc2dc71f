"""Pure mapping of shop customers and guest buyers to FLOWii partners."""

import pytest

from connector.mapping.customers import (
    MetaKeys,
    PartnerProblem,
    customer_partner,
    guest_key,
    guest_partner,
)

CUSTOMER_KEYS = MetaKeys("billing_ico", "billing_dic", "billing_ic_dph")
ORDER_KEYS = MetaKeys("_billing_ico", "_billing_dic", "_billing_ic_dph")


def _customer(**over):
    customer = {
        "id": 12,
        "email": "lubomir@example.sk",
        "first_name": "Ľubomír",
        "last_name": "Šťastný",
        "billing": {
            "first_name": "Ľubomír",
            "last_name": "Šťastný",
            "company": "",
            "address_1": "Hlavná 5",
            "address_2": "byt 3",
            "city": "Žilina",
            "postcode": "010 01",
            "country": "SK",
            "email": "lubomir@example.sk",
            "phone": "+421900111222",
        },
        "shipping": {"address_1": "", "city": ""},
        "meta_data": [],
    }
    customer.update(over)
    return customer


def test_person_customer():
    partner = customer_partner(_customer(), customer_type_id=11, meta_keys=CUSTOMER_KEYS)
    assert partner["name"] == "Ľubomír Šťastný"
    assert partner["externalId"] == "wc-customer-12"
    assert partner["isCompany"] is False and partner["ico"] == ""
    assert partner["billingAddress"] == {
        "street": "Hlavná 5, byt 3",
        "city": "Žilina",
        "zip": "010 01",
        "countryCode": "SK",
    }
    assert partner["deliveryAddress"] == partner["billingAddress"]  # no shipping address
    assert partner["partnerTypeId"] == 11
    assert partner["contactPerson"] == {"firstName": "Ľubomír", "lastName": "Šťastný"}


def test_company_customer_from_meta():
    customer = _customer(
        meta_data=[
            {"key": "billing_ico", "value": "36123456"},
            {"key": "billing_dic", "value": "2020123456"},
            {"key": "billing_ic_dph", "value": "SK2020123456"},
        ]
    )
    customer["billing"]["company"] = "Šťastný s.r.o."
    partner = customer_partner(customer, customer_type_id=11, meta_keys=CUSTOMER_KEYS)
    assert partner["name"] == "Šťastný s.r.o."
    assert (partner["isCompany"], partner["ico"], partner["dic"], partner["icDph"]) == (
        True,
        "36123456",
        "2020123456",
        "SK2020123456",
    )


def test_guest_order_uses_billing_and_order_meta_keys():
    order = {
        "id": 501,
        "customer_id": 0,
        "billing": {"first_name": "Žaneta", "last_name": "Ďuríková", "email": "Zaneta@Example.sk"},
        "shipping": {"address_1": "Námestie 1", "city": "Banská Bystrica", "country": "SK"},
        "meta_data": [{"key": "_billing_ico", "value": "12345678"}],
    }
    partner = guest_partner(order, customer_type_id=11, meta_keys=ORDER_KEYS)
    assert guest_key(order) == "zaneta@example.sk"
    assert partner["externalId"] == "wc-guest-zaneta@example.sk"
    assert partner["isCompany"] is True and partner["ico"] == "12345678"
    assert partner["billingAddress"] is None
    assert partner["deliveryAddress"]["city"] == "Banská Bystrica"


def test_invalid_email_is_left_out_and_long_name_cut():
    customer = _customer(email="not-an-email")
    customer["billing"].update(email="bad@", first_name="x" * 300, last_name="")
    partner = customer_partner(customer, customer_type_id=1, meta_keys=CUSTOMER_KEYS)
    assert partner["email"] == ""
    assert len(partner["name"]) == 200


@pytest.mark.parametrize("country", ["Slovakia", "S1", "xx1"])
def test_unknown_country_is_refused(country):
    customer = _customer()
    customer["billing"]["country"] = country
    with pytest.raises(PartnerProblem) as problem:
        customer_partner(customer, customer_type_id=1, meta_keys=CUSTOMER_KEYS)
    assert "not an ISO country code" in problem.value.reason


def test_nameless_buyer_is_refused():
    order = {"id": 9, "billing": {"email": ""}, "meta_data": []}
    with pytest.raises(PartnerProblem):
        guest_partner(order, customer_type_id=1, meta_keys=ORDER_KEYS)
    assert guest_key(order) == "order:9"
