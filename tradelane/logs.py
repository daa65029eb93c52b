"""Reading event logs from a deployment block to the chain's tip, in ranges a node will serve.

Public RPC providers cap `eth_getLogs` (commonly 10 000 blocks, or 10 000 results, per call);
a dev node serves any range. So logs are read `RANGE` blocks at a time, and a range the node
refuses is halved until it serves it: on anvil or eth-tester that is one call, on a long
public chain it is as many as the provider needs.
"""

from __future__ import annotations

from web3.exceptions import Web3RPCError

from .errors import ChainError

__all__ = ["RANGE", "fetch"]

RANGE = 10_000  # blocks per eth_getLogs call to start with


def fetch(w3, event, *, from_block: int, argument_filters: dict | None = None) -> list:
    """Every log of `event` (a web3 contract event) from `from_block` to the latest block,
    ordered by block and log index."""
    latest = w3.eth.block_number
    logs: list = []
    start, span = from_block, RANGE
    while start <= latest:
        end = min(start + span - 1, latest)
        try:
            logs += event.get_logs(
                from_block=start, to_block=end, argument_filters=argument_filters
            )
        except (Web3RPCError, ValueError) as err:
            if span == 1:
                raise ChainError(f"the node refused logs of block {start}: {err}") from err
            span //= 2  # too large for this node: try half the range
            continue
        start = end + 1
    return sorted(logs, key=lambda log: (log["blockNumber"], log["logIndex"]))
