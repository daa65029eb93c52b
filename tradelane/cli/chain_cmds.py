"""`tradelane node` and `tradelane deploy`: a local chain and the contract on it."""

from __future__ import annotations

import time
from pathlib import Path

import click
from rich.table import Table

from .. import deployments, files
from ..chain import dev_accounts
from ..client import Tradelane
from ..errors import InputError
from ..node import Anvil, recover
from ..revert import span
from .app import cli
from .options import (
    account_option,
    err_console,
    json_option,
    open_chain,
    out,
    parse_duration,
    print_json,
    rpc_option,
    signer,
    spinner,
    when,
)


@cli.group(invoke_without_command=True)
@click.option("--port", default=8545, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--state",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="State file kept across restarts [default: $TRADELANE_HOME/anvil-state.json].",
)
@click.option("--fresh", is_flag=True, help="Delete the state file first: start a new chain.")
@click.pass_context
def node(ctx: click.Context, port: int, state: Path | None, fresh: bool) -> None:
    """Run the pinned anvil dev node on 127.0.0.1 until Ctrl-C.

    The chain is saved to the state file every second and on a clean stop, so a
    restart continues where it left off (deployments included). On a restart the clock
    resumes no earlier than the last block seen (keeping a moved clock's offset), and
    transactions a command journaled in this home that the state file lost (a kill -9
    within a second of them) are sent again from the journal.

    \b
    Example:
      tradelane node --port 8545
      tradelane node --fresh
      tradelane node advance 7d      # dev only: move the running node's clock
    """
    if ctx.invoked_subcommand is not None:
        return
    state = state or files.home() / "anvil-state.json"
    if state.exists() and state.is_dir():
        raise InputError(f"--state {state} is a folder; give a file path")
    if fresh and state.exists():
        state.unlink()
    resumed = state.exists()
    anvil = Anvil(port, state)
    anvil.start()
    console = out()
    try:
        console.print(
            f"anvil listening at [bold]{anvil.url}[/] (chain 31337), "
            f"{'resumed from' if resumed else 'saving to'} {state}"
        )
        if anvil.restored_backup:
            console.print(
                f"the state file was torn by a crash while anvil wrote it; resumed from its last "
                f"good copy {anvil.backup}"
            )
        if resumed:
            restored = recover(anvil.url)
            console.print(
                f"clock at {when(restored['clock'])} UTC "
                f"({_ahead(restored['offset'])}); {restored['restored']} journaled "
                "transaction(s) the state file had lost were sent again"
            )
        table = Table("account", "address", title="dev accounts (10 000 ETH each on a new chain)")
        for name, acct in dev_accounts().items():
            table.add_row(name, acct.address)
        console.print(table)
        console.print("Ctrl-C stops the node and saves its state.")
        while anvil.process.poll() is None:
            time.sleep(0.2)
        click.echo(f"error: anvil exited with code {anvil.process.returncode}", err=True)
        raise SystemExit(1)
    except KeyboardInterrupt:
        pass
    finally:
        anvil.stop()
    console.print(f"anvil stopped; state saved in {state}")


def _ahead(seconds: float) -> str:
    if seconds < 60:
        return "real time"
    days, rest = divmod(int(seconds), 86_400)
    return f"{days} d {rest // 3600} h ahead of real time"


@node.command()
@click.argument("duration")
@rpc_option
@json_option
def advance(duration: str, rpc: str | None, as_json: bool) -> None:
    """Dev chains only: move the node's clock forward by DURATION and mine a block.

    For trying refunds, grace periods and dispute timeouts without waiting. Each run
    moves the clock again. A restarted `tradelane node` keeps the moved clock.

    \b
    Example:
      tradelane node advance 7d
      tradelane node advance 36h --rpc http://127.0.0.1:8545
    """
    seconds = parse_duration(duration)
    chain = open_chain(rpc)
    if not chain.is_dev or chain.is_embedded:
        where = "an in-process chain" if chain.is_embedded else f"chain {chain.chain_id}"
        raise InputError(
            f"`node advance` moves a dev node's clock; {where} is not one. Use --rpc with "
            "the URL of a `tradelane node`"
        )
    before = chain.now()
    after = chain.advance(seconds)
    if as_json:
        print_json({"before": before, "after": after, "advanced": after - before})
        return
    out().print(
        f"clock moved from {when(before)} to {when(after)} UTC (block {chain.w3.eth.block_number})"
    )


@cli.command()
@rpc_option
@account_option("deployer", "deploys the contract")
@click.option(
    "--grace-period",
    default="3d",
    show_default=True,
    help="Buyer grace period after delivery (7d, 12h, … or seconds); 1 h to 30 d.",
)
@click.option(
    "--arbiter-timeout",
    default="14d",
    show_default=True,
    help="How long the arbiter has to decide a dispute (7d, 12h, … or seconds); 1 d to 90 d.",
)
@click.option("--force", is_flag=True, help="Deploy again even if the same sources are deployed.")
@json_option
def deploy(
    rpc: str | None,
    account: str,
    grace_period: str,
    arbiter_timeout: str,
    force: bool,
    as_json: bool,
) -> None:
    """Compile (cached) and deploy the Shipments contract; record it for this chain.

    The deployment (address, chain id, block, compiler, source hash) goes to
    $TRADELANE_HOME/deployments.json, where every other command finds it. Re-running
    on the same chain with unchanged sources does not deploy again.

    \b
    Example:
      tradelane deploy --rpc http://127.0.0.1:8545
      tradelane deploy --rpc https://sepolia.example --account ./deployer.json
    """
    grace = parse_duration(grace_period, "--grace-period")
    timeout = parse_duration(arbiter_timeout, "--arbiter-timeout")
    chain = open_chain(rpc)
    sender = signer(chain, account)
    with spinner("compiling and deploying Shipments…", quiet=as_json):
        tl, deployed_now = Tradelane.deploy(
            chain, sender=sender, grace_period=grace, arbiter_timeout=timeout, force=force
        )
    waits = tl.settings()
    entry = {
        "chain_id": chain.chain_id,
        **tl.deployment,
        "deployed_now": deployed_now,
        **{k: list(v) if isinstance(v, tuple) else v for k, v in waits.items()},
    }
    if as_json:
        print_json(entry)
        return
    verb = "deployed" if deployed_now else "already deployed (same sources)"
    out().print(
        f"Shipments {verb} at [bold]{tl.address}[/] on chain {chain.chain_id} "
        f"(block {tl.deployment.get('block')})"
    )
    (g_min, g_max), (a_min, a_max) = waits["grace_period_bounds"], waits["arbiter_timeout_bounds"]
    out().print(
        f"buyer grace period {span(waits['grace_period'])} (every deployment: "
        f"{span(g_min)} to {span(g_max)}); arbiter timeout {span(waits['arbiter_timeout'])} "
        f"({span(a_min)} to {span(a_max)}) — nobody can change them"
    )
    if not chain.is_embedded:
        err_console().print(f"recorded in {deployments.deployments_file()}")
