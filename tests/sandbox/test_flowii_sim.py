"""The simulated FLOWii account over real HTTP, against what the blueprint documents: tokens,
firms, codebooks, goods with paging and filters, partners, documents and their totals, the
fault switches and the test hooks."""

import time
from email.utils import parsedate_to_datetime

import pytest
import requests

from sandbox import flowii_seed as s
from sandbox.base import RunningServer
from sandbox.flowii_sim import FlowiiSimulator, captured_requests
from tests.sandbox.flowii_client import (
    MEDIA,
    Client,
    address,
    document_body,
    good_item,
    line_item,
    partner_body,
)

GOOD_LIST_KEYS = {"name", "serial-nr", "ean", "purchase-price", "purchase-price-type",
                  "selling-price", "selling-price-type", "vat-rate"}  # fmt: skip


@pytest.fixture
def api(flowii_server):
    return Client(flowii_server.url)


def _error(reply, status):
    assert reply.status_code == status, reply.text
    error = reply.json()["errors"][0]
    assert error["status"] == str(status) and error["title"] and "detail" in error
    return error


# -- tokens and firms -----------------------------------------------------------------------


def test_password_grant_answers_as_the_blueprint(api):
    reply = api.login()
    body = reply.json()
    assert set(body) == {"access_token", "token_type", "expires_in", "refresh_token",
                         "userName", ".issued", ".expires"}  # fmt: skip
    assert body["token_type"] == "bearer" and body["expires_in"] == 599
    assert body["userName"] == s.EMAIL
    issued, expires = (
        parsedate_to_datetime(body[".issued"]),
        parsedate_to_datetime(body[".expires"]),
    )
    assert 598 <= (expires - issued).total_seconds() <= 599


def test_wrong_login_and_unknown_api_key(flowii_server, api):
    bad = api.login(password="wrong")
    assert bad.status_code == 400 and bad.json()["error"] == "invalid_grant"
    key = requests.post(flowii_server.url + "/token", headers={"Api-Key": "nope"},
                        data={"grant_type": "password", "username": s.EMAIL,
                              "password": s.PASSWORD}, timeout=5)  # fmt: skip
    assert key.status_code == 401 and key.json()["error"] == "invalid_client"


def test_refresh_grant_gives_a_new_token_once(flowii_server, api):
    refresh = api.login().json()["refresh_token"]
    form = {"grant_type": "refresh_token", "client_id": s.EMAIL, "refresh_token": refresh}
    first = requests.post(flowii_server.url + "/token", data=form,
                          headers={"Api-Key": s.API_KEY}, timeout=5)  # fmt: skip
    assert first.status_code == 200 and first.json()["expires_in"] == 599
    api.token = first.json()["access_token"]
    assert api.get("/units")["data"]
    again = requests.post(flowii_server.url + "/token", data=form,
                          headers={"Api-Key": s.API_KEY}, timeout=5)  # fmt: skip
    assert again.status_code == 400


def test_calls_need_token_and_api_key(flowii_server, api):
    api.token = "forged"
    _error(api.call("GET", "/units"), 401)
    reply = requests.get(flowii_server.url + "/units", params={"companyId": 4523}, timeout=5)
    assert reply.headers["Content-Type"].startswith(MEDIA)
    _error(reply, 401)


def test_token_ttl_switch_and_expire_all(api):
    assert api.hook("POST", "token", {"ttl": 1})["ttl"] == 1
    api.token = api.login().json()["access_token"]
    assert api.login().json()["expires_in"] == 1
    assert api.call("GET", "/units").status_code == 200
    time.sleep(1.2)
    _error(api.call("GET", "/units"), 401)
    api.hook("POST", "token", {"ttl": 599})
    api.token = api.login().json()["access_token"]
    assert api.hook("POST", "token", {"expire_all": True})["active_tokens"] == 0
    _error(api.call("GET", "/units"), 401)


def test_companies_and_the_company_id_rules(api):
    firms = api.get("/companies", company=False)["data"]
    assert [(f["id"], f["attributes"]["name"]) for f in firms] == [
        ("4523", "Moja firma s.r.o."),
        ("4524", "Kaviareň Pod hradom s.r.o."),
    ]
    assert "companyId" in _error(api.call("GET", "/goods", company=False), 400)["detail"]
    _error(api.call("GET", "/goods", companyId=999), 403)
    second = api.all("/goods", companyId=4524)
    assert [g["attributes"]["name"] for g in second] == [
        "Espresso",
        "Cappuccino",
        "Domáca limonáda",
        "Medovník",
    ]
    _error(api.call("GET", f"/goods/{s.GOOD_KURIER}", companyId=4524), 404)


