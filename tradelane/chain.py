"""Connect to a chain and send transactions: the one path every caller uses.

Three kinds of chain, one interface:

* ``embedded`` — web3's ``EthereumTesterProvider`` (eth-tester on py-evm), in-process;
* a local anvil node (``tradelane node``), by default at http://127.0.0.1:8545;
* any JSON-RPC URL (``--rpc`` / ``TRADELANE_RPC``), e.g. a public testnet.

On dev chains the well-known anvil accounts are available by name (``buyer``, ``seller``,
``carrier1`` …, `tradelane.accounts`); the embedded chain is funded with the same keys so names
mean the same everywhere. Transactions are always signed locally with eth-account and sent raw,
journaled first inside a command's intent; fees and bulk sending are `tradelane.bulk`.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from eth_account import Account
from eth_account.signers.local import LocalAccount
from web3 import Web3
from web3.datastructures import AttributeDict
from web3.exceptions import BlockNotFound, TransactionNotFound
from web3.types import RPCEndpoint

from . import intents
from .accounts import DEV_CHAIN_IDS, DEV_MNEMONIC, DEV_NAMES, Signers, dev_accounts
from .bulk import BulkSending, offered_fees, raised_fees
from .errors import ChainError, InputError
from .intents import Step
from .revert import raise_decoded

__all__ = [
    "DEV_CHAIN_IDS",
    "DEV_NAMES",
    "EMBEDDED",
    "Chain",
    "connect",
    "dev_accounts",
    "default_rpc",
]

EMBEDDED = "embedded"
DEFAULT_RPC = "http://127.0.0.1:8545"


def default_rpc() -> str:
    return os.environ.get("TRADELANE_RPC", DEFAULT_RPC)


@dataclass
class Chain(Signers, BulkSending):
    """A connected chain: web3, what kind it is, and the accounts that can sign on it
    (`tradelane.accounts.Signers`); bulk sending is `tradelane.bulk.BulkSending`."""

    w3: Web3
    url: str
    chain_id: int
    signers: dict[str, LocalAccount] = field(default_factory=dict)
    receipt_timeout: float = 120.0
    bump_after: float = 60.0  # seconds pending before the fee is raised (same nonce)

    @property
    def is_embedded(self) -> bool:
        return self.url == EMBEDDED

    @cached_property
    def genesis_hash(self) -> str:
        """The genesis block's hash: with the chain id, what tells two local chains apart.

        Read as block 1's parent once there is a block 1: anvil, restarted from a state file,
        makes itself a new block 0 (with the time of the restart), while block 1 keeps the
        hash of the genesis it was mined on."""
        try:
            return _hex(self.w3.eth.get_block(1)["parentHash"])
        except BlockNotFound:
            return _hex(self.w3.eth.get_block(0)["hash"])

    # -- transactions ---------------------------------------------------------------

    def send(
        self, call: Any, sender: str | LocalAccount, *, value: int = 0, gas: int | None = None
    ):
        """Sign `call` (a web3 contract function call) as `sender`, send it, wait for the receipt.

        Inside a command's intent (`tradelane.intents`) the transaction is journaled before it
        is broadcast, and an earlier run's transaction for the same step is finished instead
        of sending a second one. Reverts are decoded into the contract's custom error.
        """
        acct = self.account(sender)
        step = self._step(getattr(call, "fn_name", None) or "deploy")
        if step is not None and step.exists():
            receipt = self._resume(step, acct)
            if receipt is not None:
                return receipt
        params: dict[str, Any] = {"from": acct.address, "value": value}
        try:
            params["gas"] = gas or int(call.estimate_gas(params) * 1.2) + 10_000
            tx = call.build_transaction(
                {**params, "nonce": self.w3.eth.get_transaction_count(acct.address, "pending")}
            )
        except Exception as err:  # noqa: BLE001 - every failure is decoded or re-raised
            raise_decoded(err, self.w3)
        return self.send_raw(tx, acct, step)

    def send_raw(self, tx: dict, acct: LocalAccount, step: Step | None = None):
        """Sign `tx`, journal it in `step` (if any), broadcast it and wait for its receipt."""
        tx.setdefault("chainId", self.chain_id)
        if "maxFeePerGas" not in tx and "gasPrice" not in tx:
            tx.update(offered_fees(self.w3))
        signed = acct.sign_transaction(tx)
        if step is not None:
            step.record_attempt(acct.address, _plain(tx), signed.raw_transaction, _hex(signed.hash))
        try:
            self.w3.eth.send_raw_transaction(signed.raw_transaction)
        except Exception as err:  # noqa: BLE001
            # Not marked lost: a broken connection may have delivered it. A re-run asks the
            # chain: mined, pending, unknown (re-broadcast) or its nonce taken (sent anew).
            raise_decoded(err, self.w3)
        return self._await(tx, acct, step, [_hex(signed.hash)])

    def transfer(self, sender: str | LocalAccount, to: str, value: int):
        acct = self.account(sender)
        step = self._step("transfer")
        if step is not None and step.exists():
            receipt = self._resume(step, acct)
            if receipt is not None:
                return receipt
        tx = {
            "from": acct.address,
            "to": Web3.to_checksum_address(to),
            "value": value,
            "gas": 21_000,
            "nonce": self.w3.eth.get_transaction_count(acct.address, "pending"),
            **offered_fees(self.w3),
        }
        return self.send_raw(tx, acct, step)

    # -- exactly once: waiting, resuming, replacing ------------------------------------

    def _step(self, label: str) -> Step | None:
        intent = intents.current()
        return intent.step(self, label) if intent is not None else None

    def receipt_of(self, hashes: list[str]):
        for tx_hash in hashes:
            try:
                return self.w3.eth.get_transaction_receipt(tx_hash)
            except TransactionNotFound:
                continue
        return None

    def _await(
        self,
        tx: dict,
        acct: LocalAccount,
        step: Step | None,
        hashes: list[str],
        *,
        reused: bool = False,
    ):
        """Wait for any of `hashes` (one nonce) to be mined; replace it with a higher fee after
        `bump_after` seconds; give up with a re-run hint after `receipt_timeout`."""
        started = last_sent = time.monotonic()
        poll = 0.02
        while True:
            receipt = self.receipt_of(hashes)
            if receipt is not None:
                return self._finish(receipt, step, reused=reused)
            now = time.monotonic()
            if now - started >= self.receipt_timeout:
                raise ChainError(
                    f"transaction {hashes[-1]} (nonce {tx['nonce']}) not mined within "
                    f"{self.receipt_timeout:.0f}s; it is journaled: re-run the same command to "
                    "keep waiting for it (`tradelane --bump-fee …` replaces it with a higher fee "
                    "under the same nonce), never a second transaction"
                )
            if now - last_sent >= self.bump_after:
                tx, new_hash = self._bump(tx, acct, step)
                hashes.append(new_hash)
                last_sent = now
            time.sleep(poll)
            poll = min(poll * 1.5, 0.5)

    def _bump(self, tx: dict, acct: LocalAccount, step: Step | None) -> tuple[dict, str]:
        """The same transaction under the same nonce with fees raised by a quarter (nodes
        replace a pending transaction only for at least 10 % more), journaled first."""
        tx = {**tx, **raised_fees(tx, offered_fees(self.w3))}
        signed = acct.sign_transaction(tx)
        if step is not None:
            step.record_attempt(acct.address, _plain(tx), signed.raw_transaction, _hex(signed.hash))
        try:
            self.w3.eth.send_raw_transaction(signed.raw_transaction)
        except Exception as err:  # noqa: BLE001 - e.g. mined meanwhile: the wait finds it
            if "nonce too low" not in str(err).lower():
                raise_decoded(err, self.w3)
        return tx, _hex(signed.hash)

    def _finish(self, receipt, step: Step | None, *, reused: bool = False):
        ok = receipt["status"] == 1
        if step is not None:
            block = self.w3.eth.get_block(receipt["blockNumber"])
            step.mark(
                "mined" if ok else "reverted",
                hash=_hex(receipt["transactionHash"]),
                block=receipt["blockNumber"],
                index=receipt["transactionIndex"],
                block_time=int(block["timestamp"]),
                wall_time=time.time(),
            )
        if not ok:
            raise ChainError(
                f"transaction {_hex(receipt['transactionHash'])} reverted on chain; nothing "
                "changed. Check the shipment with `tradelane status` and run the command again"
            )
        return AttributeDict({**receipt, "reused": True}) if reused else receipt

    def _resume(self, step: Step, acct: LocalAccount):
        """Finish the transaction an earlier run journaled for `step`: its receipt if mined
        (awaited if pending, re-broadcast if the node does not know it); None when it can
        never land, so that the caller sends it anew."""
        step.lock()
        data = step.load()
        if data.get("state") in ("reverted", "lost"):
            return None
        hashes = [a["hash"] for a in data["attempts"]]
        receipt = self.receipt_of(hashes)
        if receipt is None and self._nonce_taken(acct.address, data["nonce"]):
            receipt = self.receipt_of(hashes)  # it may have landed a moment ago
            if receipt is None:
                step.mark("lost")
                intents.note(
                    f"the transaction an earlier run journaled ({hashes[-1]}, nonce "
                    f"{data['nonce']}) is not on this chain and never can be (another "
                    "transaction took its nonce); it was sent anew"
                )
                return None
        if receipt is not None:
            if receipt["status"] != 1:
                step.mark("reverted")
                return None
            return self._finish(receipt, step, reused=True)
        tx = data["tx"]
        if not any(self._known(h) for h in hashes):
            intents.note(
                f"the node did not know the transaction an earlier run journaled ({hashes[-1]}, "
                f"nonce {data['nonce']}): re-broadcast from the journal"
            )
            with contextlib.suppress(Exception):  # "already known"/"nonce too low": awaited
                self.w3.eth.send_raw_transaction(data["attempts"][-1]["raw"])
        else:
            intent = intents.current()
            if intent is not None and intent.bump_now:
                tx, new_hash = self._bump(tx, acct, step)
                hashes.append(new_hash)
        return self._await(tx, acct, step, hashes, reused=True)

    def _nonce_taken(self, address: str, nonce: int) -> bool:
        return self.w3.eth.get_transaction_count(address, "latest") > nonce

    def _known(self, tx_hash: str) -> bool:
        try:
            self.w3.eth.get_transaction(tx_hash)
        except TransactionNotFound:
            return False
        return True

    # -- time ----------------------------------------------------------------------

    def now(self) -> int:
        return int(self.w3.eth.get_block("latest")["timestamp"])

    def advance(self, seconds: int) -> int:
        """Move a dev chain's clock forward (and mine a block). Returns the new timestamp."""
        if not self.is_dev:
            raise ChainError(f"cannot move time on chain {self.chain_id}: not a dev chain")
        if self.is_embedded:
            # time_travel mines a block. After a snapshot is restored the pending block can
            # be ahead of the latest one, so count from whichever is later.
            tester = self.w3.provider.ethereum_tester
            pending = tester.get_block_by_number("pending")["timestamp"]
            tester.time_travel(max(pending, self.now()) + seconds)
        else:
            self.w3.provider.make_request("evm_increaseTime", [seconds])
            self.w3.provider.make_request("evm_mine", [])
            from .deployments import remember_clock  # a restarted node keeps this offset

            remember_clock(self, self.now())
        return self.now()


