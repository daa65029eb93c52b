"""`make bench`: every benchmark in one run → benchmarks/results.json and RESULTS.md.

Figures come from one reproducible run on this machine, never from timed tests.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from rich.console import Console
from rich.table import Table

FAULT_ZEROS = ("duplicates", "lost_reported_successes", "wrong_reports")
HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


def _machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    anvil = subprocess.run(
        [str(ROOT / "node_modules/.bin/anvil"), "--version"], capture_output=True, text=True
    ).stdout.splitlines()
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "os": platform.platform(),
        "solc": "0.8.37 (npm solc, WebAssembly)",
        "anvil": anvil[0] if anvil else "?",
        "versions": {
            p: _version(p) for p in ("web3", "eth-tester", "py-evm", "networkx", "python-igraph")
        },
    }


def _version(package: str) -> str:
    """A package's version; a benchmark-only one may be missing (`python -m benchmarks` run
    without `make bench`): say so rather than lose the figures measured."""
    try:
        return version(package)
    except PackageNotFoundError:
        return "not installed"


def _timed(name: str, fn, console: Console) -> tuple[dict, float]:
    console.print(f"[bold]bench[/]: {name}…")
    started = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - started
    console.print(f"[bold]bench[/]: {name} done in {elapsed:.0f}s")
    return result, elapsed


# Every benchmark, in run order: (what the console says, module, keyword arguments, where its
# figures go: a section name, or None when the module returns whole sections itself).
BENCHES = (
    ("gas", "gas_bench", {}, None),
    ("routing", "routing_bench", {}, "routing"),
    ("status + throughput", "chain_bench", {}, None),
    ("tracking site", "web_bench", {}, "web"),
    ("event index (100 000 events)", "index_bench", {}, None),
    ("soak", "soak", {"steps": 10_000}, "soak"),
    ("traceability", "trace_bench", {}, "trace"),
    ("faults (200 kill points)", "faults", {"points": 200}, "faults"),
    ("analytics", "analytics_bench", {}, "analytics"),
)
NOT_FIGURES = ("machine", "durations_s", "run_dates")


def main(argv: list[str] | None = None) -> int:
    """`python -m benchmarks` runs everything; `python -m benchmarks faults index_bench` runs only
    those modules and keeps the other figures of results.json (each with its own run date)."""
    import importlib

    only = set(sys.argv[1:] if argv is None else argv)
    unknown = only - {module for _, module, _, _ in BENCHES}
    if unknown:
        names = ", ".join(module for _, module, _, _ in BENCHES)
        print(f"error: no benchmark {', '.join(sorted(unknown))}; choose from {names}")
        return 1
    console = Console(stderr=True)
    results: dict = json.loads((HERE / "results.json").read_text()) if only else {}
    durations: dict[str, float] = results.get("durations_s", {})
    for title, module, kwargs, section in BENCHES:
        if only and module not in only:
            continue
        run = importlib.import_module(f"benchmarks.{module}").run
        figures, durations[module] = _timed(title, lambda run=run, kw=kwargs: run(**kw), console)
        results.setdefault("run_dates", {})[module] = datetime.now(UTC).isoformat(
            timespec="seconds"
        )
        for name, values in (figures if section is None else {section: figures}).items():
            # merged, not replaced: two modules may share a section (index_bench and web_bench
            # both write `web`), and a partial run keeps the other's figures (a full run
            # starts from nothing)
            if isinstance(values, dict):
                results.setdefault(name, {}).update(values)
            else:
                results[name] = values
    results["machine"] = _machine()
    results["durations_s"] = {k: round(v, 1) for k, v in durations.items()}

    (HERE / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n")
    (HERE / "RESULTS.md").write_text(_markdown(results))
    _print_table(results, Console())
    faulty = sum(results.get("faults", {}).get(k, 0) for k in FAULT_ZEROS)
    return 1 if results.get("soak", {}).get("violations", 0) or faulty else 0


def _rows(results: dict):
    for section, figures in results.items():
        if section in NOT_FIGURES or not isinstance(figures, dict):
            continue
        for key, value in figures.items():
            if isinstance(value, int | float):
                yield section, key, value


def _print_table(results: dict, console: Console) -> None:
    table = Table(title="Tradelane benchmarks (benchmarks/results.json)")
    for col in ("section", "figure", "value"):
        table.add_column(col)
    for section, key, value in _rows(results):
        table.add_row(section, key, f"{value:,}" if isinstance(value, int) else f"{value:,.2f}")
    console.print(table)


def _markdown(results: dict) -> str:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Run {m['date']} on {m['cpu']} ({m['cores']} cores), Python {m['python']}, "
        f"{m['os']}; solc {m['solc']}; {m['anvil']}; "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + ".",
        "",
        "Written by `make bench`; numbers only. Each benchmark's last run: "
        + ", ".join(f"{k} {v}" for k, v in sorted(results.get("run_dates", {}).items()))
        + ".",
        "",
        "| section | figure | value |",
        "| --- | --- | ---: |",
    ]
    lines += [f"| {s} | `{k}` | {v:,} |" for s, k, v in _rows(results)]
    sweep = results.get("gas_sweep")
    if sweep:
        lines += [
            "",
            "## Every milestone of a leg that moves no money (gas)",
            "",
            "| milestone (leg:classifier code@place) | direct | relayed |",
            "| --- | ---: | ---: |",
        ]
        lines += [f"| {k} | {v['direct']:,} | {v['relayed']:,} |" for k, v in sweep.items()]
    formula = results.get("gas_floor", {}).get("formula")
    if formula:
        lines += ["", "## Milestone gas floor", "", formula]
    lines += ["", "Durations (s): " + json.dumps(results["durations_s"]), ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
