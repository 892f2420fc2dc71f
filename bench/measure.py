"""What a step is measured by: peak memory of the process that ran it, and the requests the
two simulated servers counted while it ran (by side, method and path)."""

from __future__ import annotations

import resource
from collections import Counter

WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def _status_kb(field: str) -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def peak_rss_mb() -> float:
    """The highest resident memory this process has had (the kernel's high-water mark, so a
    short peak between two samples is not missed)."""
    kb = _status_kb("VmHWM")
    if kb is None:  # no /proc: ru_maxrss is in kilobytes on Linux
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024, 1)


def rss_mb() -> float:
    kb = _status_kb("VmRSS")
    if kb is None:
        kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kb / 1024, 1)


def stats_diff(before: dict, after: dict) -> dict:
    """Requests counted between two `/__sandbox__/stats` snapshots of one server."""
    paths = Counter(after.get("by_path") or {})
    paths.subtract(before.get("by_path") or {})
    by_path = {key: n for key, n in sorted(paths.items()) if n}
    by_method = Counter()
    for key, n in by_path.items():
        by_method[key.split(" ", 1)[0]] += n
    return {"total": sum(by_path.values()), "by_method": dict(by_method), "by_path": by_path}


def empty_stats() -> dict:
    return {"total": 0, "by_method": {}, "by_path": {}}


def writes(side: dict) -> int:
    return sum(side["by_method"].get(method, 0) for method in WRITE_METHODS)


def count(side: dict, method: str, path_part: str) -> int:
    """Requests of `method` whose path pattern contains `path_part`."""
    return sum(
        n
        for key, n in side["by_path"].items()
        if key.split(" ", 1)[0] == method and path_part in key.split(" ", 1)[1]
    )


def scaled(side: dict, factor: float) -> dict:
    """A request count for a subset, scaled to the whole (rounded per path)."""
    by_path = {key: round(n * factor) for key, n in side["by_path"].items()}
    return stats_diff({}, {"by_path": by_path})


def added(*sides: dict) -> dict:
    total = Counter()
    for side in sides:
        total.update(side["by_path"])
    return stats_diff({}, {"by_path": dict(total)})
