"""Tradelane: the chain client and the `tradelane` command."""

__version__ = "0.1.0"
