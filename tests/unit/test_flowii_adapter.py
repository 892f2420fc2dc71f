"""The FLOWii adapter's edge cases against a faked FLOWii (`responses`): the token and its
renewal, the firm on every call, paging and its guards, filters, errors typed by what the
caller must do next, and the JSON:API bodies it sends."""

import json
import threading
from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
import responses

from connector.flowii import (
    FlowiiClient,
    NoFirmChosen,
    json_default,
    partner_body,
    received_order_body,
)
from connector.http import (
    AccessDenied,
    AuthenticationError,
    EndsRun,
    MalformedResponse,
    NotFound,
    OutcomeUnknown,
    RateLimited,
    RecordRefused,
    ValidationError,
    ends_run,
)
from connector.records import Address, Contact, OrderItem, PartnerData, ReceivedOrder

BASE = "https://flowii.test"
EMAIL, PASSWORD, API_KEY = "owner@shop.sk", "p4ssw0rd-very-secret", "key-0123456789"
FIRM = 4523


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def make_client(**options):
    options.setdefault("sleep", lambda s: None)
    options.setdefault("company_id", FIRM)
    return FlowiiClient(BASE, EMAIL, PASSWORD, API_KEY, **options)


def token_answer(rsps, *tokens, expires_in=599, refresh="refresh-1"):
    for token in tokens:
        rsps.post(
            BASE + "/token",
            json={
                "access_token": token,
                "token_type": "bearer",
                "expires_in": expires_in,
                "refresh_token": refresh,
                "userName": EMAIL,
            },
        )


def listing(*ids, next_page=None, type_="good", attributes=None):
    links = {"self": BASE + "/x", "first": BASE + "/x?page[number]=0"}
    if next_page is not None:
        links["next"] = BASE + f"/x?page[number]={next_page}"
    return {
        "data": [
            {"type": type_, "id": str(i), "attributes": dict(attributes or {"name": f"n{i}"})}
            for i in ids
        ],
        "links": links,
    }


def query_of(call) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(call.request.url).query).items()}


def errors(status, title, detail=None, pointer=None):
    item = {"status": str(status), "title": title}
    if detail:
        item["detail"] = detail
    if pointer:
        item["source"] = {"pointer": pointer}
    return {"errors": [item]}


# -- the token -----------------------------------------------------------------------------


@responses.activate
def test_token_is_asked_with_the_password_grant_and_the_api_key():
    token_answer(responses, "t1")
    responses.get(BASE + "/companies", json={"data": []})
    make_client().companies()
    login = responses.calls[0].request
    assert dict(parse_qs(login.body)) == {
        "grant_type": ["password"],
        "username": [EMAIL],
        "password": [PASSWORD],
    }
    assert login.headers["Api-Key"] == API_KEY
    call = responses.calls[1].request
    assert call.headers["Authorization"] == "Bearer t1"
    assert call.headers["Api-Key"] == API_KEY
    assert call.headers["Accept"] == "application/vnd.api+json"


@responses.activate
def test_token_is_renewed_before_it_ends_with_the_refresh_grant():
    clock = Clock()
    token_answer(responses, "t1", "t2", expires_in=599)
    responses.get(BASE + "/units", json={"data": []})
    client = make_client(clock=clock)
    client.units()
    clock.now += 599 - 10  # inside the renewal margin
    client.units()
    renewal = responses.calls[2].request
    assert renewal.url.endswith("/token")
    assert dict(parse_qs(renewal.body)) == {
        "grant_type": ["refresh_token"],
        "client_id": [EMAIL],
        "refresh_token": ["refresh-1"],
    }
    assert responses.calls[3].request.headers["Authorization"] == "Bearer t2"


@responses.activate
def test_a_refused_refresh_token_falls_back_to_the_password():
    clock = Clock()
    token_answer(responses, "t1")
    responses.post(
        BASE + "/token",
        status=400,
        json={"error": "invalid_grant", "error_description": "expired refresh token"},
    )
    token_answer(responses, "t3")
    responses.get(BASE + "/units", json={"data": []})
    client = make_client(clock=clock)
    client.units()
    clock.now += 10_000
    client.units()
    grants = [
        parse_qs(c.request.body)["grant_type"][0]
        for c in responses.calls
        if c.request.url.endswith("/token")
    ]
    assert grants == ["password", "refresh_token", "password"]
    assert responses.calls[-1].request.headers["Authorization"] == "Bearer t3"