def _hex(value) -> str:
    return "0x" + bytes(value).hex() if not isinstance(value, str) else value


def _plain(tx: dict) -> dict:
    """`tx` as JSON: bytes as 0x hex, the rest as is (how the journal stores it)."""
    return {k: _hex(v) if isinstance(v, bytes | bytearray) else v for k, v in tx.items()}


def _embedded_web3() -> Web3:
    from eth_tester import EthereumTester, PyEVMBackend
    from web3 import EthereumTesterProvider

    backend = PyEVMBackend.from_mnemonic(
        DEV_MNEMONIC,
        num_accounts=len(DEV_NAMES),
        hd_path="m/44'/60'/0'/0",
        genesis_parameters=PyEVMBackend.generate_genesis_params({"gas_limit": 36_000_000}),
    )
    return Web3(EthereumTesterProvider(EthereumTester(backend)))


def connect(rpc: str | None = None, *, timeout: float = 10.0) -> Chain:
    """Connect to `rpc` (a URL, or ``"embedded"``); default ``TRADELANE_RPC`` or the local node."""
    url = rpc or default_rpc()
    # web3 validates every call's chain id by asking the node again (an extra round trip
    # per eth_call); a node's chain id does not change under a connection, so it is cached.
    once = {"cache_allowed_requests": True, "cacheable_requests": {RPCEndpoint("eth_chainId")}}
    if url == EMBEDDED:
        w3 = _embedded_web3()
    elif url.startswith(("http://", "https://")):
        w3 = Web3(Web3.HTTPProvider(url, request_kwargs={"timeout": timeout}, **once))
    elif url.startswith(("ws://", "wss://")):
        w3 = Web3(Web3.LegacyWebSocketProvider(url, **once))
    else:
        raise InputError(f"--rpc '{url}' is not an http(s)/ws(s) URL or 'embedded'")
    try:
        chain_id = w3.eth.chain_id
    except Exception as err:  # noqa: BLE001 - any transport failure means "not reachable"
        hint = " (start one with `tradelane node`)" if url == DEFAULT_RPC else ""
        raise ChainError(f"no Ethereum node answers at {url}{hint}") from err
    return Chain(w3=w3, url=url, chain_id=chain_id)


