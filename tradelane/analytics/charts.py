"""SVG charts of the lanes report, drawn server-side with matplotlib (no JavaScript, no
network): reliability over time, transit-time distributions, dwell by hub.

Each chart is an inline ``<svg role="img">`` labelled by its own ``<title>`` and ``<desc>``
(screen readers and axe read those), text kept as text, deterministic ids.
"""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime
from html import escape

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

__all__ = ["dwell_chart", "reliability_chart", "transit_chart"]

plt.rcParams.update(
    {
        "svg.fonttype": "none",
        "svg.hashsalt": "tradelane",
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    }
)
# Okabe-Ito: distinguishable with colour-vision deficiencies
PALETTE = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]


def _svg(fig, ident: str, title: str, desc: str) -> str:
    """The figure as an inline, labelled SVG; its ids prefixed so charts can share a page."""
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None, "Creator": None}, bbox_inches="tight")
    plt.close(fig)
    text = buf.getvalue()
    text = text[text.index("<svg") :]
    text = re.sub(r'id="([^"]+)"', rf'id="{ident}-\1"', text)
    text = re.sub(r"url\(#([^)]+)\)", rf"url(#{ident}-\1)", text)
    text = re.sub(r'href="#([^"]+)"', rf'href="#{ident}-\1"', text)
    label = f'<svg role="img" aria-labelledby="{ident}-title {ident}-desc" class="chart"'
    text = text.replace("<svg", label, 1)
    head = (
        f'<title id="{ident}-title">{escape(title)}</title>'
        f'<desc id="{ident}-desc">{escape(desc)}</desc>'
    )
    return re.sub(r"(<svg[^>]*>)", lambda m: m.group(1) + head, text, count=1)


def reliability_chart(series: list[dict], window_weeks: int) -> str | None:
    """Rolling schedule reliability per carrier over time (lines)."""
    if not series:
        return None
    fig, ax = plt.subplots(figsize=(7, 3))
    carriers = sorted({s["carrier_name"] for s in series})
    for i, name in enumerate(carriers):
        pts = [s for s in series if s["carrier_name"] == name]
        ax.plot(
            [datetime.fromtimestamp(p["period_end"], UTC) for p in pts],
            [100 * p["reliability"] for p in pts],
            label=name,
            color=PALETTE[i % len(PALETTE)],
            marker="o",
            markersize=2.5,
        )
    ax.set_ylim(0, 100)
    ax.set_ylabel("on time, % (rolling)")
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    fig.autofmt_xdate()
    latest = {n: [s for s in series if s["carrier_name"] == n][-1]["reliability"] for n in carriers}
    desc = (
        "Share of arrivals within one calendar day of the planned arrival, over a rolling "
        f"{window_weeks}-week window. Latest: "
        + "; ".join(f"{n} {100 * v:.0f}%" for n, v in latest.items())
    )
    return _svg(fig, "rel", "Schedule reliability over time", desc)


def transit_chart(lanes: list[dict]) -> str | None:
    """Transit-time distributions (days) per carrier and lane: boxes p25–p75, whiskers
    p10–p90, drawn from the report's percentiles (matplotlib's ``bxp``)."""
    rows = [r for r in lanes if r.get("p50_d") is not None]
    if not rows:
        return None
    rows = sorted(rows, key=lambda r: (r["lane"], r["carrier_name"]), reverse=True)
    stats = [
        {
            "label": f"{r['carrier_name']} {r['lane']}",
            "whislo": r["p10_d"],
            "q1": r["p25_d"],
            "med": r["p50_d"],
            "q3": r["p75_d"],
            "whishi": r["p90_d"],
            "fliers": [],
        }
        for r in rows
    ]
    fig, ax = plt.subplots(figsize=(7, 0.6 + 0.45 * len(rows)))
    ax.bxp(stats, orientation="horizontal", showfliers=False)
    ax.set_xlabel("transit, days (actual departure → actual arrival); whiskers p10–p90")
    desc = "Median transit: " + "; ".join(f"{s['label']} {s['med']:.1f} days" for s in stats)
    return _svg(fig, "transit", "Transit-time distributions", desc)


def dwell_chart(dwell: list[dict]) -> str | None:
    """Dwell (discharge → next load) at each transfer hub: median and p90 bars."""
    rows = [d for d in dwell if d["dwell_p50_h"] is not None]
    if not rows:
        return None
    fig, ax = plt.subplots(figsize=(7, 0.6 + 0.5 * len(rows)))
    hubs = [d["hub"] for d in rows]
    y = range(len(rows))
    ax.barh(
        [i + 0.2 for i in y], [d["dwell_p90_h"] for d in rows], 0.4, label="p90", color=PALETTE[1]
    )
    ax.barh(
        [i - 0.2 for i in y],
        [d["dwell_p50_h"] for d in rows],
        0.4,
        label="median",
        color=PALETTE[0],
    )
    ax.set_yticks(list(y), hubs)
    ax.set_xlabel("hours from discharge to loading on the next leg")
    ax.legend(frameon=False, fontsize=8)
    desc = "Hub dwell: " + "; ".join(
        f"{d['hub']} median {d['dwell_p50_h']:.0f} h, p90 {d['dwell_p90_h']:.0f} h" for d in rows
    )
    return _svg(fig, "dwell", "Dwell by transfer hub", desc)