@responses.activate
def test_a_401_renews_the_token_once_and_repeats_the_call():
    token_answer(responses, "t1", "t2")
    responses.get(BASE + "/units", status=401, json=errors(401, "Unauthorized"))
    responses.get(
        BASE + "/units", json={"data": [{"type": "unit", "id": "1", "attributes": {"name": "ks"}}]}
    )
    assert make_client().units() == [{"id": 1, "name": "ks"}]
    assert [c.request.url.split("?")[0] for c in responses.calls] == [
        BASE + "/token",
        BASE + "/units",
        BASE + "/token",
        BASE + "/units",
    ]


@responses.activate
def test_a_second_401_ends_the_run_and_says_the_fresh_token_was_refused():
    token_answer(responses, "t1", "t2")
    responses.get(BASE + "/units", status=401, json=errors(401, "Unauthorized"))
    responses.get(BASE + "/units", status=401, json=errors(401, "Unauthorized"))
    with pytest.raises(AuthenticationError) as caught:
        make_client().units()
    assert ends_run(caught.value)
    assert "fresh token" in str(caught.value)
    assert PASSWORD not in str(caught.value) and API_KEY not in str(caught.value)


@responses.activate
def test_a_token_that_ran_out_while_a_call_waited_is_renewed_again_not_called_lost():
    clock = Clock()
    token_answer(responses, "t1", "t2", "t3", expires_in=2)

    def outlived(request):
        clock.now += 5  # the call waited out a quota longer than the token lives
        return (401, {}, json.dumps(errors(401, "Unauthorized")))

    responses.add_callback(responses.GET, BASE + "/units", callback=outlived)
    responses.add_callback(responses.GET, BASE + "/units", callback=outlived)
    responses.get(BASE + "/units", json={"data": []})
    assert make_client(clock=clock).units() == []
    assert len([c for c in responses.calls if c.request.url.endswith("/token")]) == 3


@pytest.mark.parametrize(
    "body, status, words",
    [
        ({"error": "invalid_grant", "error_description": "bad"}, 400, "e-mail or password"),
        ({"error": "invalid_client", "error_description": "bad key"}, 401, "API key is wrong"),
    ],
)
@responses.activate
def test_wrong_credentials_are_said_in_words(body, status, words):
    responses.post(BASE + "/token", status=status, json=body)
    with pytest.raises(AuthenticationError) as caught:
        make_client().companies()
    assert words in str(caught.value)
    assert len(responses.calls) == 1  # never retried


@responses.activate
def test_a_fault_while_renewing_is_retried_like_any_other_call():
    responses.post(BASE + "/token", status=503, json=errors(503, "Service Unavailable"))
    token_answer(responses, "t1")
    responses.get(BASE + "/units", json={"data": []})
    assert make_client().units() == []
    assert len([c for c in responses.calls if c.request.url.endswith("/token")]) == 2


