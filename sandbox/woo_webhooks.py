"""The simulated shop's webhooks, as WooCommerce 10 keeps and delivers them.

The REST resource `webhooks` (list, create, read, update, delete; fields id, name, status
active/paused/disabled, topic, resource, event, hooks, delivery_url, dates; the secret is
written, never shown). Delivery: when an order is created or updated, each active webhook of
the topic is POSTed the order (as REST v3 renders it at delivery time) with WooCommerce's
headers and signature (base64 of the HMAC-SHA256 of the raw body, keyed with the secret),
from a background thread, as WooCommerce delivers from its Action Scheduler queue. A new
webhook first gets the unsigned ping (body `webhook_id=<id>`). A 2xx, 301 or 302 answer
resets a webhook's failure count; any other answer (or none) counts one more failure, and a
failure when the count is already above 5 disables the webhook (WooCommerce's
`failed_delivery`).

Test switches, `POST /__sandbox__/webhooks`: {"copies": n} delivers every delivery n times
(the shop firing the same webhook several times), {"lose": n} drops the next n deliveries
(never fired), {"lose_all": true} drops every one, {"wrong_secret": true} signs with another
secret. `GET /__sandbox__/webhooks` shows the switches, what waits to go out and the log of
deliveries (id, topic, order, answer status, milliseconds the answer took).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import queue
import threading
import time
from urllib.parse import urlsplit

import requests

from .base import Request, Response, json_response
from .woo_core import Params, Shop, WooError, date_pair, links, paginate

RESOURCES = ("coupon", "customer", "order", "product")
EVENTS = ("created", "updated", "deleted", "restored")
STATUSES = ("active", "paused", "disabled")
# The actions behind each order topic (WC_Webhook::get_default_topic_hooks).
HOOKS = {
    "order.created": ["woocommerce_new_order"],
    "order.updated": [
        "woocommerce_update_order",
        "woocommerce_order_refunded",
        "woocommerce_delete_order_refund",
    ],
}
MAX_FAILURES = 5  # woocommerce_max_webhook_delivery_failures
USER_AGENT = "WooCommerce/10.0.2 Hookshot (WordPress/6.8.1)"
# WooCommerce waits a minute for an answer; the simulator less, so a test never hangs.
DELIVERY_TIMEOUT = 10.0


def sign(body: bytes, secret: str) -> str:
    return base64.b64encode(hmac.new(secret.encode(), body, hashlib.sha256).digest()).decode()


def php_json(value) -> bytes:
    """The body as PHP's wp_json_encode writes it: no spaces, "/" escaped, non-ASCII as \\u
    escapes. The signature is over these exact bytes."""
    return json.dumps(value, separators=(",", ":")).replace("/", "\\/").encode()


class Webhooks:
    """The webhooks of one simulated shop and the thread that delivers them."""

    def __init__(self, render_order, page, reply, created):
        # render_order(shop, order) -> the REST v3 order; called under `lock` at delivery.
        # page, reply, created: the simulator's answers (paging headers, Link header...).
        self.render_order = render_order
        self._page, self._reply, self._created = page, reply, created
        self.lock: threading.RLock | None = None
        self.shop: Shop | None = None
        self.items: dict[int, dict] = {}
        self.log: list[dict] = []
        self.switches = {"copies": 1, "lose": 0, "lose_all": False, "wrong_secret": False}
        self._queue: queue.Queue = queue.Queue()
        self._busy = 0
        self._busy_lock = threading.Lock()
        self._generation = 0
        self._thread: threading.Thread | None = None

    # -- state ------------------------------------------------------------------------------
    def reset(self, shop: Shop, lock) -> None:
        """A new shop: no webhooks, switches off; deliveries still queued are dropped."""
        self.shop, self.lock = shop, lock
        self.items = {}
        self.log = []
        self.switches = {"copies": 1, "lose": 0, "lose_all": False, "wrong_secret": False}
        self._generation += 1
        shop.announce = self.announce

    # -- the REST resource --------------------------------------------------------------------
    def routes(self) -> list:
        return [
            ("webhooks", {"GET": self.list_, "POST": self.create}, False),
            (
                r"webhooks/(\d+)",
                {"GET": self.read, "PUT": self.update, "DELETE": self.delete},
                True,
            ),
        ]

    def render(self, hook: dict) -> dict:
        home = self.shop.home()
        return {
            "id": hook["id"],
            "name": hook["name"],
            "status": hook["status"],
            "topic": hook["topic"],
            "resource": hook["topic"].split(".")[0],
            "event": hook["topic"].split(".")[1],
            "hooks": HOOKS.get(hook["topic"], []),
            "delivery_url": hook["delivery_url"],
            **date_pair("date_created", hook["created"]),
            **date_pair("date_modified", hook["modified"]),
            "_links": links(home, f"webhooks/{hook['id']}", "webhooks"),
        }

    def list_(self, call) -> Response:
        p = Params(call.query)
        status = p.enum("status", ("all", *STATUSES), "all")
        page = p.int("page", 1, minimum=1)
        per_page = p.int("per_page", 10, minimum=1, maximum=100)
        p.check()
        found = [h for h in self.items.values() if status == "all" or h["status"] == status]
        found.sort(key=lambda h: h["id"], reverse=call.query.get("order") != "asc")
        items, total, pages = paginate(found, page, per_page)
        return self._page(call, (items, total, pages, page), self.render)

    def create(self, call) -> Response:
        data = call.data
        topic = str(data.get("topic") or "").lower()
        if not _valid_topic(topic):
            raise WooError(
                400,
                "woocommerce_rest_shop_webhook_invalid_topic",
                "Webhook topic is required and must be valid.",
            )
        url = str(data.get("delivery_url") or "")
        if not _valid_url(url):
            raise WooError(
                400,
                "woocommerce_rest_shop_webhook_invalid_delivery_url",
                "Webhook delivery URL must be a valid URL starting with http:// or https://.",
            )
        now = self.shop.now()
        hook = {
            "id": self.shop.next_id("post"),  # a webhook was a post; its id shares the counter
            "name": str(data.get("name") or "Webhook created on a date"),
            "status": "active",  # REST creates publish the webhook: active
            "topic": topic,
            "delivery_url": url,
            "secret": str(data.get("secret") or _generated_secret()),
            "failures": 0,
            "created": now,
            "modified": now,
        }
        self.items[hook["id"]] = hook
        self._put(("ping", hook["id"], None))
        return self._created(self.render(hook), f"webhooks/{hook['id']}")

    def _hook(self, webhook_id, status: int = 400, message: str = "ID is invalid.") -> dict:
        hook = self.items.get(int(webhook_id))
        if hook is None:
            raise WooError(status, "woocommerce_rest_shop_webhook_invalid_id", message)
        return hook

    def read(self, call, webhook_id) -> Response:
        return self._reply(self.render(self._hook(webhook_id)))

    def update(self, call, webhook_id) -> Response:
        hook = self._hook(webhook_id)
        data = call.data
        if data.get("topic"):
            topic = str(data["topic"]).lower()
            if not _valid_topic(topic):
                raise WooError(
                    400,
                    "woocommerce_rest_shop_webhook_invalid_topic",
                    "Webhook topic must be valid.",
                )
            hook["topic"] = topic
        if data.get("delivery_url"):
            if not _valid_url(str(data["delivery_url"])):
                raise WooError(
                    400,
                    "woocommerce_rest_shop_webhook_invalid_delivery_url",
                    "Webhook delivery URL must be a valid URL starting with http:// or https://.",
                )
            hook["delivery_url"] = str(data["delivery_url"])
        if data.get("secret"):
            hook["secret"] = str(data["secret"])
        if data.get("status"):
            status = str(data["status"]).lower()
            if status not in STATUSES:
                raise WooError(
                    400,
                    "woocommerce_rest_shop_webhook_invalid_status",
                    "Webhook status must be valid.",
                )
            if status == "active" and hook["status"] != "active":
                hook["failures"] = 0  # assumption: turned on again, it starts afresh
            hook["status"] = status
        if data.get("name"):
            hook["name"] = str(data["name"])
        hook["modified"] = self.shop.now()
        return self._reply(self.render(hook))

    def delete(self, call, webhook_id) -> Response:
        if not call.force():
            raise WooError(
                501, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing."
            )
        hook = self._hook(webhook_id, 404, "Invalid ID.")
        body = self.render(hook)
        del self.items[hook["id"]]
        return self._reply(body)

    # -- the test switches ------------------------------------------------------------------
    def control(self, request: Request) -> Response:
        if request.method == "POST":
            payload = request.json() or {}
            for key in ("copies", "lose"):
                if key in payload:
                    self.switches[key] = max(0 if key == "lose" else 1, int(payload[key]))
            for key in ("lose_all", "wrong_secret"):
                if key in payload:
                    self.switches[key] = bool(payload[key])
        with self._busy_lock:
            waiting = self._queue.qsize() + self._busy
        return json_response(
            {
                "switches": self.switches,
                "waiting": waiting,
                "webhooks": [
                    {**self.render(h), "failure_count": h["failures"]} for h in self.items.values()
                ],
                "deliveries": self.log[-1000:],
            }
        )

    # -- delivery ---------------------------------------------------------------------------
    def announce(self, topic: str, order_id: int) -> None:
        """An order was created or updated (called by woo_orders, under the shop's lock)."""
        if any(h["status"] == "active" and h["topic"] == topic for h in self.items.values()):
            self._put(("deliver", topic, order_id))

    def _put(self, item) -> None:
        with self._busy_lock:
            self._queue.put((self._generation, item))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._work, name="woo-webhooks", daemon=True)
                self._thread.start()

    def _work(self) -> None:
        while True:
            generation, item = self._queue.get()
            with self._busy_lock:
                self._busy += 1
            try:
                if generation == self._generation:
                    if item[0] == "ping":
                        self._ping(item[1])
                    else:
                        self._deliver(item[1], item[2])
            except Exception as error:  # a delivery thread must never die
                self.log.append({"error": f"{type(error).__name__}: {error}"})
            finally:
                with self._busy_lock:
                    self._busy -= 1

    def _ping(self, webhook_id: int) -> None:
        with self.lock:
            hook = self.items.get(webhook_id)
            if hook is None:
                return
            url = hook["delivery_url"]
        status = _post(url, f"webhook_id={webhook_id}".encode(), {"User-Agent": USER_AGENT})
        with self.lock:
            self.log.append({"webhook": webhook_id, "topic": "ping", "status": status})

    def _deliver(self, topic: str, order_id: int) -> None:
        with self.lock:
            order = self.shop.orders.get(order_id)
            hooks = [
                dict(h)
                for h in self.items.values()
                if h["status"] == "active" and h["topic"] == topic
            ]
            if order is None or not hooks:
                return
            body = php_json(self.render_order(self.shop, order))
            home = self.shop.home().rstrip("/") + "/"
        for hook in hooks:
            for _copy in range(self.switches["copies"]):
                self._send(hook, topic, order_id, body, home)

    def _send(self, hook: dict, topic: str, order_id: int, body: bytes, home: str) -> None:
        with self.lock:
            lost = self.switches["lose_all"] or self.switches["lose"] > 0
            if self.switches["lose"] > 0:
                self.switches["lose"] -= 1
            secret = "not-the-secret" if self.switches["wrong_secret"] else hook["secret"]
        delivery_id = hashlib.md5(f"{hook['id']}{time.time()}".encode()).hexdigest()
        entry = {"webhook": hook["id"], "topic": topic, "order": order_id, "id": delivery_id}
        if lost:
            with self.lock:
                self.log.append({**entry, "status": "lost"})
            return
        resource, event = topic.split(".")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": USER_AGENT,
            "X-WC-Webhook-Source": home,
            "X-WC-Webhook-Topic": topic,
            "X-WC-Webhook-Resource": resource,
            "X-WC-Webhook-Event": event,
            "X-WC-Webhook-Signature": sign(body, secret),
            "X-WC-Webhook-ID": str(hook["id"]),
            "X-WC-Webhook-Delivery-ID": delivery_id,
        }
        started = time.monotonic()
        status = _post(hook["delivery_url"], body, headers)
        took_ms = round((time.monotonic() - started) * 1000, 1)
        with self.lock:
            self.log.append({**entry, "status": status, "ms": took_ms})
            current = self.items.get(hook["id"])
            if current is None:
                return
            if isinstance(status, int) and 200 <= status < 303:
                current["failures"] = 0
            elif current["failures"] > MAX_FAILURES:
                current["status"] = "disabled"
            else:
                current["failures"] += 1


def _post(url: str, body: bytes, headers: dict):
    """The answer's status, or the error's name when none came."""
    try:
        answer = requests.post(
            url, data=body, headers=headers, timeout=DELIVERY_TIMEOUT, allow_redirects=False
        )
    except requests.RequestException as error:
        return type(error).__name__
    return answer.status_code


def _valid_topic(topic: str) -> bool:
    if topic.startswith("action.") and len(topic) > len("action."):
        return True
    resource, _, event = topic.partition(".")
    return resource in RESOURCES and event in EVENTS


def _valid_url(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def _generated_secret() -> str:
    import secrets

    return secrets.token_urlsafe(37)[:50]
