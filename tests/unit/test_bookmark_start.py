"""Where an incremental read starts, one row per case: never the run's own clock."""

from datetime import UTC, datetime, timedelta

import pytest

from connector.sync.context import BOOKMARK_OVERLAP, bookmark_start

T = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
MS = timedelta(milliseconds=1)


@pytest.mark.parametrize(
    "what, newest, seen_all_until, inclusive, expected",
    [
        ("no bookmark: read everything", None, None, False, None),
        ("no clock at the last read: a fixed overlap", T, None, False, T - BOOKMARK_OVERLAP),
        ("read surely saw everything after it", T, T + timedelta(minutes=5), False, T),
        (
            "read began too soon after the newest",
            T,
            T - timedelta(seconds=1),
            False,
            T - timedelta(seconds=1),
        ),
        (
            "inclusive filter: just after the vouched record",
            T,
            T + timedelta(minutes=5),
            True,
            T + MS,
        ),
        (
            "inclusive but not vouched for",
            T,
            T - timedelta(seconds=1),
            True,
            T - timedelta(seconds=1),
        ),
        ("inclusive, no clock: the overlap", T, None, True, T - BOOKMARK_OVERLAP),
    ],
)
def test_bookmark_start(what, newest, seen_all_until, inclusive, expected):
    assert bookmark_start(newest, seen_all_until, inclusive) == expected, what
