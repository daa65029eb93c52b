"""The root command loads each command's module on first use (`tradelane.cli.app.COMMANDS`)."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import click

import tradelane.cli
from tradelane.cli.app import COMMANDS, EXTENDS, cli


def _modules(cmd: click.Command) -> set[str]:
    """The modules defining a command and, for a group, every subcommand below it."""
    found = {cmd.callback.__module__.rsplit(".", 1)[-1]}
    for sub in getattr(cmd, "commands", {}).values():
        found |= _modules(sub)
    return found


def test_every_command_loads_every_module_that_defines_a_part_of_it():
    for info in pkgutil.iter_modules(tradelane.cli.__path__):
        if info.name != "__main__":  # it runs the command line
            importlib.import_module(f"tradelane.cli.{info.name}")
    defined = {name: _modules(cmd) for name, cmd in cli.commands.items()}
    table = {name: {module, *EXTENDS.get(name, ())} for name, module in COMMANDS.items()}
    assert defined == table
    assert defined["offer"] == {"offer", "accept"}  # the one group two modules fill


def test_route_starts_without_the_chain_stack():
    """A routing-only command must not pay for web3, the contracts and the index."""
    probe = (
        "import json, sys\n"
        "from click.testing import CliRunner\n"
        "from tradelane.cli import cli\n"
        "r = CliRunner().invoke(cli, ['route', 'CNSHA', 'NLRTM', '--depart-after', "
        "'2027-03-01', '--json'])\n"
        "heavy = sorted(m for m in ('web3', 'eth_account', 'tradelane.index', "
        "'tradelane.agreement') if m in sys.modules)\n"
        "print(json.dumps({'code': r.exit_code, 'out': r.output[:200], 'heavy': heavy}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 0, result["out"]
    assert result["heavy"] == []


def test_help_lists_commands_not_yet_loaded():
    done = subprocess.run(
        [sys.executable, "-m", "tradelane.cli", "--help"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    listed = {
        line.split()[0] for line in done.stdout.split("Commands:")[1].splitlines() if line.strip()
    }
    assert listed == set(COMMANDS)