def test_an_unknown_path_answers_404():
    # A simulator of its own that records nothing: the session's simulator records what it is
    # asked for the blueprint check, which an undocumented path would rightly fail.
    with RunningServer(FlowiiSimulator(seed="empty")) as server:
        _error(Client(server.url).call("GET", "/nowhere"), 404)


# -- codebooks ------------------------------------------------------------------------------


def _names(body):
    return [row["attributes"]["name"] for row in body["data"]]


def test_codebooks(api):
    assert _names(api.get("/units")) == ["hod.", "kg", "ks", "liter", "bal."]
    assert _names(api.get("/paymentmethods")) == [
        "Dobierka",
        "Hotovosť",
        "Kreditná karta",
        "Prevodný príkaz",
        "Zápočet",
    ]
    assert _names(api.get("/deliverytypes")) == ["Dobierka", "Osobný odber", "Poštou", "Kuriér"]
    assert api.get(f"/paymentmethods/{s.PAY_PREVOD}")["data"]["attributes"] == {
        "name": "Prevodný príkaz"
    }
    assert api.get(f"/deliverytypes/{s.DELIVERY_KURIER}")["data"]["attributes"]["name"] == "Kuriér"
    countries = api.get("/countries")["data"]
    assert countries[0] == {"type": "country", "id": "1", "attributes": {"name": "Slovensko"}}
    assert {"Česko", "Rakúsko", "Maďarsko", "Poľsko", "Nemecko", "Švédsko"} <= set(
        c["attributes"]["name"] for c in countries
    )
    assert len(countries) >= 27
    assert [p["attributes"]["modul"] for p in api.get("/permissions")["data"]] == [1, 2, 4, 11, 19]
    assert api.get("/users/self")["data"]["attributes"]["name"] == "Novák Peter"
    assert len(api.get("/users")["data"]) == 2
    assert api.get("/users/11143")["data"]["attributes"]["name"] == "Kováčová Jana"
    assert len(api.get("/bankaccounts")["data"]) == 2
    assert _names(api.get("/documentcategories", documentType=5)) == ["E-shop", "Veľkoobchod"]
    fields = api.get("/partners/customfields")["data"]
    assert fields[0]["id"] == "4679" and fields[0]["attributes"]["value-type"] == 3


def test_company_data_and_number_series(api):
    listed = api.get("/companydata")["data"]
    assert [c["id"] for c in listed] == ["37", "9468"] and "links" in listed[0]
    one = api.get("/companydata/37")
    assert one["data"]["attributes"]["ico"] == "36123455"
    assert set(one["data"]["attributes"]) == {"name", "ico", "dic", "ic-dph", "street", "city",
                                              "zip"}  # fmt: skip
    assert one["data"]["relationships"]["country"]["data"] == {"type": "country", "id": "1"}
    assert one["included"] == [{"type": "country", "id": "1", "attributes": {"name": "Slovensko"}}]
    series = api.get("/numberingsequences/documents", documentType=5, companyDataId=37)["data"]
    assert series == [
        {
            "type": "numbering-sequence",
            "id": "36520",
            "attributes": {"name": "Prijaté objednávky", "format": "OP{YYYY}{NNNN}"},
        }
    ]
    other = api.get("/numberingsequences/documents", documentType=5, companyDataId=9468)["data"]
    assert [x["id"] for x in other] == ["36521"]


def test_business_relationships_two_levels(api):
    roots = api.get("/businessrelationships")["data"]
    assert [r["attributes"]["name"] for r in roots] == [
        "Zákazník",
        "Odberateľ",
        "Dodávateľ",
        "Potenciálny zákazník",
    ]
    assert all(r["relationships"]["parent"] == {"data": None} for r in roots)
    subs = api.get(f"/businessrelationships/{s.BR_POTENCIALNY}/businessrelationships")
    assert _names(subs) == ["Záujem", "Nezáujem"]
    assert subs["data"][0]["relationships"]["parent"]["data"]["id"] == str(s.BR_POTENCIALNY)
    assert subs["included"][0]["attributes"] == {"name": "Potenciálny zákazník"}
    assert api.get(f"/businessrelationships/{s.BR_ZAKAZNIK}")["data"]["attributes"] == {
        "name": "Zákazník",
        "order": 1,
    }


