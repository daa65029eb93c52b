"""How errors reach a buyer: a friendly page (or a JSON body under ``/api``) with the right
status and a one-line reason; tracebacks go to the server log, never to the browser."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException as StarletteHTTPException

from ..errors import ChainError, InputError, NotFoundError, TradelaneError

__all__ = ["FeatureUnavailable", "error_response", "install_error_handlers", "status_for"]

log = logging.getLogger("tradelane.web")


class FeatureUnavailable(TradelaneError):
    """Raised when a page needs a part of Tradelane this installation does not have."""


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


def install_error_handlers(app: FastAPI) -> None:
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
