"""Exactly once: the intent journal under every transaction a command sends.

For command authors — nothing to do in the common case:

* The `tradelane` group opens an **intent** for every command it runs, keyed by the
  command's name and its arguments (``--json`` and ``--rpc`` left out). A script can name
  the intent itself with ``tradelane --intent KEY COMMAND …`` (an idempotency key).
* Every transaction the command sends through ``Chain.send`` / ``Chain.transfer`` (so
  through every `Tradelane` client method) is a **step** of that intent, named after the
  contract function and its occurrence (``openShipment#0``, ``approve#0`` …). Before a
  step is broadcast, its signed raw transaction, sender, nonce, hash and fees are written
  to ``$TRADELANE_HOME/chains/<chain id>-<genesis>/intents/<intent>/<step>.json``
  (temp file, fsync, rename, fsync of the folder).
* When the same command runs again (after Ctrl-C, a kill -9 of it or of the node, a
  receipt timeout), ``Chain.send`` finds the step and finishes it instead of sending a
  second transaction: a mined one is returned as is (``receipt["reused"]`` is True), a
  pending one is awaited (and replaced under the same nonce with a higher EIP-1559 fee
  after ``TRADELANE_BUMP_AFTER`` seconds or with ``tradelane --bump-fee``), a dropped one is
  re-broadcast from its stored raw bytes. Only when the chain can never include it (its
  nonce was taken by another transaction, or it reverted) is the step sent anew, and the
  command's output says so (a note on stderr).
* A re-run of a finished command therefore sends nothing; say so in words from what the
  chain shows (see ``tx_row(...)["earlier_run"]`` in `tradelane.cli.options`).

A command whose runs each need an intent of their own is listed in ``FRESH`` in
`tradelane.cli.app`: ``demo`` (every run is a new shipment) and ``simulate`` (its own run
journal, `tradelane.analytics.resume`, makes a re-run finish the same population).
Name the intent yourself only when the arguments do not say what is meant:
``intents.refine(*parts)`` adds parts to the current key (``ship --new`` adds a fresh id,
``ship --items`` the items' root, ``relay`` the signatures it relays, ``withdraw`` how many
withdrawals the payee made before); ``intents.steps(chain)`` lists what earlier runs of
the current intent sent. Keep reads that decide *whether* to send before the send, and
report from what the chain shows afterwards. Library callers outside a command (tests,
benchmarks, brownie scripts) have no intent, and ``Chain.send`` sends as before.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import json
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import JournalError
from .files import hold_lock, read_json_strict, write_json

__all__ = [
    "Intent",
    "Step",
    "active",
    "current",
    "refine",
    "steps",
]

_CURRENT: contextvars.ContextVar[Intent | None] = contextvars.ContextVar("intent", default=None)


def _digest(parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


@dataclass
class Step:
    """One transaction of an intent, as stored in its journal file."""

    path: Path
    label: str
    intent: Intent | None = None

    def lock(self) -> None:
        """Hold this intent's lock (taken before anything is written or resumed)."""
        if self.intent is not None:
            self.intent._take_lock(self.path.parent)

    def exists(self) -> bool:
        return self.path.exists()

    def load(self) -> dict:
        data = read_json_strict(self.path, "journal entry")
        if not isinstance(data, dict) or "attempts" not in data:
            raise JournalError(f"journal entry {self.path} is not a transaction record; look at it")
        return data

    def save(self, data: dict) -> None:
        write_json(self.path, {**data, "label": self.label, "updated": int(time.time())})

    def record_attempt(self, sender: str, tx: dict, raw: bytes, tx_hash: str) -> dict:
        """Durably add one signed transaction (the first, or a fee bump of the same nonce)."""
        self.lock()
        data = self.load() if self.exists() else {}
        if data.get("state") in ("reverted", "lost"):
            data = {}  # an attempt that can never land: this is a new one
        attempt = {
            "hash": tx_hash,
            "raw": "0x" + raw.hex(),
            "max_fee": int(tx.get("maxFeePerGas", 0)),
            "tip": int(tx.get("maxPriorityFeePerGas", 0)),
        }
        data.update(
            sender=sender,
            nonce=int(tx["nonce"]),
            tx=tx,
            state="sent",
            attempts=[*data.get("attempts", []), attempt],
        )
        data.setdefault("created", int(time.time()))
        self.save(data)
        return data

    def mark(self, state: str, **extra) -> None:
        self.save({**self.load(), "state": state, **extra})


@dataclass
class Intent:
    """What one command invocation means to do on a chain, and the steps it sent for it."""

    parts: list = field(default_factory=list)
    home: Path | None = None
    bump_now: bool = False
    notes: list[str] = field(default_factory=list)
    _counts: dict[str, int] = field(default_factory=dict)
    _lock: Any = None

    @property
    def key(self) -> str:
        return _digest(self.parts)

    def folder(self, chain) -> Path:
        from .deployments import chain_dir

        return chain_dir(chain) / "intents" / self.key

    def step(self, chain, label: str) -> Step | None:
        """The next step named `label` on `chain` (None on an in-process chain)."""
        if chain.is_embedded:
            return None
        n = self._counts.get(label, 0)
        self._counts[label] = n + 1
        return Step(self.folder(chain) / f"{label}#{n}.json", f"{label}#{n}", self)

    def _take_lock(self, folder: Path) -> None:
        """One run of an intent at a time: a second concurrent run stops with a clear error."""
        if self._lock is not None and self._lock[0] == folder:
            return
        handle = hold_lock(
            folder / ".lock",
            "another run of this same command is sending right now; wait for it to finish, "
            "then run this again (it will find what that run sent)",
        )
        self._release()
        self._lock = (folder, handle)

    def _release(self) -> None:
        if self._lock is not None:
            self._lock[1].close()
            self._lock = None

    def steps(self, chain) -> list[dict]:
        """Every step earlier runs of this intent recorded on `chain`, oldest first."""
        if chain.is_embedded:
            return []
        folder = self.folder(chain)
        found = [read_json_strict(p, "journal entry") for p in sorted(folder.glob("*.json"))]
        return sorted(found, key=lambda s: s.get("created", 0))


@contextlib.contextmanager
def active(*parts, bump_now: bool = False) -> Iterator[Intent]:
    """Run the block as one intent keyed by `parts` (the CLI does this for every command)."""
    intent = Intent(parts=list(parts), bump_now=bump_now)
    token = _CURRENT.set(intent)
    try:
        yield intent
    finally:
        intent._release()
        _CURRENT.reset(token)


def current() -> Intent | None:
    return _CURRENT.get()


def refine(*parts) -> None:
    """Add `parts` to the current intent's key (no-op outside an intent)."""
    intent = current()
    if intent is not None:
        intent.parts = [*intent.parts, *parts]
        intent._counts.clear()


def steps(chain, *extra_parts) -> list[dict]:
    """What earlier runs of the current intent (its key extended by `extra_parts`) recorded
    on `chain` ([] outside an intent)."""
    intent = current()
    if intent is None:
        return []
    return Intent(parts=[*intent.parts, *extra_parts]).steps(chain)


def note(text: str) -> None:
    """A remark for the user about what the journal found (printed by the CLI on stderr)."""
    intent = current()
    if intent is not None:
        intent.notes.append(text)


def all_steps(folder: Path) -> list[tuple[Path, dict]]:
    """Every step file under a chain's folder (how a restarted node finds lost transactions)."""
    found = []
    for path in sorted((folder / "intents").glob("*/*.json")):
        with contextlib.suppress(JournalError):
            found.append((path, read_json_strict(path, "journal entry")))
    return found
