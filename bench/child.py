"""Runs one step in a fresh child process and returns its result.

Why a fresh process per step, started anew rather than forked: the simulators live in the
benchmark's own process and hold the seeded shop and account in memory; a forked child would
start with all of that counted in its resident memory. A new child holds only what a real
sync worker holds (Python, Django, the connector and what the run reads), so its kernel
high-water mark (VmHWM) at the end of the step is that step's peak memory, nothing missed
between samples. `python -m bench.child` reads the job as JSON on stdin and answers on stdout.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
STEPS = {
    "prepare": "bench.connector_steps:prepare",
    "sync": "bench.connector_steps:run_sync",
    "reference-products": "bench.reference:import_products",
    "reference-orders": "bench.reference:export_orders",
}


class StepFailed(RuntimeError):
    pass


def in_child(step: str, job: dict) -> dict:
    """Runs STEPS[step](job) in a new Python process; its stderr goes to ours."""
    done = subprocess.run(
        [sys.executable, "-m", "bench.child", step],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        cwd=PROJECT,
        check=False,
    )
    if done.stderr:
        sys.stderr.write(done.stderr)
    if done.returncode != 0:
        raise StepFailed(f"benchmark step {step} ended with exit code {done.returncode}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    module, name = STEPS[sys.argv[1]].split(":")
    function = getattr(importlib.import_module(module), name)
    result = function(json.loads(sys.stdin.read()))
    sys.stdout.write("\n" + json.dumps(result) + "\n")


if __name__ == "__main__":
    main()
