"""Builds the two backend adapters from the saved settings."""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Settings


class NotConfigured(Exception):
    """The settings lack what a connection needs."""


def missing_settings(settings: Settings) -> list[str]:
    fields = [
        ("flowii_email", _("FLOWii login e-mail")),
        ("flowii_password", _("FLOWii password")),
        ("flowii_api_key", _("FLOWii API key")),
        ("shop_url", _("Shop address")),
        ("shop_consumer_key", _("WooCommerce consumer key")),
        ("shop_consumer_secret", _("WooCommerce consumer secret")),
    ]
    return [str(label) for name, label in fields if not getattr(settings, name)]


def build_clients(settings: Settings):
    """(WooCommerceClient, FlowiiClient) for the saved settings; NotConfigured if incomplete."""
    from .flowii import FlowiiClient
    from .woocommerce import WooCommerceClient

    missing = missing_settings(settings)
    if missing:
        raise NotConfigured(
            _(
                "The connection settings are incomplete (missing: %(fields)s). Fill them in Settings."
            )
            % {"fields": ", ".join(missing)}
        )
    woo = WooCommerceClient(
        settings.shop_url,
        settings.shop_consumer_key,
        settings.shop_consumer_secret,
        **answer_caps(),
    )
    flowii = FlowiiClient(
        settings.flowii_url,
        settings.flowii_email,
        settings.flowii_password,
        settings.flowii_api_key,
        company_id=settings.flowii_company_id,
        **answer_caps(),
    )
    return woo, flowii


def answer_caps() -> dict:
    """The most of an answer either adapter reads, from the environment (settings.py)."""
    from django.conf import settings as django_settings

    return {
        "max_body_bytes": int(django_settings.CONNECTOR_MAX_ANSWER_MB * 1024 * 1024),
        "max_answer_seconds": float(django_settings.CONNECTOR_MAX_ANSWER_SECONDS),
    }
