"""The simulated FLOWii server over real HTTP: token flow, lists, filters, partners, orders
with their totals, error shapes, faults and the test-only control endpoints."""

import time
from datetime import UTC, datetime

import pytest
import requests

from tests.conftest import FLOWII_API_KEY, FLOWII_EMAIL, FLOWII_PASSWORD


def get_token(url, email=FLOWII_EMAIL, password=FLOWII_PASSWORD, api_key=FLOWII_API_KEY):
    headers = {"Api-Key": api_key} if api_key is not None else {}
    return requests.post(
        f"{url}/token",
        data={"grant_type": "password", "username": email, "password": password},
        headers=headers,
        timeout=5,
    )


class Flowii:
    """A bare client for the tests: one token, JSON in and out."""

    def __init__(self, url):
        self.url = url
        self.token = get_token(url).json()["access_token"]

    def call(self, method, path, **kwargs):
        headers = {"Authorization": f"Bearer {self.token}", "Api-Key": FLOWII_API_KEY}
        return requests.request(
            method, f"{self.url}/api/v1{path}", headers=headers, timeout=5, **kwargs
        )

    def get(self, path, **params):
        return self.call("GET", path, params=params)

    def post(self, path, body):
        return self.call("POST", path, json=body)

    def put(self, path, body):
        return self.call("PUT", path, json=body)

    def control(self, action, body=None, method="POST"):
        response = requests.request(
            method, f"{self.url}/__sandbox__/{action}", json=body, timeout=5
        )
        return response


@pytest.fixture
def flowii(flowii_empty):
    return Flowii(flowii_empty.url)


def make_products(flowii, count, **fields):
    rows = [{"name": f"Produkt {i}", "code": f"P-{i:04d}", **fields} for i in range(count)]
    response = flowii.control("products", {"create": rows})
    assert response.status_code == 200, response.text
    return response.json()["created"]


def a_partner(**overrides):
    partner = {
        "name": "Jana Nováková",
        "partnerTypeId": 1,
        "isCompany": False,
        "email": "jana@example.sk",
        "externalId": "woo-customer-7",
        "contactPerson": {"firstName": "Jana", "lastName": "Nováková"},
        "billingAddress": {
            "street": "Hlavná 1",
            "city": "Košice",
            "zip": "04001",
            "countryCode": "SK",
        },
    }
    partner.update(overrides)
    return partner


def item(quantity, unit_price, vat_rate, discount="0", product_id=None, name="Položka"):
    return {
        "productId": product_id,
        "name": name,
        "quantity": quantity,
        "unitId": 1,
        "unitPrice": unit_price,
        "vatRate": vat_rate,
        "discountPercent": discount,
    }


@pytest.fixture
def partner_id(flowii):
    response = flowii.post("/partners", a_partner())
    assert response.status_code == 201, response.text
    return response.json()["id"]


def an_order(partner_id, **overrides):
    order = {
        "companyId": 1,
        "partnerId": partner_id,
        "externalId": "woo-order-1001",
        "externalNumber": "1001",
        "issueDate": "2026-03-15",
        "currency": "EUR",
        "pricesIncludeVat": True,
        "paymentTypeId": 1,
        "note": "Doručiť popoludní",
        "items": [item("1", "10.00", "20")],
    }
    order.update(overrides)
    return order


def assert_error(response, status, code):
    assert response.status_code == status, response.text
    error = response.json()["error"]
    assert error["code"] == code
    assert error["message"]
    return error


def parse_stamp(text):
    assert text.endswith("Z")
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# -- token ------------------------------------------------------------------------------
def test_token_with_the_right_credentials_opens_the_api(flowii_empty):
    response = get_token(flowii_empty.url)
    assert response.status_code == 200
    body = response.json()
    assert body["token_type"] == "bearer"
    assert body["expires_in"] == 300
    answer = requests.get(
        f"{flowii_empty.url}/api/v1/companies",
        headers={"Authorization": f"Bearer {body['access_token']}"},
        timeout=5,
    )
    assert answer.status_code == 200
    assert answer.json()["data"][0]["currency"] == "EUR"


