"""The JSON API behind the pages, documented in the app's OpenAPI schema (/openapi.json)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from . import service

__all__ = ["router"]

router = APIRouter(prefix="/api")


class ErrorBody(BaseModel):
    """Every error under /api: the HTTP status, a title and a one-line reason."""

    status: int = Field(examples=[404])
    error: str = Field(examples=["Not found"])
    detail: str = Field(examples=["there is no shipment 99 on chain 31337 (contract 0x…)"])


class Live(BaseModel):
    """What the shipment page polls: `version` changes whenever anything on chain does."""

    shipment_id: int
    state: str = Field(examples=["routed"])
    final: bool = Field(description="completed, refunded or resolved: nothing will change")
    milestones: int = Field(description="milestones recorded so far")
    head: str = Field(description="the milestone hash-chain head (bytes24, hex)")
    version: str = Field(description="opaque tag; compare with the previous poll")
    chain_time: int = Field(description="timestamp of the chain's latest block (unix seconds)")


class IndexFreshness(BaseModel):
    """How far the event index the pages read has got, and when it last synced."""

    block: int = Field(description="the last block read into the index")
    block_time: int = Field(description="its timestamp (unix seconds)")
    head: int = Field(description="the node's head at the last sync")
    blocks_behind: int
    finalized: int
    finality: str = Field(examples=["depth 0", "finalized tag"])
    synced_at: int = Field(description="unix seconds of the last sync")
    age_seconds: int = Field(description="seconds since then")
    reorgs: int = Field(description="reorganisations rolled back so far")


class Health(BaseModel):
    chain_id: int
    contract: str
    rpc: str
    block: int
    shipments: int
    index: IndexFreshness | None = Field(description="null before the index is opened")


class PartyShipment(BaseModel):
    shipment_id: int
    role: Literal["buyer", "seller", "buyer and seller"]
    state: str
    destination: str
    deposited: str = Field(description="base units of the token, as a decimal string")
    held: str
    token: str
    token_symbol: str
    token_decimals: int
    url: str


class PartyPage(BaseModel):
    """One page of a party's shipments; ask for the next with ``?before=next_before``."""

    shipments: list[PartyShipment]
    total: int = Field(description="the party's shipments in all")
    next_before: int | None = Field(description="`before` of the next page; null on the last")


ShipmentId = Annotated[int, Path(ge=1, le=2**64 - 1, description="the shipment number")]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorBody, "description": "malformed input"},
    404: {"model": ErrorBody, "description": "no such shipment"},
    503: {"model": ErrorBody, "description": "the chain node is not reachable"},
}
EXPORT_ERRORS = {
    **ERRORS,
    501: {"model": ErrorBody, "description": "traceability module not installed"},
}


def _json(data: Any, *, download: str | None = None) -> JSONResponse:
    headers = {"Content-Disposition": f'attachment; filename="{download}"'} if download else None
    return JSONResponse(data, headers=headers)


@router.get("/health", response_model=Health, responses={503: ERRORS[503]}, tags=["chain"])
def health(request: Request) -> Health:
    """Which chain and contract this server reads, whether the node answers, and how fresh
    the index the pages read is (`index`)."""
    backend = request.app.state.backend
    with backend.use() as tl:
        fresh = backend.freshness()
        return Health(
            chain_id=tl.chain.chain_id,
            contract=tl.address,
            rpc=tl.chain.url,
            block=tl.chain.w3.eth.block_number,
            shipments=tl.count(),
            index=fresh.to_json() if fresh is not None else None,
        )


@router.get("/shipments/{shipment_id}", responses=ERRORS, tags=["shipments"])
def shipment(request: Request, shipment_id: ShipmentId) -> dict:
    """A shipment's full status: state, parties, legs (planned / estimated / actual times),
    escrow (deposited, held, released, refunded, refundable — integer base units as
    strings, with `token_symbol` and `token_decimals`), next expected milestone and whether
    it is overdue, every milestone with its transaction, and `history_verified` — the
    milestone hash chain recomputed from the logs matches the head stored on chain."""
    with request.app.state.backend.use() as tl:
        return service.shipment_status(tl, shipment_id).to_json()


class ActionOut(BaseModel):
    """One thing a party can do now (or soon) on a shipment, ready for a wallet."""

    action: str = Field(examples=["confirm"])
    title: str
    effect: str
    who: str = Field(description="buyer, seller, carrier, arbiter or anyone")
    sender: str | None = Field(description="the only account the contract accepts it from")
    open_now: bool
    opens: int | None = Field(description="unix seconds when it becomes possible")
    closes: int | None = Field(description="unix seconds after which it no longer helps")
    command: str = Field(description="the `tradelane` command that sends it")
    to: str = Field(description="the contract to call")
    data: str | None = Field(description="call data for eth_sendTransaction (null: typed input)")


