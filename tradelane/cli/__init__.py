"""The `tradelane` command line. Each module here adds its commands to `app.cli`."""

from __future__ import annotations

from . import (  # noqa: F401  (each registers its commands)
    accept,
    amend,
    booking,
    chain_cmds,
    demo,
    index,
    lanes,
    milestones,
    offer,
    parties,
    route,
    serve,
    settle,
    ship,
    simulate,
    status,
    trace,
)
from .app import cli


def main() -> None:
    cli()
