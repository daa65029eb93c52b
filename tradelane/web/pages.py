"""The HTML pages: lookup, shipment, trace, party, and a local API reference at /docs."""

from __future__ import annotations

import hashlib
import json
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from ..errors import InputError
from . import service, sources
from .actions import ROLES, calldata
from .geo import port_book
from .land import ATTRIBUTION
from .mapsvg import MODE_STYLE, draw_route
from .money import amount_text
from .timeline import last_seen
from .views import build_page, headline_text, relative_text, time_text

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
PARTY_PAGE = 50  # shipments per party page


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


def _role(text: str) -> str:
    if text not in ROLES:
        raise InputError(f"'{text[:20]}' is not a party of a shipment: use {', '.join(ROLES)}")
    return text


def shipment_context(
    request: Request, shipment_id: int, role: str = "buyer", *, versioned: bool = True
) -> dict:
    """What the shipment page (and its live body and print view) render.

    `versioned`: include the live version tag (the full page needs it to subscribe; the body
    fetched after an update does not, and skips that read to show the update sooner)."""
    with request.app.state.backend.use() as tl:
        status = service.shipment_status(tl, shipment_id)
        version = service.live(tl, shipment_id)["version"] if versioned else ""
        contract, chain_id = tl.address, tl.chain.chain_id
        contract_fns = tl.contract
        terms = sources.terms(tl, status)
        chance = sources.chance(tl, status)
        disputer = sources.disputer(tl, status)
        pending = sources.pending_bookings(tl, status)
        refs = sources.references(tl, shipment_id)
        items = sources.items(tl, shipment_id)
    book = port_book()
    page = build_page(
        status,
        book,
        terms=terms,
        role=role,
        names=sources.names(),
        chance=chance,
        disputer=disputer,
        pending=pending,
    )
    seen = last_seen(book, status)
    route_map = draw_route(
        status.legs,
        book,
        last_seen=seen[:2] if seen else None,
        title=f"Route map of shipment {shipment_id}",
    )
    return {
        "page": page,
        "s": status,
        "map": route_map,
        "map_credit": ATTRIBUTION,
        "modes": [(m, *MODE_STYLE[m]) for m in sorted({leg.mode for leg in status.legs})],
        "version": version,
        "contract": contract,
        "chain_id": chain_id,
        "roles": ROLES,
        "relative": relative_text,
        "calldata": lambda action: calldata(contract_fns, action.function, action.args),
        "references": refs,
        "items": items,
        "poll_seconds": request.app.state.poll_seconds,
    }


ROLE = Query("buyer", alias="as", description="whose view: buyer, seller, carrier or arbiter")


@router.get("/shipment/{shipment_id}", response_class=HTMLResponse)
def shipment(request: Request, shipment_id: str, role: str = ROLE):
    context = shipment_context(request, _shipment_id(shipment_id), _role(role))
    return _render(request, "shipment.html", context)


@router.get("/shipment/{shipment_id}/body", response_class=HTMLResponse)
def shipment_body(request: Request, shipment_id: str, role: str = ROLE):
    """The part of the shipment page that live updates swap in."""
    context = shipment_context(request, _shipment_id(shipment_id), _role(role), versioned=False)
    return _render(request, "_shipment_body.html", context)


@router.get("/shipment/{shipment_id}/print", response_class=HTMLResponse)
def shipment_print(request: Request, shipment_id: str):
    """A proof of delivery for paper: the facts, and the digest that lets anyone check them."""
    sid = _shipment_id(shipment_id)
    context = shipment_context(request, sid)
    with request.app.state.backend.use() as tl:
        bundle = service.export(tl, sid, "bundle")
    canonical = json.dumps(bundle, sort_keys=True, separators=(",", ":")).encode()
    context["digest"] = hashlib.sha256(canonical).hexdigest()
    return _render(request, "print.html", context)


@router.get("/shipment/{shipment_id}/map.svg")
def shipment_map(request: Request, shipment_id: str):
    sid = _shipment_id(shipment_id)
    with request.app.state.backend.use() as tl:
        status = service.shipment_status(tl, sid)
    book = port_book()
    seen = last_seen(book, status)
    route_map = draw_route(
        status.legs, book, last_seen=seen[:2] if seen else None, title=f"Shipment {sid}"
    )
    return Response(route_map.svg, media_type="image/svg+xml")


@router.get("/trace", response_class=HTMLResponse)
def trace(request: Request, code: str = ""):
    with request.app.state.backend.use() as tl:
        result = service.trace(tl, code)
        status = getattr(result, "status", None)
        terms = sources.terms(tl, status) if status is not None else None
    context = {
        "code": code,
        "result": result,
        "item": service.jsonable(getattr(result, "item", None)),
        "problems": list(getattr(result, "problems", None) or ()),
        "proof_ok": bool(getattr(result, "proof_ok", False)),
        "shipment_id": getattr(result, "shipment_id", None),
        "page": build_page(status, port_book(), terms=terms, names=sources.names())
        if status is not None
        else None,
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
def party(request: Request, address: str, before: int | None = Query(None, ge=1)):
    checked = service.party_address(address)
    with request.app.state.backend.use() as tl:
        found = service.party_page(tl, checked, before=before, limit=PARTY_PAGE)
    rows = found["rows"]
    book = port_book()
    shipments = [
        {
            "id": s.shipment_id,
            "role": role,
            "view": "seller" if role == "seller" else "buyer",
            "state": s.state.label,
            "headline": headline_text(s, book),
            "destination": f"{book.name(s.destination) or s.destination} ({s.destination})",
            "amount": amount_text(s.deposited, s.token_decimals, s.token_symbol),
            "held": amount_text(s.held, s.token_decimals, s.token_symbol),
            "opened": time_text(s.opened_at),
        }
        for role, s in rows
    ]
    name = sources.names().name(checked)
    context = {
        "address": checked,
        "name": name,
        "shipments": shipments,
        "total": found["total"],
        "next_before": found["next_before"],
        "first_page": before is None,
    }
    return _render(request, "party.html", context)


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
