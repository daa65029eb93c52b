"""`tradelane milestone` (a carrier reports, or signs for later) and `tradelane relay`."""

from __future__ import annotations

from pathlib import Path

import click

from .. import attest, intents
from ..client import Tradelane
from ..errors import InputError
from ..model import Classifier, Code, Milestone
from .app import cli
from .options import (
    account_option,
    dev_name,
    err_console,
    json_option,
    open_client,
    out,
    parse_time,
    print_json,
    rpc_option,
    signer,
    spinner,
    tx_row,
    when,
)


def _enum(kind, text: str, what: str):
    try:
        return kind[text.upper()]
    except KeyError as err:
        names = ", ".join(k.name for k in kind)
        raise InputError(f"{what} '{text}' is not one of {names}") from err


def _already_recorded(tl: Tradelane, m: Milestone):
    """The recorded event that makes sending `m` again pointless (ACT, not INSP), or None."""
    if m.classifier != Classifier.ACT or m.code == Code.INSP:
        return None
    for event in tl.history(m.shipment_id):
        e = event.milestone
        if (e.leg, e.code, e.classifier) == (m.leg, m.code, m.classifier):
            return event
    return None


def _check_actual_time(tl: Tradelane, m: Milestone, text: str, now: int) -> None:
    """An actual (ACT) event happened: not before the shipment opened, its last recorded
    milestone, nor after the chain's time now. The contract would keep it for good."""
    v = tl.view(m.shipment_id)
    floor, why = v["openedAt"], "the shipment opened"
    if v["lastEventTime"] > floor:
        floor, why = v["lastEventTime"], "its last recorded milestone"
    if m.event_time < floor:
        raise InputError(
            f"--time {text} ({when(m.event_time)} UTC) is before {why} ({when(floor)} UTC); an "
            "actual milestone cannot have happened then: give the time it happened"
        )
    if m.event_time > now:
        raise InputError(
            f"--time {text} ({when(m.event_time)} UTC) is later than the chain's time now "
            f"({when(now)} UTC); report an actual milestone once it happened, or use "
            "--classifier EST for an estimate"
        )


def _carrier_signer(tl: Tradelane, account: str | None, carrier: str):
    if account:
        return signer(tl.chain, account, role="carrier")
    name = dev_name(carrier)
    if name and tl.chain.is_dev:
        return tl.chain.account(name)
    raise InputError(f"the leg's carrier is {carrier}; pass --account with its keystore file")


@cli.command()
@click.argument("shipment_id", metavar="SHIPMENT", type=int)
@click.argument("code")
@click.option("--leg", type=int, default=None, help="Leg index [default: the current leg].")
@click.option("--at", "at", metavar="LOCODE", default=None, help="Where [default: the leg's port].")
@click.option(
    "--time", "time", default=None, help="When: now, unix seconds, ISO 8601 [default: now]."
)
@click.option("--classifier", default="ACT", show_default=True, help="ACT, EST or PLN.")
@click.option(
    "--sign-only",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FILE",
    help="Write an EIP-712 signed attestation to FILE instead of sending it.",
)
@click.option(
    "--nonce",
    type=int,
    default=None,
    help="With --sign-only: the attestation nonce, i.e. the place the milestone will take in "
    "the shipment's history [default: milestones recorded so far]; sign several ahead of a "
    "batch relay with consecutive nonces.",
)
@rpc_option
@account_option(None, "reports the milestone (default: the leg's carrier on a dev chain)")
@json_option
def milestone(
    shipment_id: int,
    code: str,
    leg: int | None,
    at: str | None,
    time: str | None,
    classifier: str,
    sign_only: Path | None,
    nonce: int | None,
    rpc: str | None,
    account: str | None,
    as_json: bool,
) -> None:
    """Report a DCSA milestone (GTIN LOAD DEPA ARRI DISC GTOT INSP RELS DROP) for a leg.

    The leg's carrier sends it directly, or with --sign-only writes a signed
    attestation that anyone can send later with `tradelane relay`.

    \b
    Example:
      tradelane milestone 1 DEPA --account carrier1
      tradelane milestone 1 ARRI --at SGSIN --time 2026-03-01T08:00Z
      tradelane milestone 1 DEPA --leg 1 --sign-only depa-1.json
    """
    code_ = _enum(Code, code, "code")
    classifier_ = _enum(Classifier, classifier, "classifier")
    if sign_only and not sign_only.parent.is_dir():
        raise InputError(f"--sign-only {sign_only}: folder {sign_only.parent} does not exist")
    if nonce is not None and nonce < 0:
        raise InputError(f"--nonce {nonce} must be 0 or more (the milestone's place in history)")
    tl = open_client(rpc)
    now = tl.chain.now()
    m, carrier = tl.milestone_for(
        shipment_id,
        code_,
        leg=leg,
        location=at,
        event_time=parse_time(time, now) if time else None,
        classifier=classifier_,
    )
    if m.classifier == Classifier.ACT and time:
        _check_actual_time(tl, m, time, now)
    acct = _carrier_signer(tl, account, carrier)
    if sign_only:
        _sign_only(tl, acct, m, nonce, sign_only, as_json)
        return
    earlier = _already_recorded(tl, m)
    if earlier is not None:
        _say_already_recorded(m, earlier, as_json)
        return
    # the same command line means another milestone once the shipment moved on (DEPA of the
    # next leg): the intent is this milestone, not the arguments
    intents.refine(m.leg, m.code.name, m.classifier.name)
    _record(tl, acct, m, as_json)


