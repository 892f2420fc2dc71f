"""The FLOWii adapter: the token (fetched, kept, renewed on 401, shared between threads),
paging, errors in words and orders that are never created twice. Unit tests fake FLOWii with
`responses`; the integration tests at the end talk real HTTP to the simulated account."""

import json
import logging
import threading
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import responses

from connector.flowii import FlowiiClient
from connector.http import (
    AuthenticationError,
    Conflict,
    MalformedResponse,
    RateLimited,
    Unavailable,
    ValidationError,
)

BASE = "https://flowii.test"
API = BASE + "/api/v1"
EMAIL, PASSWORD, API_KEY = "owner@shop.sk", "p4ssw0rd-very-secret", "key-0123456789"


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def make_client(**options):
    options.setdefault("sleep", lambda s: None)
    return FlowiiClient(BASE, EMAIL, PASSWORD, API_KEY, **options)


def token_answer(rsps, *tokens, expires_in=300):
    for token in tokens:
        rsps.post(
            BASE + "/token",
            json={"access_token": token, "token_type": "bearer", "expires_in": expires_in},
        )


def page(items, number=1, size=100, total=None):
    return {"data": items, "page": number, "pageSize": size, "totalCount": total or len(items)}


UNAUTHORIZED = {"error": {"code": "unauthorized", "message": "Authorization has been denied."}}


# -- the token --------------------------------------------------------------------------------


def test_token_is_fetched_once_with_the_form_and_api_key_then_reused():
    client = make_client()
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "tok-1")
        rsps.get(API + "/units", json=page([{"id": 1, "name": "kus", "abbreviation": "ks"}]))
        rsps.get(API + "/companies", json=page([{"id": 1, "name": "Firma"}]))
        assert client.units()[0]["abbreviation"] == "ks"
        assert client.companies()[0]["id"] == 1
        login, units, companies = (call.request for call in rsps.calls)
    assert login.headers["Api-Key"] == API_KEY
    assert login.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert dict(parse_qsl(login.body)) == {
        "grant_type": "password",
        "username": EMAIL,
        "password": PASSWORD,
    }
    for sent in (units, companies):
        assert sent.headers["Authorization"] == "Bearer tok-1"
        assert sent.headers["Api-Key"] == API_KEY


def test_401_once_gets_a_new_token_and_repeats_the_call():
    client = make_client()
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "tok-old", "tok-new")
        rsps.get(API + "/units", status=401, json=UNAUTHORIZED)
        rsps.get(API + "/units", json=page([{"id": 4}]))
        assert client.units() == [{"id": 4}]
        calls = [(c.request.method, urlsplit(c.request.url).path) for c in rsps.calls]
        bearer = [c.request.headers.get("Authorization") for c in rsps.calls]
    assert calls == [
        ("POST", "/token"),
        ("GET", "/api/v1/units"),
        ("POST", "/token"),
        ("GET", "/api/v1/units"),
    ]
    assert bearer[1] == "Bearer tok-old" and bearer[3] == "Bearer tok-new"


def test_401_twice_is_an_authentication_error():
    client = make_client()
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "tok-1", "tok-2")
        rsps.get(API + "/units", status=401, json=UNAUTHORIZED)
        rsps.get(API + "/units", status=401, json=UNAUTHORIZED)
        with pytest.raises(AuthenticationError) as caught:
            client.units()
        assert len(rsps.calls) == 4
    assert caught.value.status == 401 and caught.value.call == "GET units"
    assert "fresh token" in str(caught.value)


def test_wrong_password_in_words_and_never_shown(caplog):
    client = make_client()
    with responses.RequestsMock() as rsps:
        rsps.post(
            BASE + "/token",
            status=400,
            json={
                "error": "invalid_grant",
                "error_description": "The user name or password is incorrect.",
            },
        )
        with caplog.at_level(logging.DEBUG):
            with pytest.raises(AuthenticationError) as caught:
                client.units()
    error = caught.value
    assert error.code == "invalid_grant" and error.status == 400
    assert "FLOWii e-mail or password is wrong" in str(error)
    for secret in (PASSWORD, API_KEY):
        assert secret not in str(error) + repr(error) + caplog.text


