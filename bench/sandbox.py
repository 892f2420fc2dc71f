"""The simulated shop and FLOWii account the benchmark runs against: started in this process,
seeded at a chosen size (counts may be overridden), reset between steps, counted per step."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import requests

from connector.flowii import FlowiiClient
from sandbox import seed as seed_module
from sandbox.flowii_sim import API_KEY, EMAIL, PASSWORD
from sandbox.serve import start_sandbox

from .measure import stats_diff

CONTROL = "/__sandbox__/"


class BenchSandbox:
    """Both simulators on free loopback ports. `counts` (products, categories, customers,
    orders) override the size's seed numbers; `reseed(**counts)` changes them and resets."""

    def __init__(self, size: str, latency_ms: int, **counts):
        self.size = size
        self.latency_ms = latency_ms
        self.counts = {k: v for k, v in counts.items() if v is not None}
        self._original_build_seed = seed_module.build_seed
        # The simulators build their data with `seed.build_seed(size)` on every reset; the
        # wrapper adds the benchmark's counts, so sizes the demo never needs (50,000
        # products) are built the same way, deterministically.
        seed_module.build_seed = self._build_seed
        try:
            self.servers = start_sandbox(0, 0, size, latency_ms)
        except Exception:
            seed_module.build_seed = self._original_build_seed
            raise
        self.woo_url = self.servers.woocommerce_url
        self.flowii_url = self.servers.flowii_url

    def _build_seed(self, size: str = "small", **counts):
        return self._original_build_seed(size, **{**self.counts, **counts})

    def seed_data(self):
        """The data both simulators were seeded with (built again: it is deterministic)."""
        return self._build_seed(self.size)

    def stop(self) -> None:
        self.servers.stop()
        seed_module.build_seed = self._original_build_seed

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    # -- control ------------------------------------------------------------------------
    def _control(self, url: str, method: str, action: str, body=None) -> dict:
        reply = requests.request(method, url + CONTROL + action, json=body, timeout=120)
        reply.raise_for_status()
        return reply.json()

    def reset(self) -> None:
        """Both sides back to the seed (the counters too)."""
        for url in (self.woo_url, self.flowii_url):
            self._control(url, "POST", "reset", {"seed": "default"})

    def reseed(self, **counts) -> None:
        self.counts.update({k: v for k, v in counts.items() if v is not None})
        self.reset()

    def stats(self) -> dict:
        return {
            "shop": self._control(self.woo_url, "GET", "stats"),
            "flowii": self._control(self.flowii_url, "GET", "stats"),
        }

    @contextlib.contextmanager
    def counting(self) -> Iterator[dict]:
        """Yields a dict that holds, once the block ends, the requests each side counted
        while it ran: {"shop": {...}, "flowii": {...}}."""
        before = self.stats()
        counted: dict = {}
        try:
            yield counted
        finally:
            after = self.stats()
            for side in ("shop", "flowii"):
                counted[side] = stats_diff(before[side], after[side])

    # -- reading the result -------------------------------------------------------------
    def flowii_orders(self) -> list[dict]:
        """Every received order in the FLOWii account (read after a step, not counted in it)."""
        client = FlowiiClient(self.flowii_url, EMAIL, PASSWORD, API_KEY)
        try:
            return list(client.iter_pages("/orders"))
        finally:
            client.close()

    def job(self) -> dict:
        """What a child process needs to reach the servers."""
        return {"woo_url": self.woo_url, "flowii_url": self.flowii_url}