def _sign_only(
    tl: Tradelane, acct, m: Milestone, nonce: int | None, path: Path, as_json: bool
) -> None:
    """Write the carrier's signed attestation of `m` to `path`; nothing is sent."""
    attestation = tl.sign(acct, m, nonce=nonce)
    attest.write_attestation(attestation, path)
    if as_json:
        print_json({"file": str(path), **attestation})
    else:
        out().print(
            f"signed {m.describe()} of shipment {m.shipment_id} as {acct.address} "
            f"(nonce {attestation['nonce']}) → {path}"
        )


def _say_already_recorded(m: Milestone, earlier, as_json: bool) -> None:
    """Say that `m` is on chain already (the recorded event `earlier`): nothing is sent."""
    result = {"shipment_id": m.shipment_id, "already_recorded": True, **earlier.to_json()}
    if as_json:
        print_json(result)
    else:
        out().print(
            f"{m.code.name} {m.classifier.name} on leg {m.leg} of shipment {m.shipment_id} is "
            f"already recorded (#{earlier.seq}, tx {earlier.tx_hash[:12]}…); nothing sent"
        )


def _record(tl: Tradelane, acct, m: Milestone, as_json: bool) -> None:
    """Send `m` and say what the chain recorded."""
    shipment_id = m.shipment_id
    with spinner(f"recording {m.describe()}…", quiet=as_json):
        receipt = tl.record(acct, m)
    row = tx_row(m.describe(), receipt)
    # What the chain recorded in that transaction (an earlier run's may carry another time).
    recorded = [e for e in tl.history(shipment_id) if e.tx_hash == row["tx"]]
    m = recorded[-1].milestone if recorded else m
    if as_json:
        print_json({"shipment_id": shipment_id, "milestone": _milestone_json(m), **row})
        return
    by = "; sent by an earlier run of this command, nothing sent now" if row["earlier_run"] else ""
    out().print(
        f"recorded {m.describe()} at {when(m.event_time)} on shipment {shipment_id} "
        f"(block {row['block']}, gas {row['gas']:,}, tx {row['tx']}{by})"
    )


def _milestone_json(m: Milestone) -> dict:
    return {
        "leg": m.leg,
        "code": m.code.name,
        "classifier": m.classifier.name,
        "location": m.location,
        "event_time": m.event_time,
    }


def pending_attestations(tl: Tradelane, attestations: list[dict]) -> tuple[list[dict], list[dict]]:
    """Split attestations into (to send, already recorded): a re-run sends nothing twice."""
    histories: dict[int, list] = {}
    todo, done = [], []
    for a in attestations:
        m = attest.milestone_of(a)
        if m.shipment_id not in histories:
            tl.view(m.shipment_id)  # unknown shipment -> one clear error
            histories[m.shipment_id] = tl.history(m.shipment_id)
        events = histories[m.shipment_id]
        nonce = int(a["nonce"])
        if nonce < len(events) and events[nonce].milestone == m:
            done.append(a)
        else:
            todo.append(a)
    return todo, done


@cli.command()
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@rpc_option
@account_option("relayer", "sends the batch (anyone may relay)")
@json_option
def relay(files: tuple[Path, ...], rpc: str | None, account: str, as_json: bool) -> None:
    """Send signed milestone attestations, many in one batch transaction.

    Attestations already on chain are skipped, so re-running after an interruption
    sends only what is missing.

    \b
    Example:
      tradelane relay depa-0.json arri-0.json --account relayer
    """
    loaded = [attest.load_attestation(f) for f in files]
    for path, a in zip(files, loaded, strict=True):
        recovered = attest.recover_signer(a)
        if a.get("signer") and recovered.lower() != str(a["signer"]).lower():
            raise InputError(
                f"attestation {path} was changed after it was signed: its signature is by "
                f"{recovered}, not by {a['signer']} it names; have the carrier sign it again"
            )
    intents.refine(*(a["signature"] for a in loaded))  # what is relayed, not the file names
    tl = open_client(rpc)
    sender = signer(tl.chain, account, role="relayer")
    todo, done = pending_attestations(tl, loaded)
    rows = []
    if todo:
        with spinner(f"relaying {len(todo)} attestation(s) in one transaction…", quiet=as_json):
            receipt = tl.relay(sender, todo)
        rows.append(tx_row(f"relay {len(todo)} attestation(s)", receipt))
    if as_json:
        print_json({"relayed": len(todo), "already_recorded": len(done), "transactions": rows})
        return
    for a in done:
        err_console().print(f"already recorded, skipped: {_describe(a)}")
    if not todo:
        out().print(f"nothing to relay: all {len(done)} attestation(s) are already recorded")
        return
    row = rows[0]
    by = "; sent by an earlier run of this command, nothing sent now" if row["earlier_run"] else ""
    out().print(
        f"relayed {len(todo)} milestone(s) in one transaction "
        f"(block {row['block']}, gas {row['gas']:,}, tx {row['tx']}{by})"
    )
    for a in todo:
        out().print(f"  {_describe(a)}")


def _describe(a: dict) -> str:
    m = a["milestone"]
    return (
        f"shipment {m['shipment_id']} leg {m['leg']} {m['code']} {m['classifier']} at "
        f"{m['location']} (nonce {a['nonce']}, signed by {a.get('signer', '?')})"
    )