@router.get(
    "/shipments/{shipment_id}/actions",
    response_model=list[ActionOut],
    responses=ERRORS,
    tags=["shipments"],
)
def shipment_actions(
    request: Request,
    shipment_id: ShipmentId,
    role: Literal["buyer", "seller", "carrier", "arbiter"] = Query("buyer", alias="as"),
) -> list[dict]:
    """What `as` (buyer by default) can do on the shipment in its current state: each action
    with its window, the command, and the transaction a browser wallet sends (`to`, `data`;
    the server never signs anything)."""
    from . import sources
    from .actions import actions_for, calldata

    with request.app.state.backend.use() as tl:
        status = service.shipment_status(tl, shipment_id)
        found = actions_for(status, role, sources.terms(tl, status))
        functions, contract = tl.contract, tl.address
    return [
        {
            "action": a.key,
            "title": a.title,
            "effect": a.effect,
            "who": a.who,
            "sender": a.sender,
            "open_now": a.open_now,
            "opens": a.opens,
            "closes": a.closes,
            "command": a.command,
            "to": contract,
            "data": calldata(functions, a.function, a.args) if a.wallet else None,
        }
        for a in found
    ]


@router.get(
    "/shipments/{shipment_id}/live", response_model=Live, responses=ERRORS, tags=["shipments"]
)
def shipment_live(request: Request, shipment_id: ShipmentId) -> dict:
    """A small summary to poll while a shipment is in transit (one contract call)."""
    with request.app.state.backend.use() as tl:
        return service.live(tl, shipment_id)


def _export(request: Request, shipment_id: int, kind: str, download: bool, suffix: str):
    with request.app.state.backend.use() as tl:
        data = service.export(tl, shipment_id, kind)
    return _json(data, download=f"shipment-{shipment_id}-{suffix}" if download else None)


DOWNLOAD = Query(False, description="send as a file attachment")


@router.get("/shipments/{shipment_id}/bundle", responses=EXPORT_ERRORS, tags=["exports"])
def shipment_bundle(request: Request, shipment_id: ShipmentId, download: bool = DOWNLOAD):
    """The self-contained proof bundle: contract and chain, committed routes, every milestone
    with transaction, signer and signature, the hash-chain links and the item Merkle root.
    `tradelane verify` checks it with no network."""
    return _export(request, shipment_id, "bundle", download, "bundle.json")


@router.get("/shipments/{shipment_id}/dcsa", responses=EXPORT_ERRORS, tags=["exports"])
def shipment_dcsa(request: Request, shipment_id: ShipmentId, download: bool = DOWNLOAD):
    """The milestone history as DCSA Track & Trace 2.2 events."""
    return _export(request, shipment_id, "dcsa", download, "dcsa.json")


@router.get("/shipments/{shipment_id}/epcis", responses=EXPORT_ERRORS, tags=["exports"])
def shipment_epcis(request: Request, shipment_id: ShipmentId, download: bool = DOWNLOAD):
    """The history as a GS1 EPCIS 2.0 JSON-LD document."""
    return _export(request, shipment_id, "epcis", download, "epcis.jsonld")


@router.get(
    "/trace",
    responses={
        400: {"model": ErrorBody, "description": "malformed trace code"},
        404: {"model": ErrorBody, "description": "no shipment carries this item"},
        501: EXPORT_ERRORS[501],
        503: ERRORS[503],
    },
    tags=["trace"],
)
def trace(
    request: Request,
    code: str = Query(
        ...,
        description="GS1 Digital Link URI, element string, SSCC or GTIN/serial",
        examples=["https://id.gs1.org/01/09506000134352/21/ABC1"],
        max_length=2048,
    ),
) -> dict:
    """Item trace code -> its shipment, the Merkle proof that the item belongs to it (checked
    against the on-chain items root), the shipment's status and any problems found."""
    with request.app.state.backend.use() as tl:
        result = service.trace(tl, code)
    return service.jsonable(result)


@router.get(
    "/parties/{address}/shipments",
    response_model=PartyPage,
    responses={400: ERRORS[400], 503: ERRORS[503]},
    tags=["shipments"],
)
def party(
    request: Request,
    address: str,
    before: int | None = Query(None, ge=1, description="only shipments below this id"),
    limit: int = Query(
        service.MAX_PARTY_ROWS, ge=1, le=service.MAX_PARTY_ROWS, description="page size"
    ),
) -> dict:
    """Shipments where `address` is the buyer or the seller, newest first, a page at a time
    (`limit`, at most 200): pass the answer's `next_before` as `before` for the next page."""
    checked = service.party_address(address)
    with request.app.state.backend.use() as tl:
        found = service.party_page(tl, checked, before=before, limit=limit)
    shipments = [
        {
            "shipment_id": s.shipment_id,
            "role": role,
            "state": s.state.label,
            "destination": s.destination,
            "deposited": str(s.deposited),
            "held": str(s.held),
            "token": s.token,
            "token_symbol": s.token_symbol,
            "token_decimals": s.token_decimals,
            "url": f"/shipment/{s.shipment_id}",
        }
        for role, s in found["rows"]
    ]
    return {"shipments": shipments, "total": found["total"], "next_before": found["next_before"]}
