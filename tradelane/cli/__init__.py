"""The `tradelane` command line. Each module here adds its commands to `app.cli`."""

from __future__ import annotations

import importlib

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
    settle,
    ship,
    simulate,
    status,
)
from .app import cli

# Traceability and the web page register their commands when their modules are present.
for _name in ("trace", "serve"):
    try:
        importlib.import_module(f"{__name__}.{_name}")
    except ModuleNotFoundError as err:
        if err.name != f"{__name__}.{_name}":
            raise


def main() -> None:
    cli()
