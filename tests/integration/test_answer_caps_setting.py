"""The caps on an answer's size and time come from the environment (settings) into both
adapters that the runs build."""

import pytest

from connector.clients import build_clients
from connector.models import Settings

pytestmark = pytest.mark.django_db


def test_both_adapters_read_with_the_configured_caps(settings):
    settings.CONNECTOR_MAX_ANSWER_MB = 2
    settings.CONNECTOR_MAX_ANSWER_SECONDS = 15
    row = Settings.load()
    row.flowii_email, row.flowii_password, row.flowii_api_key = "a@b.sk", "pw-secret", "key-1"
    row.shop_url, row.shop_consumer_key, row.shop_consumer_secret = (
        "https://shop.example.sk",
        "ck_1",
        "cs_1",
    )
    row.save()
    woo, flowii = build_clients(Settings.load())
    for adapter in (woo, flowii):
        assert adapter.http.max_body_bytes == 2 * 1024 * 1024
        assert adapter.http.max_answer_seconds == 15
