"""A full products import holds no more than a few pages of goods at a time: its peak memory
(tracemalloc, the connector's own allocations) hardly grows with the catalogue.

The simulators run in a child process, so that the catalogues they hold and the products the
shop keeps are not counted: only what the run itself allocates is."""

from __future__ import annotations

import contextlib
import logging
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

from connector.models import Bookmark, Link, Retry, SyncRun
from connector.sync.runner import run
from sandbox.configure import configure_for_sandbox

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
PROJECT = Path(__file__).resolve().parents[2]
# FLOWii seeded with sys.argv[1] goods (the small seed's categories), the shop empty.
SERVERS = """
import sys
from sandbox import seed
from sandbox.base import RunningServer
from sandbox.flowii_sim import FlowiiSimulator
from sandbox.woocommerce_sim import WooCommerceSimulator

goods, original = int(sys.argv[1]), seed.build_seed
seed.build_seed = lambda size="small", **counts: original(size, **{"products": goods, **counts})
with RunningServer(WooCommerceSimulator(seed="empty")) as woo:
    with RunningServer(FlowiiSimulator(seed="default")) as flowii:
        print(woo.url, flowii.url, flush=True)
        sys.stdin.read()
"""


@contextlib.contextmanager
def servers(goods: int):
    child = subprocess.Popen(
        [sys.executable, "-c", SERVERS, str(goods)],
        cwd=PROJECT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        woo_url, flowii_url = child.stdout.readline().split()
        yield woo_url, flowii_url
    finally:
        child.stdin.close()
        child.wait(timeout=30)


def peak_of_a_full_import(goods: int) -> int:
    """Bytes at the peak of a full import of `goods` goods into an empty shop."""
    for model in (Link, Retry, Bookmark):  # a fresh connector for a fresh pair of servers
        model.objects.all().delete()
    with servers(goods) as (woo_url, flowii_url):
        configure_for_sandbox(woo_url, flowii_url)
        # pytest keeps every log record it captures: a line per product, not the run's own
        lines, lines.disabled = logging.getLogger("connector.sync"), True
        tracemalloc.start()
        try:
            result = run("products", full=True)
            peak = tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()
            lines.disabled = False
    assert result.status == SyncRun.Status.SUCCEEDED, result.reason
    assert result.created > goods * 0.9  # the catalogue went over (less services, shipping)
    return peak


def test_peak_memory_stays_flat_from_2000_to_8000_goods():
    peak_of_a_full_import(300)  # warms up what any first run allocates once (translations)
    small, big = peak_of_a_full_import(2_000), peak_of_a_full_import(8_000)
    print(f"peak: {small / 1e6:.2f} MB at 2,000 goods, {big / 1e6:.2f} MB at 8,000")
    assert big < 1.5 * small, (small, big)
