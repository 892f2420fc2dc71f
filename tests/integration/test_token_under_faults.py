"""FLOWii tokens that live one second, with a fifth of FLOWii's answers faulty: the runs renew
their tokens through the faults, and never say the account lost its API access (that is said
only when FLOWii refuses a token that is still valid)."""

import pytest
import requests

from connector.flowii import FlowiiClient
from connector.models import Settings, SyncRun
from connector.sync.runner import run
from connector.woocommerce import WooCommerceClient
from sandbox.configure import configure_for_sandbox

pytestmark = pytest.mark.django_db
FAST = {"backoff_base": 0.01, "max_attempts": 8, "max_total_sleep": 5.0, "read_timeout": 2.0}


def clients() -> tuple:
    s = Settings.load()
    woo = WooCommerceClient(s.shop_url, s.shop_consumer_key, s.shop_consumer_secret, **FAST)
    flowii = FlowiiClient(
        s.flowii_url,
        s.flowii_email,
        s.flowii_password,
        s.flowii_api_key,
        company_id=s.flowii_company_id,
        **FAST,
    )
    return woo, flowii


def test_one_second_tokens_and_faults_never_read_as_lost_access(woo_server, flowii_server):
    configure_for_sandbox(woo_server.url, flowii_server.url)
    flowii_server.service.set_faults(
        {"rates": {"503": 0.08, "502": 0.04, "429-no-retry-after": 0.04, "cutoff": 0.04}, "seed": 3}
    )
    requests.post(flowii_server.url + "/__sandbox__/token", json={"ttl": 1}, timeout=5)
    try:
        results = [run(kind, clients=clients()) for kind in ("products", "customers", "orders")]
    finally:
        requests.post(flowii_server.url + "/__sandbox__/token", json={"ttl": 599}, timeout=5)
    tokens = flowii_server.service.stats.get("POST /token", 0)
    assert tokens >= 3  # the tokens really ran out and were renewed many times
    for result in results:
        assert result.reason_code != "run.credentials_refused", result.reason
        assert "fresh token" not in result.reason and "lost" not in result.reason
    assert any(r.status != SyncRun.Status.FAILED for r in results)
