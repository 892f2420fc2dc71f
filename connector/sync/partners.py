"""The partner book: the FLOWii partner of each shop customer and guest buyer, found by its
link, else matched (e-mail, then IČO, confirmed in the detail), else created; updated only
when what we would send changed. Used by the customers and the orders stream alike.

API (stable; make ONE book per run: it caches FLOWii's countries and what this run did):

    book = PartnerBook(ctx)
    book.for_orders(orders: list[dict]) -> dict[int, int | Refusal | RemoteError]
        shop order id -> FLOWii partner id, or why not: a Refusal (bad buyer data, worded by
        connector.wording.words) or a RecordRefused (FLOWii refused the partner). A partner
        create without a known outcome gives that OutcomeUnknown (already logged here; the
        next run's matching finds the partner): the order waits, it is not the order's own
        create. Any other EndsRun error is raised. A registered customer's order uses the
        customer's partner (customers read in one request per 100); a guest's (customer_id
        0), or one whose account is gone or is staff, uses the billing data (guest_key).
    book.partner_of_customer(customer: dict) -> int   (raises Refusal / RemoteError)
    book.forget(partner_id: int) -> None
        FLOWii said the partner is gone (an order refused for it): its buyers are unlinked
        and the next for_orders call finds or creates their partner again.
    book.settle(buyers: list[Buyer]) -> list[int | RemoteError]   (the customers stream)
    book.maturities_of(partner_ids) -> {partner id: int | None}
        The partners' `invoice-maturity` (days to pay) as this run read it in their detail
        (matching a buyer, or updating a linked one), else as an earlier run kept it on the
        partner's links; None when never read (a partner just created has none).

Threads do HTTP only; the database, the log and the counts stay in the calling thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor

from ..binder import Binder, Kind, days_to_pay
from ..http import OutcomeUnknown, RemoteError
from ..mapping import partners as mapping
from ..mapping.countries import country_ids
from ..mapping.matching import joins, waves
from ..mapping.refusals import Refusal
from .partner_matching import Buyer, Sent, send_partner
from .partner_results import record_wave

__all__ = ["Buyer", "PartnerBook"]


class PartnerBook:
    """Finds or makes the FLOWii partner of shop buyers, a few at a time."""

    def __init__(self, ctx):
        self.ctx = ctx
        self._rules: dict[str, mapping.PartnerRules] = {}
        self._countries: dict[str, int] | None = None
        # match key -> (partner, its IČO) written or linked in this run
        self.known: dict[str, tuple[int, str]] = {}
        self.unsettled: dict[str, OutcomeUnknown] = {}  # match key -> create of unknown outcome
        self.results: dict[tuple, int | RemoteError] = {}  # (kind, shop id) -> this run's result
        # partner id -> its `invoice-maturity`, from the details this run read (matching,
        # updating); a partner this run only found by its link is not read for it.
        self.maturities: dict[int, object] = {}

    # -- mapping -------------------------------------------------------------------------
    def rules(self, orders: bool = False) -> mapping.PartnerRules:
        """The mapping's settings; FLOWii's countries are read once per book, when first needed."""
        key = "order" if orders else "customer"
        if key not in self._rules:
            s = self.ctx.settings
            meta = (getattr(s, f"{key}_{n}_key") for n in ("ico", "dic", "ic_dph"))
            if self._countries is None:
                self._countries = country_ids(self.ctx.flowii.countries())
            self._rules[key] = mapping.PartnerRules(
                meta_keys=mapping.MetaKeys(*meta),
                countries=self._countries,
                business_relationship_id=s.business_relationship_id,
                business_relationship_subtype_id=s.business_relationship_subtype_id,
                custom_field_id=s.partner_custom_field_id,
            )
        return self._rules[key]

    def customer_buyer(self, customer: dict, modified=None) -> Buyer:
        data, notes = mapping.customer_partner(customer, self.rules())
        return Buyer(Kind.CUSTOMER, str(customer["id"]), data, notes, modified)

    def guest_buyer(self, order: dict) -> Buyer:
        data, notes = mapping.guest_partner(order, self.rules(orders=True))
        return Buyer(Kind.GUEST, mapping.guest_key(order), data, notes)

    # -- the API of the orders stream ------------------------------------------------------
    def partner_of_customer(self, customer: dict) -> int:
        (result,) = self.settle([self.customer_buyer(customer)])
        if isinstance(result, RemoteError):
            raise result
        return result

    def for_orders(self, orders: list[dict]) -> dict[int, int | Refusal | RemoteError]:
        ids = {o.get("customer_id") for o in orders if isinstance(o.get("customer_id"), int)}
        linked = Binder(Kind.CUSTOMER).many_by_shop(i for i in ids if i > 0)
        unlinked = [i for i in ids if i > 0 and str(i) not in linked]
        accounts = self.ctx.woo.customers_by_id(unlinked) if unlinked else {}
        answers: dict[int, int | Refusal | RemoteError] = {}
        wanted: dict[int, Buyer] = {}
        for order in orders:
            number, account = order.get("customer_id"), None
            if isinstance(number, int) and str(number) in linked:
                answers[order["id"]] = linked[str(number)].flowii_id
                continue
            account = accounts.get(number) if isinstance(number, int) else None
            try:
                if account is not None and account.get("role", "customer") == "customer":
                    wanted[order["id"]] = self.customer_buyer(account)
                else:  # a guest, an account gone from the shop, or staff buying
                    wanted[order["id"]] = self.guest_buyer(order)
            except Refusal as refusal:
                answers[order["id"]] = refusal
        results = self.settle(list(wanted.values()))
        answers.update(zip(wanted, results, strict=True))
        return answers

    def maturities_of(self, partner_ids: Iterable[int]) -> dict[int, object]:
        """Partner id -> its days to pay as FLOWii gave them in this run, else as kept on its
        links when an earlier run read them, else None (one query for all the partners this
        run has not seen yet)."""
        wanted = {int(p) for p in partner_ids}
        unknown = wanted - set(self.maturities)
        if unknown:
            kept = days_to_pay(unknown)
            self.maturities.update({p: kept.get(p) for p in unknown})
        return {p: self.maturities[p] for p in wanted}

    def forget(self, partner_id: int) -> None:
        for kind in (Kind.CUSTOMER, Kind.GUEST):
            Binder(kind).unbind(flowii_id=partner_id)
        self.results = {k: v for k, v in self.results.items() if v != partner_id}
        self.known = {k: v for k, v in self.known.items() if v[0] != partner_id}
        self.maturities.pop(partner_id, None)

    # -- the work --------------------------------------------------------------------------
    def settle(self, buyers: list[Buyer]) -> list[int | RemoteError]:
        """Each buyer's partner id, or the RecordRefused / OutcomeUnknown that stopped it;
        any other EndsRun is raised once the finished ones are linked."""
        todo: dict[tuple, Buyer] = {}
        for buyer in buyers:
            key = (buyer.kind, buyer.shop_id)
            if key not in self.results:
                todo[key] = buyer  # the last (newest order's) data of a buyer wins
        for kind in {b.kind for b in todo.values()}:
            self._send_kind(kind, [b for b in todo.values() if b.kind == kind])
        return [self.results[(b.kind, b.shop_id)] for b in buyers]

    def _send_kind(self, kind: str, buyers: list[Buyer]) -> None:
        binder = Binder(kind)
        links = binder.many_by_shop(b.shop_id for b in buyers)
        jobs, fresher = [], []
        for buyer in buyers:
            link = links.get(buyer.shop_id)
            if link and link.fingerprint == buyer.fingerprint:
                # Nothing to send; a newer shop time is kept so the next run skips it unread.
                self.results[(kind, buyer.shop_id)] = link.flowii_id
                self.ctx.count("unchanged", kind="partner")
                if buyer.modified and buyer.modified != link.shop_modified:
                    fresher.append(
                        (buyer.shop_id, link.flowii_id, link.fingerprint, "", buyer.modified)
                    )
            else:
                jobs.append((buyer, link.flowii_id if link else None))
        binder.bind_many(fresher)
        workers = max(1, int(self.ctx.settings.order_export_concurrency or 1))
        for positions in waves([mapping.match_keys(b.data) for b, _linked in jobs]):
            wave = [jobs[p] for p in positions]
            sent = [self._in_run(b, linked) for b, linked in wave]
            to_send = [(i, job) for i, job in enumerate(wave) if sent[i] is None]
            if to_send:
                with ThreadPoolExecutor(max_workers=min(workers, len(to_send))) as pool:
                    send = lambda job: send_partner(self.ctx.flowii, *job)  # noqa: E731
                    done = pool.map(send, [job for _i, job in to_send])
                    for (i, _job), answer in zip(to_send, done, strict=True):
                        sent[i] = answer
            record_wave(self, binder, sent)

    def _in_run(self, buyer: Buyer, linked: int | None) -> Sent | None:
        """An unlinked buyer that shares an e-mail or IČO with one written in this run joins
        that partner (or waits, when that create's outcome is unknown): no second search."""
        if linked:
            return None
        keys = mapping.match_keys(buyer.data)
        for key in sorted(keys):
            if key in self.unsettled:
                return Sent(buyer, action="waits", error=self.unsettled[key])
        for key in sorted(keys):
            partner_id, ico = self.known.get(key, (None, ""))
            if partner_id and joins(key, ico, buyer.data.ico):
                return Sent(buyer, partner_id, "joined")
        return None
