"""The HTML pages: lookup, shipment, trace, party, and a local API reference at /docs."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..errors import InputError
from . import service
from .geo import port_book
from .mapsvg import MODE_STYLE, draw_route
from .views import amount_text, build_page, time_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)


def _render(request: Request, name: str, context: dict, status: int = 200) -> HTMLResponse:
    templates = request.app.state.templates
    return templates.TemplateResponse(request, name, context, status_code=status)


def _shipment_id(text: str) -> int:
    bare = text.strip().lstrip("#")
    if not bare.isdigit() or not 0 < int(bare) < 2**64:
        raise InputError(f"'{text[:40]}' is not a shipment number (a whole number from 1)")
    return int(bare)


@router.get("/", response_class=HTMLResponse)
def home(request: Request):
    return _render(request, "index.html", {"query": "", "problem": None})


@router.get("/lookup")
def lookup(request: Request, q: str = ""):
    try:
        return RedirectResponse(service.lookup_target(q), status_code=303)
    except InputError as err:
        return _render(request, "index.html", {"query": q, "problem": str(err)}, status=400)


def _shipment_context(request: Request, shipment_id: int) -> dict:
    with request.app.state.backend.use() as tl:
        status = service.shipment_status(tl, shipment_id)
        version = service.live(tl, shipment_id)["version"]
        contract, chain_id = tl.address, tl.chain.chain_id
    book = port_book()
    page = build_page(status, book)
    route_map = draw_route(
        status.legs, book, now=status.now, title=f"Route map of shipment {shipment_id}"
    )
    return {
        "page": page,
        "s": status,
        "map": route_map,
        "modes": [(m, *MODE_STYLE[m]) for m in sorted({leg.mode for leg in status.legs})],
        "version": version,
        "contract": contract,
        "chain_id": chain_id,
        "poll_seconds": request.app.state.poll_seconds,
    }


@router.get("/shipment/{shipment_id}", response_class=HTMLResponse)
def shipment(request: Request, shipment_id: str):
    context = _shipment_context(request, _shipment_id(shipment_id))
    return _render(request, "shipment.html", context)


@router.get("/shipment/{shipment_id}/body", response_class=HTMLResponse)
def shipment_body(request: Request, shipment_id: str):
    """The part of the shipment page that live updates swap in."""
    context = _shipment_context(request, _shipment_id(shipment_id))
    return _render(request, "_shipment_body.html", context)


@router.get("/shipment/{shipment_id}/map.svg")
def shipment_map(request: Request, shipment_id: str):
    sid = _shipment_id(shipment_id)
    with request.app.state.backend.use() as tl:
        status = service.shipment_status(tl, sid)
    route_map = draw_route(status.legs, port_book(), now=status.now, title=f"Shipment {sid}")
    return Response(route_map.svg, media_type="image/svg+xml")


@router.get("/trace", response_class=HTMLResponse)
def trace(request: Request, code: str = ""):
    with request.app.state.backend.use() as tl:
        result = service.trace(tl, code)
    status = getattr(result, "status", None)
    context = {
        "code": code,
        "result": result,
        "item": service.jsonable(getattr(result, "item", None)),
        "problems": list(getattr(result, "problems", None) or ()),
        "proof_ok": bool(getattr(result, "proof_ok", False)),
        "shipment_id": getattr(result, "shipment_id", None),
        "page": build_page(status, port_book()) if status is not None else None,
    }
    return _render(request, "trace.html", context)


@router.get("/01/{gtin}/21/{serial}")
def digital_link_item(gtin: str, serial: str):
    """A GS1 Digital Link resolver path: QR codes may point at this server directly."""
    code = f"https://id.gs1.org/01/{gtin}/21/{serial}"
    return RedirectResponse(f"/trace?code={quote(code, safe='')}", status_code=303)


@router.get("/00/{sscc}")
def digital_link_unit(sscc: str):
    code = f"https://id.gs1.org/00/{sscc}"
    return RedirectResponse(f"/trace?code={quote(code, safe='')}", status_code=303)


@router.get("/party/{address}", response_class=HTMLResponse)
def party(request: Request, address: str):
    checked = service.party_address(address)
    with request.app.state.backend.use() as tl:
        rows = service.party_shipments(tl, checked)
    book = port_book()
    shipments = [
        {
            "id": s.shipment_id,
            "role": role,
            "state": s.state.label,
            "headline": build_page(s, book).headline,
            "destination": f"{book.name(s.destination) or s.destination} ({s.destination})",
            "amount": amount_text(s.deposited, s.token_decimals, s.token_symbol),
            "held": amount_text(s.held, s.token_decimals, s.token_symbol),
            "opened": time_text(s.opened_at),
        }
        for role, s in rows
    ]
    return _render(request, "party.html", {"address": checked, "shipments": shipments})


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request):
    """The API reference rendered from the OpenAPI schema, with no external assets."""
    schema = request.app.openapi()
    operations = []
    for path, methods in schema.get("paths", {}).items():
        for method, op in methods.items():
            operations.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": op.get("summary", ""),
                    "description": op.get("description", ""),
                    "tags": op.get("tags", []),
                    "parameters": [
                        {
                            "name": p["name"],
                            "in": p["in"],
                            "required": p.get("required", False),
                            "description": p.get("description", ""),
                            "type": p.get("schema", {}).get("type", ""),
                        }
                        for p in op.get("parameters", [])
                    ],
                    "responses": [
                        (code, r.get("description", ""))
                        for code, r in op.get("responses", {}).items()
                    ],
                }
            )
    return _render(request, "docs.html", {"schema": schema, "operations": operations})


@router.get("/favicon.ico")
def favicon():
    return RedirectResponse("/static/favicon.svg", status_code=308)
