"""The few JSON-RPC calls the follower makes, raw (no web3 formatting: it is the hot path).

Over HTTP the follower keeps its own provider without web3's built-in retries, so that a
refusal reaches `tradelane.logs.ranges`, which knows whether to narrow the range or to back
off; the embedded chain answers through its own provider.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable

from web3 import HTTPProvider, Web3

from ..chain import Chain
from ..errors import ChainError
from ..logs import BACKOFF, PATIENCE, Refused
from .decode import as_int

__all__ = ["Rpc"]

BATCH = 100  # requests per JSON-RPC batch


class Rpc:
    def __init__(self, w3: Web3, sleep: Callable[[float], None] = time.sleep):
        self.w3 = w3
        self.batches = isinstance(w3.provider, HTTPProvider)
        self.sleep = sleep

    @classmethod
    def for_chain(cls, chain: Chain) -> Rpc:
        if chain.url.startswith(("http://", "https://")):
            provider = HTTPProvider(
                chain.url, request_kwargs={"timeout": 60}, exception_retry_configuration=None
            )
            return cls(Web3(provider))
        return cls(chain.w3)

    def call(self, method: str, *params):
        return _patiently(lambda: self._call(method, params), self.sleep)

    def many(self, method: str, params: list[list]) -> list:
        """The results of `method` for each params list, in order (batched over HTTP)."""
        if not self.batches:
            return [self.call(method, *p) for p in params]
        out: list = []
        for start in range(0, len(params), BATCH):
            chunk = params[start : start + BATCH]
            out += _patiently(lambda chunk=chunk: self._batch(method, chunk), self.sleep)
        return out

    def _call(self, method: str, params):
        if not self.batches:  # eth-tester: through web3's formatters, back to JSON values
            try:
                return json.loads(Web3.to_json(self.w3.manager.request_blocking(method, params)))
            except Exception as err:  # noqa: BLE001 - reported as a refusal, as over HTTP
                raise Refused(f"{method}: {err}") from err
        try:
            reply = self.w3.provider.make_request(method, list(params))
        except Exception as err:  # noqa: BLE001 - HTTP 429/5xx, timeouts: let the caller decide
            raise Refused(str(err), status=_http_status(err)) from err
        return _result(method, reply)

    def _batch(self, method: str, chunk: list[list]) -> list:
        try:
            replies = self.w3.provider.make_batch_request([(method, p) for p in chunk])
        except Exception as err:  # noqa: BLE001 - as in `call`
            raise Refused(str(err), status=_http_status(err)) from err
        if isinstance(replies, dict):  # the whole batch refused
            _result(method, replies)
            raise Refused(f"{method}: the batch was refused")
        replies = sorted(replies, key=lambda r: r.get("id", 0))
        return [_result(method, r) for r in replies]

    # -- the calls -----------------------------------------------------------------------

    def block_number(self) -> int:
        return as_int(self.call("eth_blockNumber"))

    def chain_id(self) -> int:
        return as_int(self.call("eth_chainId"))

    def header(self, tag: int | str) -> dict | None:
        return self.call("eth_getBlockByNumber", _tag(tag), False)

    def headers(self, numbers: list[int]) -> dict[int, dict]:
        found = self.many("eth_getBlockByNumber", [[_tag(n), False] for n in numbers])
        return {n: h for n, h in zip(numbers, found, strict=True) if h is not None}

    def logs(self, address: str, start: int, end: int) -> list[dict]:
        if not self.batches:  # eth-tester: web3's own call (its raw request skips formatting)
            query = {"address": address, "fromBlock": start, "toBlock": end}
            try:
                return json.loads(Web3.to_json(self.w3.eth.get_logs(query)))
            except Exception as err:  # noqa: BLE001 - reported as a refusal, as over HTTP
                raise Refused(f"eth_getLogs: {err}") from err
        query = {"address": address, "fromBlock": hex(start), "toBlock": hex(end)}
        return self.call("eth_getLogs", query)

    def inputs(self, tx_hashes: list[str]) -> dict[str, str]:
        found = self.many("eth_getTransactionByHash", [[h] for h in tx_hashes])
        return {h: _hexstr(t["input"]) for h, t in zip(tx_hashes, found, strict=True) if t}


def _patiently(request: Callable, sleep: Callable[[float], None]):
    """`request()`, asked again after a growing wait while the node says it is rate-limited."""
    wait = BACKOFF[0]
    for _ in range(PATIENCE):
        try:
            return request()
        except Refused as err:
            if not err.rate_limited:
                raise
            sleep(wait)
            wait = min(wait * 2, BACKOFF[1])
    try:
        return request()
    except Refused as err:
        raise ChainError(f"the node keeps refusing: {err}") from err


def _tag(n: int | str) -> str:
    return hex(n) if isinstance(n, int) else n


def _hexstr(value) -> str:
    if isinstance(value, bytes | bytearray):
        return "0x" + bytes(value).hex()
    return value if str(value).startswith("0x") else "0x" + str(value)


def _http_status(err: BaseException) -> int | None:
    response = getattr(err, "response", None)
    return getattr(response, "status_code", None)


def _result(method: str, reply: dict):
    if "error" in reply and reply["error"]:
        error = reply["error"]
        message = error.get("message", str(error)) if isinstance(error, dict) else str(error)
        code = error.get("code") if isinstance(error, dict) else None
        raise Refused(f"{method}: {message}", code=code)
    return reply.get("result")
