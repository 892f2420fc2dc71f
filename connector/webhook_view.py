"""The endpoint the shop's webhooks deliver to, `/webhooks/woocommerce/`: no login (the
signature is the proof), POST only, a capped body; it only records and queues, so it
answers at once. Neither the body nor the secret is ever logged."""

from __future__ import annotations

import logging

from django.http import HttpResponse, HttpResponseNotAllowed, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.debug import sensitive_variables

from . import webhook_queue
from .webhooks import MAX_BODY_BYTES, read_delivery

logger = logging.getLogger("connector.webhooks")


def _body(request) -> bytes | None:
    """The raw body, or None when it is larger than the cap (read no further than that)."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > MAX_BODY_BYTES:
        return None
    body = request.read(MAX_BODY_BYTES + 1)
    return None if len(body) > MAX_BODY_BYTES else body


@csrf_exempt
@sensitive_variables("secret")
def woocommerce(request):
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    body = _body(request)
    if body is None:
        logger.warning("webhook delivery refused: its body is larger than %s bytes", MAX_BODY_BYTES)
        return JsonResponse({"error": "body too large"}, status=413)
    secret = webhook_queue.secret()
    delivery = read_delivery(request.headers, body, secret)
    if delivery.kind == "refused":
        if webhook_queue.noted_refusal():
            logger.warning(
                "webhook delivery refused: wrong or missing signature (topic %r, webhook %r)",
                delivery.topic[:50],
                request.headers.get("X-WC-Webhook-ID", "")[:20],
            )
        return JsonResponse({"error": "signature"}, status=401)
    if delivery.kind == "ping":
        webhook_queue.noted("last_ping_at")
        # WooCommerce counts the ping as answered only with exactly 200.
        return HttpResponse("ok", content_type="text/plain", status=200)
    if delivery.kind == "ignored":
        webhook_queue.noted("last_delivery_at", last_delivery_topic=delivery.topic[:50])
        return JsonResponse({"result": "ignored"}, status=200)
    result = webhook_queue.accept(delivery)
    logger.info("webhook %s for order %s: %s", delivery.topic, delivery.order_id, result)
    return JsonResponse({"result": result}, status=202 if result == "queued" else 200)
