"""Stable identifiers the exports share: shipment and route URNs, deterministic UUIDs."""

from __future__ import annotations

import uuid

__all__ = ["NAMESPACE", "shipment_urn", "route_urn", "event_uuid"]

#: UUIDv5 namespace of every Tradelane export id (uuid5 of the URL namespace and this name).
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://github.com/tradelane/tradelane/exports")


def shipment_urn(chain_id: int, contract: str, shipment_id: int) -> str:
    return f"urn:tradelane:shipment:{chain_id}:{contract.lower()}:{shipment_id}"


def route_urn(route_hash: str) -> str:
    return f"urn:tradelane:route:{route_hash}"


def event_uuid(*parts: object) -> str:
    """A UUIDv5 from the parts joined by ':' — the same inputs always give the same id."""
    return str(uuid.uuid5(NAMESPACE, ":".join(str(p) for p in parts)))
