"""The offline toolchain: the solc adapter, the compile cache, chain connection errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
import solcx

from tradelane import compiler
from tradelane.chain import connect
from tradelane.errors import ChainError, CompileError, InputError

ROOT = Path(__file__).resolve().parent.parent
SOLC = ROOT / ".venv" / "bin" / "solc"


def _solc(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(SOLC), *args], input=stdin, capture_output=True, text=True, check=False
    )


def test_adapter_answers_version_like_native_solc():
    out = _solc("--version")

    assert out.returncode == 0
    assert "Version: 0.8.37+commit." in out.stdout
    assert solcx.wrapper.get_solc_version(SOLC) == solcx.wrapper.Version("0.8.37")


def test_adapter_prints_only_json_and_accepts_native_path_flags(tmp_path):
    src = tmp_path / "A.sol"
    src.write_text("// SPDX-License-Identifier: MIT\npragma solidity 0.8.37;\ncontract A {}\n")
    request = {"language": "Solidity", "sources": {"A.sol": {"urls": [str(src)]}}}

    out = _solc(
        "--standard-json",
        "--allow-paths",
        str(tmp_path),
        "--base-path",
        str(tmp_path),
        stdin=json.dumps(request),
    )

    assert out.returncode == 0
    assert json.loads(out.stdout)["sources"]["A.sol"]["id"] == 0


def test_adapter_reads_imports_from_disk_and_streams_more_than_64k_through_a_pipe():
    request = {
        "language": "Solidity",
        "sources": {
            "T.sol": {
                "content": (
                    "// SPDX-License-Identifier: MIT\npragma solidity 0.8.37;\n"
                    'import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";\n'
                    'contract T is ERC20 { constructor() ERC20("T", "T") {} }\n'
                )
            }
        },
        "settings": {
            "evmVersion": "prague",
            "remappings": ["@openzeppelin/=node_modules/@openzeppelin/"],
            "outputSelection": {"*": {"*": ["abi", "evm.bytecode"], "": ["ast"]}},
        },
    }

    out = _solc("--standard-json", "--base-path", str(ROOT), stdin=json.dumps(request))

    assert len(out.stdout) > 64 * 1024
    output = json.loads(out.stdout)
    assert "errors" not in output or all(e["severity"] != "error" for e in output["errors"])
    assert output["contracts"]["T.sol"]["T"]["evm"]["bytecode"]["object"]


def test_adapter_rejects_unknown_options_like_native_solc():
    out = _solc("--bogus")

    assert out.returncode != 0
    assert out.stderr.startswith("unrecognised option '--bogus'")


def test_compile_error_is_one_clear_line(tmp_path, monkeypatch):
    broken = tmp_path / "contracts"
    broken.mkdir()
    (broken / "Broken.sol").write_text("pragma solidity 0.8.37;\ncontract Broken { function }\n")
    monkeypatch.setattr(compiler, "CONTRACTS", broken)
    monkeypatch.setattr(compiler, "CACHE", tmp_path / "cache")
    compiler.compile_contracts.cache_clear()
    try:
        with pytest.raises(CompileError) as err:
            compiler.compile_contracts()
    finally:
        compiler.compile_contracts.cache_clear()

    assert "ParserError" in str(err.value)
    assert "\n" not in str(err.value)


def test_compiled_for_prague_and_cached_by_source_hash():
    artifacts = compiler.compile_contracts()
    cached = compiler.CACHE / f"{compiler.source_hash()[2:18]}.json"

    assert "Shipments" in artifacts
    assert cached.exists()
    assert compiler._solc_input()["settings"]["evmVersion"] == "prague"


def test_no_node_at_url_is_a_clear_error():
    with pytest.raises(ChainError, match="no Ethereum node answers at http://127.0.0.1:9"):
        connect("http://127.0.0.1:9", timeout=1)


def test_rpc_must_be_a_url():
    with pytest.raises(InputError, match="'ftp://x' is not an http"):
        connect("ftp://x")


def test_dev_accounts_are_refused_on_a_non_dev_chain():
    chain = connect("embedded")
    chain.chain_id = 1  # pretend: mainnet

    with pytest.raises(InputError, match="refused on chain 1"):
        chain.account("buyer")
