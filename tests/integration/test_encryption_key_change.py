"""After CONNECTOR_ENCRYPTION_KEY changed, the stored secrets read as "not set" instead of
failing every page; runs refuse to start with the reason and take no lock; and saving other
settings keeps the old tokens, so restoring the old key brings the secrets back."""

import pytest
from cryptography.fernet import Fernet

from connector.models import RunLock, Settings, SyncRun
from connector.sync.runner import run

pytestmark = pytest.mark.django_db


@pytest.fixture
def saved_secrets(settings):
    row = Settings.load()
    row.flowii_email = "owner@shop.sk"
    row.flowii_password = "p4ssw0rd-secret"
    row.flowii_api_key = "api-key-secret"
    row.shop_url = "https://shop.example.sk"
    row.shop_consumer_key = "ck_secret"
    row.shop_consumer_secret = "cs_secret"
    row.save()
    old_key = settings.CONNECTOR_ENCRYPTION_KEY
    settings.CONNECTOR_ENCRYPTION_KEY = Fernet.generate_key().decode()
    return old_key


def test_unreadable_secrets_read_as_not_set(saved_secrets):
    row = Settings.load()
    assert row.flowii_password == "" and not row.flowii_password
    assert set(row.unreadable_secrets) == {
        "flowii_password",
        "flowii_api_key",
        "shop_consumer_key",
        "shop_consumer_secret",
    }
    assert not row.is_configured


def test_a_run_refuses_to_start_and_holds_no_lock(saved_secrets):
    result = run("orders")
    assert result.status == SyncRun.Status.FAILED
    assert "CONNECTOR_ENCRYPTION_KEY" in result.reason and result.finished_at
    assert result.reason_code == "run.secrets_unreadable"
    assert not RunLock.objects.filter(run=result).exists()
    assert not RunLock.objects.filter(expires_at__isnull=False, run__isnull=False).exists()


def test_saving_other_settings_keeps_the_tokens_for_the_old_key(saved_secrets, settings):
    row = Settings.load()
    row.log_retention_days = 30
    row.save()
    settings.CONNECTOR_ENCRYPTION_KEY = saved_secrets
    again = Settings.load()
    assert again.flowii_password == "p4ssw0rd-secret"
    assert again.shop_consumer_secret == "cs_secret"
    assert again.log_retention_days == 30


def test_secrets_entered_again_are_saved_with_the_new_key(saved_secrets):
    row = Settings.load()
    row.flowii_password = "new-password"
    row.save()
    assert Settings.load().flowii_password == "new-password"
    assert "flowii_password" not in Settings.load().unreadable_secrets
