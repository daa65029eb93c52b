"""The `tradelane serve` command: help with an example, clean errors before starting."""

from __future__ import annotations

import socket

from click.testing import CliRunner

from tradelane.cli import cli


def test_serve_help_has_options_and_an_example():
    result = CliRunner().invoke(cli, ["serve", "--help"])

    assert result.exit_code == 0
    for word in (
        "--rpc",
        "--port",
        "--host",
        "--index-follow / --no-index-follow",
        "--max-index-age",
        "--db",
        "Example:",
        "tradelane serve",
    ):
        assert word in result.output


def test_serve_refuses_a_port_in_use_with_one_line():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        port = s.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--rpc", "http://127.0.0.1:1", "--port", port])

    assert result.exit_code == 1
    assert f"cannot listen on 127.0.0.1:{port}" in result.output
    assert "Traceback" not in result.output


def test_serve_refuses_the_embedded_chain():
    result = CliRunner().invoke(cli, ["serve", "--rpc", "embedded"])

    assert result.exit_code == 1
    assert "tradelane node" in result.output


def test_serve_refuses_an_index_age_a_follower_beside_it_cannot_keep():
    args = ["serve", "--rpc", "http://127.0.0.1:1", "--no-index-follow", "--max-index-age", "3"]
    result = CliRunner().invoke(cli, args)

    assert result.exit_code == 1
    assert "max index age of 3 s" in result.output and "--max-index-age 10" in result.output
    assert "Traceback" not in result.output