def test_wrong_api_key_in_words():
    client = make_client()
    with responses.RequestsMock() as rsps:
        rsps.post(
            BASE + "/token",
            status=401,
            json={"error": "invalid_client", "error_description": "Unknown API key."},
        )
        with pytest.raises(AuthenticationError) as caught:
            client.companies()
    assert "FLOWii API key is wrong" in str(caught.value)
    assert API_KEY not in str(caught.value) + repr(caught.value)


def test_token_is_renewed_shortly_before_it_ends():
    clock = Clock()
    client = make_client(clock=clock)
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "tok-1", "tok-2", expires_in=300)
        assert client.token() == "tok-1"
        clock.now += 260  # 40 s left: still good
        assert client.token() == "tok-1"
        clock.now += 15  # 25 s left: inside the 30 s margin
        assert client.token() == "tok-2"
        assert len(rsps.calls) == 2


def test_threads_share_one_token_fetch():
    client = make_client()
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "tok-shared")
        rsps.get(API + "/units", json=page([{"id": 1}]))
        barrier = threading.Barrier(8)
        results, failures = [], []

        def work():
            barrier.wait()
            try:
                results.append(client.units())
            except Exception as exc:  # collected, asserted below
                failures.append(exc)

        threads = [threading.Thread(target=work) for _ in range(8)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        logins = [c for c in rsps.calls if c.request.url.endswith("/token")]
    assert failures == []
    assert len(results) == 8 and len(logins) == 1


def test_threads_refused_together_renew_once():
    client = make_client()
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "tok-old", "tok-new")
        assert client.token() == "tok-old"
        gate = threading.Barrier(4)

        def answer(request):
            if request.headers["Authorization"] == "Bearer tok-old":
                return 401, {}, json.dumps(UNAUTHORIZED)
            return 200, {}, json.dumps(page([{"id": 1}]))

        rsps.add_callback(responses.GET, API + "/units", callback=answer)
        failures = []

        def work():
            gate.wait()
            try:
                client.units()
            except Exception as exc:  # collected, asserted below
                failures.append(exc)

        threads = [threading.Thread(target=work) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        logins = [c for c in rsps.calls if c.request.url.endswith("/token")]
    assert failures == []
    assert len(logins) == 2  # the first token and ONE renewal


# -- lists ------------------------------------------------------------------------------------


def test_iter_pages_follows_total_count_and_the_page_size_answered():
    client = make_client()
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "t")
        for number in (1, 2, 3):
            items = [{"id": i} for i in range((number - 1) * 100, min(number * 100, 250))]
            rsps.get(
                API + "/products",
                json=page(items, number, 100, 250),
                match=[
                    responses.matchers.query_param_matcher(
                        {"page": str(number), "pageSize": "100", "categoryId": "7"}
                    )
                ],
            )
        ids = [p["id"] for p in client.products(category_id=7)]
    assert ids == list(range(250))


def test_list_without_data_is_malformed():
    client = make_client()
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "t")
        rsps.get(API + "/units", json=[{"id": 1}])
        with pytest.raises(MalformedResponse):
            client.units()


def test_modified_since_is_sent_in_utc_with_z():
    client = make_client()
    bratislava = timezone(timedelta(hours=1))
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "t")
        rsps.get(API + "/products", json=page([]))
        list(client.products(modified_since=datetime(2026, 1, 31, 13, 0, 5, 999, bratislava)))
        query = dict(parse_qsl(urlsplit(rsps.calls[1].request.url).query))
    assert query["modifiedSince"] == "2026-01-31T12:00:05Z"


