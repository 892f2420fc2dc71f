"""The customers stream and the partner book against the sandbox over real HTTP: each shop
customer becomes one FLOWii partner (matched by e-mail or IČO when FLOWii has it already),
a second run sends nothing, a change is one PATCH, a partner deleted in FLOWii is found or
made again in the same run, staff are never exported, a bad customer fails alone."""

from __future__ import annotations

import pytest
import requests

from connector.binder import Binder, Kind
from connector.clients import build_clients
from connector.http import OutcomeUnknown
from connector.models import Settings, SyncLog, SyncRun
from connector.sync.context import RunContext
from connector.sync.partners import PartnerBook
from connector.sync.runner import run
from connector.woocommerce import WooCommerceClient
from sandbox.configure import configure_for_sandbox
from sandbox.flowii_seed import (
    FIRST_PARTNER_ID,
    FLOWII_CHOICES,
    MATCHED_EMAIL,
    MATCHED_ICO,
)

pytestmark = pytest.mark.django_db
COUNTRY_NAMES = {"SK": "Slovensko", "CZ": "Česko"}


@pytest.fixture
def sandbox(woo_server, flowii_server):
    settings = configure_for_sandbox(woo_server.url, flowii_server.url)
    settings.partner_custom_field_id = FLOWII_CHOICES["partner_custom_field_id"]
    settings.save()
    return woo_server, flowii_server


def shop(woo_server) -> WooCommerceClient:
    return WooCommerceClient(woo_server.url, "ck_sandbox", "cs_sandbox")


def created(flowii_server) -> dict[int, dict]:
    """FLOWii partners the connector created or changed, by id (the read-back hook)."""
    answer = requests.get(flowii_server.url + "/__sandbox__/created", timeout=10).json()
    return {int(p["id"]): p for p in answer["partners"]}


def stats(server) -> dict:
    answer = requests.get(server.url + "/__sandbox__/stats", timeout=10).json()["by_path"]
    return {key: n for key, n in answer.items() if n and key != "POST /token"}


def writes(server) -> dict:
    return {key: n for key, n in stats(server).items() if not key.startswith("GET ")}


def meta(record: dict) -> dict:
    return {m["key"]: m["value"] for m in record.get("meta_data") or []}


def partner_of(customer_id) -> int:
    return Binder(Kind.CUSTOMER).by_shop(customer_id).flowii_id


def log_lines(result, level=None) -> list[SyncLog]:
    lines = SyncLog.objects.filter(run=result)
    return list(lines.filter(level=level) if level else lines)


def test_first_run_makes_one_partner_per_customer_with_its_data(sandbox):
    woo_server, flowii_server = sandbox
    customers = list(shop(woo_server).customers())
    result = run("customers")
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    partners = created(flowii_server)
    ids = {c["id"]: partner_of(c["id"]) for c in customers}
    assert len(set(ids.values())) == len(customers)  # one partner each, none shared
    matched = {c["id"] for c in customers if c["email"] == MATCHED_EMAIL}
    matched |= {c["id"] for c in customers if meta(c).get("billing_ico") == MATCHED_ICO}
    assert len(matched) == 2
    # Everyone else was created: one POST each, never two.
    assert writes(flowii_server)["POST /partners"] == len(customers) - 2
    settings = Settings.load()
    for customer in customers:
        partner = partners[ids[customer["id"]]]
        billing, numbers = customer["billing"], meta(customer)
        assert partner["type"] == (1 if numbers.get("billing_ico") or billing["company"] else 2)
        assert (partner["ico"] or "") == numbers.get("billing_ico", "")
        assert (partner["dic"] or "") == numbers.get("billing_dic", "")
        assert (partner["ic-dph"] or "") == numbers.get("billing_ic_dph", "")
        contact = partner["key_contact"]
        # A buyer who never filled in the checkout has only the account's name and e-mail.
        assert (contact["first-name"], contact["last-name"]) == (
            billing["first_name"] or customer["first_name"],
            billing["last_name"] or customer["last_name"],
        )
        assert contact["email"].lower() == (billing["email"] or customer["email"]).lower()
        address = partner["billing_address"]
        if not billing["address_1"]:
            assert address is None
            continue
        assert (address["street"], address["city"], address["zip"]) == (
            ", ".join(p for p in (billing["address_1"], billing["address_2"]) if p),
            billing["city"],
            billing["postcode"],
        )
        assert address["country"] == COUNTRY_NAMES[billing["country"]]
        if customer["shipping"]["address_1"]:
            assert partner["delivery_address"]["street"].startswith(
                customer["shipping"]["address_1"]
            )
        assert partner["base_business_relationship_id"] == str(settings.business_relationship_id)
        assert partner["extended_business_relationship_id"] == str(
            settings.business_relationship_subtype_id
        )
        if customer["id"] not in matched:
            assert [f["value"] for f in partner["custom_fields"]] == [str(customer["id"])]
    by_email = next(c for c in customers if c["email"] == MATCHED_EMAIL)
    assert ids[by_email["id"]] == FIRST_PARTNER_ID + 1
    by_ico = next(c for c in customers if meta(c).get("billing_ico") == MATCHED_ICO)
    assert ids[by_ico["id"]] == FIRST_PARTNER_ID
    assert sum("found in FLOWii" in line.message for line in log_lines(result)) == 2


