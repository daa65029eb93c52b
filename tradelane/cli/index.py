"""`tradelane index`: read the deployment's events into the index database (once, or following)."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..index import Attached, SyncReport, attach
from .app import cli
from .options import err_console, json_option, open_client, out, print_json, rpc_option

__all__ = ["db_option", "open_indexed", "catch_up"]


def db_option(fn):
    return click.option(
        "--db",
        envvar="TRADELANE_DB",
        default=None,
        metavar="URL",
        help="Index database: sqlite:///PATH or postgresql+psycopg://USER@HOST/DB "
        "[env TRADELANE_DB; default $TRADELANE_HOME/index.sqlite].",
    )(fn)


@contextlib.contextmanager
def _progress(quiet: bool) -> Iterator:
    """A callback drawing catch-up progress (blocks, events, events/s) on a terminal."""
    console = err_console()
    if quiet or not console.is_terminal:
        yield None
        return
    columns = (
        TextColumn("indexing"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("blocks · {task.fields[events]} events · {task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bar:
        task = None

        def show(report: SyncReport) -> None:
            nonlocal task
            total = max(report.head - report.start + 1, 1)
            if task is None:
                task = bar.add_task("index", total=total, events=0, rate=0.0)
            done = report.end - report.start + 1
            bar.update(task, completed=done, events=report.logs, rate=report.rate)

        yield show


def catch_up(ix: Attached, *, quiet: bool) -> SyncReport:
    with _progress(quiet) as show:
        return ix.sync(progress=show)


def open_indexed(rpc: str | None, db: str | None, *, sync: bool = True, quiet: bool = False):
    """The client with its index attached and (unless `sync` is False) caught up."""
    tl = open_client(rpc)
    ix = attach(tl, db)
    if sync:
        catch_up(ix, quiet=quiet)
    return tl, ix


def _summary(report: SyncReport, ix: Attached) -> dict:
    fresh = ix.reader.freshness()
    return {
        "from_block": report.start,
        "to_block": report.end,
        "head": report.head,
        "logs": report.logs,
        "decoded": report.decoded,
        "reorgs": report.reorgs,
        "rolled_back_blocks": report.rolled_back,
        "seconds": round(report.seconds, 3),
        "events_per_s": round(report.rate, 1),
        "index": fresh.to_json() if fresh else None,
        "db": ix.store.url.split("@")[-1] if "@" in ix.store.url else ix.store.url,
    }


@cli.command("index")
@click.option("--follow", is_flag=True, help="Keep following new blocks until interrupted.")
@click.option("--poll", default=2.0, show_default=True, help="Seconds between polls (--follow).")
@click.option(
    "--finality-depth",
    type=click.IntRange(0, 10_000),
    default=None,
    help="Blocks after which a row is final [default: the node's finalized tag; 0 on a "
    "dev chain; 65 when the node has no tag].",
)
@click.option(
    "--range",
    "span",
    type=click.IntRange(1, 1_000_000),
    default=10_000,
    show_default=True,
    help="Blocks per eth_getLogs call to start with (narrowed when the node refuses).",
)
@click.option("--redecode", is_flag=True, help="Rebuild the decoded tables from the raw logs.")
@db_option
@rpc_option
@json_option
def index_cmd(
    follow: bool,
    poll: float,
    finality_depth: int | None,
    span: int,
    redecode: bool,
    db: str | None,
    rpc: str | None,
    as_json: bool,
) -> None:
    """Read every Tradelane event of the deployment into the index database.

    Catches up from the deployment block (a progress bar on a terminal), then stops, or
    with --follow keeps reading new blocks. Reorganisations are rolled back, a kill at
    any moment loses and repeats nothing; run it again to continue. `status`,
    `shipments`, `watch` and the web page read what it writes.

    \b
    Example:
      tradelane index
      tradelane index --follow --db postgresql+psycopg://tradelane@db.internal/tradelane
    """
    tl = open_client(rpc)
    ix = attach(tl, db, depth=finality_depth, span=span)
    if redecode:
        ix.follower.redecode()
    report = catch_up(ix, quiet=as_json)
    if as_json:
        print_json(_summary(report, ix))
    else:
        out().print(
            f"indexed blocks {report.start}..{report.end}: {report.logs} events "
            f"({report.rate:,.0f}/s), {report.reorgs} reorgs; {ix.reader.freshness().describe()}"
        )
    if not follow:
        return

    def show(report: SyncReport) -> None:
        if report.logs or report.reorgs:
            if as_json:
                print_json(_summary(report, ix))
            else:
                out().print(
                    f"block {report.end}: +{report.logs} events"
                    + (f", reorg rolled back {report.rolled_back} blocks" if report.reorgs else "")
                )

    try:
        ix.follower.follow(poll=poll, on_sync=show)
    except KeyboardInterrupt:
        if not as_json:
            out().print(f"stopped following; {ix.reader.freshness().describe()}")
