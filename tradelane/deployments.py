"""Where the contract lives on each chain, and each chain's folder in the home (`tradelane.files`).

A chain is named by its
chain id AND its genesis block hash, so two local nodes that both say 31337 never share
an entry: ``deployments.json`` maps ``<chain id>-<genesis>`` to the deployment, and
``chains/<chain id>-<genesis>/`` holds the intent journal (`tradelane.intents`) and the
clock record a restarted dev node resumes from (`tradelane.node.recover`).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import ChainError, NotDeployedError
from .files import home, read_json_strict, write_json

if TYPE_CHECKING:
    from .chain import Chain

__all__ = [
    "deployments_file",
    "chain_key",
    "chain_dir",
    "load",
    "record",
    "existing",
    "lookup",
    "remember_clock",
    "read_clock",
]


def deployments_file() -> Path:
    return home() / "deployments.json"


def chain_key(chain: Chain) -> str:
    """``<chain id>-<first 12 hex digits of the genesis block hash>``."""
    return f"{chain.chain_id}-{chain.genesis_hash[2:14]}"


def chain_dir(chain: Chain) -> Path:
    return home() / "chains" / chain_key(chain)


def load() -> dict[str, dict]:
    path = deployments_file()
    if not path.exists():
        return {}
    data = read_json_strict(path, "the deployments file")
    if not isinstance(data, dict):
        raise ChainError(f"{path} should map chains to deployments; fix or delete it")
    return data


def record(chain: Chain, entry: dict) -> Path:
    """Store `entry` (address, block, compiler, source hash…) for the chain; atomic write."""
    path = deployments_file()
    if chain.is_embedded:
        return path  # an embedded chain lives only as long as its process
    data = load()
    data[chain_key(chain)] = {"chain_id": chain.chain_id, "genesis": chain.genesis_hash, **entry}
    write_json(path, data)
    return path


def existing(chain: Chain) -> dict | None:
    """The recorded deployment for this very chain (id and genesis), unchecked, or None."""
    if chain.is_embedded:
        return None
    return load().get(chain_key(chain))


def lookup(chain: Chain) -> dict:
    """The deployment on this chain, checked against the chain itself."""
    entry = existing(chain)
    if entry is None:
        raise NotDeployedError(
            f"Tradelane is not deployed on chain {chain.chain_id} with genesis "
            f"{chain.genesis_hash[:14]}… (no entry in {deployments_file()}); run "
            f"`tradelane deploy --rpc {chain.url}`"
        )
    if entry.get("chain_id") != chain.chain_id or entry.get("genesis") != chain.genesis_hash:
        raise ChainError(
            f"{deployments_file()} says chain {entry.get('chain_id')} for key "
            f"{chain_key(chain)}; fix or delete the file"
        )
    if not chain.w3.eth.get_code(entry["address"]):
        raise NotDeployedError(
            f"no contract at {entry['address']} on chain {chain.chain_id} (a fresh node?); "
            f"run `tradelane deploy --rpc {chain.url}`"
        )
    return entry


# -- the clock a restarted dev node resumes from --------------------------------------------


def remember_clock(chain: Chain, block_time: int) -> None:
    """Note the chain's latest block time and its offset from the wall clock."""
    if chain.is_embedded:
        return
    path = chain_dir(chain) / "clock.json"
    now = time.time()
    known = read_clock(path)
    write_json(
        path,
        {
            "block_time": max(block_time, known.get("block_time", 0)),
            "offset": block_time - now,
            "wall_time": now,
        },
    )


def read_clock(path: Path) -> dict:
    if not path.exists():
        return {}
    data = read_json_strict(path, "the clock record")
    return data if isinstance(data, dict) else {}
