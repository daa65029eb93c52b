"""`tradelane label`, `trace`, `export` and `verify`: item codes, exports and proof bundles."""

from __future__ import annotations

import json
import re
from pathlib import Path

import click

from ..errors import InputError, read_json
from ..trace import bundle as trace_bundle
from ..trace import dcsa, epcis, labels, lookup
from ..trace import items as trace_items
from ..trace import references as trace_references
from ..trace import verify as trace_verify
from .app import cli
from .options import json_option, open_chain, open_client, out, print_json, rpc_option
from .render import history_table

EXPORTERS = {"dcsa": dcsa.export, "epcis": epcis.export, "bundle": trace_bundle.build_bundle}


@cli.command()
@click.argument("shipment_id", metavar="SHIPMENT", type=int)
@click.option(
    "--out-dir",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where to write the labels [default: labels-SHIPMENT].",
)
@click.option(
    "--base-url",
    envvar="TRADELANE_BASE_URL",
    default=None,
    metavar="URL",
    help="Encode {URL}/trace?code=… instead of the bare GS1 Digital Link [env TRADELANE_BASE_URL].",
)
@rpc_option
def label(shipment_id: int, out_dir: Path | None, base_url: str | None, rpc: str | None) -> None:
    """Write one QR code per item (PNG + SVG) and a printable labels.html sheet.

    The items are those given when the shipment was opened (`tradelane ship --items`).

    \b
    Example:
      tradelane label 1 --base-url https://trace.example.com
    """
    tl = open_client(rpc)
    tl.view(shipment_id)  # an unknown shipment fails here, with its id
    items = trace_items.registered(tl, shipment_id)
    if not items:
        raise InputError(f"shipment {shipment_id} has no item list on this machine")
    target = out_dir or Path(f"labels-{shipment_id}")
    sheet = labels.write_labels(
        items, target, title=f"Shipment {shipment_id} — trace codes", base_url=base_url or ""
    )
    click.echo(f"{len(items)} labels (PNG + SVG) in {target}/, printable sheet {sheet}")


@cli.command()
@click.argument("code")
@rpc_option
@json_option
def trace(code: str, rpc: str | None, as_json: bool) -> None:
    """Prove an item belongs to its shipment and show the verified history.

    CODE is a GS1 Digital Link URI, (01)GTIN(21)SERIAL, an 18-digit SSCC, or a
    scanned {base}/trace?code=… link. Exits 1 if any proof fails.

    \b
    Example:
      tradelane trace https://id.gs1.org/01/09506000134352/21/SN-001
    """
    tl = open_client(rpc)
    result = lookup.trace(tl, code)
    if as_json:
        print_json(
            {
                "shipment_id": result.shipment_id,
                "item": result.item.to_json(),
                "proof": list(result.proof),
                "proof_ok": result.proof_ok,
                "problems": list(result.problems),
                "status": result.status.to_json(),
            }
        )
    else:
        s = result.status
        console = out()
        console.print(f"[bold]{result.item.uri}[/]")
        mark = "[green]proven[/]" if result.proof_ok else "[red]NOT proven[/]"
        console.print(
            f"shipment {result.shipment_id} ({s.state.label}), item {mark} against items root "
            f"{s.items_root} ({len(result.proof)}-step Merkle proof)"
        )
        console.print(f"route {s.route_hash}  network data {s.network_hash}")
        console.print(history_table(s.milestones, title="verified milestone history"))
        for problem in result.problems:
            console.print(f"[red]problem:[/] {problem}")
        if result.ok:
            console.print("[green]history verified[/]: hash chain, on-chain head, route, signers")
    if not result.ok:
        raise SystemExit(1)


