"""The rules of the shop's webhooks, pure: is a delivery signed with our secret, what does it
ask for (the ping on saving a webhook, an order to export, nothing we use), is the order one
the connector exports, where the shop delivers to, and when the Overview warns that
deliveries stopped. The view (webhook_view.py) and the queue (webhook_queue.py) act on them.

WooCommerce signs a delivery with the base64 of the HMAC-SHA256 of the raw body, keyed with
the webhook's secret (`X-WC-Webhook-Signature`), and says what it is in `X-WC-Webhook-Topic`.
The ping it sends when a webhook is saved carries no signature: its body is `webhook_id=<id>`
and it counts as answered only with status 200.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from .dates import parse_utc

# The topics the connector asks for: an order made, an order changed (paid, status moved).
ORDER_TOPICS = ("order.created", "order.updated")
# The most of a delivery's body the endpoint reads: one REST order, even with hundreds of
# lines, is far below; anything larger is refused before it is read.
MAX_BODY_BYTES = 1024 * 1024
PATH = "/webhooks/woocommerce/"
_PING = re.compile(rb"^webhook_id=\d+$")
# After this long without a delivery, orders the polling found mean deliveries are lost.
QUIET_AFTER = timedelta(minutes=30)


def new_secret() -> str:
    """A secret for the shop's webhooks: URL-safe letters and digits only, so WooCommerce's
    HTML-entity decoding of the secret before signing cannot change it."""
    return secrets.token_urlsafe(32)


def signature(body: bytes, secret: str) -> str:
    """What WooCommerce sends in X-WC-Webhook-Signature for this body and secret."""
    digest = hmac.new(secret.encode("utf-8"), body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def signed_by(body: bytes, given: str | None, secret: str) -> bool:
    """The signature is this body's under the secret (compared in constant time)."""
    if not secret or not given:
        return False
    return hmac.compare_digest(signature(body, secret).encode(), given.strip().encode())


@dataclass(frozen=True)
class Delivery:
    """What one delivery asks for.

    kind: "ping" (a webhook was saved), "order" (order_id to export), "ignored" (a signed
    delivery of a topic the connector does not use) or "refused" (not signed with our secret,
    or not a delivery at all: answered 401, nothing queued)."""

    kind: str
    order_id: int | None = None
    topic: str = ""
    order: dict | None = None


def read_delivery(headers, body: bytes, secret: str) -> Delivery:
    """`headers`: a case-insensitive mapping (Django's request.headers) or a dict with
    lower-case names."""
    given = _header(headers, "X-WC-Webhook-Signature")
    topic = (_header(headers, "X-WC-Webhook-Topic") or "").strip().lower()
    if not given:
        # Only the ping comes unsigned; anything else unsigned is not from the shop.
        return Delivery("ping") if _PING.match(body.strip()) else Delivery("refused")
    if not signed_by(body, given, secret):
        return Delivery("refused", topic=topic)
    if topic not in ORDER_TOPICS:
        return Delivery("ignored", topic=topic)
    try:
        order = json.loads(body)
    except ValueError:
        return Delivery("ignored", topic=topic)
    order_id = order.get("id") if isinstance(order, dict) else None
    if isinstance(order_id, bool) or not isinstance(order_id, int) or order_id <= 0:
        return Delivery("ignored", topic=topic)
    return Delivery("order", order_id=order_id, topic=topic, order=order)


def _header(headers, name: str) -> str | None:
    value = headers.get(name)
    return value if value is not None else headers.get(name.lower())


def not_exported_because(
    order: dict, statuses, new_orders_from: datetime | None, linked: bool
) -> str | None:
    """Why a delivered order is not queued for export (a short reason), or None to queue
    it: already in FLOWii, in a status the connector does not export (a later delivery
    comes when it is paid), or older than "New orders from" (earlier orders go by the
    button only)."""
    if linked:
        return "linked"
    status = order.get("status")
    if status and statuses and status not in statuses:
        return "status"
    if new_orders_from is not None:
        created = parse_utc(order.get("date_created_gmt"))
        if created is not None and created < new_orders_from:
            return "earlier"
    return None


def delivery_url(public_url: str, request_root: str) -> str:
    """The address the shop delivers to: CONNECTOR_PUBLIC_URL when set (behind a proxy the
    request's own host may be an inner one), else the address this page was opened at."""
    root = (public_url or request_root or "").strip().rstrip("/")
    return root + PATH


def deliveries_stopped(
    set_up_at: datetime | None,
    last_delivery_at: datetime | None,
    polled_orders: int,
    now: datetime,
    quiet_after: timedelta = QUIET_AFTER,
) -> bool:
    """Warn that deliveries stopped: webhooks are set up, none came for `quiet_after`, and
    yet polling runs since then exported orders the webhooks should have announced
    (`polled_orders`: exported by polling runs that started after the last delivery, or
    after the set-up when none came, plus `quiet_after`)."""
    if set_up_at is None and last_delivery_at is None:
        return False
    since = max(d for d in (set_up_at, last_delivery_at) if d is not None)
    return now - since >= quiet_after and polled_orders > 0
