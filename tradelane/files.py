"""Tradelane's files: the home folder, and JSON written so that a kill never leaves half a file.

The lowest layer under `deployments`, `intents`, the index and the trace files: it imports
nothing else of Tradelane's but its errors. The home is ``$TRADELANE_HOME`` if set, else
``$XDG_DATA_HOME/tradelane``, else ``~/.tradelane``: the same folder from any working directory.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import IO, Any

from .errors import JournalError

__all__ = ["home", "hold_lock", "write_json", "read_json_strict"]


def home() -> Path:
    """The home folder (created on first use); a path that is not a usable folder is an error."""
    given = os.environ.get("TRADELANE_HOME")
    if given:
        path, what = Path(given).expanduser(), f"TRADELANE_HOME={given}"
    else:
        xdg = os.environ.get("XDG_DATA_HOME")
        path = Path(xdg) / "tradelane" if xdg else Path.home() / ".tradelane"
        what = f"the Tradelane home {path}"
    if path.exists() and not path.is_dir():
        raise JournalError(f"{what} is a file, not a folder; point TRADELANE_HOME at a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise JournalError(
            f"{what} cannot be created ({err.strerror}); point TRADELANE_HOME at a writable folder"
        ) from err
    if not os.access(path, os.W_OK):
        raise JournalError(f"{what} is not writable; point TRADELANE_HOME at a writable folder")
    return path.resolve()


def write_json(path: Path, data: Any) -> None:
    """Write `data` to `path` durably: a temp file, fsync, rename over, fsync the folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    with open(tmp, "w") as fh:
        fh.write(json.dumps(data, indent=2, sort_keys=True) + "\n")
        fh.flush()
        os.fsync(fh.fileno())
    tmp.replace(path)
    fd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def read_json_strict(path: Path, what: str) -> Any:
    """The JSON in `path`; a damaged file is a clear error, never silently reset."""
    try:
        return json.loads(path.read_text())
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise JournalError(
            f"{what} {path} is damaged ({getattr(err, 'msg', err)}); nothing was sent. Look at "
            "it, and move it aside only if you know its transaction is settled"
        ) from err


def hold_lock(path: Path, busy: str) -> IO:
    """Take the exclusive lock file `path` (its folder made if need be) without waiting; the
    caller holds it until it closes the returned handle. Taken already: `JournalError(busy)`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = open(path, "w")  # noqa: SIM115 - held by the caller
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as err:
        handle.close()
        raise JournalError(busy) from err
    return handle