def test_good_categories_two_levels(api):
    roots = api.get("/goodcategories")["data"]
    names = [r["attributes"]["name"] for r in roots]
    assert {"Potraviny", "Domácnosť", "Služby", "Doprava"} <= set(names)
    assert all(r["relationships"]["parent"] == {"data": None} for r in roots)
    potraviny = next(r for r in roots if r["attributes"]["name"] == "Potraviny")
    subs = api.get(f"/goodcategories/{potraviny['id']}/goodcategories")
    assert _names(subs) == ["Káva", "Čaj", "Sladkosti"]
    assert subs["included"][0]["id"] == potraviny["id"]
    for sub in subs["data"]:  # no third level
        assert api.get(f"/goodcategories/{sub['id']}/goodcategories")["data"] == []
    montaz = api.get(f"/goodcategories/{s.CATEGORY_SLUZBY}/goodcategories")["data"]
    assert _names({"data": montaz}) == ["Montáž a servis"]
    _error(api.call("GET", "/goodcategories/1"), 404)


# -- goods ------------------------------------------------------------------------------------


def test_goods_list_pages_zero_based(api):
    first = api.get("/goods")
    assert len(first["data"]) == 50 and set(first["links"]) == {"self", "first", "next"}
    item = first["data"][0]
    assert set(item) == {"type", "id", "links", "attributes"}
    assert set(item["attributes"]) == GOOD_LIST_KEYS
    assert item["attributes"]["serial-nr"] == "DOPRAVA-KURIER"
    assert item["attributes"]["selling-price"] == 3.9
    assert "page[number]=1" in first["links"]["next"]
    second = api.get("/goods", **{"page[number]": 1})
    assert len(second["data"]) == 10 and "next" not in second["links"]
    assert api.get("/goods", **{"page[number]": 5})["data"] == []
    sized = api.get("/goods", **{"page[size]": 100})
    assert len(sized["data"]) == 60 and "next" not in sized["links"]
    ids = [g["id"] for g in api.all("/goods")]
    assert len(ids) == len(set(ids)) == 60 and ids == sorted(ids, key=int)
    _error(api.call("GET", "/goods", **{"page[number]": "x"}), 400)


def test_goods_detail(api):
    detail = api.get(f"/goods/{s.GOOD_KURIER}")
    data = detail["data"]
    assert data["attributes"]["type"] == 1 and data["attributes"]["selling-price-type"] == 0
    assert set(data["relationships"]) == {"unit-of-measure", "category", "subcategory", "partner"}
    assert data["relationships"]["unit-of-measure"]["data"] == {"type": "unit", "id": "25359"}
    assert data["relationships"]["category"]["data"]["id"] == str(s.CATEGORY_DOPRAVA)
    assert data["relationships"]["partner"] == {"data": None}
    assert detail["included"][0]["attributes"] == {"name": "ks"}
    _error(api.call("GET", "/goods/1"), 404)


def test_goods_seed_prices_and_types(flowii_server, api):
    goods = api.hook("GET", "state", kind="goods")["goods"]
    rates = {g["vat-rate"] for g in goods}
    assert rates == {20, 10, 0}
    assert {g["selling-price-type"] for g in goods if g["type"] == 0} == {0, 1}
    services = [g for g in goods if g["type"] == 1]
    assert {g["category_id"] for g in services} == {str(s.CATEGORY_SLUZBY), str(s.CATEGORY_DOPRAVA)}