@responses.activate
def test_threads_share_one_renewal():
    token_answer(responses, "t1")
    responses.get(BASE + "/units", json={"data": []})
    client = make_client()
    threads = [threading.Thread(target=client.units) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len([c for c in responses.calls if c.request.url.endswith("/token")]) == 1


# -- the firm ------------------------------------------------------------------------------


@responses.activate
def test_every_call_but_token_and_companies_names_the_firm():
    token_answer(responses, "t1")
    responses.get(BASE + "/companies", json={"data": []})
    responses.get(BASE + "/units", json={"data": []})
    client = make_client()
    client.companies()
    client.units()
    assert "companyId" not in query_of(responses.calls[1])
    assert query_of(responses.calls[2])["companyId"] == str(FIRM)


def test_no_firm_chosen_ends_the_run_before_any_request():
    client = make_client(company_id=None)
    with responses.RequestsMock():  # any request would fail the test
        with pytest.raises(NoFirmChosen) as caught:
            client.units()
    assert ends_run(caught.value)
    assert "choose it in Settings" in str(caught.value)


@responses.activate
def test_a_firm_the_login_may_not_use_is_access_denied_in_words():
    token_answer(responses, "t1")
    responses.get(BASE + "/units", status=403, json=errors(403, "Forbidden"))
    with pytest.raises(AccessDenied) as caught:
        make_client().units()
    assert ends_run(caught.value)
    assert "may not use this firm" in str(caught.value)
    assert len([c for c in responses.calls if c.request.url.endswith("/token")]) == 1


# -- paging --------------------------------------------------------------------------------


@responses.activate
def test_pages_are_0_based_and_follow_links_next():
    token_answer(responses, "t1")
    responses.get(BASE + "/goods", json=listing(1, 2, next_page=1))
    responses.get(BASE + "/goods", json=listing(3))
    goods = list(make_client().goods())
    assert [g["id"] for g in goods] == [1, 2, 3]
    assert [query_of(c).get("page[number]") for c in responses.calls[1:]] == ["0", "1"]


@responses.activate
def test_an_empty_page_ends_the_list():
    token_answer(responses, "t1")
    responses.get(BASE + "/goods", json=listing(1, next_page=1))
    responses.get(BASE + "/goods", json={"data": [], "links": {"next": BASE + "/x"}})
    assert [g["id"] for g in make_client().goods()] == [1]
    assert len(responses.calls) == 3


@responses.activate
def test_a_server_that_ignores_the_page_number_is_not_read_forever():
    token_answer(responses, "t1")
    responses.get(BASE + "/goods", json=listing(1, 2, next_page=1))
    assert [g["id"] for g in make_client().goods()] == [1, 2]
    assert len(responses.calls) == 3  # the repeated page is read once and stops the list


@responses.activate
def test_a_good_that_moved_on_a_page_while_the_list_was_read_comes_once():
    token_answer(responses, "t1")
    responses.get(BASE + "/goods", json=listing(1, 2, 3, next_page=1))
    responses.get(BASE + "/goods", json=listing(3, 4, 5, next_page=2))  # 3 moved on a page
    responses.get(BASE + "/goods", json=listing(6))
    assert [g["id"] for g in make_client().goods()] == [1, 2, 3, 4, 5, 6]
    assert len(responses.calls) == 4


@responses.activate
def test_filters_go_as_unix_seconds_and_combine():
    token_answer(responses, "t1")
    responses.get(BASE + "/goods", json=listing())
    moment = datetime(2026, 1, 2, 3, 4, 5, 999000, tzinfo=UTC)
    list(make_client().goods(edited_from=moment, category_id=7, good_type=1))
    query = query_of(responses.calls[1])
    assert query["filter[edited-from]"] == str(int(moment.timestamp()))
    assert query["filter[category-id]"] == "7"
    assert query["filter[type]"] == "1"


@responses.activate
def test_the_first_page_is_announced_once():
    token_answer(responses, "t1")
    responses.get(BASE + "/goods", json=listing(1, next_page=1))
    responses.get(BASE + "/goods", json=listing(2))
    calls = []
    list(make_client().goods(on_first_page=lambda: calls.append(1)))
    assert calls == [1]


# -- errors --------------------------------------------------------------------------------


@responses.activate
def test_a_400_refuses_the_record_with_the_remotes_detail():
    token_answer(responses, "t1")
    responses.post(
        BASE + "/partners",
        status=400,
        json=errors(400, "Bad Request", "name is required", "/data/attributes/name"),
    )
    with pytest.raises(ValidationError) as caught:
        make_client().create_partner(PartnerData(name="", type=2))
    assert isinstance(caught.value, RecordRefused) and not ends_run(caught.value)
    assert "name is required (name)" in str(caught.value)


@responses.activate
def test_a_404_on_a_record_refuses_that_record():
    token_answer(responses, "t1")
    responses.get(BASE + "/partners/9", status=404, json=errors(404, "Not Found"))
    with pytest.raises(NotFound):
        make_client().partner(9)


@pytest.mark.parametrize("retry_after", [None, "0"])
@responses.activate
def test_429_is_retried_with_or_without_retry_after(retry_after):
    token_answer(responses, "t1")
    headers = {"Retry-After": retry_after} if retry_after else {}
    responses.get(
        BASE + "/units", status=429, json=errors(429, "API quota exceeded"), headers=headers
    )
    responses.get(BASE + "/units", json={"data": []})
    assert make_client().units() == []


@responses.activate
def test_429_that_never_ends_ends_the_run():
    token_answer(responses, "t1")
    for _ in range(5):
        responses.get(BASE + "/units", status=429, json=errors(429, "API quota exceeded"))
    with pytest.raises(RateLimited) as caught:
        make_client(max_attempts=3).units()
    assert ends_run(caught.value)


@responses.activate
def test_a_create_whose_answer_is_lost_is_outcome_unknown_and_never_repeated():
    token_answer(responses, "t1")
    responses.post(BASE + "/documents", body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(OutcomeUnknown) as caught:
        make_client().create_received_order(_order())
    assert "may or may not" in str(caught.value)
    assert len([c for c in responses.calls if c.request.url.startswith(BASE + "/documents")]) == 1


@responses.activate
def test_a_500_after_a_create_is_outcome_unknown():
    token_answer(responses, "t1")
    responses.post(BASE + "/documents", status=500, json=errors(500, "Internal Server Error"))
    with pytest.raises(OutcomeUnknown):
        make_client().create_received_order(_order())
    assert len(responses.calls) == 2


@responses.activate
def test_a_create_turned_away_with_503_or_a_quota_is_sent_again():
    token_answer(responses, "t1")
    responses.post(BASE + "/documents", status=503, json=errors(503, "Service Unavailable"))
    responses.post(BASE + "/documents", status=429, json=errors(429, "API quota exceeded"))
    responses.post(
        BASE + "/documents",
        json={"data": {"type": "document", "id": "5", "attributes": {"serial-nr": "OP1"}}},
    )
    assert make_client().create_received_order(_order()) == {"id": 5, "serial_nr": "OP1"}


@responses.activate
def test_a_create_answered_without_an_id_is_outcome_unknown():
    token_answer(responses, "t1")
    responses.post(BASE + "/partners", json={"data": {"type": "partner", "attributes": {}}})
    with pytest.raises(OutcomeUnknown):
        make_client().create_partner(PartnerData(name="X", type=2))


@responses.activate
def test_a_list_without_data_is_a_malformed_answer_that_ends_the_run():
    token_answer(responses, "t1")
    responses.get(BASE + "/units", json={"items": []})
    with pytest.raises(MalformedResponse) as caught:
        make_client().units()
    assert isinstance(caught.value, EndsRun)


# -- decoding ------------------------------------------------------------------------------


@responses.activate
def test_a_partner_detail_is_read_with_its_included_address_and_contact():
    token_answer(responses, "t1")
    responses.get(
        BASE + "/partners/7",
        json={
            "data": {
                "type": "partner",
                "id": "7",
                "attributes": {"name": "Firma", "type": 1, "ico": "36123455"},
                "relationships": {
                    "base-business-relationship": {
                        "data": {"type": "business-relationship", "id": "3"}
                    },
                    "billing-address": {"data": {"type": "address", "id": "11"}},
                    "delivery-address": {"data": None},
                    "key-contact": {"data": {"type": "contact", "id": "12"}},
                },
            },
            "included": [
                {
                    "type": "address",
                    "id": "11",
                    "attributes": {"street": "Hlavná 1", "city": "Žilina", "zip": "01001"},
                    "relationships": {"country": {"data": {"type": "country", "id": "1"}}},
                },
                {
                    "type": "contact",
                    "id": "12",
                    "attributes": {"first-name": "Ján", "last-name": "Kováč", "email": "a@b.sk"},
                },
            ],
        },
    )
    partner = make_client().partner(7)
    assert partner["ico"] == "36123455" and partner["base_relationship_id"] == 3
    assert partner["billing_address"] == {
        "id": 11,
        "street": "Hlavná 1",
        "city": "Žilina",
        "zip": "01001",
        "country_id": 1,
    }
    assert partner["delivery_address"] is None
    assert partner["key_contact"]["email"] == "a@b.sk" and partner["key_contact"]["id"] == 12


@responses.activate
def test_goods_values_come_as_sent_for_the_mapping_to_check():
    token_answer(responses, "t1")
    responses.get(
        BASE + "/goods",
        json=listing(
            1,
            attributes={"name": "Káva", "serial-nr": "K1", "selling-price": 10.5, "rate-type": 20},
        ),
    )
    (good,) = make_client().goods()
    assert good["selling_price"] == Decimal("10.5") and good["vat_rate"] == Decimal("20")


@responses.activate
def test_a_good_with_defective_values_is_passed_on_not_dropped():
    token_answer(responses, "t1")
    responses.get(BASE + "/goods", json=listing(2, attributes={"name": 5, "selling-price": "abc"}))
    (good,) = make_client().goods()
    assert good["id"] == 2 and good["name"] == 5 and good["selling_price"] == "abc"


# -- encoding ------------------------------------------------------------------------------


def _order(**changes):
    values = dict(
        partner_id=457854,
        company_data_id=37,
        numbering_sequence_id=36520,
        issue_date=datetime(2026, 3, 1, 14, 5, 7),
        delivery_date=datetime(2026, 3, 1, 14, 5, 7),
        maturity=datetime(2026, 3, 15, 14, 5, 7),
        variable_symbol="1234",
        payment_method_id=150,
        delivery_type_id=37,
        items=[
            OrderItem("Káva", Decimal(2), Decimal("7.0833"), False, Decimal(20), good_id=93669),
            OrderItem("Poplatok", Decimal(1), Decimal("1.5"), True, Decimal(20), unit_id=25359),
        ],
    )
    values.update(changes)
    return ReceivedOrder(**values)


def test_a_received_order_goes_as_a_json_api_document_with_numbers_and_local_dates():
    body = json.loads(json.dumps(received_order_body(_order()), default=json_default))
    data = body["data"]
    assert data["type"] == "document"
    assert data["attributes"] == {
        "type": 5,
        "issue-date": "2026-03-01T14:05:07",
        "delivery-date": "2026-03-01T14:05:07",
        "maturity": "2026-03-15T14:05:07",
        "variable-symbol": "1234",
    }
    rel = data["relationships"]
    assert rel["partner"] == {"data": {"type": "partner", "id": "457854"}}
    good, fee = rel["items"]["data"]
    assert good["relationships"] == {"good": {"data": {"type": "good", "id": "93669"}}}
    assert fee["relationships"]["unit-of-measure"]["data"]["id"] == "25359"


@responses.activate
def test_amounts_are_sent_as_json_numbers():
    token_answer(responses, "t1")
    responses.post(
        BASE + "/documents",
        json={"data": {"type": "document", "id": "1", "attributes": {"serial-nr": "OP1"}}},
    )
    make_client().create_received_order(_order())
    sent = json.loads(responses.calls[1].request.body)
    good, fee = sent["data"]["relationships"]["items"]["data"]
    assert good["attributes"]["quantity"] == 2 and isinstance(good["attributes"]["quantity"], int)
    assert good["attributes"]["unit-price"] == 7.0833
    assert good["attributes"]["unit-price-type"] == 1 and fee["attributes"]["unit-price-type"] == 0
    assert responses.calls[1].request.headers["Content-Type"] == "application/vnd.api+json"


def test_a_partner_update_addresses_its_nested_records_by_their_ids():
    partner = PartnerData(
        name="Ján Kováč",
        type=2,
        business_relationship_id=3,
        billing_address=Address("Hlavná 1", "Žilina", "01001", 1),
        key_contact=Contact("Ján", "Kováč", "jan@example.sk", "+421900"),
        custom_field_id=4679,
        custom_field_value="17",
    )
    current = {"billing_address": {"id": 11}, "key_contact": {"id": 12}}
    data = partner_body(partner, current, partner_id=7)["data"]
    assert data["id"] == "7"
    rel = data["relationships"]
    assert rel["billing-address"]["data"]["id"] == "11"
    assert rel["billing-address"]["data"]["relationships"]["country"]["data"]["id"] == "1"
    assert rel["key-contact"]["data"]["id"] == "12"
    assert rel["key-contact"]["data"]["attributes"]["email"] == "jan@example.sk"
    (value,) = rel["custom-field-string-values"]["data"]
    assert value["attributes"] == {"value": "17"}
    # A new partner's nested records carry no ids: FLOWii creates them.
    fresh = partner_body(partner)["data"]["relationships"]
    assert "id" not in fresh["billing-address"]["data"]
    assert "id" not in fresh["key-contact"]["data"]


@responses.activate
def test_a_partner_update_is_a_patch_answered_204():
    token_answer(responses, "t1")
    responses.patch(BASE + "/partners/7", status=204)
    assert make_client().update_partner(7, PartnerData(name="X", type=2)) is None
    assert responses.calls[1].request.method == "PATCH"


@responses.activate
def test_one_byte_that_is_not_utf8_costs_only_its_own_record():
    token_answer(responses, "t1")
    page = json.dumps(listing(1, 2, attributes={"name": "Káva NAME", "serial-nr": "K"}))
    raw = page.encode("utf-8").replace(b"NAME", b"\xff", 1)  # the first good's name only
    responses.get(BASE + "/goods", body=raw, content_type="application/vnd.api+json")
    goods = list(make_client().goods())
    assert [g["id"] for g in goods] == [1, 2]
    assert "\ufffd" in goods[0]["name"] and goods[1]["name"] == "Káva NAME"
