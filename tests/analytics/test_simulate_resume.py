"""`tradelane simulate` is safe to run twice: killed at any moment (SIGKILL of the process)
and run again with the same arguments, it plays the same population on from where it
stopped — the chain ends with exactly what an uninterrupted run records (every shipment of
the plan opened once, each with exactly its planned milestones, the planned refunds) — and
a re-run of a finished simulation sends nothing. Real anvil, real processes."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tradelane.analytics import simulate
from tradelane.analytics.population import load_config, plan_population
from tradelane.chain import connect
from tradelane.client import Tradelane
from tradelane.node import Anvil

pytestmark = pytest.mark.anvil

# one port pair, a reliable and an unreliable carrier; a tight deadline so that late
# buyers refund: 30 shipments over four days, about 70 transactions
CONFIG = {
    "ports": [
        {"locode": "CNSHA", "name": "Shanghai", "lat": 31.23, "lon": 121.49},
        {"locode": "SGSIN", "name": "Singapore", "lat": 1.26, "lon": 103.84},
    ],
    "lanes": [
        {"from": "CNSHA", "to": "SGSIN", "mode": "sea", "carrier": "Steady", "service": "ST-1",
         "distance_km": 3900, "transit_hours": 120, "cost_usd": 900, "departures": "Mon 12:00",
         "delay": {"on_time": 0.9}},
        {"from": "CNSHA", "to": "SGSIN", "mode": "sea", "carrier": "Cheapo", "service": "CH-1",
         "distance_km": 3900, "transit_hours": 120, "cost_usd": 600, "departures": "Thu 12:00",
         "delay": {"on_time": 0.4, "late_mean_days": 4.0}},
    ],
    "population": {"shipments": 30, "days": 4, "alternatives": 2, "deadline_slack_days": 1,
                   "refund_if_late": 0.6, "seed": 5,
                   "demand": [{"from": "CNSHA", "to": "SGSIN", "weight": 1}]},
}  # fmt: skip


@pytest.fixture
def chain_home(tmp_path, monkeypatch):
    """(client, env for `tradelane` processes, config path, home) on a fresh anvil."""
    home = tmp_path / "home"
    monkeypatch.setenv("TRADELANE_HOME", str(home))
    config = tmp_path / "population.json"
    config.write_text(json.dumps(CONFIG))
    with Anvil() as node:
        tl, _ = Tradelane.deploy(connect(node.url))
        env = {**os.environ, "TRADELANE_HOME": str(home), "TRADELANE_RPC": node.url}
        env.pop("TRADELANE_DEBUG", None)
        yield tl, env, config, home


def _simulate(env, config: Path, *, kill_when=None) -> tuple[int, str, str]:
    """Run `tradelane simulate --config CONFIG --json`; SIGKILL it once ``kill_when(journal)``
    holds (the journal as last written), polled every few milliseconds."""
    process = subprocess.Popen(
        [sys.executable, "-m", "tradelane.cli", "simulate", "--config", str(config), "--json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    folder = Path(env["TRADELANE_HOME"]) / "chains"
    while kill_when is not None and process.poll() is None:
        journal = _journal(folder)
        if journal is not None and kill_when(journal):
            process.send_signal(signal.SIGKILL)
            break
        time.sleep(0.003)
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def _journal(folder: Path) -> dict | None:
    found = list(folder.glob("*/simulate/*.json"))
    try:
        return json.loads(found[0].read_text()) if found else None
    except json.JSONDecodeError:  # pragma: no cover - written by rename: never half a file
        return None


def _chain_outcome(tl: Tradelane, plans, ids: dict[int, int]) -> dict:
    """Per planned shipment: (milestones on chain, refunded?) and the counts of the
    contract's events — what the chain holds, read from the chain."""
    fn = tl.contract.functions
    view_abi = next(i for i in tl.contract.abi if i.get("name") == "shipment")
    names = [o["name"] for o in view_abi["outputs"][0]["components"]]
    per = {}
    for k in range(len(plans)):
        v = dict(zip(names, fn.shipment(ids[k]).call(), strict=True))
        per[k] = (int(v["milestones"]), int(v["refunded"]) > 0)
    return {
        "shipments": int(fn.shipmentCount().call()),
        "per_shipment": per,
        "opened_events": len(tl.logs("ShipmentOpened")),
        "milestone_events": len(tl.logs("MilestoneRecorded")),
        "refund_events": len(tl.logs("Refunded")),
    }


def _failed_transactions(tl: Tradelane) -> int:
    w3, failed = tl.chain.w3, 0
    for n in range(w3.eth.block_number + 1):
        failed += sum(1 for r in w3.eth.get_block_receipts(n) if r["status"] != 1)
    return failed


