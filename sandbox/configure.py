"""Points the connector's settings and mappings at a running sandbox, with the seed's
choices (firm, supplier company data, number series, customer type, unit, categories,
shipping and payment mapping), without asking the simulated FLOWii for anything."""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import transaction

from connector.clients import build_clients
from connector.models import PaymentMapping, Settings, ShippingMapping
from connector.sync.methods import refresh_payment_gateways, refresh_shipping_methods

from .credentials import WOO_KEY, WOO_SECRET
from .flowii_seed import API_KEY, EMAIL, FLOWII_CHOICES, PASSWORD, build_account

SEED_ORDERS_FROM = datetime(2025, 1, 1, tzinfo=UTC)
FLOWII_EMAIL, FLOWII_PASSWORD, FLOWII_API_KEY = EMAIL, PASSWORD, API_KEY


def _seed_names() -> dict:
    """Names of the first firm's goods, delivery types and payment methods, by id."""
    firm = build_account("small")["firms"][0]
    return {
        "goods": {g["id"]: g["name"] for g in firm["goods"]},
        "delivery_types": {d["id"]: d["name"] for d in firm["delivery_types"]},
        "payment_methods": {p["id"]: p["name"] for p in firm["payment_methods"]},
    }


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
    settings.flowii_company_id = choices["company_id"]
    settings.supplier_company_data_id = choices["company_data_id"]
    settings.numbering_sequence_id = choices["numbering_sequence_id"]
    settings.business_relationship_id = choices["business_relationship_id"]
    settings.business_relationship_subtype_id = choices["business_relationship_subtype_id"]
    settings.non_stock_unit_id = choices["non_stock_unit_id"]
    settings.non_stock_category_ids = list(choices["non_stock_category_ids"])
    settings.shipping_category_ids = list(choices["shipping_category_ids"])
    # The seeded orders are dated in the year before 2026-11-01: all of them count as new.
    settings.new_orders_from = SEED_ORDERS_FROM
    settings.save()

    woo, _flowii = build_clients(settings)
    refresh_shipping_methods(woo)
    refresh_payment_gateways(woo)
    names = _seed_names()
    for key, choice in choices["shipping_mapping"].items():
        method_id, instance_id = key.split(":")
        ShippingMapping.objects.filter(method_id=method_id, instance_id=instance_id).update(
            flowii_delivery_type_id=choice["delivery_type_id"],
            flowii_delivery_type_name=names["delivery_types"][choice["delivery_type_id"]],
            flowii_good_id=choice["good_id"],
            flowii_good_name=names["goods"][choice["good_id"]],
        )
    for gateway, method in choices["payment_mapping"].items():
        PaymentMapping.objects.filter(gateway_id=gateway).update(
            flowii_payment_method_id=method,
            flowii_payment_method_name=names["payment_methods"][method],
        )
    return settings
