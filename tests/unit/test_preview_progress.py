"""How full a preview's bar is, and what its page says beside it, as tables."""

from __future__ import annotations

import pytest

from connector.admin.preview import progress
from connector.models import PreviewProgress
from connector.preview_progress import REPORT, percent


@pytest.mark.parametrize(
    ("done", "total", "expected"),
    [
        (0, 0, None),  # the total is not known yet
        (5, 0, None),
        (0, 480, 0),
        (120, 480, 25),
        (1, 3, 33),
        (2, 3, 67),
        (480, 480, 100),
        (500, 480, 100),  # a run that counted more than it announced
    ],
)
def test_percent(done, total, expected):
    assert percent(done, total) == expected


@pytest.mark.parametrize(
    ("done", "total", "label", "expected"),
    [
        (0, 0, "", (0, "reading the shop and FLOWii")),
        (0, 0, "products", (0, "products")),
        (0, 60, "products", (0, "0 / 60 · products")),
        (9, 60, "categories", (15, "9 / 60 · categories")),
        (30, 40, "", (75, "30 / 40")),  # the orders stream names nothing
        (7, 10, "3 delivered orders", (70, "7 / 10 · 3 delivered orders")),
        (60, 60, REPORT, (100, "60 / 60 · the report: the records to update, as they are now")),
    ],
)
def test_the_waiting_pages_bar(done, total, label, expected):
    shown = progress(PreviewProgress(task="a" * 32, done=done, total=total, label=label))
    assert (shown["percent"], shown["words"]) == expected
    assert (shown["done"], shown["total"]) == (done, total)


def test_no_bar_before_the_task_has_begun():
    assert progress(None) is None