def test_goods_filters(api):
    goods = api.hook("GET", "state", kind="goods")["goods"]

    def ids(**filters):
        return [
            g["id"] for g in api.all("/goods", **{f"filter[{k}]": v for k, v in filters.items()})
        ]

    def expect(test):
        return [g["id"] for g in goods if test(g)]

    middle = sorted(g["edited"] for g in goods)[30]
    assert ids(**{"edited-from": middle}) == expect(lambda g: g["edited"] >= middle)
    assert ids(**{"edited-to": middle}) == expect(lambda g: g["edited"] <= middle)
    created = sorted(g["created"] for g in goods)[20]
    assert ids(**{"created-from": created}) == expect(lambda g: g["created"] >= created)
    assert ids(**{"created-to": created}) == expect(lambda g: g["created"] <= created)
    assert ids(type=1) == expect(lambda g: g["type"] == 1) and len(ids(type=1)) == 9
    cat = goods[-1]["category_id"]
    sub = goods[-1]["subcategory_id"]
    assert ids(**{"category-id": cat}) == expect(lambda g: g["category_id"] == cat)
    assert ids(**{"subcategory-id": sub}) == expect(lambda g: g["subcategory_id"] == sub)
    maker = str(s.FIRST_PARTNER_ID + 5)
    assert ids(**{"partner-id": maker}) == expect(lambda g: g["partner_id"] == maker) != []
    both = ids(**{"category-id": cat, "edited-from": middle})
    assert both == expect(lambda g: g["category_id"] == cat and g["edited"] >= middle)
    _error(api.call("GET", "/goods", **{"filter[edited-from]": "yesterday"}), 400)


def test_stock_switch(flowii_server, api):
    assert "stock-quantity" not in api.get("/goods")["data"][20]["attributes"]
    assert api.hook("POST", "stock", {"attribute": "stock-quantity"}) == {
        "attribute": "stock-quantity"
    }
    item = api.get("/goods")["data"][20]
    state = api.hook("GET", "state", kind="goods")["goods"][20]
    assert item["attributes"]["stock-quantity"] == state["stock"] is not None
    assert api.get(f"/goods/{item['id']}")["data"]["attributes"]["stock-quantity"] == state["stock"]
    api.hook("POST", "stock", {"attribute": None})
    assert "stock-quantity" not in api.get(f"/goods/{item['id']}")["data"]["attributes"]
    with RunningServer(FlowiiSimulator(stock_attribute="sklad")) as other:
        assert "sklad" in Client(other.url).get("/goods")["data"][0]["attributes"]


# -- partners ---------------------------------------------------------------------------------


def test_partner_list_and_search(api):
    body = api.get("/partners")
    first = body["data"][0]
    assert first["attributes"] == {"name": s.MATCHED_COMPANY, "type": 1}
    assert set(first["relationships"]) == {"base-business-relationship",
                                           "extended-business-relationship"}  # fmt: skip
    included = {i["id"]: i["attributes"]["name"] for i in body["included"]}
    assert included[str(s.BR_ZAKAZNIK)] == "Zákazník"
    assert "first" in body["links"] and "next" not in body["links"]
    peter = next(p for p in body["data"] if p["attributes"]["name"] == "Peter Malý")
    assert peter["relationships"]["extended-business-relationship"]["data"]["id"] == "103206"

    def search(text):
        return [p["id"] for p in api.get("/partners", **{"filter[search-text]": text})["data"]]

    assert search("jana.horvathova@example.sk") == ["457856", "457857"]  # any letter case
    assert search(s.MATCHED_ICO) == ["457854"]
    assert search(s.MATCHED_EMAIL.upper()) == ["457855"]
    assert search("905 123") == ["457855"]
    assert search("nikto@nikde.sk") == []
    later = api.get("/partners", **{"filter[created-from]": s.CREATED_FROM + 400})["data"]
    assert [p["id"] for p in later] == ["457861"]


def _full_partner():
    return partner_body(
        **{
            "billing-address": address(),
            "delivery-address": address("Skladová 2", "Košice", "040 01", "2"),
            "key-contact": {"data": {"type": "contact", "attributes": {
                "first-name": "Eva", "last-name": "Nová", "email": "eva@nova.sk",
                "phone": "+421 900 000 001", "is-subscribed": True}}},
            "contacts": {"data": [{"type": "contact", "attributes": {"first-name": "Ján"}}]},
            "custom-field-string-values": {"data": [{
                "type": "custom-field-string-value", "attributes": {"value": "42"},
                "relationships": {"custom-field": {"data": {"type": "custom-field",
                                                            "id": "4679"}}}}]},
        }
    )  # fmt: skip


