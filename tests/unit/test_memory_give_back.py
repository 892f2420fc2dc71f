"""Giving freed memory back to the system: done where the C library can (glibc's
malloc_trim), a harmless no-op where it cannot."""

import ctypes.util
import platform

import pytest

from connector import memory


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(memory, "_looked", False)
    monkeypatch.setattr(memory, "_trim", None)


def test_glibc_gives_memory_back(fresh):
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        pytest.skip("malloc_trim is glibc's")
    assert memory.give_back() is True
    assert memory.give_back() is True  # looked up once, called as often as wanted


def test_without_the_call_nothing_is_done(fresh, monkeypatch):
    monkeypatch.setattr(ctypes.util, "find_library", lambda name: None)
    assert memory.give_back() is False
