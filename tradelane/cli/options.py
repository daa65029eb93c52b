"""Options every command shares (--rpc, --account, --json) and the helpers behind them.

Accounts: on a dev chain a dev name (``buyer``, ``carrier1`` …); anywhere an encrypted
eth-account keystore file, whose password comes from ``TRADELANE_PASSWORD`` or a prompt.
A private key is never printed or logged.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import click
from eth_account import Account
from eth_account.signers.local import LocalAccount
from rich.console import Console

from ..chain import DEV_NAMES, Chain, connect
from ..client import Tradelane
from ..errors import InputError, read_json

__all__ = [
    "rpc_option",
    "account_option",
    "json_option",
    "open_chain",
    "open_client",
    "signer",
    "out",
    "err_console",
    "spinner",
    "print_json",
    "ask",
    "parse_amount",
    "format_amount",
    "parse_time",
    "when",
]

PASSWORD_ENV = "TRADELANE_PASSWORD"
TIMEOUT_ENV = "TRADELANE_RECEIPT_TIMEOUT"
BUMP_ENV = "TRADELANE_BUMP_AFTER"


def rpc_option(fn: Callable) -> Callable:
    return click.option(
        "--rpc",
        envvar="TRADELANE_RPC",
        default=None,
        metavar="URL",
        help="Chain to use: an http(s)/ws(s) URL or 'embedded' "
        "[env TRADELANE_RPC; default http://127.0.0.1:8545].",
    )(fn)


def account_option(default: str | None, what: str = "signs the transaction") -> Callable:
    shown = f" [default: {default}]" if default else ""

    def decorate(fn: Callable) -> Callable:
        return click.option(
            "--account",
            "-a",
            default=default,
            metavar="NAME|KEYSTORE",
            help=f"Who {what}: a dev account name on a dev chain, or a keystore file "
            f"(password from ${PASSWORD_ENV} or a prompt).{shown}",
        )(fn)

    return decorate


def json_option(fn: Callable) -> Callable:
    return click.option("--json", "as_json", is_flag=True, help="Print JSON only (no tables).")(fn)


# -- chain, client, signers -----------------------------------------------------------


def open_chain(rpc: str | None) -> Chain:
    chain = connect(rpc)
    for env, attr in ((TIMEOUT_ENV, "receipt_timeout"), (BUMP_ENV, "bump_after")):
        value = os.environ.get(env)
        if value:
            try:
                seconds = float(value)
            except ValueError:
                seconds = -1.0
            if not seconds > 0:
                raise InputError(f"${env}={value!r} is not a positive number of seconds")
            setattr(chain, attr, seconds)
    return chain


def open_client(rpc: str | None) -> Tradelane:
    """Connect and find the deployed contract through the deployments file.

    An embedded chain lives only as long as this process, so it gets a fresh deployment.
    """
    chain = open_chain(rpc)
    if chain.is_embedded:
        return Tradelane.deploy(chain)[0]
    return Tradelane.attach(chain)


def _looks_like_file(spec: str) -> bool:
    return spec.endswith(".json") or os.sep in spec or Path(spec).is_file()


def signer(chain: Chain, spec: str | None, *, role: str = "account") -> LocalAccount:
    """The LocalAccount for `spec`: a dev name or a keystore file (registered on the chain)."""
    if not spec:
        raise InputError(f"no {role} given: pass --account NAME or --account KEYSTORE.json")
    if spec in DEV_NAMES or not _looks_like_file(spec):
        return chain.account(spec)
    acct = load_keystore(Path(spec))
    chain.signers[acct.address] = acct
    return acct


def load_keystore(path: Path) -> LocalAccount:
    keystore = read_json(path, "keystore")
    if not isinstance(keystore, dict) or "crypto" not in {k.lower() for k in keystore}:
        raise InputError(f"{path} is not an encrypted keystore (no 'crypto' section)")
    password = os.environ.get(PASSWORD_ENV)
    if password is None and not sys.stdin.isatty():  # piped in, one line
        password = sys.stdin.readline().rstrip("\r\n") or None
        if password is None:
            raise InputError(
                f"keystore {path} needs its password and there is no terminal to ask on; "
                f"set ${PASSWORD_ENV} or pipe it in"
            )
    if password is None:
        password = click.prompt(f"Password for {path.name}", hide_input=True, err=True)
    try:
        key = Account.decrypt(keystore, password)
    except ValueError as err:
        raise InputError(f"wrong password for keystore {path} (or the file is damaged)") from err
    return Account.from_key(key)


# -- output ------------------------------------------------------------------------------


def out() -> Console:
    """Console on stdout, created per call so test runners' capture is honoured."""
    return Console(highlight=False, soft_wrap=False, width=_width())


