"""`/lanes`: the lane analytics page (charts + tables) and `/api/lanes` (the same report as
JSON), read from the index — not from the chain — so they work with the node down."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from ..analytics import charts
from ..analytics.report import Filters, lanes_report
from ..errors import InputError

__all__ = ["router"]

router = APIRouter()
MODES = ("sea", "air", "rail", "road", "barge")


def _store(request: Request):
    """The index the app's backend reads (its own store: never the default file unless
    that is the backend's), opened without the chain."""
    return request.app.state.backend.store()


def _filters(carrier: str, lane: str, mode: str, window: str) -> Filters:
    lane = lane.strip().upper()
    if lane and (len(lane) != 11 or lane[5] != "-"):
        raise InputError(f"lane '{lane[:20]}' is not FROM-TO with UN/LOCODEs, e.g. CNSHA-NLRTM")
    if mode and mode not in MODES:
        raise InputError(f"mode '{mode[:10]}' is not one of {', '.join(MODES)}")
    weeks = None
    if window:
        if not window.isdigit() or not 0 < int(window) <= 520:
            raise InputError(f"window '{window[:10]}' is not a number of weeks from 1 to 520")
        weeks = int(window)
    return Filters(carrier=carrier.strip() or None, lane=lane or None, mode=mode or None,
                   window_weeks=weeks)  # fmt: skip


@router.get("/api/lanes", tags=["analytics"])
def lanes_json(
    request: Request, carrier: str = "", lane: str = "", mode: str = "", window: str = ""
):
    """The lanes report: reliability, transit, dwell, ETA accuracy, delivery, league, series
    (definitions: docs/ANALYTICS.md)."""
    return lanes_report(_store(request), _filters(carrier, lane, mode, window))


@router.get("/lanes", response_class=HTMLResponse, include_in_schema=False)
def lanes_page(
    request: Request, carrier: str = "", lane: str = "", mode: str = "", window: str = ""
):
    filters = _filters(carrier, lane, mode, window)
    rep = lanes_report(_store(request), filters)
    context = {
        "rep": rep,
        "form": {"carrier": carrier, "lane": lane, "mode": mode, "window": window},
        "modes": MODES,
        "charts": [
            c
            for c in (
                charts.reliability_chart(rep["series"], 8),
                charts.transit_chart(rep["lanes"]),
                charts.dwell_chart(rep["dwell"]),
            )
            if c
        ],
    }
    return request.app.state.templates.TemplateResponse(request, "lanes.html", context)
