"""The database a preview runs on (connector/preview_db.py): its run sees the connector's
rows as they are, writes as it likes, and nothing of that is left; what it raises comes back.
Both ways of copying SQLite: page by page (backup API) and, inside a transaction, by rows;
and what the caller does meanwhile, on its own database."""

from __future__ import annotations

import threading

import pytest

from connector.models import Link, SyncRun
from connector.preview_db import THREAD, thrown_away


def work():
    seen = Link.objects.filter(kind=Link.Kind.PRODUCT).count()
    Link.objects.create(kind=Link.Kind.PRODUCT, shop_id="2", flowii_id=20)
    SyncRun.objects.create(kind=SyncRun.Kind.PRODUCTS, trigger=SyncRun.Trigger.BUTTON)
    return seen, Link.objects.count(), threading.current_thread().name


def check():
    Link.objects.create(kind=Link.Kind.PRODUCT, shop_id="1", flowii_id=10)
    assert thrown_away(work) == (1, 2, THREAD)
    assert list(Link.objects.values_list("shop_id", flat=True)) == ["1"]
    assert SyncRun.objects.count() == 0


@pytest.mark.django_db
def test_inside_a_transaction_the_rows_are_copied():
    check()


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_the_file_is_backed_up():
    check()


@pytest.mark.django_db
def test_what_the_work_raises_comes_back_and_nothing_is_kept():
    def fails():
        Link.objects.create(kind=Link.Kind.ORDER, shop_id="5", flowii_id=50)
        raise ValueError("stop")

    with pytest.raises(ValueError, match="stop"):
        thrown_away(fails)
    assert Link.objects.count() == 0


@pytest.mark.django_db
def test_meanwhile_runs_in_the_callers_thread_on_the_real_database_while_the_work_runs():
    started, release = threading.Event(), threading.Event()
    seen = []

    def slow():
        Link.objects.create(kind=Link.Kind.PRODUCT, shop_id="9", flowii_id=90)
        started.set()
        release.wait(10)
        return "done"

    def meanwhile():
        # The caller's database: the work's row is not there, the caller's thread is this one.
        seen.append((threading.current_thread().name, Link.objects.count()))
        if len(seen) == 3:
            release.set()

    assert thrown_away(slow, meanwhile=meanwhile, every=0.05) == "done"
    assert started.is_set() and len(seen) >= 3
    assert set(seen) == {(threading.current_thread().name, 0)}
    assert Link.objects.count() == 0
