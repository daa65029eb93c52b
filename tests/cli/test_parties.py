"""The address book: `tradelane parties …`, the AddressBook API, and names in the tables."""

from __future__ import annotations

import json
import shutil

import click
import pytest
from cli_kit import encoded_route
from click.testing import CliRunner

from tradelane.chain import dev_accounts
from tradelane.cli import cli
from tradelane.client import DAY
from tradelane.model import Code
from tradelane.parties import AddressBook

MERIDIAN = "0x90F79bf6EB2c4f870365E785982E1f101E93b906"
# same first and last four hex digits as MERIDIAN, another address: the poisoning look-alike
LOOKALIKE = "0x90f7000000000000000000000000000000e9b906"


@pytest.fixture
def parties(tmp_path):
    """Run `tradelane parties ARGS…` with a fresh home; returns (run, home)."""

    def run(*args: str, ok: bool = True):
        result = CliRunner().invoke(
            cli,
            ["parties", *args],
            env={"TRADELANE_HOME": str(tmp_path), "TRADELANE_DEBUG": None},
        )
        if ok:
            assert result.exit_code == 0, result.output
        return result

    return run


def test_add_list_remove_round_trip_through_the_file(parties, tmp_path):
    parties("add", MERIDIAN, "Meridian  Container Line", "--role", "Carrier")
    arbiter = dev_accounts()["arbiter"].address
    parties("add", arbiter, "Lisbon Trade Arbitration", "--role", "arbiter")

    listed = json.loads(parties("list", "--json").stdout)
    table = parties("list").stdout
    carriers = json.loads(parties("list", "--role", "carrier", "--json").stdout)
    removed = parties("remove", "meridian container line")
    after = json.loads(parties("list", "--json").stdout)

    assert [p["name"] for p in listed] == ["Meridian Container Line", "Lisbon Trade Arbitration"]
    assert listed[0] == {"address": MERIDIAN, "name": "Meridian Container Line", "role": "carrier"}
    assert "Meridian Container Line" in table and MERIDIAN in table
    assert [p["address"] for p in carriers] == [MERIDIAN]
    assert "removed Meridian Container Line (carrier)" in removed.stdout
    assert [p["name"] for p in after] == ["Lisbon Trade Arbitration"]
    stored = json.loads((tmp_path / "parties.json").read_text())
    assert stored["parties"] == after


def test_renaming_an_address_says_what_it_was(parties):
    parties("add", MERIDIAN, "Meridian", "--role", "carrier")

    renamed = parties("add", MERIDIAN.lower(), "Meridian Container Line", "--role", "carrier")
    same = parties("add", MERIDIAN, "Meridian Container Line", "--role", "carrier")

    assert "Meridian (carrier) → Meridian Container Line (carrier)" in renamed.stdout
    assert "nothing changed" in same.stdout


def test_the_api_the_web_page_uses(parties, tmp_path):
    parties("add", MERIDIAN, "Meridian Container Line", "--role", "carrier")
    book = AddressBook.load(tmp_path)
    stranger = dev_accounts()["outsider"].address

    assert book.label(MERIDIAN) == "Meridian Container Line (carrier)"
    assert book.label(MERIDIAN.lower()) == "Meridian Container Line (carrier)"
    assert book.name(MERIDIAN) == "Meridian Container Line"
    assert book.name(stranger) is None
    assert book.label(stranger) == f"⚠ {stranger[:6]}…{stranger[-4:]}"
    assert book.label(LOOKALIKE) == "⚠ 0x90F7…B906 (not Meridian Container Line)"
    assert AddressBook.load(tmp_path / "nowhere").label(MERIDIAN) == "⚠ 0x90F7…b906"


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("add", "0x90f79bf6eb2c4f870365e785982e1f101e93B906", "X", "--role", "carrier"), "0x90f7"),
        (("add", "0x1234", "X", "--role", "carrier"), "'0x1234'"),
        (("add", MERIDIAN, "   ", "--role", "carrier"), "name"),
        (("add", MERIDIAN, "Meridian\u202eeniL", "--role", "carrier"), "invisible"),
        (("add", MERIDIAN, "0xdeadbeef", "--role", "carrier"), "'0xdeadbeef'"),
        (("add", MERIDIAN, "Meridian", "--role", "captain"), "'captain'"),
        (("add", LOOKALIKE, "Lisbon Trade Arbitration", "--role", "arbiter"), "already the name"),
        (("remove", "Nobody Ltd"), "'Nobody Ltd'"),
        (("list", "--role", "pirate"), "'pirate'"),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(parties, tmp_path, args, named):
    parties("add", MERIDIAN.lower(), "Lisbon Trade Arbitration", "--role", "arbiter")
    before = (tmp_path / "parties.json").read_text()

    result = parties(*args, ok=False)

    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and result.output.startswith("error: ")
    assert named in result.output
    assert (tmp_path / "parties.json").read_text() == before


def test_a_damaged_book_is_an_error_not_an_empty_book(parties, tmp_path):
    (tmp_path / "parties.json").write_text('{"parties": [{"address": "0x12"}]')

    result = parties("add", MERIDIAN, "Meridian", "--role", "carrier", ok=False)

    assert result.exit_code == 1
    assert result.output.startswith(f"error: address book {tmp_path / 'parties.json'} is damaged")
    assert (tmp_path / "parties.json").read_text() == '{"parties": [{"address": "0x12"}]'


def test_status_and_history_show_names_and_flag_unknown_addresses(invoke, home, tmp_path, tl):
    """The shared home's deployment, plus this test's own address book."""
    shutil.copy(home / "deployments.json", tmp_path / "deployments.json")
    carrier1 = dev_accounts()["carrier1"].address
    stranger = "0x5FbDB2315678afecb367f032d93F642f64180aa3"  # not a dev key, not in the book
    sid = tl.open_agreed_shipment(
        "buyer", seller="seller", encoded=encoded_route(tl), amount=10**15,
        deadline=tl.chain.now() + 30 * DAY, arbiter=stranger,
    )  # fmt: skip
    tl.record("carrier1", tl.milestone_for(sid, Code.GTIN)[0])
    env = {"TRADELANE_HOME": str(tmp_path)}
    for address, name, role in ((carrier1, "Meridian Container Line", "carrier"),
                                (tl.chain.address("buyer"), "Acme Imports", "buyer")):  # fmt: skip
        invoke("parties", "add", address, name, "--role", role, extra_env=env)

    shown = invoke("status", sid, extra_env=env).stdout
    listed = invoke("shipments", "--party", "buyer", extra_env=env).stdout

    assert shown.count("Meridian Container Line") == 2  # the leg and the GTIN milestone
    assert "Meridian Container Line (carrier)" in shown
    assert "buyer Acme Imports (buyer)" in shown
    assert "seller seller (" in shown  # a dev account not in the book keeps its dev name
    assert "arbiter ⚠ 0x5FbD…0aa3" in shown
    assert "shipments of Acme Imports (buyer)" in listed


@pytest.mark.parametrize(
    "path",
    [
        (g, c)
        for g in ("offer", "amend", "parties")
        for c in sorted(cli.get_command(click.Context(cli), g).commands)
    ],
)
def test_agreement_subcommands_have_an_example_and_are_in_the_readme(path):
    from pathlib import Path

    result = CliRunner().invoke(cli, [*path, "--help"])
    reference = (Path(__file__).resolve().parents[2] / "README.md").read_text()

    assert result.exit_code == 0 and "Example" in result.output
    assert f"tradelane {' '.join(path)}" in result.output.split("Example", 1)[1]
    assert f"{path[0]} {path[1]}" in reference.split("## Command reference", 1)[1]
