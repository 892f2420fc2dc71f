"""The Settings page's webhook panel in a real browser (Chromium, headless): it shows the
exact delivery URL and the secret, Renew changes the secret, and "Create the webhooks in the
shop" makes both webhooks in the simulated shop, which pings the connector at once and, when
an order is placed, delivers it: the order lands in FLOWii and the panel shows the delivery."""

from __future__ import annotations

import time

import pytest
import requests
from playwright.sync_api import expect

from connector import webhook_queue
from connector.models import WebhookState
from sandbox.configure import configure_for_sandbox
from tests.sandbox.test_woocommerce_sim import Api

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SETTINGS = "/admin/connector/settings/1/change/"


def wait_until(check, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    return check()


def test_the_panel_shows_renews_and_creates_the_webhooks(
    admin_page, live_server, woo_server, flowii_server, task_worker
):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    page = admin_page
    page.goto(f"{live_server.url}{SETTINGS}")
    panel = page.locator("#connector-webhooks")
    panel.scroll_into_view_if_needed()
    expect(page.locator("#connector-webhook-url")).to_have_text(
        f"{live_server.url}/webhooks/woocommerce/"
    )
    first = webhook_queue.secret()
    expect(page.locator("#connector-webhook-secret")).to_have_text(first)
    expect(page.locator("#connector-webhook-steps")).to_contain_text("Order updated")
    expect(page.locator("#connector-webhooks-remove")).to_have_count(0)

    page.click("#connector-webhook-renew")
    expect(page.locator("ul.messagelist")).to_contain_text("A new webhook secret was made")
    renewed = webhook_queue.secret()
    assert renewed != first
    expect(page.locator("#connector-webhook-secret")).to_have_text(renewed)

    page.click("#connector-webhooks-create")
    expect(page.locator("ul.messagelist")).to_contain_text("2 webhooks were made in the shop")
    hooks = Api(woo_server).get("webhooks").json()
    assert sorted(h["topic"] for h in hooks) == ["order.created", "order.updated"]
    assert {h["delivery_url"] for h in hooks} == {f"{live_server.url}/webhooks/woocommerce/"}
    expect(page.locator("#connector-webhooks-made")).to_be_visible()
    # The shop pinged the connector on making each webhook.
    assert wait_until(lambda: WebhookState.load().last_ping_at)

    # An order placed in the shop is delivered, signed with the renewed secret, and goes over.
    product = Api(woo_server).get("products", per_page=1).json()[0]["id"]
    order = Api(woo_server).created(
        "orders",
        {
            "status": "processing",
            "payment_method": "bacs",
            "payment_method_title": "Prevod",
            "billing": {"first_name": "Ida", "last_name": "Hrušková", "country": "SK",
                        "email": "ida@example.com", "city": "Nitra", "address_1": "Dlhá 2",
                        "postcode": "94901"},
            "line_items": [{"product_id": product, "quantity": 1}],
            "shipping_lines": [{"method_id": "flat_rate", "instance_id": "1",
                                "method_title": "Kuriér", "total": "3.90"}],
        },
    )  # fmt: skip

    def in_flowii():
        made = requests.get(f"{flowii_server.url}/__sandbox__/created", timeout=10).json()
        return [
            d
            for d in made["documents"]
            if str(d["attributes"].get("variable-symbol")) == str(order["number"])
        ]

    assert len(wait_until(in_flowii, 20)) == 1
    page.reload()
    expect(page.locator("#connector-webhook-last")).to_contain_text("order.")

    page.click("#connector-webhooks-remove")
    expect(page.locator("ul.messagelist")).to_contain_text("2 webhooks were removed")
    assert Api(woo_server).get("webhooks").json() == []
    expect(page.locator("#connector-webhooks-remove")).to_have_count(0)