def from_web3(w3: Web3, url: str | None = None) -> Chain:
    """A `Chain` over an existing web3 connection (e.g. brownie's `web3`)."""
    try:
        chain_id = w3.eth.chain_id
    except Exception as err:  # noqa: BLE001 - any transport failure means "not reachable"
        raise ChainError(f"no Ethereum node answers at {url or 'the given web3 provider'}") from err
    url = url or getattr(w3.provider, "endpoint_uri", None) or "web3"
    return Chain(w3=w3, url=url, chain_id=chain_id)


def from_brownie() -> Chain:
    """A `Chain` on brownie's active network, for the scripts in `scripts/`.

    Brownie accounts that hold a private key (``accounts.load``/``accounts.add``) become
    signers; on a dev network the dev names (``buyer``, ``carrier1`` …) are brownie's
    ``accounts[0..9]`` (anvil's mnemonic) anyway.
    """
    from brownie import accounts, network, web3

    if not network.is_connected():
        raise ChainError("brownie is not connected; use `brownie run … --network NAME`")
    chain = from_web3(web3, getattr(web3.provider, "endpoint_uri", None) or network.show_active())
    for acct in accounts:
        key = getattr(acct, "private_key", None)
        if key:
            local = Account.from_key(key)
            chain.signers[local.address] = local
    return chain
