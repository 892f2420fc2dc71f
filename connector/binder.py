"""The binder: which shop record is in step with which FLOWii record, one kind at a time.

The only code outside the admin's list pages that reads or writes `Link` rows. Streams ask it
in the shop owner's words (`by_shop`, `by_flowii`, `bind`) and never build queries of their own.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from .models import Link

Kind = Link.Kind


@dataclass(frozen=True)
class Binding:
    """One link as the streams see it."""

    shop_id: str
    flowii_id: int
    fingerprint: str = ""
    flowii_number: str = ""
    shop_modified: object = None
    shop_parent_id: str = ""  # products: the variable product of a linked variation


def _binding(link: Link) -> Binding:
    return Binding(
        shop_id=link.shop_id,
        flowii_id=link.flowii_id,
        fingerprint=link.fingerprint,
        flowii_number=link.flowii_number,
        shop_modified=link.shop_modified,
        shop_parent_id=link.shop_parent_id,
    )


# Kinds whose FLOWii record belongs to one shop record only. Buyers are not among them: two
# shop accounts (or a customer and a guest) of one firm share that firm's partner.
EXCLUSIVE = frozenset({Kind.CATEGORY, Kind.PRODUCT, Kind.ORDER})


class Binder:
    """The links of one kind (categories, products, customers, guest buyers or orders).

    Invariants: a shop record is linked to at most one FLOWii record (the table's unique key);
    for categories, products and orders, binding a FLOWii record to a new shop record lets go
    of its old one, so such a FLOWii record is linked to at most one shop record too."""

    def __init__(self, kind: str):
        self.kind = Kind(kind)
        self.exclusive = self.kind in EXCLUSIVE

    def _rows(self):
        return Link.objects.filter(kind=self.kind)

    # -- reading ---------------------------------------------------------------------
    def by_shop(self, shop_id) -> Binding | None:
        link = self._rows().filter(shop_id=str(shop_id)).first()
        return _binding(link) if link else None

    def by_flowii(self, flowii_id) -> Binding | None:
        link = self._rows().filter(flowii_id=int(flowii_id)).first()
        return _binding(link) if link else None

    def many_by_shop(self, shop_ids: Iterable) -> dict[str, Binding]:
        """shop id -> binding for those of `shop_ids` that are linked (one query)."""
        ids = [str(i) for i in shop_ids]
        return {link.shop_id: _binding(link) for link in self._rows().filter(shop_id__in=ids)}

    def many_by_flowii(self, flowii_ids: Iterable) -> dict[int, Binding]:
        """FLOWii id -> binding for those of `flowii_ids` that are linked (one query)."""
        ids = [int(i) for i in flowii_ids]
        return {link.flowii_id: _binding(link) for link in self._rows().filter(flowii_id__in=ids)}

    def by_number(self, numbers: Iterable[str]) -> dict[str, Binding]:
        """FLOWii number (a good's serial-nr) -> binding, for those linked."""
        wanted = [n for n in numbers if n]
        return {
            link.flowii_number: _binding(link)
            for link in self._rows().filter(flowii_number__in=wanted)
        }

    def shop_ids_query(self):
        """The linked shop ids as a subquery, for pages that count what is not linked yet
        without reading the ids into memory."""
        return self._rows().values("shop_id")

    def flowii_ids(self) -> set[int]:
        return set(self._rows().values_list("flowii_id", flat=True))

    def all(self) -> Iterator[Binding]:
        """Every link of the kind, read a thousand at a time (flat memory)."""
        for link in self._rows().order_by("pk").iterator(chunk_size=1000):
            yield _binding(link)

    def count(self) -> int:
        return self._rows().count()

    # -- writing ---------------------------------------------------------------------
    def bind(
        self,
        shop_id,
        flowii_id: int,
        *,
        fingerprint: str = "",
        flowii_number: str = "",
        shop_modified=None,
        needs_write_back: bool | None = None,
    ) -> None:
        """Links `shop_id` to `flowii_id` (stamping the sync time); any other shop record
        linked to that FLOWii record is let go."""
        self.bind_many(
            [(shop_id, flowii_id, fingerprint, flowii_number, shop_modified)],
            needs_write_back=needs_write_back,
        )

    @transaction.atomic
    def bind_many(self, rows: Iterable[tuple], needs_write_back: bool | None = None) -> None:
        """(shop id, FLOWii id, fingerprint[, FLOWii number[, shop modified[, shop parent
        id]]]) rows, written in two statements whatever their number."""
        by_shop = {}  # the last row of a shop record wins
        for row in rows:
            shop_id, flowii_id, fingerprint, *rest = row
            number = (rest[0] if rest else "") or ""
            modified = rest[1] if len(rest) > 1 else None
            parent = str(rest[2] or "") if len(rest) > 2 else ""
            by_shop[str(shop_id)] = (int(flowii_id), fingerprint or "", number, modified, parent)
        if not by_shop:
            return
        now = timezone.now()
        if self.exclusive:
            self._rows().filter(flowii_id__in=[r[0] for r in by_shop.values()]).exclude(
                shop_id__in=list(by_shop)
            ).delete()
        fields = ["flowii_id", "fingerprint", "flowii_number", "shop_modified", "synced_at"]
        fields.append("shop_parent_id")
        extra = {}
        if needs_write_back is not None:
            fields.append("needs_write_back")
            extra["needs_write_back"] = needs_write_back
        Link.objects.bulk_create(
            [
                Link(
                    kind=self.kind,
                    shop_id=shop_id,
                    flowii_id=flowii_id,
                    fingerprint=fingerprint,
                    flowii_number=number,
                    shop_modified=modified,
                    shop_parent_id=parent,
                    synced_at=now,
                    **extra,
                )
                for shop_id, (flowii_id, fingerprint, number, modified, parent) in by_shop.items()
            ],
            update_conflicts=True,
            unique_fields=["kind", "shop_id"],
            update_fields=fields,
        )

    def forget_fingerprint(self, shop_ids: Iterable) -> None:
        """The next run writes these records again, whatever they look like."""
        self._rows().filter(shop_id__in=[str(i) for i in shop_ids]).update(fingerprint="")

    def forget_all_fingerprints(self) -> None:
        self._rows().update(fingerprint="")

    def unbind(self, shop_id=None, *, flowii_id=None) -> None:
        """Lets go of a link, by its shop record or its FLOWii record."""
        if shop_id is not None:
            self._rows().filter(shop_id=str(shop_id)).delete()
        if flowii_id is not None:
            self._rows().filter(flowii_id=int(flowii_id)).delete()

    # -- orders: FLOWii's number still to be written to the shop ------------------------
    def pending_write_backs(self, after_pk: int = 0, limit: int = 100) -> list[tuple[int, Binding]]:
        """(row key, binding) of orders whose FLOWii number is not yet on the shop order,
        in the order they were linked."""
        links = self._rows().filter(needs_write_back=True, pk__gt=after_pk).order_by("pk")[:limit]
        return [(link.pk, _binding(link)) for link in links]

    def written_back(self, shop_ids: Iterable) -> None:
        """FLOWii's number is on these shop orders; their notes are about to be sent."""
        ids = [str(i) for i in shop_ids]
        self._rows().filter(shop_id__in=ids).update(needs_write_back=False, note_pending=True)

    def notes_pending(self) -> list[Binding]:
        """Orders whose note was being sent when a run stopped: it may or may not be there."""
        return [_binding(link) for link in self._rows().filter(note_pending=True).order_by("pk")]

    def noted(self, shop_ids: Iterable) -> None:
        """The note of these orders was sent (or its failure told): nothing is pending."""
        self._rows().filter(shop_id__in=[str(i) for i in shop_ids]).update(note_pending=False)


# -- buyers: the partner's own days to pay, kept on the links of every buyer of a partner ----
BUYERS = (Kind.CUSTOMER, Kind.GUEST)


def keep_days_to_pay(days_by_partner: dict) -> None:
    """Remembers partners' `invoice-maturity` (FLOWii id -> days, None: none) on their
    buyers' links, customers and guests alike: one statement per distinct value."""
    by_days: dict = {}
    for flowii_id, days in days_by_partner.items():
        by_days.setdefault(days, []).append(int(flowii_id))
    for days, ids in by_days.items():
        Link.objects.filter(kind__in=BUYERS, flowii_id__in=ids).update(days_to_pay=days)


def days_to_pay(flowii_ids: Iterable) -> dict[int, int]:
    """FLOWii id -> the partner's days to pay as kept on its buyers' links, for those of
    `flowii_ids` that have some kept (one query)."""
    ids = [int(i) for i in flowii_ids]
    rows = Link.objects.filter(kind__in=BUYERS, flowii_id__in=ids, days_to_pay__isnull=False)
    return dict(rows.values_list("flowii_id", "days_to_pay"))
