"""CLI tests: the real `tradelane` entry point against one anvil shared by the session.

Each `--rpc embedded` invocation would get a new chain, so the commands run against an
anvil started here (free port, stopped at the end even on failure) with one deployment
and a TRADELANE_HOME of its own. Shipments are arranged through the library client (the
same code the commands call) and acted on through the commands.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable

import pytest
from cli_kit import encoded_route
from click.testing import CliRunner, Result

from tradelane.chain import connect
from tradelane.cli import cli
from tradelane.client import DAY, ETH, Tradelane
from tradelane.model import Tranche
from tradelane.node import Anvil


@pytest.fixture(scope="session")
def anvil():
    node = Anvil()
    node.start()
    try:
        yield node
    finally:
        node.stop()


@pytest.fixture(scope="session")
def home(tmp_path_factory):
    return tmp_path_factory.mktemp("tradelane-home")


@pytest.fixture(scope="session")
def env(anvil, home) -> dict[str, str | None]:
    return {"TRADELANE_RPC": anvil.url, "TRADELANE_HOME": str(home), "TRADELANE_DEBUG": None}


@pytest.fixture(scope="session")
def invoke(env) -> Callable[..., Result]:
    """Run `tradelane ARGS…`; `ok=True` (the default) asserts exit 0 and shows the output."""

    def run(*args: str, ok: bool = True, extra_env: dict | None = None, input: str | None = None):
        # click's runner puts `env` into os.environ for the call (None removes a variable)
        result = CliRunner().invoke(
            cli, [str(a) for a in args], env={**env, **(extra_env or {})}, input=input
        )
        if ok:
            assert result.exit_code == 0, f"exit {result.exit_code}\n{result.output}"
        return result

    return run


@pytest.fixture(scope="session")
def deployed(invoke) -> str:
    result = invoke("deploy", "--json")
    return json.loads(result.stdout)["address"]


@pytest.fixture(scope="session")
def tl(anvil, deployed, env) -> Tradelane:
    os.environ["TRADELANE_HOME"] = env["TRADELANE_HOME"]
    try:
        return Tradelane.attach(connect(anvil.url))
    finally:
        os.environ.pop("TRADELANE_HOME", None)


@pytest.fixture(scope="session")
def chain_key(tl) -> str:
    """The session anvil's key in deployments.json: chain id and genesis hash."""
    from tradelane.deployments import chain_key

    return chain_key(tl.chain)


@pytest.fixture
def routed(tl) -> Callable[..., int]:
    """Factory: an agreed, funded shipment (1 ETH, 20 % at DEPA of leg 0), every leg booked."""

    def make(stops=("CNSHA", "SGSIN", "NLRTM"), amount=10**18, deadline_days=30, buyer="buyer"):
        return tl.open_agreed_shipment(
            buyer,
            seller="seller",
            encoded=encoded_route(tl, stops),
            amount=amount,
            deadline=tl.chain.now() + deadline_days * DAY,
            arbiter="arbiter",
            token=ETH,
            tranches=[Tranche.parse("DEPA:0:2000")],
        )

    return make
