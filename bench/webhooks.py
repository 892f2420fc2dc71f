"""Order placed -> FLOWii document, with the shop's webhooks: the connector deployed as an
operator runs it (its web process serving `/webhooks/woocommerce/`, a real `qcluster`, a file
database), the simulated shop delivering signed webhooks, no schedule. Orders are placed one
every `interval` seconds over the shop's REST API; each one's time runs from just before its
POST to the moment the simulated FLOWii stored its received order. Reports the median, the
95th percentile and the slowest, and that no order went over twice.

`python -m bench.webhooks [--orders 200] [--interval 0.25]` runs it alone (on a small seeded
sandbox of its own); `python -m bench --only webhooks` runs it inside the benchmark."""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from requests_oauthlib import OAuth1

from tests.integration.webhook_deployment import Deployment

WOO_KEY, WOO_SECRET = "ck_sandbox", "cs_sandbox"
RECEIVED_ORDER = 5


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (share 0.95: the value 95 % of the values do not exceed)."""
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(rank) - 1]


class Arrivals:
    """Watches the simulated FLOWii (in this process) and notes when each received order's
    document appears, by its variable symbol (the shop's order number)."""

    def __init__(self, flowii_service):
        self.sim = flowii_service
        self.seen: dict[str, list[float]] = {}
        self._done = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self):
        self._done = len(self.sim.created_documents)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)

    def _watch(self):
        while not self._stop.is_set():
            self._collect()
            time.sleep(0.005)

    def _collect(self):
        with self.sim.lock:
            new = self.sim.created_documents[self._done :]
            self._done += len(new)
            documents = [self.sim.firms[cid].documents.get(did) for cid, did in new]
        now = time.monotonic()
        for document in documents:
            if document and document.get("type") == RECEIVED_ORDER:
                symbol = str((document.get("attributes") or {}).get("variable-symbol") or "")
                self.seen.setdefault(symbol, []).append(now)


def _order(product_id: int, n: int) -> dict:
    return {
        "status": "processing",
        "set_paid": True,
        "payment_method": "bacs",
        "payment_method_title": "Prevod",
        "billing": {
            "first_name": "Bench",
            "last_name": f"Buyer {n}",
            "email": f"bench.buyer.{n}@example.com",
            "address_1": "Hlavná 1",
            "city": "Bratislava",
            "postcode": "81101",
            "country": "SK",
        },
        "line_items": [{"product_id": product_id, "quantity": 1}],
        "shipping_lines": [
            {
                "method_id": "flat_rate",
                "instance_id": "1",
                "method_title": "Kuriér",
                "total": "3.90",
            }
        ],
    }


def measure(
    woo_url: str,
    flowii_service,
    flowii_url: str,
    orders: int = 200,
    interval: float = 0.25,
    workers: int = 2,
    say=lambda text: None,
) -> dict:
    session = requests.Session()
    session.auth = OAuth1(WOO_KEY, WOO_SECRET, signature_type="query")
    api = f"{woo_url}/wp-json/wc/v3/"
    with tempfile.TemporaryDirectory(prefix="bench-webhooks-") as folder:
        deployment = Deployment(Path(folder), workers=workers)
        try:
            deployment.set_up(woo_url, flowii_url)
            deployment.start_web()
            deployment.start_worker()
            for topic in ("order.created", "order.updated"):
                made = session.post(
                    api + "webhooks",
                    json={
                        "name": f"FLOWii {topic}",
                        "topic": topic,
                        "delivery_url": deployment.delivery_url,
                        "secret": deployment.secret,
                    },
                    timeout=30,
                )
                made.raise_for_status()
            product = session.get(api + "products", params={"per_page": 1}, timeout=30).json()
            placed: dict[str, float] = {}
            say(f"placing {orders} orders, one every {interval} s")
            with Arrivals(flowii_service) as arrivals:
                started = time.monotonic()
                for n in range(orders):
                    due = started + n * interval
                    time.sleep(max(0.0, due - time.monotonic()))
                    at = time.monotonic()
                    answer = session.post(
                        api + "orders", json=_order(product[0]["id"], n), timeout=30
                    )
                    answer.raise_for_status()
                    placed[str(answer.json()["number"])] = at
                deadline = time.monotonic() + 60
                while time.monotonic() < deadline and not all(k in arrivals.seen for k in placed):
                    time.sleep(0.05)
                time.sleep(2.0)  # a late second document would show now
                arrivals._collect()
            runs = deployment.query(
                "SELECT count(*) FROM connector_syncrun WHERE kind = 'webhook-orders'"
            )[0][0]
        finally:
            deployment.stop()
    took = [arrivals.seen[k][0] - at for k, at in placed.items() if k in arrivals.seen]
    twice = sum(1 for k in placed if len(arrivals.seen.get(k, [])) > 1)
    return {
        "orders": orders,
        "interval_s": interval,
        "workers": workers,
        "arrived": len(took),
        "missing": orders - len(took),
        "sent_twice": twice,
        "median_s": round(statistics.median(took), 3) if took else None,
        "p95_s": round(percentile(took, 0.95), 3) if took else None,
        "max_s": round(max(took), 3) if took else None,
        "webhook_runs": runs,
    }


def lines(result: dict) -> str:
    """The figures as one Markdown line."""
    return (
        f"- Order placed -> FLOWii document with webhooks ({result['orders']} orders, one "
        f"every {result['interval_s']} s, {result['workers']} workers, no schedule): median "
        f"**{result['median_s']} s**, 95th percentile **{result['p95_s']} s**, slowest "
        f"{result['max_s']} s; {result['arrived']} arrived, {result['missing']} missing, "
        f"{result['sent_twice']} sent twice; {result['webhook_runs']} webhook runs."
    )


def main(argv=None) -> int:
    from sandbox.serve import start_sandbox

    parser = argparse.ArgumentParser(prog="python -m bench.webhooks", description=__doc__)
    parser.add_argument("--orders", type=int, default=200)
    parser.add_argument("--interval", type=float, default=0.25)
    parser.add_argument("--latency-ms", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--no-cost-model", action="store_true")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    servers = start_sandbox(0, 0, "small", args.latency_ms)
    try:
        servers.woocommerce.service.set_cost_model(not args.no_cost_model)
        result = measure(
            servers.woocommerce_url,
            servers.flowii.service,
            servers.flowii_url,
            orders=args.orders,
            interval=args.interval,
            workers=args.workers,
            say=lambda text: print(text, file=sys.stderr, flush=True),
        )
    finally:
        servers.stop()
    result["latency_ms"] = args.latency_ms
    result["cost_model"] = not args.no_cost_model
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))
    print(lines(result))
    return 0 if not result["missing"] and not result["sent_twice"] else 1


if __name__ == "__main__":
    sys.exit(main())
