"""The simulated shop and FLOWii account the benchmark runs against: started in this process,
seeded at a chosen size (counts may be overridden), reset between steps, counted per step,
with the shop's cost model and FLOWii's faults switched through their control endpoints."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import requests
from woocommerce import API

from sandbox import seed as seed_module
from sandbox.serve import start_sandbox

from .measure import stats_diff

CONTROL = "/__sandbox__/"
WOO_KEY, WOO_SECRET = "ck_sandbox", "cs_sandbox"


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
        # goods) are built the same way, deterministically.
        seed_module.build_seed = self._build_seed
        try:
            self.servers = start_sandbox(0, 0, size, latency_ms)
        except Exception:
            seed_module.build_seed = self._original_build_seed
            raise
        self.woo_url = self.servers.woocommerce_url
        self.flowii_url = self.servers.flowii_url
        self.cost_model = False

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
        reply = requests.request(method, url + CONTROL + action, json=body, timeout=600)
        reply.raise_for_status()
        return reply.json()

    def reset(self) -> None:
        """Both sides back to the seed (the counters and FLOWii's faults too; the shop's cost
        model stays as it was)."""
        for url in (self.woo_url, self.flowii_url):
            self._control(url, "POST", "reset", {"seed": "default"})

    def reseed(self, **counts) -> None:
        self.counts.update({k: v for k, v in counts.items() if v is not None})
        self.reset()

    def set_cost_model(self, on: bool) -> dict:
        """The shop's cost model (sandbox/woocommerce_sim.py CostModel) on or off."""
        self.cost_model = on
        return self._control(self.woo_url, "POST", "cost", {"enabled": bool(on)})

    def cost_settings(self) -> dict:
        return self._control(self.woo_url, "GET", "cost")

    def flowii_faults(self, **faults) -> dict:
        return self._control(self.flowii_url, "POST", "faults", faults)

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

    # -- reading the state (never counted in a step) ------------------------------------------
    def flowii_documents(self) -> list[dict]:
        """The documents (received orders) created in the FLOWii account since its reset."""
        return self._control(self.flowii_url, "GET", "created")["documents"]

    def shop(self) -> API:
        return API(
            url=self.woo_url,
            consumer_key=WOO_KEY,
            consumer_secret=WOO_SECRET,
            version="wc/v3",
            timeout=600,
        )

    def shop_counts(self) -> dict:
        """How many products the shop lists, and its categories (id, name, parent)."""
        shop = self.shop()
        reply = shop.get("products", params={"per_page": 1})
        products = int(reply.headers.get("X-WP-Total") or 0)
        categories, page = [], 1
        while True:
            reply = shop.get("products/categories", params={"per_page": 100, "page": page})
            chunk = reply.json()
            categories += [
                {"id": c["id"], "name": c["name"], "parent": c.get("parent") or 0} for c in chunk
            ]
            if page >= int(reply.headers.get("X-WP-TotalPages") or 1) or not chunk:
                break
            page += 1
        return {"products": products, "categories": categories}

    def job(self) -> dict:
        """What a child process needs to reach the servers."""
        return {"woo_url": self.woo_url, "flowii_url": self.flowii_url}
