"""The buyer tracking site: FastAPI pages and JSON API over the same `Tradelane` client.

>>> from tradelane.web import create_app
>>> app = create_app("http://127.0.0.1:8545")   # doctest: +SKIP
"""

from __future__ import annotations

from .app import create_app

__all__ = ["create_app"]
