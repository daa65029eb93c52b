"""The FastAPI application: where the chain and the index come from.

`create_app` takes what to read from: a ready `Tradelane` (tests, the embedded chain),
a `Chain`, a callable returning either, or an RPC URL (``tradelane serve --rpc``). The
connection is made on first use and retried on the next request after a failure, so the
server starts even when the node is down and answers 503 with the reason until it is up.

Every error becomes a friendly page (or a JSON body under ``/api``) with the right status
and a one-line reason (errorpages.py).
"""

from __future__ import annotations

import tempfile
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy.exc import SQLAlchemyError

from .. import __version__
from ..chain import Chain, connect
from ..client import Tradelane
from ..errors import ChainError, InputError, SetupError, TradelaneError
from ..model import iso
from . import sources
from .errorpages import FeatureUnavailable, install_error_handlers
from .keeper import IndexKeeper, IndexUnavailable
from .views import short_address, time_text

__all__ = [
    "Backend",
    "FeatureUnavailable",
    "create_app",
]

HERE = Path(__file__).parent
Source = Tradelane | Chain | str | Callable[[], "Tradelane | Chain"]
MAX_INDEX_AGE = 30.0  # seconds: older, a request waits for a sync (the follower runs every 1 s)


class Backend:
    """The chain and the index the pages read, opened lazily; no global lock.

    Reads (status, party lists, the live summary, /lanes) come from the event index, which
    `keeper` (keeper.py) keeps fresh: a follower thread beside the requests, so a request
    reads without calling the node unless the index is older than `max_index_age` seconds.
    Requests run in parallel; only a chain that is not thread-safe (the embedded eth-tester)
    has its JSON-RPC calls serialised, by `lock`, which a test recording milestones on the
    same chain takes too.

    `index_url`: the index database (default: TRADELANE_DB or the SQLite file in
    TRADELANE_HOME for an RPC URL; a throwaway SQLite file for a ready client or chain).
    `index_follow` False: read an index `tradelane index --follow` keeps, never writing to it.
    """

    def __init__(
        self,
        source: Source,
        *,
        index_url: str | None = None,
        index_follow: bool = True,
        max_index_age: float = MAX_INDEX_AGE,
        follow_every: float = 1.0,
    ):
        self._source = source
        self._client: Tradelane | None = None
        self._index = None
        self._store = None
        self._index_url = index_url
        self._opening = threading.RLock()
        self.lock = threading.RLock()
        self.keeper = IndexKeeper(
            self._attached, follow=index_follow, max_age=max_index_age, every=follow_every
        )

    @property
    def rpc(self) -> str:
        """The node's URL, for messages (known before the client opens, unless a callable
        makes the chain)."""
        source = self._client or self._source
        if isinstance(source, Tradelane):
            return source.chain.url
        if isinstance(source, Chain):
            return source.url
        return source if isinstance(source, str) else "the configured chain"

    @property
    def index(self):
        """The `tradelane.index.Attached` handle (after the first request)."""
        return self._index

    def store(self):
        """The index database the app reads, opened once; needs no chain (/lanes reads it
        with the node down)."""
        with self._opening:
            if self._store is None:
                from ..index import open_index
                from ..index.attached import open_read_only
                from ..index.store import default_url

                url = self._index_url or (default_url() if isinstance(self._source, str) else None)
                if url is None:  # a throwaway file, not :memory: (one connection, every thread)
                    self._scratch = tempfile.TemporaryDirectory(prefix="tradelane-index-")
                    url = f"sqlite:///{self._scratch.name}/index.sqlite"  # removed at exit
                try:
                    self._store = (open_index if self.keeper.follow else open_read_only)(url)
                except SetupError as err:
                    raise IndexUnavailable(str(err)) from err
            return self._store

    def client(self) -> Tradelane:
        if self._client is None:
            with self._opening:
                if self._client is None:
                    self._client = self._attach(self._open())
        return self._client

    def _attached(self):
        self.client()
        return self._index

    def _attach(self, tl: Tradelane) -> Tradelane:
        from ..index import attach

        if tl.chain.is_embedded:
            _serialise(tl.chain.w3.provider, self.lock)
        # a client of its own: one given by the caller keeps reading the chain (or its index)
        own = Tradelane(tl.chain, tl.address, tl.deployment)
        self._index = attach(own, store=self.store(), read_only=not self.keeper.follow)
        sources.timers(own)  # the deployment's constants, read now: a page then calls no node
        return own

    def refresh(self) -> None:
        """Bring the index up to the chain's head now (waits for a sync already running)."""
        self.keeper.sync(self._attached())

    def freshness(self):
        """How fresh the index is (`tradelane.index.Freshness`), None before it is opened."""
        return self._index.reader.freshness() if self._index is not None else None

    def close(self) -> None:
        """Stop the follower thread (server shutdown)."""
        self.keeper.stop()

    @contextmanager
    def use(self) -> Iterator[Tradelane]:
        """The client, its index within the freshness bound; a node that stops answering
        becomes a `ChainError`."""
        try:
            tl = self.client()
            self.keeper.start()
            self.keeper.ensure_fresh(self._index)
            yield tl
        except TradelaneError:
            raise
        except Exception as err:
            transport = _connection_problem(err)
            if transport is None:
                raise
            raise ChainError(
                f"the chain node at {self.rpc} stopped answering ({type(transport).__name__})"
            ) from err

    def _open(self) -> Tradelane:
        source = self._source
        try:
            if isinstance(source, str):
                source = connect(source)
            elif callable(source) and not isinstance(source, Tradelane | Chain):
                source = source()
        except InputError as err:
            raise ChainError(f"cannot connect to the chain: {err}") from err
        if isinstance(source, Tradelane):
            return source
        if isinstance(source, Chain):
            return Tradelane.attach(source)
        raise TypeError(f"create_app needs a Tradelane, Chain, callable or RPC URL, not {source!r}")


