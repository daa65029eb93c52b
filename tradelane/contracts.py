"""Deploy compiled contracts and bind web3 contract objects to them."""

from __future__ import annotations

from eth_account.signers.local import LocalAccount

from .chain import Chain
from .compiler import compile_contracts
from .errors import CompileError

__all__ = ["artifact", "deploy", "at"]


def artifact(name: str):
    artifacts = compile_contracts()
    if name not in artifacts:
        raise CompileError(
            f"no contract named {name!r} in contracts/ (have: {', '.join(sorted(artifacts))})"
        )
    return artifacts[name]


def deploy(chain: Chain, name: str, *args, sender: str | LocalAccount = "deployer", value: int = 0):
    """Deploy contract `name` with constructor `args`; returns (contract, receipt)."""
    art = artifact(name)
    factory = chain.w3.eth.contract(abi=art.abi, bytecode=art.bytecode)
    receipt = chain.send(factory.constructor(*args), sender, value=value)
    return at(chain, name, receipt["contractAddress"]), receipt


def at(chain: Chain, name: str, address: str):
    """The web3 contract `name` at `address`."""
    return chain.w3.eth.contract(address=address, abi=artifact(name).abi)
