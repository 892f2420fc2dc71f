"""Customers (and guest buyers) from the shop into FLOWii partners: matched by link, then
externalId, then e-mail, then IČO; created or updated only when something changed."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from ..dates import parse_utc
from ..http import RemoteError
from ..mapping.customers import (
    MetaKeys,
    PartnerProblem,
    customer_partner,
    guest_partner,
    partner_notes,
)
from ..mapping.products import fingerprint
from ..models import Link, SyncRun
from .context import stops_the_run

STREAM = "customers"
Kind = Link.Kind
# Past this many partners to match, one read of all FLOWii partners beats a lookup each.
PRELOAD_ABOVE = 30
PAGE = 100


@dataclass(frozen=True)
class PartnerJob:
    """A partner to write to FLOWii for one buyer, planned from the database."""

    kind: str
    shop_id: str
    payload: dict
    fingerprint: str
    modified: object
    notes: tuple
    linked_id: int | None


class PartnerBook:
    """Finds the FLOWii partner of a shop customer or guest, creating or updating it."""

    def __init__(self, ctx):
        self.ctx = ctx
        s = ctx.settings
        self.customer_keys = MetaKeys(s.customer_ico_key, s.customer_dic_key, s.customer_ic_dph_key)
        self.order_keys = MetaKeys(s.order_ico_key, s.order_dic_key, s.order_ic_dph_key)
        self._index = None
        self._index_lock = threading.Lock()

    @property
    def preloaded(self) -> bool:
        return self._index is not None

    def preload(self) -> None:
        """Reads every FLOWii partner once, to match many customers without a lookup each."""
        index = {"externalId": {}, "email": {}, "ico": {}}
        for partner in self.ctx.flowii.find_partners():
            for field in index:
                value = (partner.get(field) or "").strip().lower()
                if value:
                    index[field].setdefault(value, partner)
        self._index = index

    def _match(self, payload: dict) -> dict | None:
        for field, param in (("externalId", "external_id"), ("email", "email"), ("ico", "ico")):
            value = (payload.get(field) or "").strip()
            if not value:
                continue
            if self._index is not None:
                found = self._index[field].get(value.lower())
            else:
                found = next(iter(self.ctx.flowii.find_partners(**{param: value})), None)
            if found:
                return found
        return None

    def plan(self, kind, shop_id, payload, modified=None, notes=()) -> PartnerJob | int:
        """What must be sent for this buyer (reads the database only): the linked partner's
        id when nothing changed, else a job for `send`."""
        fp = fingerprint(payload)
        link = Link.objects.filter(kind=kind, shop_id=shop_id).first()
        if link and link.fingerprint == fp:
            self.ctx.count("unchanged")
            return link.flowii_id
        return PartnerJob(
            kind, shop_id, payload, fp, modified, tuple(notes), link and link.flowii_id
        )

    def send(self, job: PartnerJob) -> tuple[dict, str, int | None]:
        """Writes the partner to FLOWii: HTTP only, no database, safe in a worker thread.
        Returns (partner, what was done, the id of a partner found by matching)."""
        flowii = self.ctx.flowii
        if job.linked_id:
            return flowii.update_partner(job.linked_id, job.payload), "updated", None
        existing = self._match(job.payload)
        if existing:
            partner = flowii.update_partner(existing["id"], job.payload)
            action, found = "matched", existing["id"]
        else:
            partner, action, found = flowii.create_partner(job.payload), "created", None
        if self._index is not None:
            with self._index_lock:
                for field in self._index:
                    value = (partner.get(field) or "").strip().lower()
                    if value:
                        self._index[field][value] = partner
        return partner, action, found

    def send_all(self, jobs: list[PartnerJob]) -> list:
        """`send` for many jobs, a few at a time; each answer is (partner, action, found) or
        the RemoteError. Jobs that could match the same FLOWii partner (same e-mail or IČO)
        are never sent at once: the later ones go after, so they find the partner the first
        one made instead of making a second."""
        first, later, keys = [], [], set()
        for index, job in enumerate(jobs):
            mine = {
                (field, (job.payload.get(field) or "").strip().lower())
                for field in ("email", "ico")
                if (job.payload.get(field) or "").strip()
            }
            (later if mine & keys else first).append(index)
            keys |= mine
        answers: list = [None] * len(jobs)
        workers = max(1, int(self.ctx.settings.order_export_concurrency or 1))
        with ThreadPoolExecutor(max_workers=workers) as pool:
            sent = list(pool.map(self._try_send, [jobs[i] for i in first]))
        for index, answer in zip(first, sent, strict=True):
            answers[index] = answer
        for index in later:
            answers[index] = self._try_send(jobs[index])
        return answers

    def _try_send(self, job: PartnerJob):
        try:
            return self.send(job)
        except RemoteError as exc:
            return exc

    def finish(self, job: PartnerJob, partner: dict, action: str, found: int | None) -> int:
        """Saves the link and logs what was done (main thread: database and language)."""
        ctx = self.ctx
        label = job.payload["name"]
        where = {"kind": job.kind, "shop_id": job.shop_id, "flowii_id": partner["id"]}
        if action == "updated":
            ctx.count("updated")
            ctx.info(_("Partner “%(name)s” updated in FLOWii.") % {"name": label}, **where)
        elif action == "matched":
            ctx.count("updated")
            ctx.info(
                _("Partner “%(name)s” found in FLOWii (id %(id)s): linked and updated.")
                % {"name": label, "id": found},
                **where,
            )
        else:
            ctx.count("created")
            ctx.info(_("Partner “%(name)s” created in FLOWii.") % {"name": label}, **where)
        for note in job.notes:
            ctx.warning(_("Partner “%(name)s”: %(note)s.") % {"name": label, "note": note}, **where)
        Link.objects.update_or_create(
            kind=job.kind,
            shop_id=job.shop_id,
            defaults={
                "flowii_id": partner["id"],
                "fingerprint": job.fingerprint,
                "shop_modified": job.modified,
                "synced_at": timezone.now(),
            },
        )
        return partner["id"]

    def customer_payload(self, customer: dict) -> tuple[dict, list[str]]:
        payload = customer_partner(
            customer,
            customer_type_id=self.ctx.settings.customer_type_id,
            meta_keys=self.customer_keys,
        )
        return payload, partner_notes(customer.get("billing") or {}, customer.get("email"), payload)

    def guest_payload(self, order: dict) -> tuple[dict, list[str]]:
        payload = guest_partner(
            order, customer_type_id=self.ctx.settings.customer_type_id, meta_keys=self.order_keys
        )
        return payload, partner_notes(order.get("billing") or {}, None, payload)


def export_customers(ctx) -> None:
    """The button and `sync customers` compare every customer; inside a scheduled run only
    the customers registered since the last run are read (the shop has no date filter)."""
    if ctx.settings.customer_type_id is None:
        ctx.error(
            _("No customer type is chosen: choose one in Settings; customers are not exported.")
        )
        ctx.count("failed")
        return
    full = ctx.full or ctx.run.kind == SyncRun.Kind.CUSTOMERS
    book = PartnerBook(ctx)
    since = None if full else ctx.bookmark(STREAM)
    links = dict(Link.objects.filter(kind=Kind.CUSTOMER).values_list("shop_id", "shop_modified"))
    if since is None and ctx.woo.count("customers", {"role": "all"}) - len(links) > PRELOAD_ABOVE:
        book.preload()
    params = {"role": "all", "orderby": "registered_date", "order": "desc"}

    def on_total(total):
        ctx.progress(done=0, total=total, label="customers")
        ctx.read_at(STREAM, ctx.woo.server_time())

    batch: list = []  # (customer, created, job), sent a page at a time
    for customer in ctx.woo.iter_pages("customers", params, on_total=on_total):
        created = parse_utc(customer.get("date_created_gmt"))
        if since and created and created < since:
            break  # newest first: everything older was seen by an earlier run
        ctx.seen(STREAM, created)
        ctx.count("read")
        ctx.progress(step=1, label="customers")
        shop_id = str(customer["id"])
        modified = parse_utc(customer.get("date_modified_gmt"))
        if shop_id in links and links[shop_id] and modified and modified <= links[shop_id]:
            ctx.count("unchanged")
            continue
        try:
            payload, notes = book.customer_payload(customer)
        except PartnerProblem as problem:
            reason = _("%(reason)s. Fix the customer in the shop.") % {"reason": problem.reason}
            customer_failed(ctx, customer, reason, created)
            continue
        job = book.plan(Kind.CUSTOMER, shop_id, payload, modified, notes)
        if not isinstance(job, int):
            batch.append((customer, created, job))
        if len(batch) == PAGE:
            _send(ctx, book, batch)
            batch = []
    if batch:
        _send(ctx, book, batch)


def _send(ctx, book: PartnerBook, batch: list) -> None:
    answers = book.send_all([job for _customer, _created, job in batch])
    for (customer, created, job), answer in zip(batch, answers, strict=True):
        if isinstance(answer, RemoteError):
            if stops_the_run(answer):
                raise answer
            customer_failed(
                ctx, customer, _("FLOWii refused it: %(error)s") % {"error": answer}, created
            )
        else:
            book.finish(job, *answer)


def customer_failed(ctx, customer, reason, created) -> None:
    ctx.count("failed")
    ctx.failed_at(STREAM, created)
    ctx.error(
        _("Customer %(customer)s (shop id %(id)s) is not exported: %(reason)s")
        % {
            "customer": customer.get("email") or customer.get("id"),
            "id": customer.get("id"),
            "reason": reason,
        },
        kind=Kind.CUSTOMER,
        shop_id=customer.get("id"),
    )
