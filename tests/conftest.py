"""Fixtures shared by the whole suite: the simulated WooCommerce and FLOWii servers,
served over real HTTP on free loopback ports for the whole session and put back to a
known state before every test that uses them."""

import pytest

from sandbox.base import Faults, RunningServer
from sandbox.credentials import (  # noqa: F401 - the tests take them from here
    FLOWII_API_KEY,
    FLOWII_EMAIL,
    FLOWII_PASSWORD,
    WOO_KEY,
    WOO_SECRET,
)

# Every request the connector sends to the simulated FLOWii is checked against FLOWii's
# blueprint at the end of the session (tests/blueprint_plugin.py).
pytest_plugins = ["tests.blueprint_plugin"]


@pytest.fixture(scope="session")
def _woo_server():
    from sandbox.woocommerce_sim import WooCommerceSimulator

    with RunningServer(WooCommerceSimulator(seed="empty")) as server:
        yield server


@pytest.fixture(scope="session")
def _flowii_server():
    from sandbox.flowii_sim import FlowiiSimulator

    # It captures every request, so the conformance test can compare them with the blueprint.
    with RunningServer(FlowiiSimulator(seed="empty", capture=True)) as server:
        yield server


def _fresh(server, seed):
    service = server.service
    with service.lock:
        service.reset(seed)
    service.stats.clear()
    # Every fault back to its default, the quota too: no test inherits another's faults.
    service.set_faults(Faults(seed=0).as_dict())
    return server


@pytest.fixture
def woo_server(_woo_server):
    """The simulated shop with the seeded demo data; `.url`, `.service`."""
    return _fresh(_woo_server, "default")


@pytest.fixture
def woo_empty(_woo_server):
    """The simulated shop, empty (no products, categories, customers, orders...)."""
    return _fresh(_woo_server, "empty")


@pytest.fixture
def flowii_server(_flowii_server):
    """The simulated FLOWii account with the seeded demo data; `.url`, `.service`."""
    return _fresh(_flowii_server, "default")


@pytest.fixture
def flowii_empty(_flowii_server):
    return _fresh(_flowii_server, "empty")
