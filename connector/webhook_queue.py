"""What a delivery from the shop leaves behind: the time it came, and for an order the
connector exports, one waiting row (however often the shop delivers it) and a task for the
worker. Quick by design: the endpoint answers within a second, so WooCommerce never counts
the connector as failing and never disables its webhook."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from .binder import Binder
from .models import DeliveredOrder, Link, Settings, WebhookState, default_order_statuses
from .secrets import unreadable
from .webhooks import Delivery, new_secret, not_exported_because

logger = logging.getLogger("connector.webhooks")

EXPORT_TASK = "connector.tasks.export_delivered_orders"


def secret() -> str:
    """The secret the shop's webhooks sign with, made on first use. One the current
    CONNECTOR_ENCRYPTION_KEY cannot read is "" (every delivery is refused) and is kept, so
    restoring the old key brings it back; Renew makes a new one."""
    state = WebhookState.load()
    if unreadable(state.secret):
        return ""
    if not state.secret:
        return renew_secret()
    return str(state.secret)


def renew_secret() -> str:
    """A new secret: deliveries signed with the old one are refused from now on."""
    value = new_secret()
    state = WebhookState.load()
    state.secret = value
    state.secret_renewed_at = timezone.now()
    state.save(update_fields=["secret", "secret_renewed_at"])
    return value


def noted(field: str, **more) -> None:
    """Writes the time of a ping, a refused or a signed delivery onto the state record (an
    update of those columns only: the Settings page saving meanwhile cannot undo it)."""
    WebhookState.load()
    WebhookState.objects.filter(pk=1).update(**{field: timezone.now()}, **more)
    if field == "last_delivery_at":
        WebhookState.objects.filter(pk=1, set_up_at__isnull=True).update(set_up_at=timezone.now())


# A refused delivery is noted (and logged) at most once a minute: anyone can post to the
# endpoint, and a flood of bad signatures must not become a flood of writes and log lines.
REFUSAL_NOTE_EVERY = timedelta(minutes=1)


def noted_refusal() -> bool:
    """Writes the time of a refused delivery unless one was written within the last minute;
    whether it wrote (and so whether to log it)."""
    WebhookState.load()
    now = timezone.now()
    recent = Q(last_refused_at__isnull=True) | Q(last_refused_at__lt=now - REFUSAL_NOTE_EVERY)
    return bool(WebhookState.objects.filter(recent, pk=1).update(last_refused_at=now))


def accept(delivery: Delivery) -> str:
    """Acts on a signed order delivery; returns what was done: "queued", "waiting" (the
    order waits already: this delivery adds nothing), or the reason it is not exported."""
    noted("last_delivery_at", last_delivery_topic=delivery.topic)
    settings = Settings.load()
    order_id = str(delivery.order_id)
    linked = Binder(Link.Kind.ORDER).by_shop(order_id) is not None
    statuses = settings.order_statuses or default_order_statuses()
    reason = not_exported_because(delivery.order or {}, statuses, settings.new_orders_from, linked)
    if reason:
        return reason
    try:
        with transaction.atomic():
            DeliveredOrder.objects.create(shop_order_id=order_id, topic=delivery.topic)
    except IntegrityError:
        return "waiting"  # a delivery of the same order is queued already
    enqueue()
    return "queued"


def enqueue() -> str:
    from django_q.tasks import async_task

    return async_task(EXPORT_TASK, group="connector-webhooks")
