"""Points the connector's settings and mappings at a running sandbox, with the seed's
choices (supplier company, customer type, unit, categories, shipping and payment mapping)."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction

from connector.clients import build_clients
from connector.models import PaymentMapping, Settings, ShippingMapping
from connector.sync.methods import refresh_payment_gateways, refresh_shipping_methods

from .seed import FLOWII_CHOICES

WOO_KEY, WOO_SECRET = "ck_sandbox", "cs_sandbox"
SEED_ORDERS_FROM = datetime(2025, 1, 1, tzinfo=UTC)
FLOWII_EMAIL, FLOWII_PASSWORD, FLOWII_API_KEY = "demo@flowii.test", "sandbox", "sandbox-api-key"


@transaction.atomic
def configure_for_sandbox(woo_url: str, flowii_url: str) -> Settings:
    settings = Settings.load()
    settings.shop_url = woo_url
    settings.shop_consumer_key = WOO_KEY
    settings.shop_consumer_secret = WOO_SECRET
    settings.flowii_url = flowii_url
    settings.flowii_email = FLOWII_EMAIL
    settings.flowii_password = FLOWII_PASSWORD
    settings.flowii_api_key = FLOWII_API_KEY
    choices = FLOWII_CHOICES
    settings.supplier_company_id = choices["supplier_company_id"]
    settings.customer_type_id = choices["customer_type_id"]
    settings.non_stock_unit_id = choices["non_stock_unit_id"]
    settings.non_stock_category_ids = list(choices["non_stock_category_ids"])
    settings.shipping_category_ids = list(choices["shipping_category_ids"])
    # The seeded orders are dated in the year before 2026-11-01: all of them count as new.
    settings.new_orders_from = SEED_ORDERS_FROM
    settings.save()

    woo, flowii = build_clients(settings)
    refresh_shipping_methods(woo)
    refresh_payment_gateways(woo)
    units = {p["id"]: p.get("unitId") for p in _shipping_items(flowii, settings)}
    for key, product_id in choices["shipping_mapping"].items():
        method_id, instance_id = key.split(":")
        ShippingMapping.objects.filter(method_id=method_id, instance_id=instance_id).update(
            flowii_product_id=product_id, flowii_unit_id=units.get(product_id)
        )
    for gateway, payment_type in choices["payment_mapping"].items():
        PaymentMapping.objects.filter(gateway_id=gateway).update(
            flowii_payment_type_id=payment_type
        )
    return settings


def _shipping_items(flowii, settings):
    for category_id in settings.shipping_category_ids:
        yield from flowii.products(category_id=category_id)
