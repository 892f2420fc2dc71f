"""FLOWii's number onto the shop orders: the adapter's order meta, in batches, then one
note each. A note whose answer was lost may have been added, so it is never sent twice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from ..binder import Binder
from ..http import AuthenticationError, RemoteError
from ..models import Link
from ..woocommerce import ORDER_NUMBER_META as NUMBER_META
from ..wording import words

BATCH = 100


def write_back(ctx) -> None:
    """Every pending write-back, a batch at a time (memory stays flat however many)."""
    binder = Binder(Link.Kind.ORDER)
    interrupted = binder.notes_pending()
    for link in interrupted:  # a run stopped while sending it: never sent twice, but told
        why = words("orders.note_interrupted")
        _note_not_added(ctx, link, why)
    binder.noted([link.shop_id for link in interrupted])
    last = 0
    while True:
        pending = binder.pending_write_backs(after_pk=last, limit=BATCH)
        if not pending:
            return
        last = pending[-1][0]
        _write_batch(ctx, binder, [binding for _pk, binding in pending])


def _write_batch(ctx, binder: Binder, links: list) -> None:
    results = ctx.woo.write_order_numbers([(int(b.shop_id), b.flowii_number) for b in links])
    done = []
    for link, result in zip(links, results, strict=True):
        if result.ok:
            done.append(link)
            continue
        error = result.error or {}
        ctx.warning(
            words(
                "orders.number_not_written",
                flowii_number=link.flowii_number,
                order=link.shop_id,
                error=error.get("message") or error.get("code"),
            ),
            kind=Link.Kind.ORDER,
            shop_id=link.shop_id,
            flowii_id=link.flowii_id,
        )
    # The number is on the order now; the note only repeats it for the order's history.
    binder.written_back([link.shop_id for link in done])
    notes = [
        (int(link.shop_id), words("orders.note_text", flowii_number=link.flowii_number))
        for link in done
    ]
    workers = max(1, int(ctx.settings.order_export_concurrency or 1))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        problems = list(pool.map(lambda note: _add_note(ctx.woo, *note), notes))
    for link, problem in zip(done, problems, strict=True):
        if problem is not None:
            _note_not_added(ctx, link, problem)
    binder.noted([link.shop_id for link in done])


def _note_not_added(ctx, link, error) -> None:
    ctx.warning(
        words(
            "orders.note_not_added",
            flowii_number=link.flowii_number,
            order=link.shop_id,
            error=error,
            field=NUMBER_META,
        ),
        kind=Link.Kind.ORDER,
        shop_id=link.shop_id,
        flowii_id=link.flowii_id,
    )


def _add_note(woo, order_id: int, note: str) -> RemoteError | None:
    try:
        woo.add_order_note(order_id, note)
    except AuthenticationError:
        raise
    except RemoteError as exc:
        return exc
    return None