def test_create_partner_and_read_it_back(api):
    reply = api.call("POST", "/partners", _full_partner())
    assert reply.status_code == 200
    data = reply.json()["data"]
    assert data["type"] == "partner" and data["attributes"] == {}
    detail = api.get(f"/partners/{data['id']}")
    rels = detail["data"]["relationships"]
    assert detail["data"]["attributes"]["ico"] == "12345679"
    assert rels["mailing-address"] == {"data": None}
    included = {(i["type"], i["id"]): i for i in detail["included"]}
    billing = included[("address", rels["billing-address"]["data"]["id"])]
    assert billing["attributes"] == {"street": "Hlavná 1", "city": "Žilina", "zip": "010 01"}
    delivery = included[("address", rels["delivery-address"]["data"]["id"])]
    assert delivery["relationships"]["country"]["data"]["id"] == "2"
    key = included[("contact", rels["key-contact"]["data"]["id"])]["attributes"]
    assert key["email"] == "eva@nova.sk" and key["is-subscribed"] is True and key["title"] is None
    assert not any(name.startswith("custom-field") for name in rels)  # as the blueprint shows
    assert len(api.get(f"/partners/{data['id']}/contacts")["data"]) == 2
    created = api.hook("GET", "created")["partners"]
    assert created[0]["id"] == data["id"] and created[0]["key_contact"]["email"] == "eva@nova.sk"
    assert created[0]["billing_address"]["country"] == "Slovensko"
    assert created[0]["custom_fields"][0]["value"] == "42"
    assert (
        api.get("/partners", **{"filter[search-text]": "EVA@NOVA"})["data"][0]["id"] == data["id"]
    )


def test_create_partner_is_not_idempotent(api):
    ids = {api.call("POST", "/partners", partner_body()).json()["data"]["id"] for _ in range(2)}
    assert len(ids) == 2
    assert len(api.hook("GET", "created")["partners"]) == 2


@pytest.mark.parametrize(
    ("body", "pointer"),
    [
        (partner_body(name=""), "/data/attributes/name"),
        (partner_body(kind=3), "/data/attributes/type"),
        (partner_body(**{"base-business-relationship": {"data": {"type": "business-relationship",
                                                                 "id": "1"}}}),
         "/data/relationships/base-business-relationship/data/id"),
        (partner_body(**{"billing-address": address(country="999")}),
         "/data/relationships/billing-address/data/relationships/country/data/id"),
    ],
)  # fmt: skip
def test_create_partner_validates(api, body, pointer):
    error = _error(api.call("POST", "/partners", body), 400)
    assert error["source"]["pointer"] == pointer
    assert api.hook("GET", "created")["partners"] == []


def test_patch_updates_in_place_or_replaces(api):
    partner_id = api.call("POST", "/partners", _full_partner()).json()["data"]["id"]
    before = api.get(f"/partners/{partner_id}")["data"]["relationships"]
    billing_id = before["billing-address"]["data"]["id"]
    key_id = before["key-contact"]["data"]["id"]
    patch = {
        "data": {
            "type": "partner",
            "id": partner_id,
            "attributes": {"comment": "upravené"},
            "relationships": {
                "billing-address": address("Nová 5", **{"id": billing_id}),
                "delivery-address": address("Iná 7"),
                "key-contact": {
                    "data": {"type": "contact", "id": key_id, "attributes": {"phone": "+421 911"}}
                },
            },
        }
    }
    reply = api.call("PATCH", f"/partners/{partner_id}", patch)
    assert reply.status_code == 204 and reply.content == b""
    after = api.get(f"/partners/{partner_id}")
    rels = after["data"]["relationships"]
    assert after["data"]["attributes"]["comment"] == "upravené"
    assert after["data"]["attributes"]["name"] == "Nová firma s.r.o."  # untouched
    assert rels["billing-address"]["data"]["id"] == billing_id
    assert rels["delivery-address"]["data"]["id"] != before["delivery-address"]["data"]["id"]
    contact = next(i for i in after["included"] if i["id"] == key_id)["attributes"]
    assert contact["phone"] == "+421 911" and contact["email"] == "eva@nova.sk"
    _error(api.call("PATCH", "/partners/1", patch), 404)
    bad = {"data": {"type": "partner", "relationships": {"billing-address": address(id="1")}}}
    _error(api.call("PATCH", f"/partners/{partner_id}", bad), 400)


