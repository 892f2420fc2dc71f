"""The Settings page's webhook panel: the exact delivery URL and the secret with the steps to
paste them, Renew, and the buttons that make and remove the two webhooks in the (simulated)
shop through its REST API."""

from __future__ import annotations

import pytest
import requests

from connector import webhook_queue
from connector.models import WebhookState
from sandbox.configure import configure_for_sandbox
from tests.admin.helpers import messages_of
from tests.sandbox.test_woocommerce_sim import Api

pytestmark = pytest.mark.django_db
SETTINGS_URL = "/admin/connector/settings/1/change/"
HOOKS = "/admin/connector/settings/webhooks/"


@pytest.fixture
def shop(woo_server, flowii_server, no_flowii):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    return woo_server


def shop_hooks(woo_server) -> list[dict]:
    return Api(woo_server).get("webhooks").json()


def test_the_panel_shows_the_exact_url_the_secret_and_the_steps(admin_client, no_flowii):
    html = admin_client.get(SETTINGS_URL).content.decode()
    secret = webhook_queue.secret()
    assert 'id="connector-webhooks"' in html
    assert '<code id="connector-webhook-url">http://testserver/webhooks/woocommerce/</code>' in html
    assert f'<code id="connector-webhook-secret">{secret}</code>' in html
    assert "WooCommerce > Settings > Advanced > Webhooks" in html
    assert "Order created" in html and "Order updated" in html and "v3" in html
    assert "connector-webhooks-remove" not in html  # nothing made in the shop yet


def test_behind_a_proxy_the_public_url_is_shown(admin_client, no_flowii, settings):
    settings.CONNECTOR_PUBLIC_URL = "https://connector.example.sk/"
    html = admin_client.get(SETTINGS_URL).content.decode()
    assert ">https://connector.example.sk/webhooks/woocommerce/</code>" in html


def test_renew_changes_the_secret(admin_client, no_flowii):
    old = webhook_queue.secret()
    response = admin_client.post(f"{HOOKS}renew/", follow=True)
    new = webhook_queue.secret()
    assert new != old
    html = response.content.decode()
    assert new in html and old not in html
    assert any("paste it into each webhook" in m for m in messages_of(response))


def test_the_buttons_want_post_and_the_change_permission(client, admin_client, no_flowii):
    assert admin_client.get(f"{HOOKS}create/").status_code == 405
    from tests.admin.helpers import staff

    staff(client, "view_settings")
    assert client.post(f"{HOOKS}renew/").status_code == 403


def test_create_makes_both_webhooks_in_the_shop_and_remove_takes_them_away(admin_client, shop):
    response = admin_client.post(f"{HOOKS}create/", follow=True)
    assert any("2 webhooks were made in the shop" in m for m in messages_of(response))
    hooks = shop_hooks(shop)
    assert sorted(h["topic"] for h in hooks) == ["order.created", "order.updated"]
    assert {h["delivery_url"] for h in hooks} == {"http://testserver/webhooks/woocommerce/"}
    assert {h["status"] for h in hooks} == {"active"}
    state = WebhookState.load()
    assert sorted(state.shop_webhook_ids) == sorted(h["id"] for h in hooks)
    assert state.set_up_at is not None
    assert "connector-webhooks-remove" in response.content.decode()

    # Pressed again: nothing doubled; a webhook the shop disabled is turned on again.
    Api(shop).put(f"webhooks/{hooks[0]['id']}", {"status": "disabled"})
    again = admin_client.post(f"{HOOKS}create/", follow=True)
    assert any("already has the connector's webhooks" in m for m in messages_of(again))
    assert len(shop_hooks(shop)) == 2 and {h["status"] for h in shop_hooks(shop)} == {"active"}

    removed = admin_client.post(f"{HOOKS}remove/", follow=True)
    assert any("2 webhooks were removed" in m for m in messages_of(removed))
    assert shop_hooks(shop) == []
    state.refresh_from_db()
    assert state.shop_webhook_ids == [] and state.set_up_at is None


def test_the_webhooks_made_sign_with_the_connectors_secret_and_renew_updates_them(
    admin_client, shop
):
    from tests.webhook_receiver import Receiver

    admin_client.post(f"{HOOKS}create/")
    with Receiver() as receiver:
        for hook in shop_hooks(shop):  # deliveries to a receiver of the test instead
            Api(shop).put(f"webhooks/{hook['id']}", {"delivery_url": receiver.url})
        renewed = admin_client.post(f"{HOOKS}renew/", follow=True)
        assert any("given to the 2 webhooks" in m for m in messages_of(renewed))
        Api(shop).created("orders", {"status": "processing"})
        got = receiver.wait_for(2)
    from connector.webhooks import signed_by

    assert got and all(
        signed_by(d["body"], d["headers"]["X-WC-Webhook-Signature"], webhook_queue.secret())
        for d in got
    )


def test_a_shop_that_refuses_says_so_and_changes_nothing(admin_client, shop):
    requests.post(
        f"{shop.url}/__sandbox__/faults", json={"next": ["500"] * 20}, timeout=10
    ).raise_for_status()
    response = admin_client.post(f"{HOOKS}create/", follow=True)
    assert any("did not take the change of its webhooks" in m for m in messages_of(response))
    assert WebhookState.load().shop_webhook_ids == []


def test_an_unreadable_secret_is_said_not_shown(admin_client, no_flowii):
    from django.db import connection

    webhook_queue.secret()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE connector_webhookstate SET secret = %s", ["gAAAAABnot-a-token"])
    html = admin_client.get(SETTINGS_URL).content.decode()
    assert "connector-webhook-unreadable" in html and "connector-webhook-secret" not in html
