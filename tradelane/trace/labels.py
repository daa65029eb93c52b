"""One QR code per item (PNG and SVG, via segno) and a printable HTML sheet.

The QR content is the item's GS1 Digital Link URI — any GS1 resolver or phone understands
it — or ``{base_url}/trace?code=<URI>`` when a base URL is configured (``--base-url`` or
``TRADELANE_BASE_URL``), so a phone lands on the Tradelane trace page.
"""

from __future__ import annotations

import html
import os
import re
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import quote

import segno

from .codes import Item

__all__ = ["qr_content", "write_labels"]


def qr_content(item: Item, base_url: str | None = None) -> str:
    base = base_url if base_url is not None else os.environ.get("TRADELANE_BASE_URL")
    if not base:
        return item.uri
    return f"{base.rstrip('/')}/trace?code={quote(item.uri, safe='')}"


def _name(n: int, item: Item) -> str:
    text = item.sscc if item.kind == "sscc" else f"{item.gtin}-{item.serial}"
    return f"{n:03d}-" + re.sub(r"[^A-Za-z0-9._-]", "_", text or "")


def write_labels(
    items: Sequence[Item], out_dir: str | Path, *, title: str, base_url: str | None = None
) -> Path:
    """Write ``NNN-code.png`` / ``.svg`` per item and ``labels.html``; returns the sheet's path."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cells = []
    for n, item in enumerate(items, 1):
        content = qr_content(item, base_url)
        qr = segno.make(content, error="m", micro=False)
        name = _name(n, item)
        qr.save(out / f"{name}.png", scale=8, border=4)
        qr.save(out / f"{name}.svg", scale=4, border=4)
        cells.append(
            f'<figure><img src="{name}.svg" alt="QR code">'
            f"<figcaption><b>{html.escape(item.element_string)}</b><br>"
            f"<small>{html.escape(content)}</small></figcaption></figure>"
        )
    sheet = out / "labels.html"
    sheet.write_text(
        "<!doctype html><html><head><meta charset='utf-8'>"
        f"<title>{html.escape(title)}</title><style>"
        "body{font-family:sans-serif}main{display:grid;grid-template-columns:repeat(3,1fr);gap:8mm}"
        "figure{margin:0;padding:4mm;border:1px dashed #999;text-align:center;"
        "break-inside:avoid}img{width:40mm}small{word-break:break-all}"
        f"</style></head><body><h1>{html.escape(title)}</h1><main>"
        + "".join(cells)
        + "</main></body></html>\n"
    )
    return sheet
