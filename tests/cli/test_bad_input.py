"""Bad input across every command: one `error:` line naming the bad value, exit 1, no traceback,
and nothing sent (no new block) or written (the home folder unchanged)."""

from __future__ import annotations

import json

import pytest

from benchmarks.faults import routed

S = "{sid}"
# (arguments, text the one error line must contain, extra environment)
CASES = [
    # usage errors: one line too, exit 1
    (["frobnicate"], "No such command 'frobnicate'", {}),
    (["status", "abc"], "'abc' is not a valid integer", {}),
    (["ship"], "Missing argument 'ORIGIN'", {}),
    (["relay"], "Missing argument 'FILES...'", {}),
    (["resolve", S], "Missing option '--to-buyer'", {}),
    (["ship", "CNSHA", "NLRTM", "--pick", "x"], "'x' is not a valid integer", {}),
    (["--intent"], "'--intent' requires an argument", {}),
    (["milestone", S, "DEPA", "--leg", "abc"], "'abc' is not a valid integer", {}),
    (["deploy", "--grace-period", "abc"], "--grace-period 'abc'", {}),
    (["deploy", "--arbiter-timeout", "0"], "--arbiter-timeout '0'", {}),
    (["deploy", "--grace-period", "2d"], "pass --force to deploy a second contract", {}),
    (["deploy", "--force", "--grace-period", "1m"], "gracePeriod 1 min is outside 1 h to 30 d", {}),
    (["deploy", "--force", "--arbiter-timeout", "100d"], "arbiterTimeout 100 d is outside", {}),
    (["watch", "abc"], "'abc' is not a valid integer", {}),
    (["confirm", "abc"], "'abc' is not a valid integer", {}),
    (["ship", "CNSHA", "NLRTM", "--bogus"], "No such option '--bogus'", {}),
    # connection and environment
    (["status", "1", "--rpc", "localhost"], "'localhost'", {}),
    (["status", "1", "--rpc", "http://127.0.0.1:9"], "http://127.0.0.1:9", {}),
    (["confirm", S, "--yes"], "'soon'", {"TRADELANE_RECEIPT_TIMEOUT": "soon"}),
    (["confirm", S, "--yes"], "'-3'", {"TRADELANE_BUMP_AFTER": "-3"}),
    # ship: every check before routes are proposed or anything is sent
    (["ship", "CNSHA", "NLRTM", "--amount", "lots"], "'lots'", {}),
    (["ship", "CNSHA", "NLRTM", "--amount", "-1"], "'-1'", {}),
    (["ship", "CNSHA", "NLRTM", "--amount", "0"], "'0'", {}),
    (["ship", "CNSHA", "NLRTM", "--amount", "1e80"], "1e80", {}),
    (["ship", "CNSHA", "NLRTM", "--amount", "1.0000000000000000001"], "1.0000000000000000001", {}),
    (["ship", "CNSHA", "NLRTM", "--amount", "50000000"], "50000000 ETH", {}),
    (["ship", "CNSHA", "NLRTM", "--amount", "3wei5"], "'3wei5'", {}),
    (["ship", "CNSHA", "NLRTM", "--token", "nowhere"], "--token 'nowhere'", {}),
    (["ship", "CNSHA", "NLRTM", "--token", "0x123"], "'0x123'", {}),
    (["ship", "CNSHA", "NLRTM", "--tranche", "DEPA:0"], "'DEPA:0'", {}),
    (["ship", "CNSHA", "NLRTM", "--tranche", "LOAD:0:100"], "'LOAD:0:100'", {}),
    (["ship", "CNSHA", "NLRTM", "--tranche", "DEPA:0:0"], "'DEPA:0:0'", {}),
    (["ship", "CNSHA", "NLRTM", "--tranche", "DEPA:0:20000"], "'DEPA:0:20000'", {}),
    (["ship", "CNSHA", "NLRTM", "--tranche", "DEPA:5:1000"], "--tranche DEPA:5:1000", {}),
    (
        ["ship", "CNSHA", "NLRTM", "--tranche", "DEPA:0:6000", "--tranche", "ARRI:0:6000"],
        "DEPA:0:6000 ARRI:0:6000",
        {},
    ),
    (["ship", "CNSHA", "NLRTM", "--pick", "0"], "--pick 0", {}),
    (["ship", "CNSHA", "NLRTM", "--pick", "99"], "--pick 99", {}),
    (["ship", "CNSHA", "NLRTM", "--deadline", "2020-01-01"], "2020-01-01", {}),
    (["ship", "CNSHA", "NLRTM", "--deadline", "soon"], "'soon'", {}),
    (["ship", "CNSHA", "NLRTM", "--seller", "nobody"], "'nobody'", {}),
    (["ship", "CNSHA", "NLRTM", "--account", "nobody"], "'nobody'", {}),
    (["ship", "CNSHA", "NLRTM", "--carrier", "Maersk"], "'Maersk'", {}),
    (["ship", "CNSHA", "NLRTM", "--carrier", "Meridian Container Line=nowhere"], "nowhere", {}),
    (["ship", "CNSHA", "NLRTM", "--items", "{missing}"], "missing.json", {}),
    (["ship", "XXQQQ", "NLRTM"], "XXQQQ", {}),
    (["ship", "CNSHA", "NLRTM", "--arbiter", "nowhere"], "'nowhere'", {}),
    # milestone
    (["milestone", S, "LEAVE"], "'LEAVE'", {}),
    (["milestone", S, "DEPA", "--classifier", "GUESS"], "'GUESS'", {}),
    (["milestone", S, "DEPA", "--at", "XX"], "'XX'", {}),
    (["milestone", S, "DEPA", "--time", "soon"], "'soon'", {}),
    (["milestone", S, "DEPA", "--time", "2020-01-01"], "--time 2020-01-01", {}),
    (["milestone", S, "DEPA", "--time", "2099-01-01"], "--time 2099-01-01", {}),
    (["milestone", S, "DEPA", "--leg", "5"], "leg 5", {}),
    (["milestone", "999999", "DEPA"], "shipment 999999", {}),
    (["milestone", S, "DEPA", "--sign-only", "{tmp}/nodir/x.json"], "nodir", {}),
    (["milestone", S, "DEPA", "--sign-only", "{tmp}/x.json", "--nonce", "-1"], "-1", {}),
    (["milestone", S, "DEPA", "--account", "nobody"], "'nobody'", {}),
    (["milestone", S, "ARRI"], "ARRI cannot follow", {}),
    (["milestone", S, "DEPA", "--at", "SGSIN"], "SGSIN", {}),
    # relay
    (["relay", "{missing}"], "missing.json", {}),
    (["relay", "{notjson}"], "notjson.json", {}),
    (["relay", "{partial}"], "malformed", {}),
    # settlement
    (["confirm", "999999", "--yes"], "shipment 999999", {}),
    (["confirm", S, "--account", "outsider", "--yes"], "is not the buyer", {}),
    (["confirm", S], "have not arrived", {}),
    (["cancel", S, "--account", "buyer", "--yes"], "is not the seller", {}),
    (["resolve", S, "--to-buyer", "150%"], "'150%'", {}),
    (["resolve", S, "--to-buyer", "abc"], "'abc'", {}),
    (
        ["resolve", S, "--to-buyer", "40%", "--account", "arbiter"],
        "to resolve dispute it must be disputed",
        {},
    ),
    (["refund", S], "possible from 20", {}),
    (["finalize", S], "is Routed", {}),
    (["settle", S], "is Routed", {}),
    (["dispute", S, "--account", "outsider"], "is not the buyer or seller", {}),
    (["withdraw", "--account", "outsider"], "nothing to withdraw", {}),
    (["withdraw", "--token", "nowhere"], "--token 'nowhere'", {}),
    (["withdraw", "--to", "nowhere"], "--to 'nowhere'", {}),
    # deploy, node
    (["deploy", "--account", "{keystore}", "--force"], "TRADELANE_PASSWORD", {}),
    (["node", "advance", "7x"], "'7x'", {}),
    (["node", "advance", "7d", "--rpc", "embedded"], "in-process chain", {}),
    (["node", "--state", "{tmp}"], "is a directory", {}),
    (["deploy", "--account", "{missing}"], "missing.json", {}),
]


