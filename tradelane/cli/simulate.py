"""`tradelane simulate`: a realistic population of shipments on a local dev node."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)

from ..analytics import simulate as sim
from ..analytics.population import DEFAULT_CONFIG, load_config
from ..errors import ChainError
from .app import cli
from .options import err_console, json_option, open_client, out, print_json, rpc_option

__all__ = ["simulate"]


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator:
    console = err_console()
    if quiet or not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("simulating"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("events"),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]:,.0f} events/s"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = bar.add_task("simulate", total=None, rate=0.0)
        first: list[int] = []  # events an interrupted run had played: not in the rate

        def show(done: int, total: int) -> None:
            first[:] = first or [done]
            elapsed = bar.tasks[0].elapsed or 1e-9
            bar.update(task, completed=done, total=total, rate=(done - first[0]) / elapsed)

        yield show


def _notice(text: str) -> None:
    err_console().print(f"note: {text}", highlight=False, soft_wrap=True)


@cli.command()
@click.option(
    "--config",
    "config_path",
    default=None,
    metavar="FILE",
    help=f"Carriers, lanes, delay distributions, demand (default {DEFAULT_CONFIG.name}).",
)
@click.option(
    "--shipments", type=click.IntRange(1, 100_000), default=None, help="Override the count."
)
@click.option(
    "--days", type=click.IntRange(1, 3650), default=None, help="Spread of cargo-ready dates."
)
@click.option("--seed", type=int, default=None, help="Random seed (same seed, same population).")
@click.option(
    "--new",
    is_flag=True,
    help="Add another population even though this config already ran to its end here.",
)
@rpc_option
@json_option
def simulate(config_path, shipments, days, seed, new, rpc, as_json) -> None:
    """Fill a local dev node with a realistic population of simulated shipments.

    Opens each shipment with its route, then plays every milestone in simulated time
    (the node's clock moves forward), signed by the leg's carrier and relayed in
    batches; some late shipments are refunded. Dev chains only: the simulated carriers'
    keys are public. Then `tradelane index` and `tradelane lanes` show the analytics.

    Safe to run twice: the run is journaled in TRADELANE_HOME per deployment and config.
    The same command after an interruption (Ctrl-C, a kill) goes on with the same
    population from where it stopped, never sending what the chain already has; once it
    has run to its end, the same command says so and sends nothing — add --new for
    another population (an interrupted one is finished first, so a killed `--new` run
    run again is finished, not begun twice).

    \b
    Examples:
      tradelane simulate --shipments 500
      tradelane simulate --config my_lanes.json --json
      tradelane simulate --shipments 500 --new    # a second population
    """
    cfg = load_config(config_path, shipments=shipments, days=days, seed=seed)
    tl = open_client(rpc)
    if not tl.chain.is_dev or tl.chain.is_embedded:
        raise ChainError(
            f"tradelane simulate runs on a local dev node only; chain {tl.chain.chain_id} is not "
            "one (start one with `tradelane node`)"
        )
    with _progress(as_json) as show:
        result = sim.run(tl, cfg, progress=show, new=new, notice=_notice)
    if as_json:
        print_json(result.to_json())
        return
    r = result
    if r.already_done:
        out().print(
            f"this simulation already ran to its end on this deployment: {r.shipments} shipments "
            f"(ids {r.first_id}–{r.last_id}), {r.milestones} milestones, {r.refunds} refunds; "
            "nothing sent. Add --new for another population"
        )
        return
    out().print(
        f"simulated {r.shipments} shipments (ids {r.first_id}–{r.last_id}), {r.milestones} "
        f"signed milestones, {r.refunds} refunds in {r.transactions} transactions, "
        f"{r.seconds:.0f} s ({r.shipments / max(r.seconds, 1e-9):.1f} shipments/s); "
        "next: tradelane index && tradelane lanes"
    )
