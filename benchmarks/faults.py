"""Fault injection: SIGKILL a sending command, or the node under it, at a random moment; run
it again; count what the chain shows.

Every sending command runs as a real `python -m tradelane.cli` process against a real anvil
with a state file (anvil saves once a second). For each kill point, a scenario arranges what
the command needs (through the library), starts the command, and after a random delay —
uniform over the command's measured running time — kills either the command (SIGKILL) or
the node (SIGKILL of anvil; then restarted from its state file and `tradelane.node.recover`,
as `tradelane node` does). The command is then run again until it finishes, and once more.
Counted:

* ``kill_points`` — kills delivered: of the command while it ran, or of the node while the
  command ran or right after it reported success;
* ``duplicates`` — scenarios where the chain shows the command's effect more than once;
* ``lost_reported_successes`` — a run that reported success (exit 0) whose effect is not on
  the chain after the node restarted;
* ``wrong_reports`` — a finishing run whose report disagrees with the chain (ids, amounts,
  parties, state), or the effect missing after a successful run.

``run(points=200)`` is the `make bench` section (runs until 200 kills landed); the test
tests/cli/test_faults.py runs a few.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from unittest import mock

from tradelane import attest
from tradelane.chain import connect, dev_accounts
from tradelane.client import DAY, ETH, Tradelane
from tradelane.model import Code, State
from tradelane.node import Anvil, free_port, recover

__all__ = ["Harness", "SCENARIOS", "run"]


def route_of(tl: Tradelane, stops=("CNSHA", "SGSIN")):
    """A one-leg committed-route argument, departing in a day."""
    from routing.encode import EncodedRoute, route_hash

    carrier = dev_accounts()["carrier1"].address
    start = tl.chain.now() + DAY
    legs = [(stops[0].encode(), stops[1].encode(), 0, carrier, start, start + 5 * DAY, 0)]
    return EncodedRoute(legs=legs, route_hash=route_hash(legs), network_hash=bytes(32))


def routed(tl: Tradelane, amount: int = 10**16) -> int:
    return tl.open_agreed_shipment(
        "buyer",
        seller="seller",
        encoded=route_of(tl),
        amount=amount,
        deadline=tl.chain.now() + 30 * DAY,
        arbiter="arbiter",
        token=ETH,
    )


@dataclass
class Scenario:
    """A sending command: arrange(h, k) -> (args, context); effects(h, ctx) -> how many times
    the chain shows it; truthful(h, ctx, report) -> whether a finishing report matches."""

    name: str
    arrange: Callable
    effects: Callable
    truthful: Callable


def _events(h, event: str, sid: int) -> int:
    return len(h.tl.logs(event, shipmentId=sid))


def _state(h, sid: int) -> str:
    return State(h.tl.view(sid)["state"]).label


def _ship_arrange(h, k):
    amount = f"0.{k + 1:06d}"  # a distinct order per scenario, so a distinct intent
    return ["ship", "CNSHA", "NLRTM", "--amount", amount, "--json"], {"amount": amount}


def _ship_effects(h, ctx):
    wei = int(float(ctx["amount"]) * 10**18 + 0.5)
    logs = h.tl.logs("ShipmentOpened", buyer=h.tl.chain.address("buyer"))
    mine = [log for log in logs if int(log["args"]["amount"]) == wei]
    ctx["opened"] = [(log["blockNumber"], log["transactionHash"].hex()[:10]) for log in mine]
    return len({int(log["args"]["shipmentId"]) for log in mine})


def _ship_truthful(h, ctx, report):
    view = h.tl.view(int(report["shipment_id"]))
    wei = int(float(ctx["amount"]) * 10**18 + 0.5)
    return (
        view["deposited"] == wei == int(report["amount"])
        and view["buyer"] == report["buyer"] == h.tl.chain.address("buyer")
        and State(view["state"]) == State.ROUTED
        and "0x" + view["routeHash"].hex() == report["route_hash"]
    )


def _milestone_arrange(h, k):
    sid = routed(h.tl)
    return ["milestone", str(sid), "DEPA", "--json"], {"sid": sid}


def _milestone_effects(h, ctx):
    events = h.tl.history(ctx["sid"])
    return sum(1 for e in events if e.milestone.code == Code.DEPA)


def _milestone_truthful(h, ctx, report):
    (event,) = [e for e in h.tl.history(ctx["sid"]) if e.milestone.code == Code.DEPA]
    if report.get("already_recorded"):
        return report["code"] == "DEPA" and report["seq"] == event.seq
    return report["milestone"]["code"] == "DEPA" and report["tx"] == event.tx_hash


def _relay_arrange(h, k):
    sid = routed(h.tl)
    m, carrier = h.tl.milestone_for(sid, Code.GTIN)
    path = h.home / f"gtin-{k}.json"
    attest.write_attestation(h.tl.sign("carrier1", m, nonce=0), path)
    return ["relay", str(path), "--json"], {"sid": sid}


def _relay_effects(h, ctx):
    return sum(1 for e in h.tl.history(ctx["sid"]) if e.milestone.code == Code.GTIN)


def _relay_truthful(h, ctx, report):
    return report["relayed"] + report["already_recorded"] == 1 and _relay_effects(h, ctx) == 1


def _settle_scenario(name, args, event, state, prepare=None):
    def arrange(h, k):
        sid = routed(h.tl)
        if prepare:
            prepare(h.tl, sid)
        return [name, str(sid), *args, "--json"], {"sid": sid}

    return Scenario(
        name,
        arrange,
        lambda h, ctx: _events(h, event, ctx["sid"]),
        lambda h, ctx, report: (
            report["state"] == state == _state(h, ctx["sid"])
            and int(report["held"]) == h.tl.view(ctx["sid"])["held"]
        ),
    )


def _withdraw_arrange(h, k):
    sid = routed(h.tl)
    h.tl.confirm("buyer", sid)
    block = h.tl.chain.w3.eth.block_number
    return ["withdraw", "--account", "seller", "--json"], {"block": block}


def _withdrawals(h, ctx):
    seller = h.tl.chain.address("seller")
    logs = h.tl.logs("Withdrawn", payee=seller)
    return [log for log in logs if log["blockNumber"] > ctx["block"]]


def _withdraw_truthful(h, ctx, report):
    (log,) = _withdrawals(h, ctx)
    return int(report["amount"]) == int(log["args"]["amount"]) and h.tl.credit("seller") == 0


SCENARIOS = [
    Scenario("ship", _ship_arrange, _ship_effects, _ship_truthful),
    Scenario("milestone", _milestone_arrange, _milestone_effects, _milestone_truthful),
    Scenario("relay", _relay_arrange, _relay_effects, _relay_truthful),
    _settle_scenario("confirm", ["--yes"], "Completed", "completed"),
    _settle_scenario("cancel", ["--yes"], "Refunded", "refunded"),
    _settle_scenario("dispute", [], "DisputeOpened", "disputed"),
    _settle_scenario(
        "resolve",
        ["--to-buyer", "40%", "--yes"],
        "DisputeResolved",
        "resolved",
        lambda tl, sid: tl.dispute("buyer", sid),
    ),
    Scenario(
        "withdraw",
        _withdraw_arrange,
        lambda h, ctx: len(_withdrawals(h, ctx)),
        _withdraw_truthful,
    ),
]


class Harness:
    """An anvil with a state file, a home, and the counters."""

    def __init__(self, home: Path, seed: int = 13):
        self.home = Path(home)
        self.rng = random.Random(seed)
        self.port = free_port()
        self.state = self.home / "anvil-state.json"
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "TRADELANE_HOME": str(self.home),
            "TRADELANE_RPC": self.url,
            "TRADELANE_RECEIPT_TIMEOUT": "20",
        }
        self.env.pop("TRADELANE_DEBUG", None)
        self.node = Anvil(self.port, self.state).start()
        self.durations: dict[str, float] = {}
        self.calibrate_each = True  # else one command's running time stands for all
        self.counts = {"kill_points": 0, "duplicates": 0, "lost_reported_successes": 0}
        self.counts |= {"wrong_reports": 0, "runs": 0, "scenarios": 0}
        self.problems: list[str] = []
        self.cli(["deploy"], check=True)
        self.tl = Tradelane.attach(connect(self.url))

    def close(self) -> None:
        self.node.stop()

    def cli(self, args, *, kill_after=None, kill_node_after=None, check=False):
        """Run `tradelane ARGS`; kill it (or the node) after a delay. -> (code, out, killed)."""
        self.counts["runs"] += 1
        process = subprocess.Popen(
            [sys.executable, "-m", "tradelane.cli", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=self.env,
        )
        killed = False
        if kill_after is not None:
            try:
                process.wait(timeout=kill_after)
            except subprocess.TimeoutExpired:
                killed = True
                process.send_signal(signal.SIGKILL)
        elif kill_node_after is not None:  # the node dies then, even if the command just ended
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=kill_node_after)
            self.node.stop(kill=True)
            killed = True
        out, err = process.communicate(timeout=120)
        if check and process.returncode != 0:
            raise RuntimeError(f"tradelane {' '.join(args)} failed: {err.strip()}")
        return process.returncode, out, killed

    def cli_here(self, args) -> tuple[int, str]:
        """Run `tradelane ARGS` in this process (the re-runs: nothing kills them)."""
        from click.testing import CliRunner

        from tradelane.cli import cli

        self.counts["runs"] += 1
        env = {k: self.env[k] for k in ("TRADELANE_HOME", "TRADELANE_RPC")}
        result = CliRunner().invoke(cli, args, env={**env, "TRADELANE_RECEIPT_TIMEOUT": "20"})
        return result.exit_code, result.stdout if result.exit_code == 0 else result.output

    def restart_node(self) -> None:
        self.node = Anvil(self.port, self.state).start()
        recover(self.url)
        self.tl = Tradelane.attach(connect(self.url))

    def calibrate(self, scenario: Scenario) -> float:
        """How long the command takes when nothing goes wrong (its own scenario, not counted)."""
        args, ctx = scenario.arrange(self, 10_000 + len(self.durations))
        started = time.monotonic()
        self.cli(args, check=True)
        self.durations[scenario.name] = time.monotonic() - started
        return self.durations[scenario.name]

    def point(self, scenario: Scenario, k: int, *, node: bool) -> None:
        """One kill point: arrange, kill at a random moment, finish, check."""
        duration = self.durations.get(scenario.name)
        if duration is None and self.durations and not self.calibrate_each:
            duration = max(self.durations.values())
        duration = duration or self.calibrate(scenario)
        args, ctx = scenario.arrange(self, k)
        if node:
            # The arrangement is library work, not journaled: let anvil save it, and the node's
            # last good copy of its state file catch up (a torn file falls back to that copy).
            time.sleep(2.5)
        delay = self.rng.uniform(0.2, 1.3 if node else 1.0) * duration
        kw = {"kill_node_after": delay} if node else {"kill_after": delay}
        code, out, killed = self.cli(args, **kw)
        self.counts["scenarios"] += 1
        self.counts["kill_points"] += int(killed)
        if node and killed:
            self.restart_node()
        where = f"{scenario.name} #{k} ({'node' if node else 'command'} killed at {delay:.2f}s)"
        # it reported success before the kill landed (or no kill): it must be on chain
        if code == 0 and scenario.effects(self, ctx) < 1:
            self.counts["lost_reported_successes"] += 1
            self.problems.append(f"{where}: reported success, effect not on chain")
        final = None
        for _ in range(2):  # finish it, then once more: a finished command sends nothing
            code, out = self.cli_here(args)
            if code != 0:
                self.counts["wrong_reports"] += 1
                self.problems.append(f"{where}: re-run failed: {out.strip()[-200:]}")
                return
            final = json.loads(out)
        effects = scenario.effects(self, ctx)
        if effects > 1:
            self.counts["duplicates"] += 1
            self.problems.append(f"{where}: effect on chain {effects} times; {ctx}")
        if effects < 1 or not scenario.truthful(self, ctx, final):
            self.counts["wrong_reports"] += 1
            self.problems.append(f"{where}: report {final} does not match the chain")


def run(
    points: int = 200,
    seed: int = 13,
    scenarios=None,
    home: Path | None = None,
    *,
    calibrate_each: bool = True,
    min_scenarios: int = 0,
) -> dict:
    """Kill points over every scenario in turn, a round killing the command, the next the node,
    until `points` kills landed.
    `calibrate_each=False` times one command and uses that for all (quicker, for the tests);
    `min_scenarios` runs at least that many scenarios."""
    scenarios = scenarios or SCENARIOS
    folder = Path(home or tempfile.mkdtemp(prefix="tradelane-faults-"))
    started = time.monotonic()
    # the library's view of the same home, for the arranging and the checking
    with mock.patch.dict(os.environ, {"TRADELANE_HOME": str(folder)}):
        h = Harness(folder, seed)
        h.calibrate_each = calibrate_each
        try:
            k = 0  # until `points` kills landed (a command may end before its kill)
            while (h.counts["kill_points"] < points or k < min_scenarios) and k < 3 * points:
                h.point(scenarios[k % len(scenarios)], k, node=bool((k // len(scenarios)) % 2))
                k += 1
        finally:
            h.close()
    return {
        **h.counts,
        "seconds": round(time.monotonic() - started, 1),
        "command_seconds": {k: round(v, 2) for k, v in h.durations.items()},
        "problems": h.problems[:20],
    }


if __name__ == "__main__":
    print(json.dumps(run(int(sys.argv[1]) if len(sys.argv) > 1 else 200), indent=2))
