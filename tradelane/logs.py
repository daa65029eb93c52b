"""Reading event logs from a deployment block to the chain's tip, in ranges a node will serve.

Public RPC providers cap `eth_getLogs` (commonly 10 000 blocks, or 10 000 results, per call)
and rate-limit callers (HTTP 429). Logs are read `RANGE` blocks at a time; a range the node
refuses (too wide, too many results) is halved until it is served, and grown back after
successes; a rate-limit refusal waits, longer each time, and asks again. On anvil or
eth-tester that is one call; on a long public chain it is as many as the provider needs.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from web3.exceptions import Web3RPCError

from .errors import ChainError

__all__ = ["RANGE", "Refused", "fetch", "ranges"]

RANGE = 10_000  # blocks per eth_getLogs call to start with
BACKOFF = (0.1, 8.0)  # first and longest wait after a rate-limit refusal, seconds
PATIENCE = 10  # rate-limit refusals in a row before giving up
WIDEN_AFTER = 8  # ranges served in a row before trying a range twice as wide
_RATE_WORDS = ("rate limit", "too many requests", "429", "exceeded the quota", "throttl")


class Refused(Exception):
    """A node refused a request; `rate_limited` tells a 429 from a too-large answer."""

    def __init__(self, message: str, *, code: int | None = None, status: int | None = None):
        super().__init__(message)
        self.code = code
        self.status = status

    @property
    def rate_limited(self) -> bool:
        text = str(self).lower()
        return self.status == 429 or self.code == 429 or any(w in text for w in _RATE_WORDS)


def _refusal(err: Exception) -> Refused:
    if isinstance(err, Refused):
        return err
    response = getattr(err, "response", None)
    return Refused(str(err), status=getattr(response, "status_code", None))


def ranges(
    get: Callable[[int, int], list],
    start: int,
    end: int,
    *,
    span: int = RANGE,
    sleep: Callable[[float], None] = time.sleep,
) -> Iterator[tuple[int, int, list]]:
    """(first block, last block, `get(first, last)`) for consecutive ranges covering
    start..end, narrowing on a range or result-size refusal and waiting on a rate limit."""
    ceiling, wait, refusals, served = span, BACKOFF[0], 0, 0
    while start <= end:
        last = min(start + span - 1, end)
        try:
            found = get(start, last)
        except (Refused, Web3RPCError, ValueError, OSError) as err:
            refusal = _refusal(err)
            if refusal.rate_limited or (isinstance(err, OSError) and refusal.status is None):
                refusals += 1
                if refusals > PATIENCE:
                    raise ChainError(f"the node keeps refusing logs ({refusal})") from err
                sleep(wait)
                wait = min(wait * 2, BACKOFF[1])
                continue
            if span == 1:
                raise ChainError(f"the node refused logs of block {start}: {err}") from err
            span, served = span // 2, 0  # too large for this node: try half the range
            continue
        refusals, wait, served = 0, BACKOFF[0], served + 1
        yield start, last, found
        start = last + 1
        if served >= WIDEN_AFTER:  # a sparse stretch after a dense one: widen again
            span, served = min(span * 2, ceiling), 0


def fetch(w3, event, *, from_block: int, argument_filters: dict | None = None) -> list:
    """Every log of `event` (a web3 contract event) from `from_block` to the latest block,
    ordered by block and log index."""

    def get(first: int, last: int) -> list:
        return event.get_logs(from_block=first, to_block=last, argument_filters=argument_filters)

    logs: list = []
    for _first, _last, found in ranges(get, from_block, w3.eth.block_number):
        logs += found
    return sorted(logs, key=lambda log: (log["blockNumber"], log["logIndex"]))
