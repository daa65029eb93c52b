"""The FastAPI application: where the chain comes from, and how errors reach a buyer.

`create_app` takes what to read from: a ready `Tradelane` (tests, the embedded chain),
a `Chain`, a callable returning either, or an RPC URL (``tradelane serve --rpc``). The
connection is made on first use and retried on the next request after a failure, so the
server starts even when the node is down and answers 503 with the reason until it is up.

Every error becomes a friendly page (or a JSON body under ``/api``) with the right status
and a one-line reason; tracebacks go to the server log, never to the browser.
"""

from __future__ import annotations

import logging
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.gzip import GZipMiddleware
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__
from ..chain import Chain, connect
from ..client import Tradelane
from ..errors import ChainError, InputError, NotFoundError, TradelaneError
from ..model import iso
from .views import short_address, time_text

__all__ = [
    "Backend",
    "FeatureUnavailable",
    "create_app",
]

log = logging.getLogger("tradelane.web")
HERE = Path(__file__).parent
Source = Tradelane | Chain | str | Callable[[], "Tradelane | Chain"]


class FeatureUnavailable(TradelaneError):
    """Raised when a page needs a part of Tradelane this installation does not have."""


class Backend:
    """The chain and the index the pages read, opened lazily; no global lock.

    Reads (status, party lists, the live summary) come from the event index, which each
    request first brings up to date (`Follower.sync`: two RPC calls when nothing is new;
    concurrent requests share one sync). Requests run in parallel; only a chain that is
    not thread-safe (the embedded eth-tester) has its JSON-RPC calls serialised, by `lock`,
    which a test recording milestones on the same chain takes too.

    `index_url`: the index database (default: TRADELANE_DB or the SQLite file in
    TRADELANE_HOME for an RPC URL; a throwaway SQLite file for a ready client or chain).
    """

    def __init__(self, source: Source, *, index_url: str | None = None):
        self._source = source
        self._client: Tradelane | None = None
        self._index = None
        self._index_url = index_url
        self._opening = threading.Lock()
        self.lock = threading.RLock()

    @property
    def rpc(self) -> str:
        if self._client is not None:
            return self._client.chain.url
        return self._source if isinstance(self._source, str) else "the configured chain"

    @property
    def index(self):
        """The `tradelane.index.Attached` handle (after the first request)."""
        return self._index

    def client(self) -> Tradelane:
        if self._client is None:
            with self._opening:
                if self._client is None:
                    self._client = self._attach(self._open())
        return self._client

    def _attach(self, tl: Tradelane) -> Tradelane:
        from ..index import attach
        from ..index.store import default_url

        if tl.chain.is_embedded:
            _serialise(tl.chain.w3.provider, self.lock)
        url = self._index_url or (default_url() if isinstance(self._source, str) else None)
        if url is None:  # a throwaway file, not :memory: (one connection for every thread)
            self._scratch = tempfile.TemporaryDirectory(
                prefix="tradelane-index-"
            )  # removed at exit
            url = f"sqlite:///{self._scratch.name}/index.sqlite"
        # a client of its own: one given by the caller keeps reading the chain (or its index)
        own = Tradelane(tl.chain, tl.address, tl.deployment)
        self._index = attach(own, url)
        return own

    def refresh(self) -> None:
        """Bring the index up to the chain's head (waits for a sync already running)."""
        self._index.sync()

    @contextmanager
    def use(self) -> Iterator[Tradelane]:
        """The client, its index caught up; a node that stops answering becomes a `ChainError`."""
        try:
            tl = self.client()
            self.refresh()
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
    )
    app.state.backend = Backend(source, index_url=index_url)
    app.state.index_url = index_url
    app.add_middleware(GZipMiddleware, minimum_size=1000)
    app.state.poll_seconds = poll_seconds
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(iso=iso, time_text=time_text, short=short_address)
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(lanes.router)
    app.include_router(live.router)
    app.include_router(feeds.router)
    _install_error_handlers(app)
    _document_errors_as_400(app)
    return app


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


# -- errors ------------------------------------------------------------------------------

_TITLES = {
    400: "That doesn't look right",
    404: "Not found",
    405: "Not allowed",
    500: "Something went wrong",
    501: "Not available",
    503: "The blockchain is not reachable",
}
_HINTS = {
    400: "Check what you typed and try again.",
    404: "Check the number or code; it may belong to another chain or contract.",
    501: "This part of Tradelane is not installed on this server.",
    503: "The page works again as soon as the node answers. Try again in a moment.",
    500: "The error has been logged. Try again, or ask the operator of this server.",
}


def _wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path == "/openapi.json"


def error_response(request: Request, status: int, reason: str) -> HTMLResponse | JSONResponse:
    """A friendly error: JSON under /api, a page elsewhere."""
    title = _TITLES.get(status, "Error")
    if _wants_json(request):
        return JSONResponse({"status": status, "error": title, "detail": reason}, status)
    templates: Jinja2Templates = request.app.state.templates
    return templates.TemplateResponse(
        request,
        "error.html",
        {"status": status, "title": title, "reason": reason, "hint": _HINTS.get(status, "")},
        status_code=status,
    )


def status_for(err: BaseException) -> int:
    """The HTTP status of a Tradelane error."""
    if isinstance(err, NotFoundError):
        return 404
    if isinstance(err, InputError):
        return 400
    if isinstance(err, ChainError):
        return 503
    if isinstance(err, FeatureUnavailable):
        return 501
    return 500


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


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(TradelaneError)
    async def tradelane_error(request: Request, err: TradelaneError):
        status = status_for(err)
        if status >= 500:
            log.warning("%s %s: %s", request.method, request.url.path, err)
        return error_response(request, status, str(err))

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, err: RequestValidationError):
        problems = []
        for e in err.errors():
            where = e.get("loc", ("?",))[-1]
            given = e.get("input")
            problems.append(
                f"{where} {given!r} is not valid: {e.get('msg', 'invalid')}"
                if given is not None
                else f"{where}: {e.get('msg', 'missing')}"
            )
        return error_response(request, 400, "; ".join(problems) or "invalid request")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, err: StarletteHTTPException):
        reason = err.detail if isinstance(err.detail, str) else _TITLES.get(err.status_code, "")
        if err.status_code == 404 and reason == "Not Found":
            reason = f"There is no page at {request.url.path}."
        response = error_response(request, err.status_code, reason)
        for key, value in (err.headers or {}).items():
            response.headers[key] = value
        return response

    @app.exception_handler(Exception)
    async def unexpected(request: Request, err: Exception):
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        return error_response(request, 500, "An unexpected error stopped this page from loading.")
