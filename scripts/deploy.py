"""Deploy Shipments on brownie's active network (no redeploy when the sources are unchanged).

brownie run scripts/deploy.py --network development
"""

from __future__ import annotations

from tradelane.chain import from_brownie
from tradelane.client import Tradelane


def main(account: str = "deployer") -> Tradelane:
    chain = from_brownie()
    tl, deployed_now = Tradelane.deploy(chain, sender=account)
    verb = "deployed" if deployed_now else "already deployed (same sources)"
    print(f"Shipments {verb} at {tl.address} on chain {chain.chain_id}")
    return tl
