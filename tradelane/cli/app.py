"""The `tradelane` click group: one place that turns library errors into one-line messages."""

from __future__ import annotations

import os
import sys

import click

from .. import __version__
from ..errors import TradelaneError

DEBUG_ENV = "TRADELANE_DEBUG"


def _one_line(err: BaseException) -> str:
    """A failure that escaped the library's own errors, worded as one line."""
    from ..revert import raise_decoded

    if type(err).__module__.split(".")[0] == "routing":  # routing's errors are already worded
        return str(err)
    try:
        raise_decoded(err)
    except TradelaneError as decoded:
        return str(decoded)
    return " ".join(str(err).split())  # pragma: no cover - raise_decoded always raises


class _Group(click.Group):
    """A click group whose commands report failures as one line and exit 1.

    Set ``TRADELANE_DEBUG=1`` to see the traceback of an unexpected error instead.
    """

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TradelaneError as err:
            click.echo(f"error: {err}", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.echo("interrupted", err=True)
            sys.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as err:  # noqa: BLE001 - a CLI never ends in a traceback
            if os.environ.get(DEBUG_ENV):
                raise
            click.echo(f"error: {_one_line(err)}", err=True)
            sys.exit(1)


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tradelane")
def cli() -> None:
    """Tradelane: escrowed shipments with committed routes and signed milestones.

    \b
    Example:
      tradelane demo
    """
