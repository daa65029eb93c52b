"""Fee policy and bulk sending, under `tradelane.chain.Chain`.

`offered_fees` is what every transaction offers (EIP-1559: twice the base fee plus a 1 gwei
tip), `raised_fees` what replaces a pending one under the same nonce, and `BulkSending.send_many`
sends many calls from one sender with consecutive nonces without waiting in between — its fee
cap covers every block its batch fills. Bulk sends are not journaled (benchmarks, seeding).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import requests
from eth_account.signers.local import LocalAccount
from web3 import Web3

from .errors import ChainError

__all__ = ["BulkSending", "offered_fees", "raised_fees"]

TIP = 10**9  # 1 gwei


def offered_fees(w3: Web3) -> dict:
    """The fees a transaction offers now: cap twice the latest base fee plus the tip."""
    base = w3.eth.get_block("latest").get("baseFeePerGas", 0)
    return {"maxFeePerGas": 2 * base + TIP, "maxPriorityFeePerGas": TIP}


def raised_fees(tx: dict, fresh: dict) -> dict:
    """Fees that replace pending `tx`: a quarter more (nodes replace a pending transaction only
    for at least 10 % more), and no less than `fresh` (what a new transaction offers now)."""
    tip = max(-(-int(tx["maxPriorityFeePerGas"]) * 5 // 4), fresh["maxPriorityFeePerGas"])
    cap = max(-(-int(tx["maxFeePerGas"]) * 5 // 4), fresh["maxFeePerGas"], tip)
    return {"maxFeePerGas": cap, "maxPriorityFeePerGas": tip}


def _batch_fees(w3: Web3, calls: int, gas: int) -> dict:
    """Fees for `calls` transactions of `gas` each: each full block raises the EIP-1559 base fee
    by up to 12.5 %, so the cap must cover every block the batch fills, or its tail waits
    forever behind a base fee that outgrew it."""
    fees = offered_fees(w3)
    blocks = -(-calls * gas // w3.eth.get_block("latest")["gasLimit"]) + 1
    tip = fees["maxPriorityFeePerGas"]
    fees["maxFeePerGas"] = int((fees["maxFeePerGas"] - tip) * 1.125**blocks) + tip
    return fees


class BulkSending:
    """`send_many`; mixed into `tradelane.chain.Chain`."""

    w3: Web3
    url: str
    chain_id: int
    receipt_timeout: float
    is_dev: bool  # `accounts.Signers.is_dev`
    account: Callable[[str | LocalAccount], LocalAccount]  # `accounts.Signers.account`

    def send_many(
        self,
        calls: list[Any],
        sender: str | LocalAccount,
        *,
        gas: int,
        value: int = 0,
        chunk: int = 200,
    ):
        """Send `calls` from one sender with consecutive nonces, without waiting in between.

        Transactions go out in JSON-RPC batches of `chunk`; then every receipt is awaited.
        For bulk work (benchmarks, seeding a chain) where each call's gas is known.
        """
        acct = self.account(sender)
        nonce = self.w3.eth.get_transaction_count(acct.address, "pending")
        fees = _batch_fees(self.w3, len(calls), gas)
        raw = []
        for i, call in enumerate(calls):
            tx = call.build_transaction(
                {
                    "from": acct.address,
                    "nonce": nonce + i,
                    "gas": gas,
                    "value": value,
                    "chainId": self.chain_id,
                    **fees,
                }
            )
            raw.append(acct.sign_transaction(tx).raw_transaction)
        hashes = []
        for start in range(0, len(raw), chunk):
            part = raw[start : start + chunk]
            if self.url.startswith(("http://", "https://")):
                hashes += self._post_raw_batch(part)
            else:
                hashes += [self.w3.eth.send_raw_transaction(r) for r in part]
        if self.is_dev:
            self._mine_pending()
        receipts = [
            self.w3.eth.wait_for_transaction_receipt(
                h, timeout=self.receipt_timeout, poll_latency=0.05
            )
            for h in hashes
        ]
        failed = [r for r in receipts if r["status"] != 1]
        if failed:
            raise ChainError(f"{len(failed)} of {len(receipts)} batched transactions reverted")
        return receipts

    def _mine_pending(self) -> None:
        """anvil's automine mines a block when a transaction arrives; a burst larger than a
        block leaves the rest pending until the next one arrives, which a bulk send never
        sends. Mine while that empties the pool (dev nodes that report their pool; what a
        block does not take, e.g. a fee below the base fee, is left to the receipt wait)."""
        before = None
        while True:
            reply = self.w3.provider.make_request("txpool_status", [])
            found = reply.get("result", {}).get("pending") if isinstance(reply, dict) else None
            pending = int(found, 16) if found else 0
            if pending == 0 or pending == before:
                return
            before = pending
            self.w3.provider.make_request("evm_mine", [])

    def _post_raw_batch(self, raw: list[bytes]) -> list[str]:
        """One JSON-RPC batch of eth_sendRawTransaction (web3's batches refuse that method)."""
        method = "eth_sendRawTransaction"
        body = [
            {"jsonrpc": "2.0", "id": i, "method": method, "params": ["0x" + r.hex()]}
            for i, r in enumerate(raw)
        ]
        try:
            replies = requests.post(self.url, json=body, timeout=self.receipt_timeout).json()
        except (requests.RequestException, ValueError) as err:
            raise ChainError(f"{len(raw)} batched transactions to {self.url}: {err}") from err
        replies = sorted(replies, key=lambda reply: reply["id"])
        errors = [reply["error"].get("message", "?") for reply in replies if "error" in reply]
        if errors:
            raise ChainError(f"{len(errors)} of {len(raw)} batched transactions: {errors[0]}")
        return [reply["result"] for reply in replies]
