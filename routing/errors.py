"""Exceptions raised by :mod:`routing`. Each message is one line naming the bad value.

The package depends on nothing from the chain side, so these do not derive from
``tradelane.errors``; the ``tradelane route`` command turns them into clean CLI errors.
"""

from __future__ import annotations

__all__ = ["InvalidQuery", "NetworkDataError", "NoRoute", "RoutingError", "UnknownPort"]


class RoutingError(Exception):
    """Base class for every error the routing package reports to a user."""


class UnknownPort(RoutingError, LookupError):
    """Raised when a UN/LOCODE is not a node of the network; carries close matches."""

    def __init__(self, message: str, code: str = "", suggestions: tuple[str, ...] = ()):
        super().__init__(message)
        self.code = code
        self.suggestions = suggestions


class NoRoute(RoutingError):
    """Raised when no route satisfies the query; names the cutting constraint when known."""

    def __init__(self, message: str, constraint: str | None = None):
        super().__init__(message)
        self.constraint = constraint


class InvalidQuery(RoutingError, ValueError):
    """Raised when a query parameter is malformed or contradicts another one."""


class NetworkDataError(RoutingError, ValueError):
    """Raised when an operator network file is invalid; names the file, line and value."""