def test_find_partners_filters():
    client = make_client()
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "t")
        rsps.get(API + "/partners", json=page([{"id": 3, "externalId": "17"}]))
        found = list(client.find_partners(email="a@b.sk", external_id=17))
        query = dict(parse_qsl(urlsplit(rsps.calls[1].request.url).query))
    assert found == [{"id": 3, "externalId": "17"}]
    assert query == {"email": "a@b.sk", "externalId": "17", "page": "1", "pageSize": "100"}


# -- writes -----------------------------------------------------------------------------------


def test_validation_error_names_the_field():
    client = make_client()
    body = {
        "error": {
            "code": "validation_error",
            "message": "The request is invalid.",
            "fields": {"email": "invalid e-mail"},
        }
    }
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "t")
        rsps.post(API + "/partners", status=400, json=body)
        with pytest.raises(ValidationError) as caught:
            client.create_partner({"name": "Ján", "partnerTypeId": 1, "email": "x"})
    assert str(caught.value) == (
        "FLOWii refused POST partners: validation_error (email: invalid e-mail)."
    )


def test_create_order_sends_strings_for_money_ids_and_dates():
    client = make_client()
    order = {
        "companyId": 1,
        "partnerId": 2,
        "externalId": 1234,
        "issueDate": date(2026, 3, 1),
        "items": [{"name": "Káva", "quantity": Decimal("2"), "unitPrice": Decimal("12.50")}],
    }
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "t")
        rsps.post(API + "/orders", status=201, json={"id": 9, "number": "OP2026000009"})
        created, is_new = client.create_order(order)
        sent = json.loads(rsps.calls[1].request.body)
    assert (created["number"], is_new) == ("OP2026000009", True)
    assert sent["externalId"] == "1234" and sent["issueDate"] == "2026-03-01"
    assert sent["items"][0]["unitPrice"] == "12.50" and sent["items"][0]["quantity"] == "2"


def test_create_order_409_returns_the_existing_order_by_its_id():
    client = make_client()
    conflict = {
        "error": {
            "code": "conflict",
            "message": "An order with externalId '55' already exists.",
            "existing": {"id": 31, "number": "OP2026000031"},
        }
    }
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "t")
        rsps.post(API + "/orders", status=409, json=conflict)
        rsps.get(API + "/orders/31", json={"id": 31, "number": "OP2026000031", "externalId": "55"})
        order, created = client.create_order({"externalId": "55", "items": []})
    assert created is False and order["id"] == 31


def test_create_order_409_without_the_id_finds_it_by_external_id():
    client = make_client()
    conflict = {"error": {"code": "conflict", "message": "exists"}}
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "t")
        rsps.post(API + "/orders", status=409, json=conflict)
        rsps.get(
            API + "/orders",
            json=page([{"id": 8, "externalId": "56"}]),
            match=[
                responses.matchers.query_param_matcher(
                    {"externalId": "56", "page": "1", "pageSize": "100"}
                )
            ],
        )
        order, created = client.create_order({"externalId": 56})
    assert (order["id"], created) == (8, False)


def test_create_order_with_external_id_is_repeated_after_a_lost_answer():
    client = make_client()
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "t")
        rsps.post(API + "/orders", body=requests.exceptions.ReadTimeout("slow"))
        rsps.post(
            API + "/orders",
            status=409,
            json={"error": {"code": "conflict", "existing": {"id": 5, "number": "OP1"}}},
        )
        rsps.get(API + "/orders/5", json={"id": 5, "number": "OP1"})
        order, created = client.create_order({"externalId": "77"})
    assert (order["number"], created) == ("OP1", False)


def test_create_partner_conflict_returns_the_partner_holding_the_external_id():
    client = make_client()
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "t")
        rsps.post(
            API + "/partners",
            status=409,
            json={"error": {"code": "conflict", "message": "exists"}},
        )
        rsps.get(API + "/partners", json=page([{"id": 12, "externalId": "c-3"}]))
        assert client.create_partner({"name": "X", "externalId": "c-3"})["id"] == 12


