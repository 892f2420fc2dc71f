"""The maturity of a received order against the sandbox over real HTTP: the buyer's FLOWii
partner's own days to pay (`invoice-maturity`) when it has some, else the setting; read from
the partner detail that matching reads anyway, with no request of its own."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import requests

from connector.models import Settings, SyncRun
from connector.sync.runner import run
from connector.woocommerce import WooCommerceClient
from sandbox.configure import configure_for_sandbox
from tests.sandbox.flowii_client import Client, partner_body

pytestmark = pytest.mark.django_db
SETTING_DAYS = 10  # neither FLOWii's 0 nor the seeded partners' 14
OWN_EMAIL = "platca.30.dni@example.com"


@pytest.fixture
def sandbox(woo_server, flowii_server):
    settings = configure_for_sandbox(woo_server.url, flowii_server.url)
    settings.order_maturity_days = SETTING_DAYS
    settings.save()
    assert run("products").status == SyncRun.Status.SUCCEEDED  # order lines find their goods
    assert run("orders").status == SyncRun.Status.SUCCEEDED  # the seed's own orders first
    return woo_server, flowii_server


def flowii_partner_with_own_days(flowii_server, days: int) -> str:
    """A partner made in FLOWii by hand: a person whose key contact has OWN_EMAIL and who
    pays in `days` days."""
    client = Client(flowii_server.url)
    body = partner_body(name="Peter Platca", kind=2)
    body["data"]["attributes"].update({"ico": None, "invoice-maturity": days})
    body["data"]["relationships"]["key-contact"] = {
        "data": {
            "type": "contact",
            "attributes": {"first-name": "Peter", "last-name": "Platca", "email": OWN_EMAIL},
        }
    }
    reply = client.call("POST", "/partners", body)
    assert reply.status_code == 200, reply.text
    partner_id = reply.json()["data"]["id"]
    # FLOWii's detail carries the days as a number among the attributes (the blueprint's
    # example: "invoice-maturity": 0).
    detail = client.get(f"/partners/{partner_id}")
    assert detail["data"]["attributes"]["invoice-maturity"] == days
    return partner_id


def guest_order(woo_server, email: str, last_name: str) -> dict:
    shop = WooCommerceClient(woo_server.url, "ck_sandbox", "cs_sandbox")
    product = next(p for p in shop.products() if p.get("sku") and p["type"] == "simple")
    billing = {"first_name": "Peter", "last_name": last_name, "address_1": "Hlavná 1",
               "city": "Nitra", "postcode": "94901", "country": "SK", "email": email}  # fmt: skip
    return shop.post(
        "orders",
        {
            "status": "processing",
            "customer_id": 0,
            "payment_method": "bacs",
            "payment_method_title": "Prevod",
            "billing": billing,
            "line_items": [{"product_id": product["id"], "quantity": 1}],
            "shipping_lines": [
                {
                    "method_id": "flat_rate",
                    "instance_id": "1",
                    "method_title": "Kuriér",
                    "total": "3.90",
                }
            ],  # fmt: skip
        },
    )


def documents_of(flowii_server, partner_id: str) -> list[dict]:
    answer = requests.get(flowii_server.url + "/__sandbox__/created", timeout=10).json()
    return [d for d in answer["documents"] if d["partner_id"] == str(partner_id)]


def days_to_pay(document: dict) -> int:
    attributes = document["attributes"]
    issued = datetime.fromisoformat(attributes["issue-date"])
    return (datetime.fromisoformat(attributes["maturity"]) - issued).days


def test_a_buyer_matched_to_a_partner_with_its_own_days_gets_them(sandbox):
    woo_server, flowii_server = sandbox
    partner_id = flowii_partner_with_own_days(flowii_server, 30)
    guest_order(woo_server, OWN_EMAIL, "Platca")
    guest_order(woo_server, "celkom.novy@example.com", "Nový")
    flowii_server.service.stats.clear()

    result = run("orders")

    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    (document,) = documents_of(flowii_server, partner_id)
    assert days_to_pay(document) == 30  # the partner's own, not the setting's 10
    issued = datetime.fromisoformat(document["attributes"]["issue-date"])
    assert document["attributes"]["maturity"] == (issued + timedelta(days=30)).isoformat()
    # The days came with the detail matching reads to confirm the e-mail: one detail, for
    # the one buyer FLOWii's search offered a partner for.
    calls = flowii_server.service.stats
    assert calls["GET /partners/{id}"] == 1 and calls["POST /documents"] == 2
    # The other buyer's partner is new (FLOWii gives it 0 days): the setting.
    answer = requests.get(flowii_server.url + "/__sandbox__/created", timeout=10).json()
    made = [p for p in answer["partners"] if (p["key_contact"] or {}).get("email") == (
        "celkom.novy@example.com")]  # fmt: skip
    assert len(made) == 1 and made[0]["invoice-maturity"] == 0
    (other,) = documents_of(flowii_server, made[0]["id"])
    assert days_to_pay(other) == SETTING_DAYS == Settings.load().order_maturity_days


def test_a_returning_buyer_keeps_the_partners_days_without_a_new_read(sandbox):
    woo_server, flowii_server = sandbox
    partner_id = flowii_partner_with_own_days(flowii_server, 30)
    guest_order(woo_server, OWN_EMAIL, "Platca")
    assert run("orders").status == SyncRun.Status.SUCCEEDED  # matched: its detail read
    flowii_server.service.stats.clear()

    guest_order(woo_server, OWN_EMAIL, "Platca")  # the same buyer again, nothing changed
    result = run("orders")

    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    first, second = documents_of(flowii_server, partner_id)
    assert days_to_pay(first) == days_to_pay(second) == 30
    calls = flowii_server.service.stats
    # Found by its link: no search, no detail; the days were kept with the link.
    assert calls["GET /partners/{id}"] == 0 and calls["GET /partners"] == 0
    assert calls["POST /documents"] == 1
