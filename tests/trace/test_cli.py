"""The trace commands: help with examples, exports to files, verify, and one-line bad input."""

from __future__ import annotations

import copy
import json

import pytest
from click.testing import CliRunner
from tamper_cases import TAMPERING
from trace_kit import build

import tradelane.cli.trace as trace_cli
from tradelane.cli import cli
from tradelane.trace.bundle import build_bundle, digest

COMMANDS = ("label", "trace", "references", "export", "verify")


@pytest.fixture
def run(tl, monkeypatch):
    """Invoke the CLI against the module's embedded chain."""
    monkeypatch.setattr(trace_cli, "open_client", lambda rpc: tl)
    monkeypatch.setattr(trace_cli, "open_chain", lambda rpc: tl.chain)
    runner = CliRunner()
    return lambda *args: runner.invoke(cli, [str(a) for a in args])


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_export_verify_label_and_trace_round_trip(tl, run, tmp_path):
    b = build(tl, "full")
    for fmt in ("dcsa", "epcis", "bundle"):
        path = tmp_path / f"{fmt}.json"
        assert run("export", b.sid, "--format", fmt, "-o", path).exit_code == 0
        assert json.loads(path.read_text())

    offline = run("verify", tmp_path / "bundle.json")
    online = run("verify", tmp_path / "bundle.json", "--rpc", "embedded")
    labels = run("label", b.sid, "-o", tmp_path / "labels", "--base-url", "https://t.example")
    traced = run("trace", "https://id.gs1.org/01/09506000134352/21/SN-001")

    assert offline.exit_code == 0 and "valid: shipment" in offline.output
    assert "completeness NOT proven" in offline.output
    assert "history consistent up to milestone #10 (DROP ACT at DEHAM)" in offline.output
    assert online.exit_code == 0 and "against chain" in online.output
    assert "; complete)" in online.output
    as_json = json.loads(run("verify", tmp_path / "bundle.json", "--json").output)
    assert as_json["valid"] and not as_json["complete"] and as_json["problems"] == []
    assert labels.exit_code == 0, labels.output
    assert len(list((tmp_path / "labels").glob("*.png"))) == 4
    assert len(list((tmp_path / "labels").glob("*.svg"))) == 4
    assert "t.example/trace?code=" in (tmp_path / "labels" / "labels.html").read_text()
    assert traced.exit_code == 0 and "history verified" in traced.output, traced.output


def test_tampered_bundle_fails_verify_naming_the_problem(tl, run, tmp_path):
    b = build(tl, "full")
    path = tmp_path / "b.json"
    run("export", b.sid, "--format", "bundle", "-o", path)
    data = json.loads(path.read_text())
    data["milestones"][3]["location"] = "NLAMS"
    path.write_text(json.dumps(data))

    result = run("verify", path)

    assert result.exit_code == 1
    assert "milestone #3" in result.output and "does not re-pack" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("trace", "(01)09506000134353(21)X"), "has check digit 3, expected 2"),
        (("trace", "106141411234567898"), "SSCC '106141411234567898' has check digit 8"),
        (
            ("trace", "https://id.gs1.org/01/09506000134352/21/UNKNOWN"),
            "belongs to no known shipment",
        ),
        (("verify", "{not_json}"), "is not JSON"),
        (("verify", "{other_chain}", "--rpc", "embedded"), "bundle is from chain 1"),
        (("export", 99, "--format", "dcsa"), "shipment 99 does not exist"),
    ],
)
def test_bad_input_is_one_clear_line_and_nonzero_exit(run, tmp_path, tl, args, message):
    (tmp_path / "bad.json").write_text("this is { not json")
    b = build(tl, "no_items_routed")
    from tradelane.trace.bundle import build_bundle

    other = build_bundle(tl, b.sid) | {"chain_id": 1}
    (tmp_path / "other.json").write_text(json.dumps(other))
    paths = {"{not_json}": tmp_path / "bad.json", "{other_chain}": tmp_path / "other.json"}

    result = run(*(paths.get(str(a), a) for a in args))

    assert result.exit_code != 0
    lines = [ln for ln in result.output.splitlines() if ln.strip()]
    assert any(message in ln for ln in lines), result.output
    assert "Traceback" not in result.output
    if args[0] != "verify" or "--rpc" not in args:
        assert len(lines) == 1, result.output


def test_references_are_set_shown_and_checked(tl, run, tmp_path):
    b = build(tl, "no_items_routed")
    good, bad = tmp_path / "refs.json", tmp_path / "bad.json"
    good.write_text(json.dumps({"containers": ["CSQU3054383"], "bill_of_lading": "MAEU1"}))
    bad.write_text(json.dumps({"containers": ["CSQU3054384"]}))

    assert "no references" in run("references", b.sid).output
    assert run("references", b.sid, good).exit_code == 0
    shown = run("references", b.sid, "--json")
    refused = run("references", b.sid, bad)

    assert json.loads(shown.output)["containers"] == [{"number": "CSQU3054383", "iso_code": None}]
    assert refused.exit_code == 1
    assert refused.output.strip().splitlines() == [
        "error: container number 'CSQU3054384' has check digit 4, expected 3"
    ]
    assert json.loads(run("references", b.sid, "--json").output)["bill_of_lading"] == "MAEU1"


@pytest.fixture(scope="module")
def full_bundle(tl):
    tester = tl.chain.w3.provider.ethereum_tester
    snapshot = tester.take_snapshot()
    yield build_bundle(tl, build(tl, "full").sid)
    tester.revert_to_snapshot(snapshot)


@pytest.mark.parametrize("online", [False, True], ids=["offline", "rpc"])
@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_verify_names_every_tampering(run, full_bundle, tmp_path, case, online):
    mutate, expected, *rpc_expected = TAMPERING[case]
    tampered = copy.deepcopy(full_bundle)
    mutate(tampered)
    tampered["digest"] = digest(tampered)
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(tampered))

    result = run("verify", path, *(("--rpc", "embedded") if online else ()))

    wanted = rpc_expected[0] if online and rpc_expected else expected
    parts = wanted if isinstance(wanted, tuple) else (wanted,)
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert any(
        line.startswith(("invalid: ", "error: ")) and all(p in line for p in parts)
        for line in lines
    )
    assert "Traceback" not in result.output
