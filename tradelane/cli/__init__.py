"""The `tradelane` command line. Each module here adds its commands to `app.cli`; the root
group imports a module when one of its commands runs (`app.COMMANDS`)."""

from __future__ import annotations

from .app import cli


def main() -> None:
    cli()