@pytest.mark.parametrize(
    "email, password", [(FLOWII_EMAIL, "wrong"), ("someone@flowii.test", FLOWII_PASSWORD)]
)
def test_token_with_a_wrong_login_is_invalid_grant(flowii_empty, email, password):
    response = get_token(flowii_empty.url, email=email, password=password)
    assert response.status_code == 400
    assert response.json() == {
        "error": "invalid_grant",
        "error_description": "The user name or password is incorrect.",
    }


@pytest.mark.parametrize("api_key", ["not-the-key", None])
def test_token_with_a_wrong_or_missing_api_key_is_invalid_client(flowii_empty, api_key):
    response = get_token(flowii_empty.url, api_key=api_key)
    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"
    assert response.json()["error_description"]


def test_token_needs_the_password_grant_as_a_form(flowii_empty):
    response = requests.post(
        f"{flowii_empty.url}/token",
        json={"grant_type": "password", "username": FLOWII_EMAIL, "password": FLOWII_PASSWORD},
        headers={"Api-Key": FLOWII_API_KEY},
        timeout=5,
    )
    assert response.status_code == 400
    assert response.json()["error"] == "unsupported_grant_type"


@pytest.mark.parametrize("authorization", [None, "Bearer made-up-token", "Basic abc"])
def test_a_call_without_a_valid_token_is_unauthorized(flowii_empty, authorization):
    headers = {"Authorization": authorization} if authorization else {}
    response = requests.get(f"{flowii_empty.url}/api/v1/partners", headers=headers, timeout=5)
    assert_error(response, 401, "unauthorized")


def test_a_token_expires_after_its_ttl_and_a_new_one_works(flowii):
    response = flowii.control("token", {"ttl": 1})
    assert response.json()["ttl"] == 1
    token = get_token(flowii.url).json()
    assert token["expires_in"] == 1
    flowii.token = token["access_token"]
    assert flowii.get("/units").status_code == 200
    time.sleep(1.05)
    assert_error(flowii.get("/units"), 401, "unauthorized")
    flowii.token = get_token(flowii.url).json()["access_token"]
    assert flowii.get("/units").status_code == 200


def test_expire_all_invalidates_every_issued_token_at_once(flowii):
    other = Flowii(flowii.url)
    assert flowii.control("token", {"expire_all": True}).json()["active"] == 0
    assert_error(flowii.get("/units"), 401, "unauthorized")
    assert_error(other.get("/units"), 401, "unauthorized")
    flowii.token = get_token(flowii.url).json()["access_token"]
    assert flowii.get("/units").status_code == 200


@pytest.mark.parametrize("ttl", [0, -5, "10", 1.5])
def test_token_ttl_below_one_second_or_not_whole_is_refused(flowii, ttl):
    assert flowii.control("token", {"ttl": ttl}).status_code == 400
    assert flowii.control("token", method="GET").json()["ttl"] == 300


def test_reset_brings_the_token_ttl_back_to_the_default(flowii_empty):
    service = flowii_empty.service
    service.token_ttl = 2
    service.reset("empty")
    assert service.token_ttl == 300
    assert get_token(flowii_empty.url).json()["expires_in"] == 300


# -- reference data and lists -----------------------------------------------------------
@pytest.mark.parametrize(
    "path, fields",
    [
        ("/companies", {"id", "name", "ico", "dic", "icDph", "currency"}),
        ("/partner-types", {"id", "name"}),
        ("/units", {"id", "name", "abbreviation"}),
        ("/payment-types", {"id", "name"}),
    ],
)
def test_reference_lists_answer_in_the_list_shape(flowii, path, fields):
    body = flowii.get(path).json()
    assert set(body) == {"data", "page", "pageSize", "totalCount"}
    assert body["page"] == 1 and body["pageSize"] == 50
    assert body["totalCount"] == len(body["data"]) >= 1
    assert all(set(row) == fields for row in body["data"])
    ids = [row["id"] for row in body["data"]]
    assert ids == sorted(ids)


def test_reference_lists_are_read_only(flowii):
    assert_error(flowii.post("/units", {"name": "liter"}), 405, "method_not_allowed")
    assert_error(flowii.put("/products/1", {"name": "x"}), 405, "method_not_allowed")


def test_unknown_paths_and_ids_are_not_found(flowii):
    assert_error(flowii.get("/invoices"), 404, "not_found")
    assert_error(flowii.get("/products/999"), 404, "not_found")
    assert_error(flowii.get("/partners/abc"), 404, "not_found")