def test_create_partner_conflict_without_external_id_is_raised():
    client = make_client()
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "t")
        rsps.post(API + "/partners", status=409, json={"error": {"code": "conflict"}})
        with pytest.raises(Conflict):
            client.create_partner({"name": "X"})


def test_find_order_none_when_absent():
    client = make_client()
    with responses.RequestsMock() as rsps:
        token_answer(rsps, "t")
        rsps.get(API + "/orders", json=page([]))
        assert client.find_order(999) is None


# -- integration: real HTTP against the simulated account -----------------------------------

FLOWII_EMAIL, FLOWII_PASSWORD, FLOWII_API_KEY = "demo@flowii.test", "sandbox", "sandbox-api-key"


def sandbox(server, path, payload=None, method=None):
    method = method or ("POST" if payload is not None else "GET")
    answer = requests.request(method, server.url + "/__sandbox__/" + path, json=payload, timeout=5)
    answer.raise_for_status()
    return answer.json()


def account(server, **options):
    options.setdefault("sleep", lambda s: None)
    return FlowiiClient(server.url, FLOWII_EMAIL, FLOWII_PASSWORD, FLOWII_API_KEY, **options)


def requests_to(server, key):
    return sandbox(server, "stats")["by_path"].get(key, 0)


def test_sandbox_login_accepted_and_refused(flowii_server):
    assert account(flowii_server).check() is None
    wrong_password = FlowiiClient(
        flowii_server.url, FLOWII_EMAIL, "not-the-password", FLOWII_API_KEY
    )
    with pytest.raises(AuthenticationError) as caught:
        wrong_password.companies()
    assert "e-mail or password is wrong" in str(caught.value)
    assert "not-the-password" not in str(caught.value) + repr(caught.value)
    wrong_key = FlowiiClient(flowii_server.url, FLOWII_EMAIL, FLOWII_PASSWORD, "bad-api-key")
    with pytest.raises(AuthenticationError) as caught:
        wrong_key.companies()
    assert "API key is wrong" in str(caught.value)
    assert "FLOWii API key is wrong" in wrong_key.check()


def test_sandbox_paging_over_several_pages(flowii_empty):
    sandbox(
        flowii_empty,
        "products",
        {"create": [{"name": f"Tovar {i}", "code": f"T-{i:03d}"} for i in range(250)]},
    )
    client = account(flowii_empty)
    sandbox(flowii_empty, "stats", method="DELETE")
    codes = [p["code"] for p in client.products()]
    assert codes == [f"T-{i:03d}" for i in range(250)]
    assert requests_to(flowii_empty, "GET /api/v1/products") == 3
    assert [p["code"] for p in client.products(code="T-042")] == ["T-042"]


def test_sandbox_token_expiry_mid_iteration(flowii_empty):
    sandbox(
        flowii_empty,
        "products",
        {"create": [{"name": f"Tovar {i}", "code": f"E-{i:03d}"} for i in range(250)]},
    )
    sandbox(flowii_empty, "token", {"ttl": 1})
    client = account(flowii_empty)
    sandbox(flowii_empty, "stats", method="DELETE")
    seen = []
    for number, product in enumerate(client.products(), start=1):
        seen.append(product["code"])
        if number % 100 == 0:  # between pages: every token FLOWii gave is gone
            sandbox(flowii_empty, "token", {"expire_all": True})
    assert len(seen) == 250 and len(set(seen)) == 250
    # one login at the start and one after each expiry; each refused page asked again
    assert requests_to(flowii_empty, "POST /token") == 3
    assert requests_to(flowii_empty, "GET /api/v1/products") == 5