def test_delete_partner(api):
    assert api.call("DELETE", "/partners/457858").status_code == 204
    _error(api.call("GET", "/partners/457858"), 404)
    _error(api.call("DELETE", "/partners/457858"), 404)


def test_partner_documents_list(api):
    docs = api.get(f"/partners/{s.FIRST_PARTNER_ID}/documents")
    assert docs["data"] == [
        {
            "type": "document",
            "id": "97272",
            "attributes": {
                "serial-nr": "FA20260001",
                "type": 4,
                "invoice-type": None,
                "invoice-state": 6,
                "gross-amount": 100,
                "taxed-gross-amount": 120,
                "unpaid": 0,
            },
        }
    ]
    assert set(docs["links"]) == {"first"}
    contacts = api.get(f"/partners/{s.FIRST_PARTNER_ID + 6}/contacts")["data"]
    assert [c["attributes"]["first-name"] for c in contacts] == ["Mária", "Peter"]


# -- documents --------------------------------------------------------------------------------


@pytest.fixture
def test_good(api):
    good = api.hook("POST", "goods", {"name": "Testovací tovar", "serial-nr": "T-1",
                                      "selling-price": 8.35, "selling-price-type": 1,
                                      "vat-rate": 20})  # fmt: skip
    return good["id"]


def _post_document(api, items, **attributes):
    reply = api.call("POST", "/documents", document_body("457854", items, **attributes))
    assert reply.status_code == 200, reply.text
    return reply.json()["data"]


def _created_document(api, document_id):
    return next(d for d in api.hook("GET", "created")["documents"] if d["id"] == document_id)


def test_document_totals_in_both_price_types(api):
    data = _post_document(api, [line_item("A", 3, 3.333, 1, 20), line_item("B", 1, 10.05, 0, 10)])
    assert data["type"] == "document" and data["attributes"]["serial-nr"] == "OP20260001"
    doc = _created_document(api, data["id"])
    assert [(i["net"], i["vat"], i["gross"]) for i in doc["items"]] == [
        ("10.00", "2.00", "12.00"),
        ("9.14", "0.91", "10.05"),
    ]
    assert (doc["net"], doc["vat"], doc["gross"]) == ("19.14", "2.91", "22.05")
    assert doc["partner_id"] == "457854" and doc["serial-nr"] == "OP20260001"
    listed = api.get("/partners/457854/documents")["data"][0]["attributes"]
    assert listed["gross-amount"] == 19.14 and listed["taxed-gross-amount"] == 22.05
    assert listed["type"] == 5


def test_good_items_with_and_without_override_and_discounts(api, test_good):
    data = _post_document(api, [
        good_item(test_good, 2),
        good_item(test_good, 2, **{"unit-price": 9.99, "unit-price-type": 0, "vat-rate": 20}),
        good_item(test_good, 2, **{"discount-type": 1, "discount": 10}),
        good_item(test_good, 1, **{"discount-type": 2, "discount": 0.35}),
    ])  # fmt: skip
    doc = _created_document(api, data["id"])
    assert [(i["net"], i["vat"], i["gross"]) for i in doc["items"]] == [
        ("16.70", "3.34", "20.04"),
        ("16.65", "3.33", "19.98"),
        ("15.03", "3.01", "18.04"),
        ("8.00", "1.60", "9.60"),
    ]
    assert doc["items"][0]["good_id"] == test_good and doc["gross"] == "67.66"


def test_document_discounts(api):
    percent = _post_document(api, [line_item("A", 1, 10, 1, 20)],
                             **{"discount-type": 1, "discount": 10})  # fmt: skip
    assert _created_document(api, percent["id"])["gross"] == "10.80"
    amount = _post_document(api, [line_item("A", 1, 10, 1, 20), line_item("B", 1, 30, 1, 20)],
                            **{"discount-type": 2, "discount": 2})  # fmt: skip
    doc = _created_document(api, amount["id"])
    assert [i["net"] for i in doc["items"]] == ["9.50", "28.50"] and doc["gross"] == "45.60"
    assert amount["attributes"]["serial-nr"] == "OP20260002"