def test_pages_walk_the_whole_list_in_id_order_and_large_sizes_are_clamped(flowii):
    make_products(flowii, 230)
    first = flowii.get("/products").json()
    assert (first["page"], first["pageSize"], first["totalCount"]) == (1, 50, 230)
    assert len(first["data"]) == 50

    seen = []
    for page in (1, 2, 3):
        body = flowii.get("/products", page=page, pageSize=500).json()
        assert body["pageSize"] == 100 and body["totalCount"] == 230
        seen += [row["id"] for row in body["data"]]
    assert len(seen) == 230 == len(set(seen))
    assert seen == sorted(seen)
    assert len(flowii.get("/products", page=3, pageSize=100).json()["data"]) == 30

    past_end = flowii.get("/products", page=4, pageSize=100).json()
    assert past_end["data"] == [] and past_end["totalCount"] == 230


@pytest.mark.parametrize(
    "params, field",
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "two"}, "page"),
        ({"pageSize": "0"}, "pageSize"),
        ({"pageSize": "1.5"}, "pageSize"),
    ],
)
def test_bad_page_values_are_a_validation_error(flowii, params, field):
    error = assert_error(flowii.get("/products", **params), 400, "validation_error")
    assert field in error["fields"]


# -- products and categories ------------------------------------------------------------
def test_products_filter_by_category_code_and_modified_since(flowii):
    categories = flowii.control(
        "product-categories",
        {"create": [{"name": "Kávy"}, {"name": "Čaje"}]},
    ).json()["created"]
    coffee, tea = categories[0]["id"], categories[1]["id"]
    flowii.control(
        "products",
        {
            "create": [
                {"name": "Espresso", "code": "KAV-1", "categoryId": coffee,
                 "modifiedAt": "2026-01-10T08:00:00Z"},
                {"name": "Lungo", "code": "KAV-2", "categoryId": coffee,
                 "modifiedAt": "2026-01-12T08:00:00Z"},
                {"name": "Zelený", "code": "CAJ-1", "categoryId": tea,
                 "modifiedAt": "2026-01-14T08:00:00Z"},
            ]
        },
    )  # fmt: skip

    def names(**params):
        return [row["name"] for row in flowii.get("/products", **params).json()["data"]]

    assert names(categoryId=coffee) == ["Espresso", "Lungo"]
    assert names(code="CAJ-1") == ["Zelený"]
    assert names(code="caj-1") == []
    # At or after: a product modified exactly at the bookmark is included.
    assert names(modifiedSince="2026-01-12T08:00:00Z") == ["Lungo", "Zelený"]
    assert names(modifiedSince="2026-01-12T10:00:00+02:00") == ["Lungo", "Zelený"]
    assert names(modifiedSince="2026-01-12T08:00:00.001Z") == ["Zelený"]
    assert names(categoryId=coffee, modifiedSince="2026-01-11T00:00:00Z") == ["Lungo"]
    body = flowii.get("/products", categoryId=tea).json()
    assert body["totalCount"] == 1


@pytest.mark.parametrize(
    "params, field",
    [({"categoryId": "coffee"}, "categoryId"), ({"modifiedSince": "yesterday"}, "modifiedSince")],
)
def test_bad_filter_values_are_a_validation_error(flowii, params, field):
    error = assert_error(flowii.get("/products", **params), 400, "validation_error")
    assert field in error["fields"]


def test_a_user_edit_of_a_product_bumps_modified_at_and_recomputes_the_other_price(flowii):
    [product] = make_products(
        flowii, 1, vatRate="20", priceWithoutVat="10.00", modifiedAt="2026-01-01T00:00:00Z"
    )
    assert product["priceWithVat"] == "12.00"
    assert product["stockQuantity"] == "0" and product["isStockItem"] is True

    before = datetime.now(UTC).replace(microsecond=0)
    response = flowii.control(
        "products", {"update": [{"id": product["id"], "priceWithVat": "15.99", "stockQuantity": 7}]}
    )
    assert response.status_code == 200, response.text
    stored = flowii.get(f"/products/{product['id']}").json()
    assert stored["priceWithVat"] == "15.99"
    assert stored["priceWithoutVat"] == "13.33"
    assert stored["stockQuantity"] == "7"
    assert stored["code"] == product["code"]
    assert parse_stamp(stored["modifiedAt"]) >= before
    since = flowii.get("/products", modifiedSince=before.isoformat()).json()["data"]
    assert [row["id"] for row in since] == [product["id"]]


