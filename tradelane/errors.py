"""Exceptions raised by Tradelane. The CLI prints their message as one line and exits non-zero."""

from __future__ import annotations

from json import JSONDecodeError, loads
from pathlib import Path


class TradelaneError(Exception):
    """Base class for every error Tradelane reports to a user."""


class SetupError(TradelaneError):
    """Raised when the toolchain (compiler, node, packages) is missing or broken."""


class CompileError(TradelaneError):
    """Raised when the Solidity sources do not compile."""


class ChainError(TradelaneError):
    """Raised when the chain cannot be reached or is not the expected one."""


class NotDeployedError(ChainError):
    """Raised when the Tradelane contract is not deployed on the selected chain."""


class ContractRevert(TradelaneError):
    """Raised when a transaction or call reverts; the message is the decoded custom error."""

    def __init__(self, message: str, error_name: str | None = None, args: tuple = ()):
        super().__init__(message)
        self.error_name = error_name
        self.error_args = args


class JournalError(TradelaneError):
    """Raised when the intent journal or the home folder cannot be used as it is."""


class InputError(TradelaneError, ValueError):
    """Raised when a user-supplied value is malformed; the message names the value."""


class NotFoundError(InputError, LookupError):
    """Raised when a well-formed shipment id or trace code names nothing on this chain."""


def read_json(path: str | Path, what: str):
    """The JSON in file `path`; an InputError names the `what` file if missing or not JSON."""
    path = Path(path)
    try:
        return loads(path.read_text())
    except (FileNotFoundError, IsADirectoryError) as err:
        raise InputError(f"{what} file {path} does not exist") from err
    except (JSONDecodeError, UnicodeDecodeError) as err:
        raise InputError(f"{what} file {path} is not JSON") from err
