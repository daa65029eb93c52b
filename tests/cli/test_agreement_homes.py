"""One key per party: a company with only its own home and keystore can act, and only as itself."""

from __future__ import annotations

import pytest
from homes import make_party


@pytest.fixture(scope="module")
def company(anvil, deployed, home, tl, tmp_path_factory):
    root = tmp_path_factory.mktemp("companies")

    def make(label: str):
        return make_party(label, root, anvil.url, home / "deployments.json", tl.chain.w3)

    return make


def test_a_party_acts_with_its_keystore_alone(company, tl):
    buyer = company("acme")

    result = buyer.run("withdraw", *buyer.key, ok=False)

    assert tl.chain.w3.eth.get_balance(buyer.address) == 100 * 10**18
    assert result.exit_code == 1
    assert result.output.startswith(f"error: {buyer.address} has nothing to withdraw in ETH")
    assert result.output.count("\n") == 1
    files = [p for p in buyer.home.rglob("*") if p.is_file()]
    keys = [p.name for p in files if "crypto" in p.read_text(errors="ignore")]
    assert keys == ["key.json"]  # its own keystore and no other


def test_a_wrong_password_is_one_line_and_sends_nothing(company, tl):
    buyer = company("wrong-password")
    nonce = tl.chain.w3.eth.get_transaction_count(buyer.address)

    result = buyer.run("dispute", "1", *buyer.key, ok=False, TRADELANE_PASSWORD="not-it")

    assert result.exit_code == 1
    assert result.output == (
        f"error: wrong password for keystore {buyer.keystore} (or the file is damaged)\n"
    )
    assert tl.chain.w3.eth.get_transaction_count(buyer.address) == nonce