def test_a_service_product_has_no_stock_quantity(flowii):
    [service] = make_products(flowii, 1, isStockItem=False, priceWithVat="6.15", vatRate="23")
    assert service["stockQuantity"] is None
    assert service["priceWithoutVat"] == "5.00"


def test_product_control_refuses_unknown_rows_and_writes_nothing_then(flowii):
    response = flowii.control(
        "products", {"create": [{"name": "Nový"}], "update": [{"id": 999, "name": "X"}]}
    )
    assert response.status_code == 400
    assert flowii.get("/products").json()["totalCount"] == 0
    assert (
        flowii.control("products", {"create": [{"name": "Y", "categoryId": 5}]}).status_code == 400
    )
    misspelt = flowii.control("products", {"create": [{"name": "Z", "price": "1.00"}]})
    assert misspelt.status_code == 400 and "price" in misspelt.json()["error"]


def test_category_tree_can_be_built_and_a_category_moved(flowii):
    created = flowii.control(
        "product-categories",
        {"create": [{"name": "Potraviny"}, {"name": "Nápoje"}, {"name": "Káva", "parentId": 1}]},
    ).json()["created"]
    assert [(c["id"], c["parentId"]) for c in created] == [(1, None), (2, None), (3, 1)]

    moved = flowii.control("product-categories", {"update": [{"id": 3, "parentId": 2}]})
    assert moved.status_code == 200
    rows = flowii.get("/product-categories").json()["data"]
    assert [(c["id"], c["name"], c["parentId"]) for c in rows] == [
        (1, "Potraviny", None),
        (2, "Nápoje", None),
        (3, "Káva", 2),
    ]


def test_category_control_refuses_cycles_and_unknown_parents(flowii):
    flowii.control("product-categories", {"create": [{"name": "A"}, {"name": "B", "parentId": 1}]})
    cycle = flowii.control("product-categories", {"update": [{"id": 1, "parentId": 2}]})
    assert cycle.status_code == 400
    orphan = flowii.control("product-categories", {"create": [{"name": "C", "parentId": 42}]})
    assert orphan.status_code == 400
    rows = flowii.get("/product-categories").json()["data"]
    assert [(c["id"], c["parentId"]) for c in rows] == [(1, None), (2, 1)]


# -- partners -------------------------------------------------------------------------------
def test_a_created_partner_is_answered_201_and_can_be_read_back(flowii):
    before = datetime.now(UTC).replace(microsecond=0)
    response = flowii.post("/partners", a_partner(ico="12 345 678"))
    assert response.status_code == 201
    created = response.json()
    assert response.headers["Location"] == f"/api/v1/partners/{created['id']}"
    assert created["name"] == "Jana Nováková"
    assert created["externalId"] == "woo-customer-7"
    assert created["billingAddress"] == {
        "street": "Hlavná 1", "city": "Košice", "zip": "04001", "countryCode": "SK"
    }  # fmt: skip
    assert created["deliveryAddress"] is None
    assert parse_stamp(created["modifiedAt"]) >= before
    assert flowii.get(f"/partners/{created['id']}").json() == created
    assert flowii.control("dump", method="GET").json()["partners"] == [created]


def test_put_replaces_the_partner_and_moves_modified_at(flowii, partner_id):
    old = flowii.get(f"/partners/{partner_id}").json()
    time.sleep(0.002)  # stamps are to the millisecond
    body = a_partner(name="Jana Malá", phone="+421900111222", billingAddress=None)
    response = flowii.put(f"/partners/{partner_id}", body)
    assert response.status_code == 200
    updated = response.json()
    assert updated["id"] == partner_id
    assert (updated["name"], updated["phone"], updated["billingAddress"]) == (
        "Jana Malá",
        "+421900111222",
        None,
    )
    assert parse_stamp(updated["modifiedAt"]) > parse_stamp(old["modifiedAt"])
    assert flowii.get(f"/partners/{partner_id}").json() == updated
    assert_error(flowii.put("/partners/999", body), 404, "not_found")


