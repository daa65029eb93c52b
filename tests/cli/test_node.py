"""`tradelane node` runs anvil in the foreground and stops cleanly on Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from tradelane.node import _answers, free_port


def test_node_serves_until_interrupted_and_keeps_its_state(tmp_path):
    port = free_port()
    state = tmp_path / "state.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "tradelane.cli", "node", "--port", str(port), "--state", str(state)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    seen = []
    try:
        for line in process.stdout:  # the banner ends with the Ctrl-C hint
            seen.append(line)
            if "Ctrl-C" in line:
                break
        assert _answers(f"http://127.0.0.1:{port}")
    finally:
        process.send_signal(signal.SIGINT)
        rest, _ = process.communicate(timeout=30)
    output = "".join(seen) + rest

    assert process.returncode == 0, output
    assert "dev accounts" in output and "buyer" in output
    assert "state saved" in output
    assert state.exists()
    assert "Traceback" not in output


def test_anvil_stops_when_its_parent_is_killed_outright(tmp_path):
    """A test run or `tradelane node` that dies by SIGKILL leaves no anvil listening behind."""
    port = free_port()
    state = str(tmp_path / "state.json")
    parent = subprocess.Popen(
        [sys.executable, "-m", "tradelane.cli", "node", "--port", str(port), "--state", state],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    for line in parent.stdout:
        if "Ctrl-C" in line:
            break
    assert _answers(f"http://127.0.0.1:{port}")

    parent.kill()
    parent.wait(timeout=10)

    deadline = time.monotonic() + 15
    while _answers(f"http://127.0.0.1:{port}") and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _answers(f"http://127.0.0.1:{port}")
