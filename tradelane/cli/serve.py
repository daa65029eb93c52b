"""`tradelane serve`: the buyer tracking site and its JSON API on a local port."""

from __future__ import annotations

import socket

import click

from ..chain import EMBEDDED, default_rpc
from ..errors import InputError
from .app import cli
from .index import db_option
from .options import rpc_option


def _check_port(host: str, port: int) -> None:
    with socket.socket() as s:
        try:
            s.bind((host, port))
        except OSError as err:
            raise InputError(
                f"cannot listen on {host}:{port} ({err.strerror}); pick another with --port"
            ) from err


@cli.command()
@rpc_option
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on; keep 127.0.0.1 unless a proxy sits in front.",
)
@click.option(
    "--poll",
    default=10.0,
    show_default=True,
    type=click.FloatRange(0.5, 3600),
    help="Seconds between a shipment page's checks for news.",
)
@click.option(
    "--index-follow/--no-index-follow",
    default=True,
    show_default=True,
    help="Follow the chain into the index in a thread of the server, or (--no-index-follow) "
    "read an index that `tradelane index --follow --db` keeps beside it, never writing to it.",
)
@click.option(
    "--max-index-age",
    default=30.0,  # tradelane.web.app.MAX_INDEX_AGE (not imported: the CLI starts without web)
    show_default=True,
    type=click.FloatRange(0, 3600),
    metavar="SECONDS",
    help="A request finding the index's last sync older than this waits for one sync "
    "(0: every request syncs; at least 10 with --no-index-follow).",
)
@db_option
@click.option(
    "--webhook",
    "webhooks",
    multiple=True,
    metavar="URL",
    help="POST each new milestone as JSON to URL (repeatable).",
)
def serve(
    rpc: str | None,
    port: int,
    host: str,
    poll: float,
    index_follow: bool,
    max_index_age: float,
    db: str | None,
    webhooks: tuple[str, ...],
) -> None:
    """Serve the tracking pages: shipment, trace-code lookup, party list and a JSON API.

    Read-only: the pages never sign or send anything (a wallet button hands the prepared
    call to the reader's own browser wallet). Pages update live by server-sent events;
    --webhook URL also POSTs each new milestone to URL. The chain is contacted on the
    first request, so the server starts even when the node is down (pages answer
    503 with the reason until it is up). API reference at /docs, schema at
    /openapi.json; everything is served locally, nothing loads from the internet.

    Pages read the event index (--db), which the server keeps following in a thread: a
    page load makes no call to the node unless the index is older than --max-index-age.
    With --no-index-follow a `tradelane index --follow` beside the server keeps it. Every
    page's footer and /api/health say how fresh it is.

    \b
    Example:
      tradelane node &            # a local chain
      tradelane demo --rpc http://127.0.0.1:8545   # deploys, leaves a shipment there
      tradelane serve --port 8000
      # then open http://127.0.0.1:8000/shipment/1
      # or, with the index kept by its own process (e.g. on PostgreSQL):
      tradelane index --follow --db postgresql+psycopg://tradelane@db/tradelane &
      tradelane serve --no-index-follow --db postgresql+psycopg://tradelane@db/tradelane
    """
    import uvicorn

    from ..web import create_app

    url = rpc or default_rpc()
    if url == EMBEDDED:
        raise InputError(
            "serve needs a chain that outlives one command: start `tradelane node` "
            "and use its URL (an embedded chain would be empty)"
        )
    for hook in webhooks:
        if not hook.startswith(("http://", "https://")):
            raise InputError(f"--webhook '{hook}' is not an http(s) URL")
    app = create_app(  # refuses a --max-index-age a follower beside it cannot keep
        url,
        poll_seconds=poll,
        index_url=db,
        index_follow=index_follow,
        max_index_age=max_index_age,
    )
    _check_port(host, port)
    if webhooks:
        from ..web.feeds import Webhooks
        from ..web.live import hub

        hub(app).listen(Webhooks(webhooks, base=f"http://{host}:{port}"))
    click.echo(f"Tradelane tracking on http://{host}:{port}/  (chain: {url}; Ctrl+C to stop)")
    uvicorn.run(app, host=host, port=port, log_level="warning")