@pytest.mark.parametrize(
    "overrides, fields",
    [
        ({"name": None}, {"name"}),
        ({"name": "   "}, {"name"}),
        ({"partnerTypeId": None}, {"partnerTypeId"}),
        ({"partnerTypeId": 99}, {"partnerTypeId"}),
        ({"email": "jana-at-example.sk"}, {"email"}),
        ({"email": "jana@", "partnerTypeId": 99}, {"email", "partnerTypeId"}),
        ({"billingAddress": {"countryCode": "Slovakia"}}, {"billingAddress.countryCode"}),
    ],
)
def test_an_invalid_partner_is_a_validation_error_naming_its_fields(flowii, overrides, fields):
    error = assert_error(flowii.post("/partners", a_partner(**overrides)), 400, "validation_error")
    assert set(error["fields"]) == fields
    assert flowii.get("/partners").json()["totalCount"] == 0


def test_a_body_that_is_not_json_is_a_validation_error(flowii):
    response = flowii.call("POST", "/partners", data=b"name=Jana")
    assert_error(response, 400, "validation_error")


def test_a_partner_external_id_is_unique_when_set(flowii, partner_id):
    assert_error(flowii.post("/partners", a_partner(name="Iná")), 409, "conflict")
    other = flowii.post("/partners", a_partner(externalId="woo-customer-8")).json()
    assert_error(
        flowii.put(f"/partners/{other['id']}", a_partner(externalId="woo-customer-7")),
        409,
        "conflict",
    )
    # Keeping its own externalId, or having none at all, is fine.
    assert flowii.put(f"/partners/{partner_id}", a_partner()).status_code == 200
    for _ in range(2):
        assert flowii.post("/partners", a_partner(externalId=None)).status_code == 201
    assert flowii.get("/partners").json()["totalCount"] == 4


def test_partners_filter_by_email_external_id_ico_and_modified_since(flowii):
    first = flowii.post(
        "/partners", a_partner(externalId="c-1", email="Jana@Example.sk", ico="12345678")
    ).json()
    time.sleep(0.002)
    second = flowii.post(
        "/partners", a_partner(externalId="c-2", email="peter@example.sk", ico=None)
    ).json()

    def ids(**params):
        return [row["id"] for row in flowii.get("/partners", **params).json()["data"]]

    assert ids(email="jana@example.sk") == [first["id"]]
    assert ids(externalId="c-2") == [second["id"]]
    assert ids(externalId="c-3") == []
    assert ids(ico="12345678") == [first["id"]]
    assert ids(modifiedSince=second["modifiedAt"]) == [second["id"]]
    assert ids(modifiedSince=first["modifiedAt"]) == [first["id"], second["id"]]
    assert ids(email="peter@example.sk", externalId="c-1") == []


# -- orders ---------------------------------------------------------------------------------
def test_totals_with_vat_included_discounts_and_mixed_rates_are_exact(flowii, partner_id):
    [coffee] = make_products(flowii, 1)
    items = [
        item("3", "9.99", "20", discount="10", product_id=coffee["id"]),  # 26.973 -> 26.97
        item("2", "4.1250", "10"),
        item("1", "3.90", "0", name="Poplatok za dobierku"),
        item("0.333", "12.3456", "5", discount="2.5"),  # 4.0083... -> 4.01
    ]
    response = flowii.post("/orders", an_order(partner_id, items=items))
    assert response.status_code == 201, response.text
    order = response.json()
    assert [(i["net"], i["vat"], i["gross"]) for i in order["items"]] == [
        ("22.47", "4.50", "26.97"),  # VAT 4.495 rounds half up
        ("7.50", "0.75", "8.25"),
        ("3.90", "0.00", "3.90"),
        ("3.82", "0.19", "4.01"),
    ]
    assert (order["totalWithoutVat"], order["totalVat"], order["totalWithVat"]) == (
        "37.69",
        "5.44",
        "43.13",
    )
    assert order["items"][0]["productId"] == coffee["id"]
    assert order["items"][1]["productId"] is None
    assert order["items"][3]["quantity"] == "0.333"
    assert order["items"][3]["unitPrice"] == "12.3456"