def test_staff_are_not_exported(sandbox):
    woo_server, _flowii_server = sandbox
    everyone = list(shop(woo_server).read_all("customers", {"role": "all"}))
    staff = [u for u in everyone if u["role"] in ("administrator", "shop_manager")]
    assert {u["role"] for u in staff} == {"administrator", "shop_manager"}
    run("customers")
    links = Binder(Kind.CUSTOMER)
    assert all(links.by_shop(u["id"]) is None for u in staff)
    buyers = [u for u in everyone if u["role"] == "customer"]
    assert all(links.by_shop(u["id"]) for u in buyers)


def test_a_second_run_sends_nothing_and_a_scheduled_run_reads_no_flowii(sandbox):
    woo_server, flowii_server = sandbox
    run("customers")
    flowii_server.service.stats.clear()
    again = run("customers")
    assert again.status == SyncRun.Status.SUCCEEDED, again.reason
    assert writes(flowii_server) == {}
    assert again.created == again.updated == 0
    # A scheduled run ('all') after the day's comparison only looks for new customers: one
    # shop request, nothing to FLOWii.
    flowii_server.service.stats.clear()
    woo_server.service.stats.clear()
    ctx = _context(SyncRun.Kind.ALL)
    from connector.sync.customers import export_customers

    export_customers(ctx)
    assert stats(flowii_server) == {}
    assert stats(woo_server) == {"GET /wp-json/wc/v3/customers": 1}
    assert ctx.counts["read"] == 0


def test_a_scheduled_run_exports_a_customer_registered_since_the_last_read(sandbox):
    woo_server, flowii_server = sandbox
    run("customers")
    shop(woo_server).post(
        "customers",
        {
            "email": "nova.kupujuca@example.sk",
            "first_name": "Nová",
            "last_name": "Kupujúca",
            "billing": {"first_name": "Nová", "last_name": "Kupujúca", "country": "SK"},
        },
    )
    flowii_server.service.stats.clear()
    ctx = _context(SyncRun.Kind.ALL)  # the customers part of a scheduled run
    from connector.sync.customers import export_customers

    export_customers(ctx)
    assert ctx.counts_by_kind["partner"]["created"] == 1 and ctx.counts["read"] == 1
    assert writes(flowii_server) == {"POST /partners": 1}
    emails = [p["key_contact"]["email"] for p in created(flowii_server).values()]
    assert "nova.kupujuca@example.sk" in emails


@pytest.mark.parametrize(
    "full, last_compare_hours_ago, last_id, expected",
    [
        (True, 1, 50, True),  # the button and full runs compare everyone
        (False, None, None, True),  # nothing read yet
        (False, 1, None, True),
        (False, 1, 50, False),  # compared an hour ago: only new customers
        (False, 23.9, 50, False),
        (False, 24, 50, True),  # once a day everyone again, so edits go over
    ],
)
def test_when_a_run_compares_every_customer(full, last_compare_hours_ago, last_id, expected):
    from datetime import UTC, datetime, timedelta

    from connector.sync.customers import compares_all

    now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
    last = None if last_compare_hours_ago is None else now - timedelta(hours=last_compare_hours_ago)
    assert compares_all(full, last, last_id, now) is expected


