"""The `tradelane` command line. Each module here adds its commands to `app.cli`."""

from __future__ import annotations

from . import (  # noqa: F401  (registers)
    chain_cmds,
    demo,
    index,
    lanes,
    milestones,
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
