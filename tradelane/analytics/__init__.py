"""Lane analytics from on-chain actuals: schedule reliability, transit spreads, hub dwell,
ETA accuracy, delivery against the escrow deadline — and the observed distributions that
on-time routing (`routing.ontime`) ranks routes with. Definitions: docs/ANALYTICS.md.

Layers: `load` (the index, SQL) → `frame` (column arrays) → `metrics` (numpy) →
`report` (the whole lanes report, filters) and `snapshot` (observations + hash);
`charts` draws SVG with matplotlib; `simulate` fills a dev chain with realistic shipments.
"""