@cli.command("references")
@click.argument("shipment_id", metavar="SHIPMENT", type=int)
@click.argument("file", required=False, type=click.Path(dir_okay=False, path_type=Path))
@rpc_option
@json_option
def references_command(shipment_id: int, file: Path | None, rpc: str | None, as_json: bool) -> None:
    """Show a shipment's off-chain references, or set them from a JSON FILE.

    Booking, bill of lading or air waybill, container numbers (ISO 6346), each leg's
    vessel IMO number, voyage and service code, and GLNs of facilities by UN/LOCODE. Every
    check digit is verified; the DCSA / EPCIS exports and the tracking page use them. They
    are kept on this machine, not on chain.

    \b
    Example:
      tradelane references 1 refs.json
    """
    tl = open_client(rpc)
    tl.view(shipment_id)  # an unknown shipment fails here, with its id
    if file is not None:
        refs = trace_references.parse_references(read_json(file, "references"))
        trace_references.save(tl, shipment_id, refs)
    else:
        refs = trace_references.load(tl, shipment_id)
    data = refs.to_json() if refs else None
    if as_json:
        print_json(data)
        return
    if refs is None:
        click.echo(f"shipment {shipment_id} has no references on this machine")
        return
    for key, value in data.items():
        if value:
            click.echo(f"{key}: {json.dumps(value)}")


@cli.command()
@click.argument("shipment_id", metavar="SHIPMENT", type=int)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(sorted(EXPORTERS)),
    required=True,
    help="dcsa: DCSA T&T 2.2 events; epcis: EPCIS 2.0 JSON-LD; bundle: offline proof.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="File to write [default: stdout].",
)
@rpc_option
def export(shipment_id: int, fmt: str, output: Path | None, rpc: str | None) -> None:
    """Export a shipment's history as DCSA events, an EPCIS document or a proof bundle.

    \b
    Example:
      tradelane export 1 --format bundle -o shipment-1.bundle.json
    """
    tl = open_client(rpc)
    document = EXPORTERS[fmt](tl, shipment_id)
    text = json.dumps(document, indent=2) + "\n"
    if output is None:
        click.echo(text, nl=False)
    else:
        output.write_text(text)
        click.echo(f"wrote {fmt} export of shipment {shipment_id} to {output}", err=True)


@cli.command()
@click.argument("bundle_path", metavar="BUNDLE", type=click.Path(path_type=Path))
@click.option(
    "--rpc",
    default=None,
    metavar="URL",
    help="Also check against this chain: every log is there, the on-chain head matches.",
)
@click.option(
    "--trusted-block",
    default=None,
    metavar="HASH",
    help="A block hash you trust (from your node or an explorer): proves completeness "
    "offline when the bundle's state proof is for that block.",
)
@json_option
def verify(bundle_path: Path, rpc: str | None, trusted_block: str | None, as_json: bool) -> None:
    """Check a proof bundle and say exactly what it proves.

    Offline it re-derives every record, hash-chain link, signature, route hash and the
    items root: the history is consistent up to its last milestone. Whether later
    milestones exist is proven only against a chain (--rpc), or offline by the bundle's
    state proof of the contract's head for a block hash you trust (--trusted-block).
    Exits 1 and names each problem if anything is wrong.

    \b
    Example:
      tradelane verify shipment-1.bundle.json --trusted-block 0x5c…e1
    """
    if trusted_block is not None and not re.fullmatch(r"0x[0-9a-fA-F]{64}", trusted_block):
        raise InputError(f"--trusted-block '{trusted_block}' is not a 0x-prefixed 32-byte hash")
    data = trace_bundle.load_bundle(bundle_path)
    chain = open_chain(rpc) if rpc else None
    verdict = trace_verify.verify(data, chain, trusted_block)
    if as_json:
        print_json(
            {
                "valid": verdict.ok,
                "complete": verdict.ok and verdict.complete,
                "problems": verdict.problems,
                "proven": verdict.statements,
            }
        )
    elif verdict.problems:
        for problem in verdict.problems:
            click.echo(f"invalid: {problem}", err=True)
    else:
        where = f"checked against chain {chain.chain_id}" if chain else "checked offline"
        extent = "complete" if verdict.complete else "completeness NOT proven"
        click.echo(
            f"valid: shipment {data['shipment_id']} on chain {data['chain_id']}, "
            f"{data['milestone_count']} milestones, head {data['head']} ({where}; {extent})"
        )
        for statement in verdict.statements:
            click.echo(f"  {statement}")
    if verdict.problems:
        raise SystemExit(1)
