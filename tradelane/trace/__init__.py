"""Traceability: item trace codes, QR labels, DCSA / EPCIS exports and offline proof bundles.

Modules, one idea each:

* `codes`   GS1 GTIN / SSCC check digits and Digital Link URIs;
* `merkle`  the item Merkle tree (OpenZeppelin ``MerkleProof`` convention);
* `items`   reading item lists, the local item registry (`prepare`, `remember`);
* `onchain` the route / items / attestation facts read from logs and transactions;
* `labels`  one QR code per item and a printable sheet;
* `dcsa`    DCSA Track & Trace 2.2 events;
* `epcis`   GS1 EPCIS 2.0 JSON-LD document;
* `eventhash` the CBV 2.0 event hash ID (`canonical`: EPC URIs / Digital Links normalised);
* `bundle`  the self-contained proof bundle and its verifier;
* `lookup`  trace code -> shipment, Merkle proof and verified history.
"""
