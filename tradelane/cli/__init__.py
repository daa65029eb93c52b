"""The `tradelane` command line. Each module here adds its commands to `app.cli`."""

from __future__ import annotations

from . import route  # noqa: F401  (registers commands)
from .app import cli


def main() -> None:
    cli()
