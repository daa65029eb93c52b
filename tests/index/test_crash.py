"""kill -9 at random moments during catch-up and following; restart; the index equals a
fresh one (nothing lost, nothing twice: every range and its cursor commit together)."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time

import story
from index_kit import dump, fresh_dump

from tradelane.index import attach


def _indexer(tl, db_url, env):
    command = [sys.executable, "-m", "tradelane.cli", "index", "--follow", "--json"]
    command += ["--rpc", tl.chain.url, "--db", db_url, "--range", "1", "--poll", "0.05"]
    return subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True
    )


def _wait(reader, process, done, timeout=60.0):
    deadline = time.monotonic() + timeout
    while not done(reader.freshness()):
        assert process.poll() is None, process.stderr.read().decode()
        assert time.monotonic() < deadline, "the indexer made no progress"
        time.sleep(0.01)


def test_killed_at_random_moments_it_loses_and_repeats_nothing(
    states, tl, db_url, fresh_url, env_home
):
    rng = random.Random(15)
    client = type(tl)(tl.chain, tl.address, tl.deployment)
    reader = attach(client, db_url).reader
    moments = []
    for round_ in range(4):
        catching_up = round_ % 2 == 0
        if catching_up:  # many blocks behind: killed part-way through reading them
            story.traffic(tl, 12, salt=round_)
        before = reader.freshness()
        start = before.block if before else -1
        process = _indexer(tl, db_url, env_home)
        if catching_up:
            _wait(reader, process, lambda f, s=start: f is not None and f.block > s)
            time.sleep(rng.uniform(0.0, 0.3))
        else:  # caught up, then killed while following new blocks
            head = tl.chain.w3.eth.block_number
            _wait(reader, process, lambda f, h=head: f is not None and f.block == h)
            story.traffic(tl, 3, salt=round_)
            time.sleep(rng.uniform(0.0, 0.2))
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)
        fresh = reader.freshness()
        moments.append((fresh.block, tl.chain.w3.eth.block_number))
    assert any(block < head for block, head in moments), moments  # some kills mid-way
    # a restart finishes the job; the result is what a fresh index of the chain holds
    ix = attach(client, db_url)
    ix.sync()
    try:
        assert dump(ix.store, tl.chain.chain_id, tl.address) == fresh_dump(tl, fresh_url)
    finally:
        ix.stop()