def test_sandbox_503_burst_then_success(flowii_server, caplog):
    client = account(flowii_server)
    client.token()
    sandbox(flowii_server, "faults", {"next": ["503", "503", "503"]})
    with caplog.at_level(logging.WARNING, logger="connector.http"):
        assert client.units()
    assert len([r for r in caplog.records if r.name == "connector.http"]) == 3
    assert FLOWII_PASSWORD not in caplog.text and FLOWII_API_KEY not in caplog.text


def test_sandbox_429_retry_after_is_honoured(flowii_server):
    sleeps = []
    client = account(flowii_server, sleep=sleeps.append)
    client.token()
    sandbox(flowii_server, "faults", {"next": ["429"], "retry_after": 3})
    assert client.payment_types()
    assert sleeps == [3.0]


def test_sandbox_429_for_ever_ends_rate_limited(flowii_server):
    client = account(flowii_server, max_attempts=2)
    client.token()
    sandbox(flowii_server, "faults", {"next": ["429", "429"], "retry_after": 1})
    with pytest.raises(RateLimited) as caught:
        client.units()
    assert caught.value.status == 429


def test_sandbox_timeouts_exhaust_the_budget(flowii_server):
    client = account(flowii_server, read_timeout=0.2, max_attempts=2)
    client.token()
    sandbox(flowii_server, "faults", {"next": ["timeout", "timeout"], "timeout_seconds": 1})
    with pytest.raises(Unavailable) as caught:
        client.units()
    assert str(caught.value) == "FLOWii did not answer within 0.2 s; tried twice (GET units)."


def _order_body(server, external_id):
    client = account(server)
    company = client.companies()[0]
    partner = client.create_partner(
        {
            "name": "Ján Novák",
            "partnerTypeId": client.partner_types()[0]["id"],
            "email": "jan@example.sk",
            "externalId": f"customer-{external_id}",
        }
    )
    return client, {
        "companyId": company["id"],
        "partnerId": partner["id"],
        "externalId": external_id,
        "externalNumber": str(external_id),
        "issueDate": date(2026, 3, 1),
        "currency": "EUR",
        "pricesIncludeVat": True,
        "items": [
            {
                "productId": None,
                "name": "Poplatok",
                "quantity": Decimal("1"),
                "unitId": client.units()[0]["id"],
                "unitPrice": Decimal("12.30"),
                "vatRate": Decimal("20"),
                "discountPercent": Decimal("0"),
            }
        ],
    }


def test_sandbox_order_is_never_created_twice(flowii_empty):
    client, body = _order_body(flowii_empty, 4711)
    first, created = client.create_order(body)
    assert created is True and first["totalWithVat"] == "12.30"
    again, created_again = client.create_order(body)
    assert created_again is False and again["id"] == first["id"]
    assert client.find_order(4711)["number"] == first["number"]
    assert len(sandbox(flowii_empty, "dump")["orders"]) == 1


def test_sandbox_order_create_survives_a_cut_off_answer(flowii_empty):
    client, body = _order_body(flowii_empty, 4712)
    client.token()
    sandbox(flowii_empty, "faults", {"next": ["cutoff"]})
    order, created = client.create_order(body)  # the first POST did create it
    assert created is False
    assert [o["id"] for o in sandbox(flowii_empty, "dump")["orders"]] == [order["id"]]


def test_sandbox_partner_validation_in_words(flowii_empty):
    client = account(flowii_empty)
    with pytest.raises(ValidationError) as caught:
        client.create_partner({"name": "X", "partnerTypeId": 1, "email": "not an e-mail"})
    assert caught.value.code == "validation_error"
    assert "email" in str(caught.value)


def test_sandbox_dates_with_z_filter_products(flowii_empty):
    sandbox(flowii_empty, "products", {"create": [{"name": "Nový", "code": "N-1"}]})
    client = account(flowii_empty)
    assert [p["code"] for p in client.products(modified_since=datetime(2000, 1, 1))] == ["N-1"]
    future = datetime.now(UTC) + timedelta(days=1)
    assert list(client.products(modified_since=future)) == []