def test_documents_are_not_idempotent(api):
    body = document_body("457854", [line_item("A", 1, 1, 1, 20)])
    first = api.call("POST", "/documents", body).json()["data"]
    second = api.call("POST", "/documents", body).json()["data"]
    assert first["id"] != second["id"]
    assert [first["attributes"]["serial-nr"], second["attributes"]["serial-nr"]] == [
        "OP20260001",
        "OP20260002",
    ]


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (lambda b: b["data"]["attributes"].pop("type"), "/data/attributes/type"),
        (lambda b: b["data"]["relationships"].pop("partner"), "/data/relationships/partner"),
        (lambda b: b["data"]["relationships"].pop("numbering-sequence"),
         "/data/relationships/numbering-sequence"),
        (lambda b: b["data"]["relationships"].pop("company-data"),
         "/data/relationships/company-data"),
        (lambda b: b["data"]["relationships"]["items"].update(data=[]),
         "/data/relationships/items"),
        (lambda b: b["data"]["attributes"].update({"issue-date": "2026-11-20"}),
         "/data/attributes/issue-date"),
        (lambda b: b["data"]["attributes"].update({"issue-date": "2026-11-20T00:00:00+01:00"}),
         "/data/attributes/issue-date"),
        (lambda b: b["data"]["relationships"]["items"]["data"][0]["relationships"].clear(),
         "/data/relationships/items/data/0/relationships/unit-of-measure"),
        (lambda b: b["data"]["relationships"]["partner"]["data"].update(id="1"),
         "/data/relationships/partner"),
    ],
)  # fmt: skip
def test_document_validation(api, change, pointer):
    body = document_body("457854", [line_item("A", 1, 1, 1, 20)])
    change(body)
    assert _error(api.call("POST", "/documents", body), 400)["source"]["pointer"] == pointer
    assert api.hook("GET", "created")["documents"] == []


# -- faults and hooks ---------------------------------------------------------------------------


def test_server_errors_and_429_with_and_without_retry_after(api):
    api.hook("POST", "faults", {"next": ["503", "429", "429-no-retry-after", "500"]})
    _error(api.call("GET", "/units"), 503)
    with_header = api.call("GET", "/units")
    assert "quota exceeded" in _error(with_header, 429)["title"]
    assert with_header.headers["Retry-After"] == "1"
    without = api.call("GET", "/units")
    assert (
        "quota exceeded" in _error(without, 429)["title"] and "Retry-After" not in without.headers
    )
    _error(api.call("GET", "/units"), 500)
    assert api.call("GET", "/units").status_code == 200


def test_quota_per_minute(api):
    api.hook("POST", "faults", {"quota_per_minute": 3})
    statuses = [api.call("GET", "/units") for _ in range(5)]
    assert [r.status_code for r in statuses] == [200, 200, 200, 429, 429]
    assert ["Retry-After" in r.headers for r in statuses[3:]] == [True, False]
    api.hook("POST", "faults", {"quota_per_minute": 0})
    assert api.call("GET", "/units").status_code == 200


def test_create_then_drop_creates_the_record(api):
    api.hook("POST", "faults", {"next": ["create-then-drop"]})
    with pytest.raises(requests.ConnectionError):
        api.call("POST", "/partners", partner_body(name="Stratená odpoveď"))
    names = [p["name"] for p in api.hook("GET", "created")["partners"]]
    assert names == ["Stratená odpoveď"]
    assert api.get("/partners", **{"filter[search-text]": "stratená"})["data"]


def test_cutoff_timeout_and_latency(api):
    api.hook("POST", "faults", {"next": ["cutoff"]})
    with pytest.raises(requests.RequestException):
        api.call("GET", "/goods").json()
    api.hook("POST", "faults", {"next": ["timeout"], "timeout_seconds": 1})
    with pytest.raises(requests.Timeout):
        api.http.get(api.url + "/units", params={"companyId": 4523}, headers=api.headers(),
                     timeout=0.3)  # fmt: skip
    api.hook("POST", "faults", {"latency_ms": 200})
    start = time.monotonic()
    api.call("GET", "/units")
    assert time.monotonic() - start >= 0.2


