"""The run lock: one row per stream in the database, so it holds across processes and
machines that share the database. A run that died leaves a lock that expires."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import RunLock, SyncRun

# A live run renews its lock whenever it reports progress; one that stops renewing (killed,
# machine gone) loses it after this long.
LOCK_TTL = timedelta(minutes=10)


class RunRefused(Exception):
    """Another run of the same kind is going on."""


def holder_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _ensure_rows(names):
    for name in names:
        if not RunLock.objects.filter(name=name).exists():
            try:
                with transaction.atomic():
                    RunLock.objects.create(name=name, expires_at=timezone.now() - LOCK_TTL)
            except IntegrityError:
                pass  # another process created it first


def acquire(names: list[str], run: SyncRun) -> None:
    """Takes every lock in `names` for `run`, or none of them and raises RunRefused."""
    names = sorted(set(names))
    _ensure_rows(names)
    with transaction.atomic():
        now = timezone.now()
        rows = list(RunLock.objects.select_for_update().filter(name__in=names).order_by("name"))
        for row in rows:
            if row.run_id and row.run_id != run.pk and row.expires_at > now:
                other = SyncRun.objects.filter(pk=row.run_id).first()
                raise RunRefused(refusal_message(other))
        # A run whose lock expired died without a word (its worker was killed or its machine
        # went away): its record says so, instead of "running" for ever.
        dead = [row.run_id for row in rows if row.run_id and row.run_id != run.pk]
        SyncRun.objects.filter(pk__in=dead, status=SyncRun.Status.RUNNING).update(
            status=SyncRun.Status.FAILED,
            reason=_("The run stopped without finishing (its worker was stopped or killed)."),
            finished_at=now,
        )
        RunLock.objects.filter(name__in=names).update(
            run=run, holder=holder_name(), expires_at=now + LOCK_TTL
        )


def renew(run: SyncRun) -> None:
    RunLock.objects.filter(run=run).update(expires_at=timezone.now() + LOCK_TTL)


def release(run: SyncRun) -> None:
    RunLock.objects.filter(run=run).update(run=None, holder="", expires_at=timezone.now())


def refusal_message(other: SyncRun | None) -> str:
    if other is None:
        return _(
            "A synchronisation of this kind is already running. Try again when it has finished."
        )
    started = timezone.localtime(other.started_at).strftime("%H:%M:%S")
    return _(
        "“%(kind)s” is already running (run #%(id)s, started at %(started)s by the %(trigger)s). "
        "Try again when it has finished."
    ) % {
        "kind": other.get_kind_display(),
        "id": other.pk,
        "started": started,
        "trigger": other.get_trigger_display(),
    }
