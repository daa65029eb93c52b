"""The pinned anvil dev node from node_modules: start, wait until it answers, stop.

Used by `tradelane node`, the tests and the benchmarks alike. Its state file keeps
the chain across restarts (anvil dumps it on a clean stop and every second); `recover`
makes a restarted node's clock monotonic and restores journaled transactions the state
file lost (a kill -9 within a second of them).
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

from .compiler import ROOT
from .errors import ChainError, SetupError

__all__ = ["ANVIL", "Anvil", "free_port", "recover", "CHAIN_ID"]

ANVIL = ROOT / "node_modules" / ".bin" / "anvil"
CHAIN_ID = 31337
PR_SET_PDEATHSIG = 1  # linux/prctl.h


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        reply = requests.post(
            url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId", "params": []}, timeout=1
        )
        return reply.ok
    except requests.RequestException:
        return False


def _complete(path: Path) -> bool:
    """Whether anvil's JSON state file was written out whole (it ends its object)."""
    try:
        with open(path, "rb") as fh:
            if fh.read(1) != b"{":
                return False
            fh.seek(-1, os.SEEK_END)
            return fh.read(1) == b"}"
    except OSError:
        return False


def _stop_with_parent() -> None:
    """In the child, before exec: ask Linux to SIGTERM it when the process that started it dies.

    So a test run or `tradelane node` that is killed outright leaves no anvil behind (the npm
    wrapper forwards SIGTERM to the anvil binary). Elsewhere this is a no-op.
    """
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


