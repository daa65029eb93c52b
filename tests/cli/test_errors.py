"""Every failure the issue lists ends in one clear line and a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import time

import pytest
import requests
from eth_account import Account

from tradelane.chain import dev_accounts
from tradelane.contracts import deploy
from tradelane.node import Anvil, free_port


def one_line_error(result, *fragments: str) -> str:
    """Assert a clean failure: exit 1, no traceback, one `error:` line naming `fragments`."""
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    errors = [line for line in result.output.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, result.output
    for fragment in fragments:
        assert fragment in errors[0], errors[0]
    return errors[0]


class OtherChainAnvil(Anvil):
    """An anvil that claims a public chain id (Sepolia's), i.e. not a dev chain."""

    def command(self) -> list[str]:
        cmd = super().command()
        cmd[cmd.index("--chain-id") + 1] = "11155111"
        return cmd


@pytest.fixture
def keystore(tmp_path):
    path = tmp_path / "outsider.json"
    path.write_text(json.dumps(Account.encrypt(dev_accounts()["outsider"].key, "right horse")))
    return path


def test_no_node_at_the_url(invoke):
    url = f"http://127.0.0.1:{free_port()}"

    result = invoke("status", "1", "--rpc", url, ok=False)

    one_line_error(result, "no Ethereum node answers at", url)


def test_rpc_that_is_not_a_url(invoke):
    one_line_error(invoke("status", "1", "--rpc", "localhost", ok=False), "not an http(s)")


def test_wrong_chain_id_in_the_deployments_file(invoke, tmp_path, deployed, chain_key):
    (tmp_path / "deployments.json").write_text(
        json.dumps({chain_key: {"chain_id": 5, "address": deployed, "block": 0}})
    )

    result = invoke("status", "1", extra_env={"TRADELANE_HOME": str(tmp_path)}, ok=False)

    one_line_error(result, f"says chain 5 for key {chain_key}")


def test_a_deployment_of_another_local_chain_with_the_same_id_is_not_used(
    invoke, tmp_path, deployed, tl
):
    """Two local nodes both say 31337: the entry of one is never taken for the other."""
    # an hour earlier: two nodes started in the same second would share their genesis block
    with Anvil(genesis_time=int(time.time()) - 3600) as other:
        env = {"TRADELANE_HOME": str(tmp_path), "TRADELANE_RPC": other.url}
        invoke("deploy", extra_env=env)
        env_here = {"TRADELANE_HOME": str(tmp_path)}
        here = invoke("deploy", "--json", extra_env=env_here)
        again = invoke("deploy", "--json", extra_env=env)

    recorded = json.loads((tmp_path / "deployments.json").read_text())
    assert len(recorded) == 2 and {e["chain_id"] for e in recorded.values()} == {31337}
    assert json.loads(here.stdout)["deployed_now"] is True
    assert json.loads(again.stdout)["deployed_now"] is False


def test_not_deployed_on_this_chain(invoke, tmp_path):
    result = invoke("status", "1", extra_env={"TRADELANE_HOME": str(tmp_path)}, ok=False)

    one_line_error(result, "not deployed on chain 31337", "tradelane deploy")


def test_stale_deployment_after_a_fresh_node(invoke, tmp_path, chain_key, tl):
    entry = {"chain_id": 31337, "genesis": tl.chain.genesis_hash, "address": "0x" + "12" * 20}
    (tmp_path / "deployments.json").write_text(json.dumps({chain_key: {**entry, "block": 0}}))

    result = invoke("status", "1", extra_env={"TRADELANE_HOME": str(tmp_path)}, ok=False)

    one_line_error(result, "no contract at", "a fresh node")


def test_a_contract_of_another_version_is_refused_by_name(invoke, tmp_path, tl, chain_key):
    """A deployments entry pointing at code without this version's functions (a node state kept
    from an older Tradelane) fails at once, naming what is missing, not later with a bare revert."""
    other, _ = deploy(tl.chain, "MockToken", "Stable", "USD")
    (tmp_path / "deployments.json").write_text(
        json.dumps(
            {
                chain_key: {
                    "chain_id": 31337,
                    "genesis": tl.chain.genesis_hash,
                    "address": other.address,
                    "block": 0,
                }
            }
        )
    )

    result = invoke("status", "1", extra_env={"TRADELANE_HOME": str(tmp_path)}, ok=False)

    one_line_error(result, "is not this version of Tradelane", "amendRoute", "tradelane deploy")


def test_demo_refuses_a_chain_that_is_not_a_dev_chain(invoke):
    with OtherChainAnvil() as node:
        result = invoke("demo", "--rpc", node.url, ok=False)

    one_line_error(result, "the demo spends dev accounts' ether", "not on chain 11155111")


def test_unknown_shipment_id(invoke, deployed):
    one_line_error(invoke("status", "999999", ok=False), "shipment 999999 does not exist")


def test_a_revert_is_decoded_into_words(invoke, routed):
    sid = routed()

    result = invoke("milestone", sid, "DEPA", "--at", "SGSIN", ok=False)

    line = one_line_error(result, "SGSIN", "wrong place", "expects CNSHA")
    assert "0x" not in line


def test_code_out_of_order_is_decoded(invoke, routed):
    sid = routed()

    result = invoke("milestone", sid, "ARRI", ok=False)

    one_line_error(result, "ARRI cannot follow")


def test_wrong_party_is_decoded(invoke, routed):
    sid = routed()

    one_line_error(invoke("confirm", sid, "--account", "outsider", ok=False), "is not the")


def test_insufficient_funds(invoke, deployed):
    result = invoke("ship", "CNSHA", "NLRTM", "--amount", "50000000", "--new", ok=False)

    one_line_error(result, "insufficient funds")


def test_nothing_to_withdraw(invoke, deployed):
    one_line_error(invoke("withdraw", "--account", "outsider", ok=False), "nothing to withdraw")


def test_bad_input_values(invoke, routed):
    sid = routed()
    one_line_error(invoke("milestone", sid, "LEAVE", ok=False), "code 'LEAVE' is not one of")
    one_line_error(invoke("milestone", sid, "DEPA", "--at", "XX", ok=False), "UN/LOCODE")
    one_line_error(invoke("milestone", sid, "DEPA", "--time", "soon", ok=False), "time 'soon'")
    one_line_error(
        invoke("ship", "CNSHA", "NLRTM", "--tranche", "DEPA:0", ok=False), "CODE:LEG:BPS"
    )
    one_line_error(invoke("ship", "CNSHA", "NLRTM", "--amount", "lots", ok=False), "amount")
    one_line_error(invoke("confirm", sid, "--account", "nobody", ok=False), "unknown account")


def test_malformed_attestation_files(invoke, tmp_path, routed):
    not_json = tmp_path / "a.json"
    not_json.write_text("{ nope")
    partial = tmp_path / "b.json"
    partial.write_text(json.dumps({"format": "tradelane-attestation/1", "nonce": 0}))
    bad_sig = tmp_path / "c.json"

    one_line_error(invoke("relay", not_json, ok=False), "is not JSON")
    one_line_error(invoke("relay", partial, ok=False), "malformed: missing")
    one_line_error(invoke("relay", tmp_path / "none.json", ok=False), "does not exist")
    sid = routed()
    invoke("milestone", sid, "GTIN", "--sign-only", bad_sig)
    data = json.loads(bad_sig.read_text())
    good = data["signature"]
    data["signature"] = good[:-4]
    bad_sig.write_text(json.dumps(data))
    one_line_error(invoke("relay", bad_sig, ok=False), "malformed signature")
    # The contract takes the EIP-2098 (r, vs) form: a v other than 27/28, or an s with its top bit
    # set (high s, malleable), has no such form and is refused before anything is sent.
    data["signature"] = good[:-2] + "1d"
    bad_sig.write_text(json.dumps(data))
    one_line_error(invoke("relay", bad_sig, ok=False), "v is 29, expected 27 or 28")
    data["signature"] = good[:66] + "ff" + good[68:]
    bad_sig.write_text(json.dumps(data))
    one_line_error(invoke("relay", bad_sig, ok=False), "malleable (high s)")


def test_tampered_attestation_is_refused_before_sending_and_by_the_contract(
    invoke, tmp_path, routed
):
    sid = routed()
    path = tmp_path / "gtin.json"
    invoke("milestone", sid, "GTIN", "--sign-only", path)
    data = json.loads(path.read_text())
    data["milestone"]["code"] = "LOAD"  # the signature no longer covers what is claimed
    path.write_text(json.dumps(data))

    one_line_error(invoke("relay", path, ok=False), "gtin.json was changed after it was signed")
    from tradelane.attest import recover_signer

    data["signer"] = recover_signer(data)  # hide the edit: now only the contract can tell
    path.write_text(json.dumps(data))
    one_line_error(invoke("relay", path, ok=False), "is not the carrier of leg 0")


def test_attestations_out_of_order_are_refused_before_anything_is_sent(
    invoke, tl, tmp_path, routed
):
    sid = routed()
    gtin, load = tmp_path / "gtin.json", tmp_path / "load.json"
    invoke("milestone", sid, "GTIN", "--sign-only", gtin, "--nonce", 0)
    invoke("milestone", sid, "LOAD", "--sign-only", load, "--nonce", 1)

    error = one_line_error(
        invoke("relay", load, gtin, ok=False), "signed as milestone #1", "recorded as #0"
    )

    assert "--sign-only" in error
    assert tl.view(sid)["milestones"] == 0  # neither was sent
    invoke("relay", gtin, load)
    assert tl.view(sid)["milestones"] == 2


def test_keystore_account_signs_with_password_from_env_or_prompt(invoke, keystore, routed):
    sid = routed(buyer="outsider")

    from_env = invoke(
        "dispute", sid, "--account", keystore, extra_env={"TRADELANE_PASSWORD": "right horse"}
    )
    prompted = invoke("dispute", sid, "--account", keystore, input="right horse\n")

    assert "now disputed" in from_env.output
    assert "already disputed" in prompted.output
    assert dev_accounts()["outsider"].key.hex() not in from_env.output + prompted.output


def test_bad_keystore_password(invoke, keystore, routed):
    sid = routed(buyer="outsider")

    result = invoke(
        "dispute", sid, "--account", keystore,
        extra_env={"TRADELANE_PASSWORD": "wrong"}, ok=False,
    )  # fmt: skip

    one_line_error(result, "wrong password for keystore")


def test_dev_key_refused_on_a_non_dev_chain_but_a_keystore_works(invoke, tmp_path, keystore):
    with OtherChainAnvil() as node:
        env = {"TRADELANE_RPC": node.url, "TRADELANE_HOME": str(tmp_path)}

        refused = invoke("deploy", "--account", "deployer", extra_env=env, ok=False)
        deployed = invoke(
            "deploy", "--account", keystore, "--json",
            extra_env={**env, "TRADELANE_PASSWORD": "right horse"},
        )  # fmt: skip

    one_line_error(refused, "dev account 'deployer' refused on chain 11155111")
    assert json.loads(deployed.stdout)["chain_id"] == 11155111


def test_transaction_not_mined_within_the_timeout(invoke, tmp_path):
    with Anvil() as node:
        requests.post(
            node.url,
            json={"jsonrpc": "2.0", "id": 1, "method": "evm_setAutomine", "params": [False]},
            timeout=5,
        )
        env = {
            "TRADELANE_RPC": node.url,
            "TRADELANE_HOME": str(tmp_path),
            "TRADELANE_RECEIPT_TIMEOUT": "0.5",
        }

        result = invoke("deploy", extra_env=env, ok=False)

    one_line_error(result, "not mined within", "re-run")
    assert not (tmp_path / "deployments.json").exists()


@pytest.fixture(scope="module")
def token(tl) -> str:
    """A plain ERC-20 on the session's anvil; the buyer holds 5 whole tokens."""
    from tradelane.contracts import deploy

    erc20, _ = deploy(tl.chain, "MockToken", "Test USD", "TUSD")
    tl.chain.send(erc20.functions.mint(tl.chain.address("buyer"), 5 * 10**18), "deployer")
    return erc20.address


def test_insufficient_token_balance_and_supply(invoke, token, tl):
    ship = ["ship", "CNSHA", "NLRTM", "--token", token, "--amount", "7", "--new"]
    beyond_supply = invoke(*ship, ok=False)
    erc20 = tl.chain.w3.eth.contract(address=token, abi=deploy_abi(tl))
    tl.chain.send(erc20.functions.mint(tl.chain.address("outsider"), 10 * 10**18), "deployer")
    beyond_balance = invoke(*ship, ok=False)

    one_line_error(beyond_supply, "--amount 7 is more than all 5 TUSD that exist")
    one_line_error(beyond_balance, "token balance", "holds 5 TUSD, which is below the 7 TUSD")
    assert erc20.functions.allowance(tl.chain.address("buyer"), tl.address).call() == 0


def deploy_abi(tl):
    from tradelane.contracts import artifact

    return artifact("MockToken").abi


def test_erc20_escrow_is_approved_and_funded_by_ship(invoke, tl, token):
    before = tl.count()

    result = invoke("ship", "CNSHA", "NLRTM", "--token", token, "--amount", "2", "--new", "--json")

    assert tl.count() == before + 1
    view = tl.view(tl.count())
    assert view["token"] == token
    assert view["deposited"] == view["held"] == 2 * 10**18
    assert json.loads(result.output)["shipment_id"] == tl.count()
