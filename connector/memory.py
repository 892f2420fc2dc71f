"""Memory the process no longer uses, given back to the system during a long import.

CPython hands freed memory back to the C allocator, and glibc's keeps what it got for reuse.
A full import reads thousands of pages of different sizes (FLOWii's lists, the shop's batch
answers, some of them in the shop-write threads, each with a heap of its own): what it holds
at any moment stays the same, but the freed pages' memory ends up scattered, and the
process's resident memory grew with the catalogue (a full import of 50,000 goods peaked
8 to 11 MB higher than with this, one of 10,000 about 1 MB). `give_back` asks glibc to return the free parts
(`malloc_trim`); where the C library has no such call (musl, macOS) it does nothing."""

from __future__ import annotations

import ctypes
import ctypes.util

_trim = None
_looked = False


def _malloc_trim():
    global _trim, _looked
    if not _looked:
        _looked = True
        name = ctypes.util.find_library("c")
        try:
            _trim = getattr(ctypes.CDLL(name), "malloc_trim", None) if name else None
        except OSError:
            _trim = None
    return _trim


def give_back() -> bool:
    """Returns the C heap's free memory to the system; False where that cannot be done."""
    trim = _malloc_trim()
    if trim is None:
        return False
    trim(0)
    return True
