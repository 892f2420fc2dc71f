"""The Shipping and Payments pages against the simulators over HTTP: each shop method mapped
to a FLOWii delivery type and a shipping item (a good of a shipping category, or a line by
the method's name), each gateway to a FLOWii payment method; refresh from the shop; methods
that hold orders back highlighted."""

from __future__ import annotations

from datetime import timedelta

import pytest

from connector.models import Link, PaymentMapping, ShippingMapping, SyncLog, SyncRun
from sandbox import flowii_seed as seed
from sandbox.configure import configure_for_sandbox
from tests.admin.helpers import PAYMENTS_URL, SHIPPING_URL, flowii_only, held_line, messages_of

pytestmark = pytest.mark.django_db

FIRM = {"flowii_company_id": seed.COMPANY_MOJA_FIRMA}


def rows_post(*rows: dict) -> dict:
    data = {"form-TOTAL_FORMS": str(len(rows)), "form-INITIAL_FORMS": str(len(rows))}
    for n, row in enumerate(rows):
        data.update({f"form-{n}-{k}": v for k, v in row.items()})
    return {**data, "_save": "Save"}


def test_shipping_offers_delivery_types_and_goods_of_the_shipping_categories(
    admin_client, flowii_server
):
    flowii_only(flowii_server.url, **FIRM, shipping_category_ids=[seed.CATEGORY_DOPRAVA])
    row = ShippingMapping.objects.create(
        zone_id=1, zone_name="Slovensko", method_id="flat_rate", instance_id="1", title="Kuriér"
    )
    off = ShippingMapping.objects.create(
        zone_id=1, method_id="flat_rate", instance_id="2", title="Pošta", enabled=False
    )
    html = admin_client.get(SHIPPING_URL).content.decode()
    assert "connector-flowii-error" not in html
    for delivery_type in ("Dobierka", "Osobný odber", "Poštou", "Kuriér"):
        assert f">{delivery_type}</option>" in html
    assert "Doprava kuriérom (DOPRAVA-KURIER)" in html
    assert "Doprava poštou (DOPRAVA-POSTA)" in html
    assert "— a line by the method&#x27;s name —" in html
    assert "Montáž" not in html  # only goods of the shipping categories
    assert html.count("connector-unmapped") == 1  # the enabled one; the disabled is not urged

    post = rows_post(
        {
            "id": row.pk,
            "flowii_delivery_type_id": seed.DELIVERY_KURIER,
            "flowii_good_id": seed.GOOD_KURIER,
        },
        {"id": off.pk, "flowii_delivery_type_id": seed.DELIVERY_POSTOU, "flowii_good_id": ""},
    )
    response = admin_client.post(SHIPPING_URL, post)
    assert response.status_code == 302
    row.refresh_from_db()
    off.refresh_from_db()
    assert (row.flowii_delivery_type_id, row.flowii_delivery_type_name) == (
        seed.DELIVERY_KURIER,
        "Kuriér",
    )
    assert (row.flowii_good_id, row.flowii_good_name) == (seed.GOOD_KURIER, "Doprava kuriérom")
    # No shipping item: the order's shipping line goes in by the method's name.
    assert (off.flowii_good_id, off.flowii_good_name) == (None, "")
    assert off.flowii_delivery_type_name == "Poštou"
    assert "connector-unmapped" not in admin_client.get(SHIPPING_URL).content.decode()


def test_a_subcategory_as_shipping_category_offers_its_goods_only(admin_client, flowii_server):
    flowii_only(flowii_server.url, **FIRM, shipping_category_ids=[seed.CATEGORY_MONTAZ])
    ShippingMapping.objects.create(zone_id=1, method_id="flat_rate", instance_id="1", title="K")
    html = admin_client.get(SHIPPING_URL).content.decode()
    assert "Montáž (SLUZBA-MONTAZ)" in html
    assert "Darčekové balenie" not in html  # in Služby, not in its subcategory
    assert "DOPRAVA-KURIER" not in html


def test_a_record_not_offered_is_refused_on_the_mapping_pages(admin_client, flowii_server):
    flowii_only(flowii_server.url, **FIRM, shipping_category_ids=[seed.CATEGORY_DOPRAVA])
    row = ShippingMapping.objects.create(
        zone_id=1, method_id="flat_rate", instance_id="1", title="K", flowii_good_id=424242
    )
    page = admin_client.get(SHIPPING_URL).content.decode()
    assert "#424242 (no longer in FLOWii)" in page
    post = rows_post(
        {"id": row.pk, "flowii_delivery_type_id": seed.DELIVERY_KURIER, "flowii_good_id": 424242}
    )
    response = admin_client.post(SHIPPING_URL, post)
    assert response.status_code == 200
    assert "#424242 is not in the FLOWii firm (any more)" in response.content.decode()
    post = rows_post({"id": row.pk, "flowii_delivery_type_id": "999", "flowii_good_id": ""})
    response = admin_client.post(SHIPPING_URL, post)
    assert "999 is not one of the FLOWii records offered here" in response.content.decode()
    row.refresh_from_db()
    assert row.flowii_delivery_type_id is None


