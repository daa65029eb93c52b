"""Run the brownie suite (tests/brownie) on a fresh anvil at a free port.

brownie launches the development node itself and stops it when the run ends, pass or
fail; here we only point its `development` network at the pinned anvil from
node_modules and at a port nobody else uses, so a node the user runs is never touched.
"""

from __future__ import annotations

import os
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANVIL = ROOT / "node_modules" / ".bin" / "anvil"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main(argv: list[str]) -> int:
    if not ANVIL.exists():
        print("anvil is missing from node_modules; run `make test` to bootstrap", file=sys.stderr)
        return 1
    from brownie._cli.__main__ import main as brownie_main
    from brownie._config import CONFIG

    development = CONFIG.networks["development"]
    # brownie picks its launcher by the command's first word, so "anvil" must come first:
    # put node_modules/.bin at the front of PATH rather than giving the full path.
    os.environ["PATH"] = f"{ANVIL.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    development["cmd"] = "anvil"
    development["cmd_settings"]["port"] = free_port()
    development["cmd_settings"]["gas_limit"] = 30_000_000
    sys.argv = ["brownie", "test", "tests/brownie", "--network", "development", *argv]
    brownie_main()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
