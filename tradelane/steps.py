"""What the client's rooms share: the base of every step mixin of `tradelane.client.Tradelane`.

`Tradelane` is assembled from mixins, one per capability (`tradelane.offering`,
`tradelane.amending`, `tradelane.agreeing`, `tradelane.tracking`); each builds on `Steps`: the
client's chain, contract and address, its `view` and `logs`, the check that a document is for this
deployment, and the route in force. Also the constants callers pass (`ETH`, `DAY`) and the ERC-20
surface the client calls.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from eth_account.signers.local import LocalAccount

from .documents import check_deployment
from .errors import InputError
from .legs import leg_tuple

if TYPE_CHECKING:
    from .chain import Chain

__all__ = ["DAY", "ERC20_ABI", "ETH", "Steps", "Who"]

ETH = "0x0000000000000000000000000000000000000000"
DAY = 86_400
Who = str | LocalAccount  # a dev name, an address this process holds, or a LocalAccount
ERC20_ABI = [
    {
        "name": n,
        "type": "function",
        "stateMutability": "view",
        "inputs": [],
        "outputs": [{"type": t}],
    }
    for n, t in (("symbol", "string"), ("decimals", "uint8"))
] + [
    {
        "name": "allowance",
        "type": "function",
        "stateMutability": "view",
        "inputs": [{"type": "address"}, {"type": "address"}],
        "outputs": [{"type": "uint256"}],
    },
    {
        "name": "approve",
        "type": "function",
        "stateMutability": "nonpayable",
        "inputs": [{"type": "address"}, {"type": "uint256"}],
        "outputs": [{"type": "bool"}],
    },
]


class Steps:
    """The base of the client's step mixins (set up by `Tradelane.__init__`)."""

    chain: Chain
    contract: Any
    address: str
    view: Callable[[int], dict]  # `Tradelane.view`
    logs: Callable[..., list]  # `Tradelane.logs`

    def _check_here(self, document: dict) -> None:
        check_deployment(document, self.chain.chain_id, self.address)

    def in_force(self, shipment_id: int) -> tuple[bytes, list[tuple], bytes]:
        """(agreement digest, complete legs, network hash) of the shipment's last RouteCommitted:
        the offer or amendment in force and its route."""
        logs = self.logs("RouteCommitted", shipmentId=shipment_id)
        if not logs:
            raise InputError(f"shipment {shipment_id} has no route on chain {self.chain.chain_id}")
        args = logs[-1]["args"]
        legs = [leg_tuple(leg) for leg in args["legs"]]
        return bytes(args["agreement"]), legs, bytes(args["networkHash"])