def test_totals_without_vat_round_half_up_per_item(flowii, partner_id):
    items = [
        item("3", "8.325", "20", discount="10"),  # 22.4775 -> 22.48, VAT 4.496 -> 4.50
        item("1.5", "10.3333", "10"),  # 15.49995 -> 15.50
        item("1", "2.5", "23"),  # VAT 0.575 -> 0.58
        item("1", "0.625", "20"),  # 0.625 -> 0.63 (half even would say 0.62)
    ]
    order = flowii.post("/orders", an_order(partner_id, pricesIncludeVat=False, items=items)).json()
    assert [(i["net"], i["vat"], i["gross"]) for i in order["items"]] == [
        ("22.48", "4.50", "26.98"),
        ("15.50", "1.55", "17.05"),
        ("2.50", "0.58", "3.08"),
        ("0.63", "0.13", "0.76"),
    ]
    assert (order["totalWithoutVat"], order["totalVat"], order["totalWithVat"]) == (
        "41.11",
        "6.76",
        "47.87",
    )


def test_order_numbers_run_per_year_of_the_issue_date(flowii, partner_id):
    numbers = []
    for external_id, issued in [("a", "2026-01-05"), ("b", "2026-12-31"), ("c", "2025-12-31")]:
        body = an_order(partner_id, externalId=external_id, issueDate=issued)
        numbers.append(flowii.post("/orders", body).json()["number"])
    assert numbers == ["OP2026000001", "OP2026000002", "OP2025000001"]


def test_a_second_order_with_the_same_external_id_is_a_conflict_naming_the_first(
    flowii, partner_id
):
    first = flowii.post("/orders", an_order(partner_id)).json()
    again = flowii.post("/orders", an_order(partner_id, note="znova"))
    error = assert_error(again, 409, "conflict")
    assert error["existing"] == {"id": first["id"], "number": first["number"]}
    assert len(flowii.control("dump", method="GET").json()["orders"]) == 1


def test_orders_are_read_back_and_filtered_by_external_id(flowii, partner_id):
    created = [
        flowii.post("/orders", an_order(partner_id, externalId=f"woo-{n}")).json()
        for n in (1, 2, 3)
    ]
    found = flowii.get("/orders", externalId="woo-2").json()
    assert found["totalCount"] == 1 and found["data"] == [created[1]]
    assert flowii.get(f"/orders/{created[2]['id']}").json() == created[2]
    assert flowii.get("/orders", pageSize=2, page=2).json()["data"] == [created[2]]
    stored = created[0]
    assert stored["companyId"] == 1 and stored["partnerId"] == partner_id
    assert (stored["externalNumber"], stored["currency"], stored["paymentTypeId"]) == (
        "1001",
        "EUR",
        1,
    )


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"companyId": 9}, "companyId"),
        ({"companyId": None}, "companyId"),
        ({"partnerId": 999}, "partnerId"),
        ({"paymentTypeId": 77}, "paymentTypeId"),
        ({"currency": "euro"}, "currency"),
        ({"issueDate": "15.3.2026"}, "issueDate"),
        ({"items": []}, "items"),
        ({"items": [{**item("1", "1.00", "20"), "unitId": 99}]}, "items[0].unitId"),
        ({"items": [{**item("1", "1.00", "20"), "unitId": None}]}, "items[0].unitId"),
        ({"items": [item("1", "1.00", 20.0)]}, "items[0].vatRate"),
        ({"items": [item("1", "1.00", "120")]}, "items[0].vatRate"),
        ({"items": [item("1.2345", "1.00", "20")]}, "items[0].quantity"),
        ({"items": [item("0", "1.00", "20")]}, "items[0].quantity"),
        ({"items": [item("1", "1.00001", "20")]}, "items[0].unitPrice"),
        ({"items": [item("1", 1.5, "20")]}, "items[0].unitPrice"),
        ({"items": [item("1", "1.00", "20", discount="101")]}, "items[0].discountPercent"),
        ({"items": [item("1", "1.00", "20", product_id=404)]}, "items[0].productId"),
        ({"items": [item("1", "1.00", "20", name="")]}, "items[0].name"),
    ],
)
def test_an_invalid_order_is_a_validation_error_naming_its_field(
    flowii, partner_id, overrides, field
):
    error = assert_error(
        flowii.post("/orders", an_order(partner_id, **overrides)), 400, "validation_error"
    )
    assert field in error["fields"]
    assert flowii.control("dump", method="GET").json()["orders"] == []


