"""The contracts' hypothesis state machine (tests/contracts/test_stateful.py), run long.

``run(steps=10000)`` drives the same ``ShipmentsMachine`` the test suite runs, on fresh embedded
chains, until at least `steps` rule steps ran, split over the machine's cores (one chain per worker
process). An invariant violation is counted (not raised) and its message kept; any other
exception is counted separately as a harness error.
"""

from __future__ import annotations

import json
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

CONTRACT_TESTS = Path(__file__).resolve().parent.parent / "tests" / "contracts"

__all__ = ["run"]

STEPS_PER_EXAMPLE = 60


def _worker(args: tuple[int, int]) -> dict:
    steps, seed = args
    sys.path.insert(0, str(CONTRACT_TESTS))
    from shipment_kit import build_kit
    from test_stateful import run_machine

    kit = build_kit()
    done, violations, errors, messages, rounds = 0, 0, 0, [], 0
    while done < steps:
        # Hypothesis starts each run with its simplest examples; ask for many per run.
        examples = max(5, (steps - done) // 45)  # ~45 steps per example at 60 max
        try:
            done += run_machine(kit, examples=examples, steps=STEPS_PER_EXAMPLE, seed=seed + rounds)
        except Exception as err:  # noqa: BLE001 - a failure is a result here, not a crash
            from test_stateful import ShipmentsMachine

            done += ShipmentsMachine.steps_run
            # An invariant (AssertionError) is a violation; anything else is a harness error.
            if isinstance(err, AssertionError):
                violations += 1
            else:
                errors += 1
            messages.append(f"{type(err).__name__}: {str(err).splitlines()[0][:300]}")
        rounds += 1
    return {"steps": done, "violations": violations, "errors": errors, "messages": messages}


def run(steps: int = 10_000, workers: int | None = None) -> dict:
    workers = workers or max(1, min(os.cpu_count() or 1, 4))
    share = -(-steps // workers)
    started = time.perf_counter()
    if workers == 1:
        results = [_worker((share, 0))]
    else:
        with ProcessPoolExecutor(max_workers=workers) as pool:
            results = list(pool.map(_worker, [(share, 1000 * i) for i in range(workers)]))
    seconds = time.perf_counter() - started
    return {
        "stateful_steps": sum(r["steps"] for r in results),
        "violations": sum(r["violations"] for r in results),
        "harness_errors": sum(r["errors"] for r in results),
        "workers": workers,
        "seconds": round(seconds, 1),
        "steps_per_s": round(sum(r["steps"] for r in results) / seconds, 1),
        "messages": [m for r in results for m in r["messages"]][:10],
    }


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000), indent=2))
