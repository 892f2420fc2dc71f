"""The records a stream reads again by their id on its next run (the goods that failed or were
left out for their category), so its bookmark moves on instead of waiting for them."""

from __future__ import annotations

from ..models import Retry


class RetrySet:
    """The FLOWii ids of one kind that did not go over, with the reason and since when."""

    def __init__(self, kind: str):
        self.kind = kind

    def _rows(self):
        return Retry.objects.filter(kind=self.kind)

    def ids(self) -> set[int]:
        return set(self._rows().values_list("flowii_id", flat=True))

    def settle(self, failed: dict[int, str], went_over, everything: bool = False) -> None:
        """After a run: `failed` (id -> reason code) are kept, the date they first failed
        unchanged; those of `went_over` leave the set; with `everything` (the run read every
        record) so does any id not failed in it."""
        rows = self._rows().exclude(flowii_id__in=list(failed))
        (rows if everything else rows.filter(flowii_id__in=list(went_over))).delete()
        held = {r.flowii_id: r for r in self._rows().filter(flowii_id__in=list(failed))}
        changed = []
        for flowii_id, reason in failed.items():
            row = held.get(flowii_id)
            if row is None:
                changed.append(Retry(kind=self.kind, flowii_id=flowii_id, reason=reason[:100]))
            elif row.reason != reason[:100]:
                row.reason = reason[:100]
                row.save(update_fields=["reason"])
        Retry.objects.bulk_create(changed, ignore_conflicts=True)