def err_console() -> Console:
    return Console(stderr=True, highlight=False, width=_width())


def _width() -> int | None:
    try:
        return None if sys.stdout.isatty() else 120
    except (AttributeError, ValueError):
        return 120


@contextlib.contextmanager
def spinner(message: str, *, quiet: bool = False) -> Iterator[None]:
    """A rich spinner on stderr while a slow step runs (nothing when quiet or not a TTY)."""
    console = err_console()
    if quiet or not console.is_terminal:
        yield
        return
    with console.status(message):
        yield


def ask(what: str, *, yes: bool, as_json: bool, refuse_unattended: str | None = None) -> None:
    """Show what will move; ask when a person is at the terminal (``--yes`` skips the
    question). `refuse_unattended`: a reason to refuse without a terminal unless ``--yes``."""
    unattended = not yes and not sys.stdin.isatty()
    if unattended and refuse_unattended:
        raise InputError(f"{refuse_unattended}; nothing sent. Pass --yes to do it anyway")
    if not as_json:
        err_console().print(what)
    if yes or unattended:
        return
    if not click.confirm("go ahead?", default=False, err=True):
        raise InputError("not confirmed; nothing sent")


def print_json(data: Any) -> None:
    click.echo(json.dumps(data, indent=2, default=str))


# -- values ------------------------------------------------------------------------------


def parse_amount(text: str, decimals: int) -> int:
    """'1.5' (token units) -> base units; '1500wei' or '0.1eth' are understood too."""
    value = text.strip().lower().replace("_", "")
    unit = decimals
    if value.endswith("wei"):
        value, unit = value[:-3], 0
    elif value.endswith("gwei"):
        value, unit = value[:-4], 9
    elif value.endswith("eth"):
        value, unit = value[:-3], 18
    try:
        amount = Decimal(value) * (Decimal(10) ** unit)
    except InvalidOperation as err:
        raise InputError(f"amount '{text}' is not a number (e.g. 1.5 or 1500wei)") from err
    if amount != amount.to_integral_value() or amount <= 0:
        raise InputError(f"amount '{text}' must be positive and fit {decimals} decimals")
    return int(amount)


def format_amount(value: int, decimals: int, symbol: str = "") -> str:
    number = Decimal(value) / (Decimal(10) ** decimals) if decimals else Decimal(value)
    text = f"{number.normalize():f}"
    return f"{text} {symbol}".strip()


def parse_time(text: str | None, now: int) -> int:
    """'now', unix seconds, '+3d'/'+12h', or ISO 8601 ('2026-03-01T12:00Z') -> unix seconds."""
    if text is None or text == "now":
        return now
    value = text.strip()
    if value.startswith("+") and value[-1:] in "dhms" and value[1:-1].isdigit():
        scale = {"d": 86_400, "h": 3_600, "m": 60, "s": 1}[value[-1]]
        return now + int(value[1:-1]) * scale
    if value.isdigit():
        return int(value)
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as err:
        raise InputError(f"time '{text}' is not 'now', unix seconds, +3d/+12h or ISO 8601") from err
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp())


def when(ts: int | None) -> str:
    if not ts:
        return "-"
    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d %H:%M")


def short(address: str) -> str:
    return f"{address[:6]}…{address[-4:]}" if address and len(address) > 12 else address


def dev_name(address: str) -> str | None:
    """The dev role name of `address`, if it is one of the dev accounts."""
    from ..chain import dev_accounts

    for name, acct in dev_accounts().items():
        if acct.address.lower() == address.lower():
            return name
    return None


def who(address: str) -> str:
    name = dev_name(address)
    return f"{name} ({short(address)})" if name else address


def tx_row(label: str, receipt: dict) -> dict:
    """One transaction as the demo and commands report it."""
    return {
        "step": label,
        "tx": "0x" + receipt["transactionHash"].hex().removeprefix("0x"),
        "block": receipt["blockNumber"],
        "gas": receipt["gasUsed"],
        "earlier_run": bool(receipt.get("reused")),
    }
