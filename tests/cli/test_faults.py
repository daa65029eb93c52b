"""Fault injection, short: every sending command is killed once (SIGKILL) at a random moment,
and once the node under it is killed (and restarted from its state file), then run again:
the chain shows its effect exactly once, and what it reported is what the chain holds.
`make bench` runs the same harness for 200 kill points (benchmarks/faults.py)."""

from __future__ import annotations

from benchmarks import faults


def test_every_sending_command_survives_a_kill_of_itself_and_of_the_node(tmp_path):
    rounds = 2 * len(faults.SCENARIOS)  # each command: a kill of itself, then one of the node

    result = faults.run(
        len(faults.SCENARIOS), seed=2026, home=tmp_path, calibrate_each=False, min_scenarios=rounds
    )

    assert result["scenarios"] == rounds and result["kill_points"] >= len(faults.SCENARIOS)
    assert result["problems"] == []
    assert result["duplicates"] == 0
    assert result["lost_reported_successes"] == 0
    assert result["wrong_reports"] == 0
