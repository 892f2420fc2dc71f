"""The Settings page's webhook panel: what it shows (the exact delivery URL, the secret, when
deliveries came) and what its buttons do in the shop through the REST API: make the two
webhooks (Order created, Order updated), remove them, give them a renewed secret."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings as django_settings
from django.contrib import messages
from django.utils import timezone

from . import webhook_queue
from .clients import NotConfigured, build_clients
from .http import RemoteError
from .models import Settings, WebhookState
from .webhooks import ORDER_TOPICS, delivery_url
from .wording import words

NAMES = {
    "order.created": "FLOWii connector: order created",
    "order.updated": "FLOWii connector: order updated",
}
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}


@dataclass
class Said:
    """What a button did, for the page's message."""

    text: str
    level: int = messages.SUCCESS


def url_for(request) -> str:
    return delivery_url(
        getattr(django_settings, "CONNECTOR_PUBLIC_URL", ""), request.build_absolute_uri("/")
    )


def panel(request) -> dict:
    """What the panel shows."""
    state = WebhookState.load()
    url = url_for(request)
    host = urlsplit(url).hostname or ""
    return {
        "url": url,
        "secret": webhook_queue.secret(),
        "state": state,
        "made_in_shop": bool(state.shop_webhook_ids),
        "local_url": str(words("webhooks.local_url", url=url)) if host in LOCAL_HOSTS else "",
    }


def _shop():
    woo, _flowii = build_clients(Settings.load())
    return woo


def create_in_shop(url: str) -> Said:
    """Makes the two webhooks in the shop, signed with the connector's secret; ones already
    there for this address are given the secret and turned on again (a webhook the shop
    disabled after failed deliveries included), never doubled."""
    secret = webhook_queue.secret()
    try:
        woo = _shop()
        existing = {
            h.get("topic"): h for h in woo.webhooks() if (h.get("delivery_url") or "") == url
        }
        ids, made, states = [], 0, []
        for topic in ORDER_TOPICS:
            hook = existing.get(topic)
            if hook is None:
                hook = woo.create_webhook(NAMES[topic], topic, url, secret)
                made += 1
            else:
                states.append(f"{topic} {hook.get('status')}")
                hook = woo.update_webhook(hook["id"], secret=secret, status="active")
            ids.append(int(hook["id"]))
    except (RemoteError, NotConfigured) as error:
        return Said(str(words("webhooks.shop_failed", error=error)), messages.ERROR)
    state = WebhookState.load()
    state.shop_webhook_ids = ids
    state.set_up_at = state.set_up_at or timezone.now()
    state.save(update_fields=["shop_webhook_ids", "set_up_at"])
    if made:
        return Said(str(words("webhooks.created", count=made)))
    return Said(str(words("webhooks.already", states=", ".join(states))), messages.INFO)


def remove_from_shop(url: str) -> Said:
    """Deletes the webhooks the connector made (and any other for its address): from now
    on new orders come with the schedule only."""
    state = WebhookState.load()
    try:
        woo = _shop()
        ours = {int(i) for i in state.shop_webhook_ids or []}
        for hook in woo.webhooks():
            if hook.get("delivery_url") == url and hook.get("topic") in ORDER_TOPICS:
                ours.add(int(hook["id"]))
        gone = 0
        for webhook_id in sorted(ours):
            try:
                woo.delete_webhook(webhook_id)
                gone += 1
            except RemoteError as error:
                if error.status not in (400, 404):  # already gone from the shop: fine
                    raise
    except (RemoteError, NotConfigured) as error:
        return Said(str(words("webhooks.shop_failed", error=error)), messages.ERROR)
    state.shop_webhook_ids = []
    state.set_up_at = None
    state.save(update_fields=["shop_webhook_ids", "set_up_at"])
    if not gone:
        return Said(str(words("webhooks.none_to_remove")), messages.INFO)
    return Said(str(words("webhooks.removed", count=gone)))


def renew() -> Said:
    """A new secret; the webhooks the connector made get it at once, others must be given
    it by hand."""
    secret = webhook_queue.renew_secret()
    state = WebhookState.load()
    if not state.shop_webhook_ids:
        return Said(str(words("webhooks.renewed_paste")), messages.WARNING)
    try:
        woo = _shop()
        for webhook_id in state.shop_webhook_ids:
            woo.update_webhook(int(webhook_id), secret=secret)
    except (RemoteError, NotConfigured) as error:
        return Said(
            str(words("webhooks.renewed_paste"))
            + " "
            + str(words("webhooks.shop_failed", error=error)),
            messages.ERROR,
        )
    return Said(str(words("webhooks.renewed_shop", count=len(state.shop_webhook_ids))))