def test_a_changed_customer_is_patched_once(sandbox):
    woo_server, flowii_server = sandbox
    run("customers")
    woo = shop(woo_server)
    customer = next(c for c in woo.customers() if c["email"] != MATCHED_EMAIL)
    woo.put(f"customers/{customer['id']}", {"billing": {"city": "Prešov"}})
    flowii_server.service.stats.clear()
    result = run("customers")
    partner_id = partner_of(customer["id"])
    assert writes(flowii_server) == {"PATCH /partners/{id}": 1}
    assert result.updated == 1
    assert created(flowii_server)[partner_id]["billing_address"]["city"] == "Prešov"


def test_email_in_other_case_links_and_several_pick_the_oldest(sandbox):
    woo_server, flowii_server = sandbox
    woo = shop(woo_server)
    # FLOWii has two partners with this e-mail, in two spellings: the oldest is taken.
    new = woo.post(
        "customers",
        {
            "email": "JANA.HORVATHOVA@EXAMPLE.SK",
            "first_name": "Jana",
            "last_name": "Horváthová",
            "billing": {"first_name": "Jana", "last_name": "Horváthová", "city": "Nitra",
                        "address_1": "Štúrova 14", "postcode": "949 01", "country": "SK",
                        "email": "JANA.HORVATHOVA@EXAMPLE.SK"},
        },
    )  # fmt: skip
    result = run("customers")
    assert partner_of(new["id"]) == FIRST_PARTNER_ID + 2
    warning = [line.message for line in log_lines(result, SyncLog.Level.WARNING)]
    assert any(str(FIRST_PARTNER_ID + 3) in line and "several" in line for line in warning)


def test_a_partner_deleted_in_flowii_is_made_again_in_the_same_run(sandbox):
    woo_server, flowii_server = sandbox
    run("customers")
    woo = shop(woo_server)
    customer = next(c for c in woo.customers() if not meta(c) and c["email"] != MATCHED_EMAIL)
    old = partner_of(customer["id"])
    requests.delete(
        flowii_server.url + "/__sandbox__/partners", json={"id": old}, timeout=10
    ).raise_for_status()
    woo.put(f"customers/{customer['id']}", {"billing": {"phone": "+421 1"}})
    flowii_server.service.stats.clear()
    result = run("customers")
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    new = partner_of(customer["id"])
    assert new != old and created(flowii_server)[new]["key_contact"]["phone"] == "+421 1"
    # Its detail answered 404: no PATCH was tried; searched by e-mail, then made again.
    assert writes(flowii_server) == {"POST /partners": 1}
    gone = [line for line in log_lines(result) if "no longer in FLOWii" in line.message]
    assert len(gone) == 1 and gone[0].shop_id == str(customer["id"])


def test_a_bad_customer_fails_alone_with_a_clear_line(sandbox):
    woo_server, flowii_server = sandbox
    woo = shop(woo_server)
    bad = woo.post("customers", {"email": "dlhy@example.sk", "last_name": "N" * 150})
    abroad = woo.post(
        "customers",
        {"email": "tokyo@example.jp", "first_name": "Aiko",
         "billing": {"address_1": "1-1 Chiyoda", "city": "Tokyo", "country": "JP"}},
    )  # fmt: skip
    result = run("customers")
    assert result.status == SyncRun.Status.PARTLY_FAILED and result.failed == 1
    errors = log_lines(result, SyncLog.Level.ERROR)
    assert [line.shop_id for line in errors] == [str(bad["id"])]
    assert "last_name" in errors[0].message and "shorten" in errors[0].message
    assert Binder(Kind.CUSTOMER).by_shop(bad["id"]) is None
    # Without a FLOWii country for JP the address goes without one, and a warning says so.
    partner = created(flowii_server)[partner_of(abroad["id"])]
    assert partner["billing_address"]["city"] == "Tokyo"
    assert partner["billing_address"]["country_id"] is None
    warnings = [x.message for x in log_lines(result, SyncLog.Level.WARNING)]
    assert any("“JP”" in line for line in warnings)
    # Retried on the next run: still failing, still said.
    assert run("customers").failed == 1


def test_requests_per_new_and_returning_buyer(sandbox):
    woo_server, flowii_server = sandbox
    run("customers")
    woo = shop(woo_server)
    woo.post("customers", {"email": "novy@example.sk", "first_name": "Nový"})
    woo.post(
        "customers",
        {"email": "firma@example.sk", "billing": {"company": "Nová firma s.r.o."},
         "meta_data": [{"key": "billing_ico", "value": "46123456"}]},
    )  # fmt: skip
    flowii_server.service.stats.clear()
    run("customers")
    # A new person: countries once per run, one e-mail search, one create; a new company
    # also one IČO search.
    assert stats(flowii_server) == {
        "GET /countries": 1,
        "GET /partners": 3,
        "POST /partners": 2,
    }
    flowii_server.service.stats.clear()
    run("customers")
    assert stats(flowii_server) == {"GET /countries": 1}  # returning, unchanged: nothing


