"""Compile the Solidity sources with the pinned compiler, cached by source hash.

The compiler is the official WebAssembly `solc` from npm behind `tools/solc.js`, which
py-solc-x drives like a native binary (installed by `tools/bootstrap.sh`). Nothing here
downloads anything.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .errors import CompileError, SetupError

__all__ = ["SOLC_VERSION", "EVM_VERSION", "Artifact", "compile_contracts", "source_hash"]

SOLC_VERSION = "0.8.37"
EVM_VERSION = "prague"  # py-evm 0.12 runs Prague; solc 0.8.37 would default to osaka
ROOT = Path(__file__).resolve().parent.parent
CONTRACTS = ROOT / "contracts"
CACHE = ROOT / "build" / "tradelane"
REMAPPINGS = ["@openzeppelin/=node_modules/@openzeppelin/"]
OPTIMIZER = {"enabled": True, "runs": 10_000}
# Through the Yul IR: its optimiser inlines OpenZeppelin's ECDSA chain and the milestone path,
# which the legacy pipeline cannot (see docs/SPECIFICATION.md, "Storage and gas").
VIA_IR = True


@dataclass(frozen=True)
class Artifact:
    """One compiled contract: what web3 needs to deploy it and talk to it."""

    name: str
    source: str
    abi: list
    bytecode: str
    deployed_bytecode: str


def _sources() -> dict[str, Path]:
    return {
        f"contracts/{p.relative_to(CONTRACTS).as_posix()}": p
        for p in sorted(CONTRACTS.rglob("*.sol"))
    }


def _openzeppelin_version() -> str:
    package = ROOT / "node_modules" / "@openzeppelin" / "contracts" / "package.json"
    if not package.exists():
        raise SetupError(
            "node_modules is missing OpenZeppelin Contracts; run `make demo` or `make test`"
        )
    return json.loads(package.read_text())["version"]


def source_hash() -> str:
    """sha256 over every source file, the compiler settings and the library version."""
    digest = hashlib.sha256()
    settings = [SOLC_VERSION, EVM_VERSION, REMAPPINGS, OPTIMIZER, VIA_IR, _openzeppelin_version()]
    digest.update(json.dumps(settings).encode())
    for name, path in _sources().items():
        digest.update(name.encode() + b"\0" + path.read_bytes() + b"\0")
    return "0x" + digest.hexdigest()


def _solc_input() -> dict:
    return {
        "language": "Solidity",
        "sources": {name: {"content": path.read_text()} for name, path in _sources().items()},
        "settings": {
            "evmVersion": EVM_VERSION,
            "optimizer": OPTIMIZER,
            "viaIR": VIA_IR,
            "remappings": REMAPPINGS,
            "outputSelection": {
                "*": {"*": ["abi", "evm.bytecode.object", "evm.deployedBytecode.object"]}
            },
        },
    }


def _run_solc(solc_input: dict) -> dict:
    try:
        import solcx
        from solcx.exceptions import SolcError, SolcNotInstalled
    except ImportError as err:  # pragma: no cover - only without the venv
        raise SetupError("py-solc-x is not installed; run `make test` to set up .venv") from err
    try:
        solcx.set_solc_version(SOLC_VERSION, silent=True)
        return solcx.compile_standard(solc_input, allow_paths=str(ROOT), base_path=str(ROOT))
    except SolcNotInstalled as err:
        raise SetupError(
            f"solc {SOLC_VERSION} adapter not found in .venv/solcx; run `tools/bootstrap.sh`"
        ) from err
    except (SolcError, OSError) as err:
        first = str(err).strip().splitlines()[0] if str(err).strip() else repr(err)
        raise CompileError(f"solc failed: {first}") from err


def _check_errors(output: dict) -> None:
    errors = [e for e in output.get("errors", []) if e.get("severity") == "error"]
    if errors:
        first = errors[0].get("formattedMessage", errors[0].get("message", "")).strip()
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise CompileError(f"{first.splitlines()[0]}{more}")


@cache
def compile_contracts() -> dict[str, Artifact]:
    """All contracts under contracts/, by contract name. Compiles only when sources changed."""
    key = source_hash()
    cached = CACHE / f"{key[2:18]}.json"
    if cached.exists():
        raw = json.loads(cached.read_text())
    else:
        output = _run_solc(_solc_input())
        _check_errors(output)
        raw = {}
        for source, contracts in output.get("contracts", {}).items():
            if not source.startswith("contracts/"):
                continue
            for name, data in contracts.items():
                raw[name] = {
                    "name": name,
                    "source": source,
                    "abi": data["abi"],
                    "bytecode": "0x" + data["evm"]["bytecode"]["object"],
                    "deployed_bytecode": "0x" + data["evm"]["deployedBytecode"]["object"],
                }
        CACHE.mkdir(parents=True, exist_ok=True)
        tmp = cached.with_suffix(f".{os.getpid()}.tmp")
        tmp.write_text(json.dumps(raw))
        tmp.replace(cached)  # atomic: an interrupted compile leaves no half-written cache
    return {name: Artifact(**data) for name, data in raw.items()}
