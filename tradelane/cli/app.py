"""The `tradelane` click group: one place that turns library errors into one-line messages,
and opens the intent (`tradelane.intents`) under which every command's transactions are
journaled, so that any command — present or future — is safe to re-run."""

from __future__ import annotations

import importlib
import os
import sys
import uuid

import click

from .. import __version__, intents
from ..errors import TradelaneError

DEBUG_ENV = "TRADELANE_DEBUG"
# Arguments that change how a command reports or where it connects, not what it means.
NOT_INTENT = frozenset({"as_json", "rpc", "yes"})
# Commands whose every run is a new intent: the demo shows a new lifecycle; simulate keeps its
# own run journal (tradelane.analytics.resume: a re-run reads an interrupted step back from the
# chain and goes on with the same population), so its transactions need no intent key in common.
FRESH = frozenset({"demo", "simulate"})


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


def _fail(message: str, code: int = 1):
    click.echo(f"error: {' '.join(message.split())}", err=True)
    sys.exit(code)


def _name(ctx: click.Context) -> str:
    """The command's name below the root ('ship', 'node advance'), however the program was
    started (`tradelane`, `python -m tradelane.cli`, a test runner)."""
    names = []
    while ctx.parent is not None:
        names.append(ctx.info_name)
        ctx = ctx.parent
    return " ".join(reversed(names))


class _Command(click.Command):
    """A command run as one intent: its transactions are journaled and resumed on a re-run."""

    def invoke(self, ctx: click.Context):
        root = ctx.find_root().params
        name = _name(ctx)
        key = root.get("intent") or [
            name,
            {k: v for k, v in sorted(ctx.params.items()) if k not in NOT_INTENT},
        ]
        if name in FRESH and not root.get("intent"):
            key = [name, uuid.uuid4().hex]
        with intents.active("tradelane", key, bump_now=bool(root.get("bump_fee"))) as intent:
            try:
                return super().invoke(ctx)
            finally:
                for note in intent.notes:
                    click.echo(f"note: {note}", err=True)


class _Group(click.Group):
    """A click group whose commands report failures as one line and exit 1.

    Usage errors too are one ``error:`` line with exit 1 (click's own would be several lines
    and exit 2). Set ``TRADELANE_DEBUG=1`` to see the traceback of an unexpected error.
    """

    command_class = _Command

    def main(self, *args, **kwargs):
        kwargs["standalone_mode"] = False
        try:
            code = super().main(*args, **kwargs)
        except click.UsageError as err:
            where = f" (see `{err.ctx.command_path} --help`)" if err.ctx else ""
            _fail(f"{err.format_message()}{where}")
        except click.ClickException as err:
            _fail(err.format_message())
        except click.Abort:
            _fail("stopped at a prompt; nothing was sent. Answer the prompt, or pass the value "
                  "as an option or environment variable", 1)  # fmt: skip
        sys.exit(code if isinstance(code, int) else 0)

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except TradelaneError as err:
            _fail(str(err))
        except KeyboardInterrupt:
            click.echo(
                "interrupted; whatever was sent is journaled: run the same command again to "
                "finish it",
                err=True,
            )
            sys.exit(130)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as err:  # noqa: BLE001 - a CLI never ends in a traceback
            if os.environ.get(DEBUG_ENV):
                raise
            _fail(_one_line(err))


_Group.group_class = _Group

#: Each top-level command's module under `tradelane.cli`, imported when that command runs
#: (or `--help` lists them all): `tradelane route` then starts without loading web3, the
#: contracts and the index. `tests/cli/test_cli_lazy.py` keeps these tables complete.
COMMANDS = {
    "accept": "accept",
    "amend": "amend",
    "book": "booking",
    "receiver": "booking",
    "node": "chain_cmds",
    "deploy": "chain_cmds",
    "demo": "demo",
    "index": "index",
    "lanes": "lanes",
    "milestone": "milestones",
    "relay": "milestones",
    "offer": "offer",
    "offers": "offer",
    "parties": "parties",
    "route": "route",
    "serve": "serve",
    **dict.fromkeys(
        ("confirm", "finalize", "refund", "cancel", "dispute", "resolve", "settle", "withdraw"),
        "settle",
    ),
    "ship": "ship",
    "simulate": "simulate",
    "status": "status",
    "shipments": "status",
    "watch": "status",
    **dict.fromkeys(("label", "trace", "references", "export", "verify"), "trace"),
}
#: Modules that add subcommands to a group another module defines.
EXTENDS = {"offer": ("accept",)}  # `offer inspect` shares accept's checks


class _Root(_Group):
    """The root group: loads a command's module on first use (:data:`COMMANDS`)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module = COMMANDS.get(cmd_name)
        if module is not None and cmd_name not in self.commands:
            for name in (module, *EXTENDS.get(cmd_name, ())):
                importlib.import_module(f"{__package__}.{name}")
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Root, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="tradelane")
@click.option(
    "--intent",
    metavar="KEY",
    default=None,
    envvar="TRADELANE_INTENT",
    help="Name what this run means (an idempotency key): a re-run with the same KEY finishes "
    "it and never sends it twice [default: the command and its arguments].",
)
@click.option(
    "--bump-fee",
    is_flag=True,
    help="If this command's transaction from an earlier run is still pending, replace it now "
    "with a higher fee under the same nonce.",
)
def cli(intent: str | None, bump_fee: bool) -> None:
    """Tradelane: escrowed shipments with committed routes and signed milestones.

    Every command that sends is safe to run again: its transactions are journaled before
    they are broadcast, and a re-run finishes them instead of sending twice.

    \b
    Example:
      tradelane demo
    """
