"""The project's copy of the golden recordings matches the team's shared copy, where the
shared copy is at hand (beside the project folder)."""

from pathlib import Path

import pytest

from tests.golden import GOLDEN

SHARED = Path(__file__).resolve().parents[3] / "shared" / "fixtures" / "woocommerce-real"


@pytest.mark.skipif(not SHARED.is_dir(), reason="no shared/ beside the project folder")
def test_copy_matches_the_shared_recordings():
    ours = {p.relative_to(GOLDEN): p.read_bytes() for p in GOLDEN.rglob("*") if p.is_file()}
    theirs = {p.relative_to(SHARED): p.read_bytes() for p in SHARED.rglob("*") if p.is_file()}
    assert ours.keys() == theirs.keys()
    assert [name for name in ours if ours[name] != theirs[name]] == []