@pytest.fixture(scope="module")
def sid(tl) -> int:
    """A routed one-leg shipment (CNSHA → SGSIN), nothing recorded yet."""
    return routed(tl)


@pytest.fixture(scope="module")
def files(tmp_path_factory) -> dict[str, str]:
    from eth_account import Account

    from tradelane.chain import dev_accounts

    folder = tmp_path_factory.mktemp("bad-input")
    (folder / "notjson.json").write_text("{ nope")
    (folder / "partial.json").write_text(json.dumps({"format": "tradelane-attestation/1"}))
    keystore = folder / "keystore.json"
    keystore.write_text(json.dumps(Account.encrypt(dev_accounts()["outsider"].key, "pw")))
    return {
        "tmp": str(folder),
        "missing": str(folder / "missing.json"),
        "notjson": str(folder / "notjson.json"),
        "partial": str(folder / "partial.json"),
        "keystore": str(keystore),
    }


def snapshot(home) -> dict:
    return {str(p): p.stat().st_mtime_ns for p in home.rglob("*")}


def test_there_are_at_least_sixty_cases():
    assert len(CASES) >= 60


@pytest.mark.parametrize(("args", "fragment", "extra"), CASES, ids=[" ".join(c[0]) for c in CASES])
def test_bad_input(invoke, tl, home, sid, files, args, fragment, extra):
    args = [a.format(sid=sid, **files) for a in args]
    block, before = tl.chain.w3.eth.block_number, snapshot(home)

    result = invoke(*args, ok=False, extra_env={**extra, "TRADELANE_PASSWORD": None})

    lines = result.output.strip().splitlines()
    assert result.exit_code == 1, result.output
    assert len(lines) == 1 and lines[0].startswith("error: "), result.output
    assert fragment in lines[0], lines[0]
    assert "Traceback" not in result.output
    assert tl.chain.w3.eth.block_number == block, "something was sent"
    assert snapshot(home) == before, "something was written"
