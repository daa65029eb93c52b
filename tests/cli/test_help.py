"""Every command has help with an example and is named in the README's command reference."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from tradelane.cli import cli

README = Path(__file__).resolve().parents[2] / "README.md"
COMMANDS = cli.list_commands(click.Context(cli))  # loaded or not yet


def test_the_group_has_help_and_a_version():
    runner = CliRunner()
    assert "Example" in runner.invoke(cli, ["--help"]).output
    assert runner.invoke(cli, ["--version"]).output.startswith("tradelane, version")


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_with_an_example(name):
    result = CliRunner().invoke(cli, [name, "--help"])

    assert result.exit_code == 0, result.output
    assert "Example" in result.output
    assert f"tradelane {name}" in result.output.split("Example", 1)[1]


@pytest.mark.parametrize("name", COMMANDS)
def test_command_is_in_the_readme(name):
    reference = README.read_text().split("## Command reference", 1)[-1]

    assert f"tradelane {name}" in reference, f"`tradelane {name}` missing from README.md"


def test_mine_are_all_there():
    mine = {"node", "deploy", "ship", "milestone", "relay", "status", "shipments", "watch",
            "confirm", "finalize", "refund", "cancel", "dispute", "resolve", "settle",
            "withdraw", "demo"}  # fmt: skip
    assert mine <= set(COMMANDS)