def test_a_killed_simulation_resumes_to_exactly_the_planned_population(chain_home):
    tl, env, config, _home = chain_home
    folder = Path(env["TRADELANE_HOME"]) / "chains"
    count = tl.contract.functions.shipmentCount()
    # kill 1: the moment a step's offers are journaled (before their batch, or during it)
    code, _out, _err = _simulate(env, config, kill_when=lambda j: bool(j["offers"]))
    assert code == -signal.SIGKILL
    # kill 2: the moment the chain is ahead of the journal — a step's shipments opened on
    # chain, the step not journaled yet (tried until one such kill is confirmed afterwards)
    for _attempt in range(4):
        ahead = lambda j: count.call() > len(j["ids"])  # noqa: E731
        code, _out, err = _simulate(env, config, kill_when=ahead)
        assert code == -signal.SIGKILL and "resuming the interrupted run" in err
        if count.call() > len(_journal(folder)["ids"]):
            break
    else:
        pytest.fail("no kill landed between a step's openings and its journal entry")
    # kill 3: a little after the journal passed two thirds of the queue
    state = {}

    def later(j):
        if not state and j["next"] >= 2 * _queue_length(j) / 3:
            state["at"] = time.monotonic()
        return bool(state) and time.monotonic() - state["at"] > 0.05

    code, _out, err = _simulate(env, config, kill_when=later)
    assert code == -signal.SIGKILL and "resuming the interrupted run" in err
    assert _journal(folder)["status"] == "running"

    code, out, err = _simulate(env, config)
    assert code == 0, err
    result = json.loads(out)
    assert result["resumed"] is True and result["already_done"] is False
    assert "resuming the interrupted run" in err

    journal = _journal(folder)
    cfg = load_config(config)
    plans = plan_population(cfg, journal["start"])  # what an uninterrupted run plays
    ids = {int(k): v for k, v in journal["ids"].items()}
    chain = _chain_outcome(tl, plans, ids)
    planned = {k: (len(p.events), p.refund_at is not None) for k, p in enumerate(plans)}
    assert sorted(ids) == list(range(len(plans))) and len(set(ids.values())) == len(plans)
    assert chain["shipments"] == chain["opened_events"] == len(plans) == result["shipments"]
    assert chain["per_shipment"] == planned
    assert chain["milestone_events"] == sum(n for n, _ in planned.values()) == result["milestones"]
    assert chain["refund_events"] == sum(r for _, r in planned.values()) == result["refunds"] > 0
    # nothing was sent twice: a duplicate would have reverted (used nonce, refunded shipment)
    assert _failed_transactions(tl) == 0
    buyer = tl.chain.w3.eth.get_transaction_count(tl.chain.address("buyer"))
    assert buyer == len(plans) + result["refunds"]

    # a re-run of the finished simulation sends nothing and says so
    block = tl.chain.w3.eth.block_number
    code, out, _err = _simulate(env, config)
    assert code == 0 and json.loads(out)["already_done"] is True
    assert json.loads(out)["sent"] == 0
    assert tl.chain.w3.eth.block_number == block


def _queue_length(journal: dict) -> int:
    """A lower bound of the queue's length: an opening and at least six milestones each."""
    return 7 * int(journal["population"]["shipments"])


def test_a_step_cut_after_its_transactions_mined_is_read_back_from_the_chain(
    chain_home, monkeypatch
):
    """The kill lands after a step's openings, a relay batch and a refund mined but before
    the journal recorded the step: the re-run sends none of them again (in-process: the
    interruption is raised right after each of those transactions' receipts)."""
    tl, _env, config, _home = chain_home
    cfg = load_config(config)
    for kind in ("acceptOffer", "recordBatch", "refund"):
        with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
            _interrupt_after(patch, tl, kind)
            simulate.run(tl, cfg)
    result = simulate.run(tl, cfg)
    assert result.resumed and result.shipments == 30 and result.refunds > 0
    assert _failed_transactions(tl) == 0
    assert int(tl.contract.functions.shipmentCount().call()) == 30
    assert len(tl.logs("MilestoneRecorded")) == result.milestones
    assert len(tl.logs("Refunded")) == result.refunds
    assert simulate.run(tl, cfg).already_done

    # --new adds a second population; killed and run again (still --new), it is finished
    with monkeypatch.context() as patch, pytest.raises(KeyboardInterrupt):
        _interrupt_after(patch, tl, "recordBatch")
        simulate.run(tl, cfg, new=True)
    again = simulate.run(tl, cfg, new=True)
    assert again.resumed and (again.first_id, again.last_id) == (31, 60)
    assert int(tl.contract.functions.shipmentCount().call()) == 60
    assert len(tl.logs("MilestoneRecorded")) == result.milestones + again.milestones
    assert _failed_transactions(tl) == 0


def _interrupt_after(monkeypatch, tl: Tradelane, fn_name: str) -> None:
    """Raise KeyboardInterrupt right after the first mined transaction calling ``fn_name``
    (openings go out in a batch: after the batch)."""
    chain = tl.chain
    send, send_many = chain.send, chain.send_many

    def cut(receipts):
        raise KeyboardInterrupt(f"killed after {fn_name} mined ({len(receipts)})")

    def send_then_cut(call, *args, **kwargs):
        receipt = send(call, *args, **kwargs)
        if getattr(call, "fn_name", None) == fn_name:
            cut([receipt])
        return receipt

    def many_then_cut(calls, *args, **kwargs):
        receipts = send_many(calls, *args, **kwargs)
        if fn_name == "acceptOffer":
            cut(receipts)
        return receipts

    monkeypatch.setattr(chain, "send", send_then_cut)
    monkeypatch.setattr(chain, "send_many", many_then_cut)