class Anvil:
    """An anvil process on 127.0.0.1. Use as a context manager, or start()/stop()."""

    def __init__(
        self,
        port: int | None = None,
        state: Path | None = None,
        *,
        block_time: int | None = None,
        genesis_time: int | None = None,
    ):
        self.port = port or free_port()
        self.state = Path(state) if state else None
        self.block_time = block_time
        # Two fresh nodes started in the same second have the same genesis block, hence the
        # same chain key (tradelane.deployments): a distinct genesis time tells them apart.
        self.genesis_time = genesis_time
        self.process: subprocess.Popen | None = None
        self.restored_backup = False  # the state file was torn; started from the last good copy
        self._keeper: threading.Thread | None = None
        self._stopping = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def command(self) -> list[str]:
        if not ANVIL.exists():
            raise SetupError(
                "anvil is missing from node_modules; run `make demo` or `make test` once"
            )
        cmd = [
            str(ANVIL),
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--chain-id",
            str(CHAIN_ID),
        ]
        cmd += ["--hardfork", "prague", "--gas-limit", "36000000", "--silent"]
        if self.state:
            cmd += ["--state", str(self.state), "--state-interval", "1"]
        if self.block_time:
            cmd += ["--block-time", str(self.block_time)]
        if self.genesis_time is not None:
            cmd += ["--timestamp", str(self.genesis_time)]
        return cmd

    # anvil rewrites its state file in place: killed mid-write, it leaves a torn file it then
    # refuses to start from. So a last good copy is kept beside it (checked and swapped in
    # atomically), and a start from a torn file falls back to that copy; the intent journal
    # (`recover`) brings back what was sent after it.

    @property
    def backup(self) -> Path:
        return self.state.with_name(self.state.name + ".good")

    def _keep_copy(self) -> None:
        if _complete(self.state):
            tmp = self.state.with_name(self.state.name + ".copy")
            shutil.copyfile(self.state, tmp)
            if _complete(tmp):
                tmp.replace(self.backup)

    def _keeper_loop(self) -> None:
        seen = 0.0
        while not self._stopping.wait(1.0):
            with contextlib.suppress(OSError):
                mtime = self.state.stat().st_mtime
                if mtime != seen:
                    self._keep_copy()
                    seen = mtime

    def _prepare_state(self) -> None:
        self.state.parent.mkdir(parents=True, exist_ok=True)
        if not self.state.exists():
            return
        if _complete(self.state):
            self._keep_copy()
        elif _complete(self.backup):
            shutil.copyfile(self.backup, self.state)
            self.restored_backup = True
        else:
            raise ChainError(
                f"the node's state file {self.state} is damaged (a crash while anvil wrote it) "
                "and there is no good copy beside it; start a new chain with --fresh"
            )

    def start(self, timeout: float = 20.0) -> Anvil:
        if _answers(self.url):
            raise ChainError(f"something already answers at {self.url}; choose another --port")
        if self.state:
            self._prepare_state()
        self.process = subprocess.Popen(
            self.command(),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
            preexec_fn=_stop_with_parent,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                err = self.process.stderr.read().decode(errors="replace").strip().splitlines()
                raise ChainError(f"anvil exited at start: {err[-1] if err else 'no message'}")
            if _answers(self.url):
                if self.state:
                    self._stopping.clear()
                    self._keeper = threading.Thread(target=self._keeper_loop, daemon=True)
                    self._keeper.start()
                return self
            time.sleep(0.05)
        self.stop()
        raise ChainError(f"anvil did not answer at {self.url} within {timeout:.0f}s")

    def stop(self, *, kill: bool = False) -> None:
        """Stop anvil: SIGTERM lets it write its state file; `kill=True` simulates a crash."""
        self._stopping.set()
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGKILL if kill else signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def __enter__(self) -> Anvil:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _rpc(url: str, method: str, *params):
    body = {"jsonrpc": "2.0", "id": 1, "method": method, "params": list(params)}
    reply = requests.post(url, json=body, timeout=10).json()
    if "error" in reply:
        raise ChainError(f"the node at {url} refused {method}: {reply['error'].get('message')}")
    return reply["result"]


def recover(url: str) -> dict:
    """Make a dev node restarted from its state file trustworthy again.

    anvil writes its state once a second and forgets a clock moved by `evm_increaseTime`.
    So, from what this home remembers of the chain (the intent journal and the clock record,
    `tradelane.deployments.chain_dir`): the clock is set to no earlier than the latest block
    anyone saw, keeping the last known offset from real time; then every journaled
    transaction the state file lost is re-broadcast from its stored raw bytes, in the order
    it was mined, so that what a command reported as done is on the chain again.
    Returns {"clock": timestamp, "offset": seconds ahead of real time, "restored": n}.
    """
    from . import deployments, intents
    from .chain import connect

    chain = connect(url)
    folder = deployments.chain_dir(chain)
    steps = intents.all_steps(folder)
    clock = deployments.read_clock(folder / "clock.json")
    head = int(chain.w3.eth.get_block("latest")["timestamp"])
    seen = [head, int(clock.get("block_time", 0))]
    seen += [int(s.get("block_time", 0)) for _, s in steps]
    readings = [(clock["wall_time"], clock["offset"])] if "wall_time" in clock else []
    readings += [
        (s["wall_time"], s["block_time"] - s["wall_time"]) for _, s in steps if "wall_time" in s
    ]
    offset = max(readings)[1] if readings else 0.0  # the latest reading
    now = time.time()
    target = int(max(max(seen) + 1, now + offset))
    if target > now:
        _rpc(url, "anvil_setTime", hex(target))
    restored = 0
    lost = [(p, s) for p, s in steps if s.get("state") in ("sent", "mined")]
    lost = [(p, s) for p, s in lost if chain.receipt_of([a["hash"] for a in s["attempts"]]) is None]
    lost.sort(key=lambda ps: (ps[1].get("block", 2**62), ps[1].get("index", 0), ps[1]["nonce"]))
    for path, step in lost:
        with contextlib.suppress(Exception):  # its nonce taken meanwhile: it can never land
            tx_hash = chain.w3.eth.send_raw_transaction(step["attempts"][-1]["raw"])
            receipt = chain.w3.eth.wait_for_transaction_receipt(
                tx_hash, timeout=30, poll_latency=0.05
            )
            restored += 1
            intents.Step(path, step.get("label", path.stem)).mark(
                "mined" if receipt["status"] == 1 else "reverted",
                block=receipt["blockNumber"],
                index=receipt["transactionIndex"],
            )
    return {"clock": target, "offset": round(max(0.0, target - now)), "restored": restored}
