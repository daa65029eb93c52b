"""The `tradelane` click group: one place that turns library errors into one-line messages."""

from __future__ import annotations

import sys

import click

from .. import __version__
from ..errors import TradelaneError


class _Group(click.Group):
    """A click group whose commands report `TradelaneError`s as one line and exit 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TradelaneError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tradelane")
def cli() -> None:
    """Tradelane: escrowed shipments with committed routes and signed milestones.

    \b
    Example:
      tradelane demo
    """