def test_quantities_with_three_and_prices_with_four_decimals_are_accepted(flowii, partner_id):
    order = flowii.post(
        "/orders", an_order(partner_id, items=[item("1.250", "0.1234", "20")])
    ).json()
    assert (order["items"][0]["quantity"], order["items"][0]["gross"]) == ("1.25", "0.15")


# -- faults, stats, dump --------------------------------------------------------------------
def test_faults_answer_in_flowii_error_shape(flowii):
    flowii.control("faults", {"next": ["503", "429", "500"], "retry_after": 7})
    unavailable = flowii.get("/units")
    assert_error(unavailable, 503, "server_error")
    limited = flowii.get("/units")
    assert_error(limited, 429, "rate_limited")
    assert limited.headers["Retry-After"] == "7"
    assert_error(flowii.get("/units"), 500, "server_error")
    assert flowii.get("/units").status_code == 200


def test_the_request_counter_counts_api_calls_by_path(flowii, partner_id):
    flowii.control("stats", method="DELETE")
    flowii.get(f"/partners/{partner_id}")
    flowii.get(f"/partners/{partner_id}")
    flowii.put(f"/partners/{partner_id}", a_partner())
    flowii.get("/units")
    stats = flowii.control("stats", method="GET").json()
    assert stats["by_path"] == {
        "GET /api/v1/partners/{id}": 2,
        "PUT /api/v1/partners/{id}": 1,
        "GET /api/v1/units": 1,
    }
    assert stats["total"] == 4


def test_dump_holds_the_whole_account(flowii, partner_id):
    make_products(flowii, 2)
    flowii.control("product-categories", {"create": [{"name": "Kávy"}]})
    flowii.post("/orders", an_order(partner_id))
    dump = flowii.control("dump", method="GET").json()
    assert [len(dump[k]) for k in ("products", "product_categories", "partners", "orders")] == [
        2,
        1,
        1,
        1,
    ]
    assert dump["orders"][0]["partnerId"] == partner_id
    assert {"companies", "partner_types", "units", "payment_types"} <= set(dump)


def test_the_empty_account_has_reference_data_only(flowii):
    dump = flowii.control("dump", method="GET").json()
    assert len(dump["companies"]) == 1
    assert dump["partner_types"] and dump["units"] and dump["payment_types"]
    assert [dump[k] for k in ("products", "product_categories", "partners", "orders")] == [
        [],
        [],
        [],
        [],
    ]


# -- the seeded demo account ----------------------------------------------------------------
def test_the_default_seed_loads_as_a_consistent_account():
    pytest.importorskip("sandbox.seed")
    from sandbox.base import RunningServer
    from sandbox.flowii_sim import FlowiiSimulator

    with RunningServer(FlowiiSimulator(seed="default")) as server:
        flowii = Flowii(server.url)
        dump = flowii.control("dump", method="GET").json()
        units = {u["id"] for u in dump["units"]}
        categories = {c["id"] for c in dump["product_categories"]}
        assert dump["products"] and categories
        for product in dump["products"]:
            assert product["unitId"] in units
            assert product["categoryId"] is None or product["categoryId"] in categories
            parse_stamp(product["modifiedAt"])
        body = flowii.get("/products", pageSize=100).json()
        assert body["totalCount"] == len(dump["products"])
        type_id = dump["partner_types"][0]["id"]
        partner = flowii.post("/partners", a_partner(partnerTypeId=type_id)).json()
        order = an_order(partner["id"], companyId=dump["companies"][0]["id"], paymentTypeId=None)
        order["items"] = [
            {**item("2", product["priceWithVat"], product["vatRate"], product_id=product["id"]),
             "unitId": product["unitId"]}
            for product in dump["products"][:3]
        ]  # fmt: skip
        created = flowii.post("/orders", order)
        assert created.status_code == 201, created.text
        assert created.json()["number"] not in [o["number"] for o in dump["orders"]]
        [made] = flowii.control("products", {"create": [{"name": "Nový tovar"}]}).json()["created"]
        assert made["unitId"] == min(units)
