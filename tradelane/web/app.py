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
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
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
    """The chain the pages read, opened lazily; one lock serialises every chain access.

    eth-tester is not thread-safe, and the embedded chain is shared with the test that
    records milestones, so callers hold `lock` for the whole read (or write).
    """

    def __init__(self, source: Source):
        self._source = source
        self._client: Tradelane | None = None
        self.lock = threading.RLock()

    @property
    def rpc(self) -> str:
        if self._client is not None:
            return self._client.chain.url
        return self._source if isinstance(self._source, str) else "the configured chain"

    def client(self) -> Tradelane:
        if self._client is None:
            self._client = self._open()
        return self._client

    @contextmanager
    def use(self) -> Iterator[Tradelane]:
        """The client, under the lock; a node that stops answering becomes a `ChainError`."""
        with self.lock:
            try:
                yield self.client()
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


def create_app(source: Source, *, poll_seconds: float = 10.0, title: str = "Tradelane") -> FastAPI:
    """The tracking site and its JSON API, reading shipments from `source`.

    Parameters
    ----------
    source
        A ready `Tradelane`, a `Chain` (the contract is found through the deployments
        file), a callable returning either, or an RPC URL such as ``http://127.0.0.1:8545``.
    poll_seconds
        How often an open shipment page asks whether anything changed.
    """
    from . import api, lanes, pages

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
    app.state.backend = Backend(source)
    app.state.poll_seconds = poll_seconds
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(iso=iso, time_text=time_text, short=short_address)
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(lanes.router)
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