def _context(kind) -> RunContext:
    settings = Settings.load()
    ctx = RunContext(SyncRun.objects.create(kind=kind), settings)
    ctx.woo, ctx.flowii = build_clients(settings)
    return ctx


def test_partner_book_for_orders(sandbox):
    woo_server, flowii_server = sandbox
    run("customers")
    orders = list(shop(woo_server).orders(["processing", "completed"]))[:60]
    guests = [o for o in orders if not o["customer_id"]]
    registered = [o for o in orders if o["customer_id"]]
    assert guests and registered
    flowii_server.service.stats.clear()
    book = PartnerBook(_context(SyncRun.Kind.ORDERS))
    answers = book.for_orders(orders)
    assert all(isinstance(answers[o["id"]], int) for o in orders), answers
    for order in registered:  # a customer's order goes to the customer's partner
        assert answers[order["id"]] == partner_of(order["customer_id"])
    from connector.mapping.partners import guest_key

    by_key: dict[str, set] = {}
    for order in guests:
        by_key.setdefault(guest_key(order), set()).add(answers[order["id"]])
        assert Binder(Kind.GUEST).by_shop(guest_key(order)).flowii_id == answers[order["id"]]
    assert all(len(ids) == 1 for ids in by_key.values())  # one guest, one partner
    assert writes(flowii_server).get("POST /partners", 0) <= len(by_key)
    # Asked again: every answer from the links, no FLOWii call at all.
    flowii_server.service.stats.clear()
    assert PartnerBook(_context(SyncRun.Kind.ORDERS)).for_orders(orders) == answers
    assert writes(flowii_server) == {}


class DroppedCreate:
    """The FLOWii client, except that the first partner create is carried out and its
    answer lost (as a dropped connection would)."""

    def __init__(self, flowii):
        self._flowii, self.creates = flowii, 0

    def __getattr__(self, name):
        return getattr(self._flowii, name)

    def create_partner(self, data):
        self.creates += 1
        self._flowii.create_partner(data)
        if self.creates == 1:
            raise OutcomeUnknown("FLOWii", "POST partners", "did not answer")
        raise AssertionError("a create of unknown outcome was sent again")


def test_a_create_of_unknown_outcome_is_not_repeated_and_is_found_next_run(sandbox):
    woo_server, flowii_server = sandbox
    run("customers")
    woo = shop(woo_server)
    new = woo.post("customers", {"email": "ztrata@example.sk", "first_name": "Z"})
    woo_client, flowii = build_clients(Settings.load())
    dropping = DroppedCreate(flowii)
    result = run("customers", clients=(woo_client, dropping))
    assert dropping.creates == 1 and result.failed == 1
    assert Binder(Kind.CUSTOMER).by_shop(new["id"]) is None
    assert any("did not answer whether" in x.message for x in log_lines(result))
    flowii_server.service.stats.clear()
    again = run("customers")
    assert again.status == SyncRun.Status.SUCCEEDED, again.reason
    assert "POST /partners" not in writes(flowii_server)  # found by its e-mail, not made twice
    assert Binder(Kind.CUSTOMER).by_shop(new["id"]) is not None


def test_two_buyers_of_one_firm_get_one_partner_and_keep_it(sandbox):
    woo_server, flowii_server = sandbox
    woo = shop(woo_server)
    firm = {"company": "Spoločná firma s.r.o.", "city": "Martin", "address_1": "Nová 1"}
    ico = [{"key": "billing_ico", "value": "46123456"}]
    first = woo.post("customers", {"email": "a@firma.sk", "billing": firm, "meta_data": ico})
    second = woo.post("customers", {"email": "b@firma.sk", "billing": firm, "meta_data": ico})
    result = run("customers", full=True)
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    assert partner_of(first["id"]) == partner_of(second["id"])
    flowii_server.service.stats.clear()
    run("customers")  # neither takes the partner from the other: nothing to send
    assert writes(flowii_server) == {}
    assert partner_of(first["id"]) == partner_of(second["id"])
