"""Where the Shipments contract lives on each chain: a JSON file keyed by chain id.

The file is ``$TRADELANE_HOME/deployments.json`` (default ``./.tradelane``). Every
command finds the contract through it; ``tradelane deploy`` writes it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from .chain import Chain
from .errors import ChainError, NotDeployedError

__all__ = ["home", "deployments_file", "load", "record", "lookup"]


def home() -> Path:
    return Path(os.environ.get("TRADELANE_HOME", ".tradelane"))


def deployments_file() -> Path:
    return home() / "deployments.json"


def load() -> dict[str, dict]:
    path = deployments_file()
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text())
    except json.JSONDecodeError as err:
        raise ChainError(f"{path} is not valid JSON ({err.msg}); fix or delete it") from err
    if not isinstance(data, dict):
        raise ChainError(f"{path} should map chain ids to deployments; fix or delete it")
    return data


def record(chain: Chain, entry: dict) -> Path:
    """Store `entry` (address, block, compiler, source hash…) for the chain; atomic write."""
    if chain.is_embedded:
        return deployments_file()  # an embedded chain lives only as long as its process
    data = load()
    data[str(chain.chain_id)] = {"chain_id": chain.chain_id, **entry}
    path = deployments_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    tmp.replace(path)
    return path


def lookup(chain: Chain) -> dict:
    """The deployment on this chain, checked against the chain itself."""
    entry = load().get(str(chain.chain_id))
    if entry is None:
        raise NotDeployedError(
            f"Tradelane is not deployed on chain {chain.chain_id} (no entry in "
            f"{deployments_file()}); run `tradelane deploy --rpc {chain.url}`"
        )
    if entry.get("chain_id") != chain.chain_id:
        raise ChainError(
            f"{deployments_file()} says chain {entry.get('chain_id')} for key {chain.chain_id}; "
            "fix or delete the file"
        )
    if not chain.w3.eth.get_code(entry["address"]):
        raise NotDeployedError(
            f"no contract at {entry['address']} on chain {chain.chain_id} (a fresh node?); "
            f"run `tradelane deploy --rpc {chain.url}`"
        )
    return entry
