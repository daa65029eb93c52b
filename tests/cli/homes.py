"""Parties that share nothing but the chain and files: one TRADELANE_HOME and keystore each.

Each party gets a fresh eth-account key in an encrypted keystore (scrypt with a small
work factor so the suite stays fast; the format is the real one), funded by a plain
transfer from a dev account, and its own home holding only the deployment record
(what a party learns from the operator's documentation) and its own address book.
Commands run through the real `tradelane` entry point with only that party's home,
password and keystore in the environment.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result
from eth_account import Account

from tradelane.chain import dev_accounts
from tradelane.cli import cli

FUNDING = 100 * 10**18


@dataclass
class Party:
    """One company at its own desk: home, keystore, password, address."""

    label: str
    home: Path
    keystore: Path
    password: str
    address: str
    rpc: str

    @property
    def key(self) -> list[str]:
        """The `--account` option naming this party's keystore."""
        return ["--account", str(self.keystore)]

    def env(self) -> dict[str, str | None]:
        return {
            "TRADELANE_HOME": str(self.home),
            "TRADELANE_PASSWORD": self.password,
            "TRADELANE_RPC": self.rpc,
            "TRADELANE_DEBUG": None,
        }

    def run(self, *args, ok: bool = True, input: str | None = None, **env) -> Result:
        """`tradelane ARGS…` as this party (`env` overrides its environment); `ok` asserts
        exit 0 and shows the output if not."""
        result = CliRunner().invoke(
            cli, [str(a) for a in args], env={**self.env(), **env}, input=input
        )
        if ok:
            assert result.exit_code == 0, f"{self.label}: exit {result.exit_code}\n{result.output}"
        return result

    def json(self, *args) -> dict | list:
        return json.loads(self.run(*args, "--json").stdout)

    def account(self):
        """The party's own key, unlocked (what an attacker holding it would use directly)."""
        return Account.from_key(
            Account.decrypt(json.loads(self.keystore.read_text()), self.password)
        )

    def knows(self, other: Party, name: str, role: str) -> None:
        """Write `other` into this party's address book, as the people would."""
        self.run("parties", "add", other.address, name, "--role", role)


def make_party(label: str, root: Path, rpc: str, deployments: Path, w3) -> Party:
    """A new key in a keystore in a new home, funded from the dev chain's deployer."""
    home = root / label
    home.mkdir(parents=True)
    shutil.copy(deployments, home / "deployments.json")
    acct = Account.create()
    password = f"{label}-passphrase"
    keystore = home / "key.json"
    keystore.write_text(json.dumps(Account.encrypt(acct.key, password, iterations=2**12)))
    _fund(w3, acct.address)
    return Party(label, home, keystore, password, acct.address, rpc)


def _fund(w3, address: str, value: int = FUNDING) -> None:
    """A signed ETH transfer from the dev deployer (not a node cheat), waited for."""
    funder = dev_accounts()["deployer"]
    tx = {
        "to": address,
        "value": value,
        "gas": 21_000,
        "nonce": w3.eth.get_transaction_count(funder.address, "pending"),
        "chainId": w3.eth.chain_id,
        "maxFeePerGas": 2 * w3.eth.get_block("latest")["baseFeePerGas"] + 10**9,
        "maxPriorityFeePerGas": 10**9,
    }
    tx_hash = w3.eth.send_raw_transaction(funder.sign_transaction(tx).raw_transaction)
    assert w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30)["status"] == 1