def test_edits_bump_edited_time_and_show_in_filters(api):
    since = int(time.time())
    goods = api.hook("GET", "state", kind="goods")["goods"]
    target = goods[20]
    api.hook("POST", "goods", {"id": target["id"], "name": "Premenovaný", "selling-price": 7.5})
    changed = api.all("/goods", **{"filter[edited-from]": since})
    assert [(g["id"], g["attributes"]["name"], g["attributes"]["selling-price"])
            for g in changed] == [(target["id"], "Premenovaný", 7.5)]  # fmt: skip
    added = api.hook("POST", "goods", {"name": "Nový", "serial-nr": "NEW-1"})
    assert [g["id"] for g in api.all("/goods", **{"filter[edited-from]": since})] == [
        target["id"],
        added["id"],
    ]
    api.hook("DELETE", "goods", {"id": added["id"]})
    _error(api.call("GET", f"/goods/{added['id']}"), 404)


def test_category_rename_and_move(api):
    cats = api.hook("GET", "state", kind="good_categories")["good_categories"]
    kava = next(c for c in cats if c["name"] == "Káva")
    domacnost = next(c for c in cats if c["name"] == "Domácnosť")
    since = int(time.time())
    api.hook("POST", "goodcategories", {"id": kava["id"], "name": "Káva a kakao",
                                        "parent_id": domacnost["id"]})  # fmt: skip
    subs = api.get(f"/goodcategories/{domacnost['id']}/goodcategories")
    assert "Káva a kakao" in _names(subs)
    moved = api.all("/goods", **{"filter[subcategory-id]": kava["id"]})
    assert moved and all(
        api.get(f"/goods/{g['id']}")["data"]["relationships"]["category"]["data"]["id"]
        == domacnost["id"] for g in moved)  # fmt: skip
    assert {g["id"] for g in moved} <= {
        g["id"] for g in api.all("/goods", **{"filter[edited-from]": since})
    }


def test_partner_added_directly_and_deleted(api):
    row = api.hook("POST", "partners", {"body": partner_body(name="Z FLOWii")})
    assert api.get(f"/partners/{row['id']}")["data"]["attributes"]["name"] == "Z FLOWii"
    assert api.hook("GET", "created")["partners"] == []  # not made by the connector
    api.hook("DELETE", "partners", {"id": row["id"]})
    _error(api.call("GET", f"/partners/{row['id']}"), 404)


def test_capture_and_stats(flowii_server, api):
    api.hook("DELETE", "requests")
    api.call("POST", "/partners", partner_body())
    api.get("/goods", **{"filter[type]": 1})
    captured = api.hook("GET", "requests")["requests"]
    assert [(r["method"], r["path"]) for r in captured] == [("POST", "/partners"),
                                                            ("GET", "/goods")]  # fmt: skip
    assert captured[0]["body"]["data"]["attributes"]["name"] == "Nová firma s.r.o."
    assert ["filter[type]", "1"] in captured[1]["query"] and captured[1]["content_type"] == MEDIA
    assert captured[-1] in [dict(r, query=[list(p) for p in r["query"]])
                            for r in captured_requests()]  # fmt: skip
    stats = api.hook("GET", "stats")["by_path"]
    assert stats["GET /goods"] >= 1 and stats["POST /partners"] == 1


def test_an_instance_without_capture_keeps_nothing():
    with RunningServer(FlowiiSimulator()) as other:
        Client(other.url).get("/units")
        assert requests.get(other.url + "/__sandbox__/requests", timeout=5).json() == {
            "capture": False,
            "requests": [],
        }


def test_reset_empty_and_default(flowii_server, api):
    api.hook("POST", "reset", {"seed": "empty"})
    api.token = api.login().json()["access_token"]
    assert api.get("/goods")["data"] == [] and api.get("/partners")["data"] == []
    assert _names(api.get("/units")) == ["hod.", "kg", "ks", "liter", "bal."]
    assert len(api.get("/companies", company=False)["data"]) == 2
    api.hook("POST", "reset", {"seed": "default"})
    api.token = api.login().json()["access_token"]
    assert len(api.all("/goods")) == 60


def test_large_goods_page_is_fast():
    with RunningServer(FlowiiSimulator(size="large")) as big:
        client = Client(big.url)
        client.get("/goods", **{"filter[edited-from]": 0})
        start = time.monotonic()
        for number in range(1, 11):
            client.get("/goods", **{"filter[edited-from]": 0, "page[number]": number * 10})
        assert (time.monotonic() - start) / 10 < 0.05