def test_payments_offer_the_payment_methods(admin_client, flowii_server):
    flowii_only(flowii_server.url, **FIRM)
    gateway = PaymentMapping.objects.create(gateway_id="cod", title="Dobierka")
    html = admin_client.get(PAYMENTS_URL).content.decode()
    for method in ("Dobierka", "Hotovosť", "Kreditná karta", "Prevodný príkaz", "Zápočet"):
        assert f">{method}</option>" in html
    post = rows_post({"id": gateway.pk, "flowii_payment_method_id": seed.PAY_DOBIERKA})
    assert admin_client.post(PAYMENTS_URL, post).status_code == 302
    gateway.refresh_from_db()
    assert (gateway.flowii_payment_method_id, gateway.flowii_payment_method_name) == (
        seed.PAY_DOBIERKA,
        "Dobierka",
    )


def test_refresh_from_shop_reads_methods_and_gateways(admin_client, woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    ShippingMapping.objects.all().delete()
    PaymentMapping.objects.all().delete()
    response = admin_client.post(f"{SHIPPING_URL}refresh/", follow=True)
    assert any("Read 4 shipping methods" in m for m in messages_of(response))
    assert ShippingMapping.objects.count() == 4
    admin_client.post(f"{PAYMENTS_URL}refresh/", follow=True)
    assert PaymentMapping.objects.filter(gateway_id="cod").exists()
    assert admin_client.get(f"{SHIPPING_URL}refresh/").status_code == 405


def test_refresh_shows_methods_and_gateways_the_shop_no_longer_has_as_gone(
    admin_client, woo_server, flowii_server
):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    old = ShippingMapping.objects.create(
        zone_id=9, method_id="gls", instance_id="77", title="GLS", flowii_delivery_type_id=1616
    )
    PaymentMapping.objects.create(gateway_id="paypal", title="PayPal", flowii_payment_method_id=149)
    admin_client.post(f"{SHIPPING_URL}refresh/", follow=True)
    admin_client.post(f"{PAYMENTS_URL}refresh/", follow=True)
    old.refresh_from_db()
    assert old.gone and PaymentMapping.objects.get(gateway_id="paypal").gone
    assert not ShippingMapping.objects.filter(gone=True).exclude(pk=old.pk).exists()
    for url, title in ((SHIPPING_URL, "GLS"), (PAYMENTS_URL, "PayPal")):
        html = admin_client.get(url).content.decode()
        row = html[html.index(title) :]
        row = row[: row.index("</tr>")]
        assert "gone from the shop" in row and ">mapped<" not in row


def test_methods_that_hold_orders_back_are_highlighted(admin_client, no_flowii):
    ShippingMapping.objects.create(zone_id=1, method_id="flat_rate", instance_id="1", title="K")
    ShippingMapping.objects.create(
        zone_id=1, method_id="local_pickup", instance_id="3", title="O", enabled=False
    )
    PaymentMapping.objects.create(gateway_id="cod", title="Dobierka", enabled=False)
    run = SyncRun.objects.create(kind="orders", trigger="button", status="succeeded")
    shipping = {"name": "O", "method_id": "local_pickup", "instance_id": "3"}
    for order_id in ("500", "501", "502"):
        held_line(run, order_id, "order.shipping_unmapped", **shipping)
    held_line(run, "503", "order.payment_unmapped", title="Dobierka", gateway="cod")
    # Read from the codes, not the sentences: a line in another language counts the same.
    SyncLog.objects.filter(shop_id="501").update(message="Objednávka 501 čaká: ...")
    # Only the latest order export counts: an older run's held orders went over since.
    older = SyncRun.objects.create(
        kind="orders",
        trigger="button",
        status="succeeded",
        started_at=run.started_at - timedelta(hours=1),
    )
    held_line(older, "400", "order.shipping_unmapped", **shipping)
    Link.objects.create(kind="order", shop_id="502", flowii_id=1)  # went over later

    html = admin_client.get(SHIPPING_URL).content.decode()
    # Disabled now, but two orders still wait for it; the enabled unmapped one is marked too.
    assert "not mapped: 2 orders wait for it" in html
    assert html.count("connector-unmapped") == 2
    html = admin_client.get(PAYMENTS_URL).content.decode()
    assert "not mapped: 1 order waits for it" in html