def _serialise(provider, lock: threading.RLock) -> None:
    """Make a provider that is not thread-safe take `lock` around each request."""
    if getattr(provider, "_tradelane_serialised", False):
        return
    request = provider.make_request

    def make_request(method, params):
        with lock:
            return request(method, params)

    provider.make_request = make_request
    provider._request_func_cache = (None, None)  # web3 caches the old bound method
    provider._tradelane_serialised = True


def create_app(
    source: Source,
    *,
    poll_seconds: float = 10.0,
    title: str = "Tradelane",
    index_url: str | None = None,
    index_follow: bool = True,
    max_index_age: float = MAX_INDEX_AGE,
    follow_every: float = 1.0,
) -> FastAPI:
    """The tracking site and its JSON API, reading shipments from `source`.

    Parameters
    ----------
    source
        A ready `Tradelane`, a `Chain` (the contract is found through the deployments
        file), a callable returning either, or an RPC URL such as ``http://127.0.0.1:8545``.
    poll_seconds
        How often an open shipment page asks whether anything changed.
    index_url
        The event index the pages read (see `Backend`).
    index_follow
        Run the index follower in a thread of this app (started with the app or its first
        request, stopped at shutdown, syncing every `follow_every` seconds). False: read an
        index that ``tradelane index --follow`` keeps beside the server, never writing to it.
    max_index_age
        A request finding the index's last sync older than this (seconds) waits for one
        sync; 0: every request syncs itself and no thread runs (at least 10 when not
        following: the follower beside the server stamps the index every 5 s).
    """
    from . import api, feeds, lanes, live, pages

    app = FastAPI(
        title=f"{title} tracking API",
        version=__version__,
        description=(
            "Read-only JSON behind the buyer tracking pages: a shipment's state, route, "
            "milestones and escrow, its proof bundle, its DCSA Track & Trace and GS1 EPCIS "
            "exports, and item trace-code lookup. Amounts are exact integers in the token's "
            "base units (as strings); times are ISO 8601 UTC."
        ),
        # Swagger UI and ReDoc load from a CDN; /docs is a local page instead (pages.py).
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=_lifespan,
    )
    app.state.backend = backend = Backend(
        source,
        index_url=index_url,
        index_follow=index_follow,
        max_index_age=max_index_age,
        follow_every=follow_every,
    )
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.state.poll_seconds = poll_seconds
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(iso=iso, time_text=time_text, short=short_address)
    templates.env.globals["index_freshness"] = lambda: _freshness_text(backend)
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(lanes.router)
    app.include_router(live.router)
    app.include_router(feeds.router)
    install_error_handlers(app)
    _document_errors_as_400(app)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Follow the chain from startup (the first request finds the index warm); at shutdown
    stop the follower and the live watcher."""
    backend: Backend = app.state.backend
    backend.keeper.start()
    yield
    hub = getattr(app.state, "live_hub", None)
    if hub is not None:
        hub.stop()
    backend.close()


def _freshness_text(backend: Backend) -> str:
    """What every page's footer says about the index ("" before it is open)."""
    try:
        fresh = backend.freshness()
    except SQLAlchemyError:  # the page says what went wrong; the footer stays quiet
        return ""
    return fresh.describe() if fresh is not None else ""


def _document_errors_as_400(app: FastAPI) -> None:
    """FastAPI documents validation failures as 422; this app answers them with 400."""
    default = app.openapi

    def openapi() -> dict:
        if app.openapi_schema is None:
            schema = default()
            for methods in schema.get("paths", {}).values():
                for op in methods.values():
                    op.get("responses", {}).pop("422", None)
            for name in ("HTTPValidationError", "ValidationError"):
                schema.get("components", {}).get("schemas", {}).pop(name, None)
            app.openapi_schema = schema
        return app.openapi_schema

    app.openapi = openapi


def _connection_problem(err: BaseException) -> BaseException | None:
    """The transport failure behind `err` (node went away mid-request), if any."""
    seen = err
    while seen is not None:
        if isinstance(seen, ConnectionError | TimeoutError) or type(seen).__module__.startswith(
            ("requests", "urllib3", "aiohttp")
        ):
            return seen
        seen = seen.__cause__ or seen.__context__
    return None
